import type { Consent, EpisodeOfCare, Encounter, Resource } from '@medplum/fhirtypes';
import { parseConsent, type ConsentParseError, type ConsentPolicy, type EventFacts } from '../consent/index.js';
import type { Store } from '../storage/store.js';
import type { SearchFilter } from '../storage/search-query.js';

/** A patient's consents are few; more than this is refused rather than half-read (P2-20). */
const MAX_CONSENTS_PER_PATIENT = 500;
/** Patients whose consents name the requester; beyond this the search must be narrowed. */
export const MAX_CONSENTED_PATIENTS = 5000;

const PART2_SCOPE: SearchFilter = { code: 'scope', type: 'token', values: [{ kind: 'token', code: 'patient-privacy' }] };

/**
 * Every Part 2 (patient-privacy) consent of the given patients, parsed. Read fresh on every request
 * so a revocation counts on the very next one (P2-15). An unparseable consent stays in the list as
 * a parse error, which decide() turns into a deny (P2-20).
 */
export async function loadConsents(store: Store, patientIds: readonly string[]): Promise<(ConsentPolicy | ConsentParseError)[]> {
  if (patientIds.length === 0) return [];
  const result = await store.search({
    resourceType: 'Consent',
    filters: [PART2_SCOPE, { code: 'patient', type: 'reference', values: patientIds.map((id) => ({ kind: 'reference' as const, type: 'Patient', id })) }],
    sort: [],
    count: MAX_CONSENTS_PER_PATIENT * patientIds.length + 1,
    offset: 0,
    total: false,
  });
  if (result.resources.length > MAX_CONSENTS_PER_PATIENT * patientIds.length) {
    return patientIds.map((id) => ({ kind: 'parse-error', patientId: id, problems: ['too many consents to evaluate'] }));
  }
  return result.resources.map((v) => parseConsent(v.resource as Consent));
}

/**
 * When each expiry event of the consents happened (P2-03): an EpisodeOfCare or Encounter has
 * ended when its period has an end or its status says so.
 */
export async function loadEventFacts(store: Store, consents: readonly (ConsentPolicy | ConsentParseError)[]): Promise<EventFacts[]> {
  const references = new Set<string>();
  for (const c of consents) {
    if (c.kind === 'parse-error') continue;
    for (const e of c.expiryEvents) references.add(e.reference);
    if (c.irrevocableUntil?.event) references.add(c.irrevocableUntil.event.reference);
  }
  const out: EventFacts[] = [];
  for (const reference of references) {
    const [type, id] = reference.split('/');
    const stored = type && id ? await store.read(type, id) : undefined;
    const endedAt = stored && !stored.deleted ? endOf(stored.resource) : undefined;
    out.push({ reference, ...(endedAt ? { endedAt } : {}) });
  }
  return out;
}

function endOf(resource: Resource): string | undefined {
  if (resource.resourceType === 'EpisodeOfCare' || resource.resourceType === 'Encounter') {
    const r = resource as EpisodeOfCare | Encounter;
    if (r.period?.end) return r.period.end;
    const finished = r.status === 'finished' || r.status === ('cancelled' as never) || r.status === ('entered-in-error' as never);
    if (finished) return resource.meta?.lastUpdated;
  }
  return undefined;
}

/**
 * Patients with at least one consent that could name the requester: an actor reference among
 * `memberOf`, or (for a covered treating provider) the treating-providers class. decide() still
 * rules on each record; this only bounds which Part 2 rows a search may consider.
 */
export async function consentedPatients(store: Store, memberOf: readonly string[], treatingProvider: boolean): Promise<string[]> {
  const filters: SearchFilter[][] = [];
  const references = memberOf.flatMap((ref) => {
    const [type, id] = ref.split('/');
    return type && id ? [{ kind: 'reference' as const, type, id }] : [];
  });
  if (references.length) filters.push([PART2_SCOPE, { code: 'recipient', type: 'reference', values: references }]);
  if (treatingProvider) filters.push([PART2_SCOPE, { code: 'recipient-class', type: 'token', values: [{ kind: 'token', code: 'treating-providers' }] }]);
  const patients = new Set<string>();
  for (const f of filters) {
    const result = await store.search({ resourceType: 'Consent', filters: f, sort: [], count: MAX_CONSENTED_PATIENTS + 1, offset: 0, total: false });
    for (const v of result.resources) {
      const ref = (v.resource as Consent).patient?.reference;
      if (ref?.startsWith('Patient/')) patients.add(ref.slice('Patient/'.length));
    }
  }
  return [...patients];
}
