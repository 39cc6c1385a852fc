/**
 * Code tables that make a resource SUD / mental-health sensitive (P2-18). Data only: labeling.ts
 * applies them. Every code here was checked against a published source (named per table); codes
 * we could not confirm are left out rather than guessed — a missing code under-labels, but the
 * writer-is-Part-2-program rule and client labels still apply (P2-20: fail closed elsewhere).
 */
import type { Coding } from '@medplum/fhirtypes';
import type { SensitivityCode } from './labels.js';

export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
/** WHO ICD-10 shares chapter F's category structure (F10–F19 etc.), so it is classified the same way. */
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
export const SNOMED_CT = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/**
 * Project-local code systems, with the URLs profiles/ defines them under (profiles/compiled
 * CodeSystem-*.json). NOTE_TYPE_SYSTEM is the one exception: profiles/ has no note-type
 * CodeSystem yet, so it must be added there with this URL.
 */
const LOCAL = 'https://reentry-gateway.example.org/fhir/CodeSystem';
export const LINKAGE_DOMAIN_SYSTEM = `${LOCAL}/linkage-domain`;
export const OBSERVATION_CATEGORY_SYSTEM = `${LOCAL}/reentry-observation-category`;
export const ASSESSMENT_INSTRUMENT_SYSTEM = `${LOCAL}/assessment-instrument`;
export const ASSESSMENT_DOMAIN_SYSTEM = `${LOCAL}/assessment-domain`;
export const DRUG_TEST_PANEL_SYSTEM = `${LOCAL}/drug-test-panel`;
export const TREATMENT_TYPE_SYSTEM = `${LOCAL}/treatment-type`;
export const PART2_MONITORING_CATEGORY_SYSTEM = `${LOCAL}/part2-monitoring-category`;
export const NOTE_TYPE_SYSTEM = `${LOCAL}/note-type`;

/** The project's drug-test Observation category code (DrugTestResult profile). */
export const DRUG_TEST_CATEGORY = 'drug-test';
/** The project's SUD counseling-note type (psychotherapy-style notes, P2-07). */
export const SUD_COUNSELING_NOTE = 'sud-counseling-note';

/** What one coding says about the record. `part2` marks SUD-program content (see labeling.ts). */
export interface CodeFinding {
  readonly sensitivities: readonly SensitivityCode[];
  readonly part2: boolean;
}

const SUD: CodeFinding = { sensitivities: ['SUD'], part2: true };
const OPIOID: CodeFinding = { sensitivities: ['SUD', 'OPIOIDUD'], part2: true };
const ALCOHOL: CodeFinding = { sensitivities: ['SUD', 'ETHUD'], part2: true };
const MENTAL: CodeFinding = { sensitivities: ['MH', 'BH'], part2: false };
const COUNSELING_NOTE: CodeFinding = { sensitivities: ['PSYTHPN', 'SUD'], part2: true };
const CO_OCCURRING: CodeFinding = { sensitivities: ['SUD', 'MH', 'BH'], part2: true };

/** Every drug-test-panel code is a drug test (P2-18), alcohol tests included. */
const DRUG_TEST_PANELS = ['panel-5', 'panel-10', 'panel-12', 'fentanyl', 'buprenorphine', 'ethyl-glucuronide', 'breath-alcohol'];
/** ASAM criteria dimensions are SUD clinical assessment (unlike ORAS/LSI-R's `substance-use` domain, see below). */
const ASAM_DIMENSIONS = [1, 2, 3, 4, 5, 6].map((n) => `asam-dimension-${n}`);

/**
 * Exact system|code tables. Sources:
 * - SNOMED CT: SNOMED International browser concept names (International edition).
 * - LOINC drug tests: LOINC names "Opiates [Presence] in Urine by Screen method" (19295-5),
 *   "Opiates [Presence] in Urine" (3879-4), "Tetrahydrocannabinol [Presence] in Urine" (3426-4),
 *   "Cocaine [Presence] in Urine by Screen method" (19359-9), "Amphetamine [Presence] in Urine by
 *   Screen method" (19343-3), "Benzodiazepines [Presence] in Urine by Screen method" (14316-4);
 *   cross-checked in public LOINC mapping tables and the HL7 CDC opioid CPG IG.
 * - LOINC instruments: DAST-10 panel 82666-9; AUDIT-C panel 72109-2 and total score 75626-2;
 *   PHQ-9 panel 44249-1 and total score 44261-6; GAD-7 panel 69737-5 and total score 70274-6.
 * - RxNorm ingredients: buprenorphine 1819, methadone 6813, naltrexone 7243 (MOUD/MAUD).
 */
