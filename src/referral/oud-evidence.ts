/**
 * Evidence in a participant's own records that they have opioid use disorder (ICTS: OUD gives
 * priority entry). What counts is what the gateway's labeling already recognises as OUD — the
 * `OPIOIDUD` sensitivity it computes from ICD-10 F11.x, the opioid SNOMED disorders and the MOUD
 * RxNorm ingredients (src/consent/sud-codes.ts) — plus a positive opioid, fentanyl or
 * buprenorphine drug test. Records entered in error or refuted do not count.
 *
 * Every piece of evidence is a Part 2 record; callers must not let it reach anyone the consent
 * engine would not release it to (see oud-priority.ts).
 */
import type { Coding, Observation, Resource } from '@medplum/fhirtypes';
import { actCode, V3_ACT_CODE } from '../consent/labels.js';
import type { SearchFilter } from '../storage/search-query.js';
import type { Store, StoredVersion } from '../storage/store.js';

const LOINC = 'http://loinc.org';
const LOCAL = 'https://reentry-gateway.example.org/fhir/CodeSystem';
/** Record types a clinical OUD finding may sit in (all searchable by `patient`). */
const EVIDENCE_TYPES = ['Condition', 'Observation', 'EpisodeOfCare', 'CarePlan', 'QuestionnaireResponse'] as const;
/** Opiate screens (LOINC 19295-5, 3879-4) and the project's fentanyl / buprenorphine panels. */
const OPIOID_TESTS: readonly Coding[] = [
  { system: LOINC, code: '19295-5' },
  { system: LOINC, code: '3879-4' },
  { system: `${LOCAL}/drug-test-panel`, code: 'fentanyl' },
  { system: `${LOCAL}/drug-test-panel`, code: 'buprenorphine' },
];
const POSITIVE_RESULTS: ReadonlySet<string> = new Set([`${LOCAL}/drug-test-result|positive`, 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation|POS', 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation|DET']);
/** Per type; a participant's OUD evidence is a handful of records, a few suffice to decide. */
const PER_TYPE = 20;

/** Live OUD evidence about `patientId`, newest first within each type. */
export async function oudEvidence(store: Store, patientId: string): Promise<StoredVersion[]> {
  const patient: SearchFilter = { code: 'patient', type: 'reference', values: [{ kind: 'reference', type: 'Patient', id: patientId }] };
  const out: StoredVersion[] = [];
  const labeled = actCode('OPIOIDUD');
  for (const resourceType of EVIDENCE_TYPES) {
    const filters: SearchFilter[] = [patient, { code: '_security', type: 'token', values: [{ kind: 'token', system: V3_ACT_CODE, code: labeled.code! }] }];
    const found = await store.search({ resourceType, filters, sort: [], count: PER_TYPE, offset: 0, total: false });
    out.push(...found.resources.filter((v) => counts(v.resource) && !(isDrugTest(v.resource) && !isPositive(v.resource as Observation))));
  }
  const tests = await store.search({
    resourceType: 'Observation',
    filters: [patient, { code: 'code', type: 'token', values: OPIOID_TESTS.map((c) => ({ kind: 'token' as const, system: c.system!, code: c.code! })) }],
    sort: [],
    count: PER_TYPE,
    offset: 0,
    total: false,
  });
  const seen = new Set(out.map((v) => v.id));
  out.push(...tests.resources.filter((v) => !seen.has(v.id) && counts(v.resource) && isPositive(v.resource as Observation)));
  return out;
}

/** Entered in error or refuted is not evidence of anything. */
function counts(resource: Resource): boolean {
  const r = resource as { status?: string; verificationStatus?: { coding?: Coding[] } };
  if (r.status === 'entered-in-error') return false;
  return !(r.verificationStatus?.coding ?? []).some((c) => c.code === 'refuted' || c.code === 'entered-in-error');
}

function isDrugTest(resource: Resource): boolean {
  if (resource.resourceType !== 'Observation') return false;
  const o = resource as Observation;
  return [...(o.code?.coding ?? []), ...(o.category ?? []).flatMap((c) => c.coding ?? [])].some((c) => c.code === 'drug-test' || OPIOID_TESTS.some((t) => t.system === c.system && t.code === c.code));
}

function isPositive(o: Observation): boolean {
  const codings = [...(o.valueCodeableConcept?.coding ?? []), ...(o.interpretation ?? []).flatMap((i) => i.coding ?? [])];
  return codings.some((c) => POSITIVE_RESULTS.has(`${c.system}|${c.code}`));
}
