import type { Bundle, BundleEntry, Composition, CompositionSection, Patient, Provenance, Resource } from '@medplum/fhirtypes';
import { isPart2Labeled } from '../consent/labels.js';
import { documentBundle } from '../fhir/bundles.js';
import type { FhirRepository } from '../fhir/repository.js';
import { parseSearch } from '../fhir/search/parse-search.js';

/** What a consented summary may hold, each with the parameter that names the patient. */
const SECTIONS: readonly { type: string; param: string; title: string; loinc?: string }[] = [
  { type: 'EpisodeOfCare', param: 'patient', title: 'Supervision and treatment episodes' },
  { type: 'Encounter', param: 'patient', title: 'Encounters and attendance', loinc: '46240-8' },
  { type: 'Observation', param: 'patient', title: 'Results, screenings and drug tests', loinc: '30954-2' },
  { type: 'Condition', param: 'patient', title: 'Problems', loinc: '11450-4' },
  { type: 'CarePlan', param: 'patient', title: 'Case plans', loinc: '18776-5' },
  { type: 'Goal', param: 'patient', title: 'Goals and progress', loinc: '61146-7' },
  { type: 'CareTeam', param: 'patient', title: 'Care team', loinc: '85847-2' },
  { type: 'ServiceRequest', param: 'patient', title: 'Referrals', loinc: '57133-1' },
  { type: 'Task', param: 'patient', title: 'Referral tasks' },
  { type: 'Appointment', param: 'patient', title: 'Appointments' },
  { type: 'DocumentReference', param: 'patient', title: 'Documents and notes' },
];

/** Records per section; a summary is a digest, not an export. */
export const SUMMARY_SECTION_LIMIT = 200;

/**
 * Builds the consented summary: a FHIR document Bundle (Composition first) holding exactly what the
 * caller's policy releases for its purpose — each section is a search through the same enforcement
 * point as any other read, so a probation office under a §2.35 consent gets attendance, drug tests
 * and progress, not diagnoses or counseling notes. Withheld records are not mentioned (P2-17).
 * Sections the token's scopes do not cover are left out. Throws 404 when the patient may not be
 * seen. The Bundle is unsigned; see signSummary.
 */
export async function buildSummary(
  repo: FhirRepository,
  patientId: string,
  base: string,
  now: Date,
  purposeOfUse: string,
  mayRead: (type: string) => boolean,
): Promise<Bundle> {
  const patient = (await repo.read('Patient', patientId)).resource as Patient;
  const entries: BundleEntry[] = [{ fullUrl: `${base}/Patient/${patientId}`, resource: patient }];
  const sections: CompositionSection[] = [];
  let part2 = isPart2Labeled(patient.meta?.security);
  // Types the token's scopes do not cover are left out, like any other unreadable record.
  for (const section of SECTIONS.filter((s) => mayRead(s.type))) {
    const parsed = parseSearch(section.type, new URLSearchParams({ [section.param]: `Patient/${patientId}`, _count: String(SUMMARY_SECTION_LIMIT) }), true);
    const found = (await repo.search(parsed)).resources.map((v) => v.resource);
    if (found.length === 0) continue;
    part2 ||= found.some((r) => isPart2Labeled(r.meta?.security));
    entries.push(...found.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource })));
    sections.push({
      title: section.title,
      ...(section.loinc ? { code: { coding: [{ system: 'http://loinc.org', code: section.loinc }] } } : {}),
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${found.length} ${section.type} record(s) released for purpose ${purposeOfUse}.</div>` },
      entry: found.map((r) => ({ reference: `${r.resourceType}/${r.id}` })),
    });
  }
  const compositionId = crypto.randomUUID();
  const composition: Composition = {
    resourceType: 'Composition',
    id: compositionId,
    status: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '60591-5', display: 'Patient summary Document' }] },
    subject: { reference: `Patient/${patientId}` },
    date: now.toISOString(),
    author: [{ display: 'Reentry FHIR Gateway (consented summary)' }],
    title: `Consented reentry summary (purpose of use ${purposeOfUse})`,
    ...(part2 ? { confidentiality: 'R' as const } : {}),
    section: sections,
  };
  const provenance: Provenance = {
    resourceType: 'Provenance',
    id: crypto.randomUUID(),
    target: [{ reference: `Composition/${compositionId}` }],
    recorded: now.toISOString(),
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' }] },
    agent: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'assembler' }] }, who: { display: 'Reentry FHIR Gateway' } }],
    reason: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: purposeOfUse }] }],
  };
  const docEntries: BundleEntry[] = [
    { fullUrl: `urn:uuid:${compositionId}`, resource: composition },
    ...entries,
    { fullUrl: `urn:uuid:${provenance.id}`, resource: provenance as Resource },
  ];
  return documentBundle(docEntries, part2, now);
}