const EXACT: ReadonlyMap<string, CodeFinding> = new Map<string, CodeFinding>([
  // SNOMED CT disorders
  [`${SNOMED_CT}|66214007`, SUD], // Substance abuse (disorder)
  [`${SNOMED_CT}|26416006`, SUD], // Drug abuse (disorder)
  [`${SNOMED_CT}|191816009`, SUD], // Drug dependence (disorder)
  [`${SNOMED_CT}|5602001`, OPIOID], // Opioid abuse (disorder)
  [`${SNOMED_CT}|75544000`, OPIOID], // Opioid dependence (disorder)
  [`${SNOMED_CT}|7200002`, ALCOHOL], // Alcoholism (disorder)
  [`${SNOMED_CT}|15167005`, ALCOHOL], // Alcohol abuse (disorder)
  [`${SNOMED_CT}|310627008`, SUD], // Urine drug screening (procedure)
  [`${SNOMED_CT}|35489007`, MENTAL], // Depressive disorder
  [`${SNOMED_CT}|197480006`, MENTAL], // Anxiety disorder
  [`${SNOMED_CT}|58214004`, MENTAL], // Schizophrenia
  [`${SNOMED_CT}|13746004`, MENTAL], // Bipolar disorder
  // LOINC drug tests (P2-18: a drug-test Observation is Part 2 data)
  [`${LOINC}|19295-5`, SUD],
  [`${LOINC}|3879-4`, SUD],
  [`${LOINC}|3426-4`, SUD],
  [`${LOINC}|19359-9`, SUD],
  [`${LOINC}|19343-3`, SUD],
  [`${LOINC}|14316-4`, SUD],
  // LOINC screening instruments
  [`${LOINC}|82666-9`, SUD], // DAST-10
  [`${LOINC}|72109-2`, ALCOHOL], // AUDIT-C
  [`${LOINC}|75626-2`, ALCOHOL], // AUDIT-C total score
  [`${LOINC}|44249-1`, MENTAL], // PHQ-9
  [`${LOINC}|44261-6`, MENTAL], // PHQ-9 total score
  [`${LOINC}|69737-5`, MENTAL], // GAD-7
  [`${LOINC}|70274-6`, MENTAL], // GAD-7 total score
  // RxNorm medications for opioid / alcohol use disorder
  [`${RXNORM}|1819`, OPIOID], // buprenorphine
  [`${RXNORM}|6813`, OPIOID], // methadone
  [`${RXNORM}|7243`, SUD], // naltrexone (opioid or alcohol use disorder)
  [`${LOINC}|82667-7`, SUD], // DAST-10 total score (as profiles/ ClinicalScreeningScoreVS uses it)
  // Project-local codes. Deliberately NOT labeled: assessment-domain `substance-use` (a scored
  // domain of corrections risk tools such as ORAS/LSI-R, not a SUD record) and supervision
  // conditions (`treatment-mandate`, `drug-testing`): court/agency orders, not Part 2 records.
  [`${LINKAGE_DOMAIN_SYSTEM}|substance-use`, SUD], // P2-18: referral to SUD treatment
  [`${LINKAGE_DOMAIN_SYSTEM}|mental-health`, MENTAL],
  [`${OBSERVATION_CATEGORY_SYSTEM}|${DRUG_TEST_CATEGORY}`, SUD], // P2-18: drug-test Observation
  ...DRUG_TEST_PANELS.map((code): [string, CodeFinding] => [`${DRUG_TEST_PANEL_SYSTEM}|${code}`, SUD]),
  [`${ASSESSMENT_INSTRUMENT_SYSTEM}|TCU-DS-5`, SUD], // TCU Drug Screen 5
  [`${ASSESSMENT_INSTRUMENT_SYSTEM}|ASAM-LOC`, SUD], // ASAM level-of-care assessment
  [`${ASSESSMENT_INSTRUMENT_SYSTEM}|BJMHS`, MENTAL], // Brief Jail Mental Health Screen
  [`${ASSESSMENT_INSTRUMENT_SYSTEM}|CMHS`, MENTAL], // Correctional Mental Health Screen
  ...ASAM_DIMENSIONS.map((code): [string, CodeFinding] => [`${ASSESSMENT_DOMAIN_SYSTEM}|${code}`, SUD]),
  [`${TREATMENT_TYPE_SYSTEM}|sud`, SUD],
  [`${TREATMENT_TYPE_SYSTEM}|mh`, MENTAL],
  [`${TREATMENT_TYPE_SYSTEM}|co-occurring`, CO_OCCURRING],
  // P2-10: §2.35 monitoring information is, by definition, from the Part 2 program.
  ...['drug-test', 'attendance', 'progress', 'compliance'].map((code): [string, CodeFinding] => [`${PART2_MONITORING_CATEGORY_SYSTEM}|${code}`, SUD]),
  [`${NOTE_TYPE_SYSTEM}|${SUD_COUNSELING_NOTE}`, COUNSELING_NOTE], // P2-07
]);

/**
 * ICD-10-CM chapter F by category (F10–F19 "Mental and behavioral disorders due to psychoactive
 * substance use"; F20–F48, F50–F69, F90–F98 mental disorders). F17 (nicotine) is NOT SUD here:
 * 42 CFR §2.11 excludes tobacco and caffeine from "substance use disorder".
 */
function classifyIcd10(code: string): CodeFinding | undefined {
  const match = /^F(\d{2})/i.exec(code.trim());
  if (!match?.[1]) return undefined;
  const category = Number(match[1]);
  if (category === 11) return OPIOID;
  if (category === 10) return ALCOHOL;
  if (category === 17) return undefined;
  if (category >= 12 && category <= 19) return SUD;
  if ((category >= 20 && category <= 48) || (category >= 50 && category <= 69) || (category >= 90 && category <= 98)) {
    return MENTAL;
  }
  return undefined;
}

/** Classifies one coding; undefined when it says nothing about SUD or mental health. */
export function classifyCoding(coding: Coding): CodeFinding | undefined {
  if (typeof coding.system !== 'string' || typeof coding.code !== 'string') return undefined;
  if (coding.system === ICD10CM || coding.system === ICD10) return classifyIcd10(coding.code);
  return EXACT.get(`${coding.system}|${coding.code.trim()}`);
}
