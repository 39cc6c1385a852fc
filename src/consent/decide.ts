import { V3_CONFIDENTIALITY, isPart2Labeled } from './labels.js';
import { evaluateConsents, DISCLOSURE_OBLIGATIONS, type PatientConsents } from './evaluate-consents.js';
import { isWithin, parseFhirTime } from './fhir-time.js';
import type { EventEnds } from './in-force.js';
import type { AccessRequest, ConsentKind, ConsentParseError, ConsentPolicy, CourtOrder, Decision, DecisionFacts, ResourceFacts, TraceStep } from './model.js';
import type { MatchContext } from './provisions.js';
import { EMERGENCY_PURPOSES, LEGAL_PURPOSES } from './vocabulary.js';

/*
 * Combining order (first branch that decides wins; one line per branch, as in Cedar's decision()):
 *   1. no confidentiality label at all                → deny LABELS_MISSING (P2-20: cannot tell)
 *   2. not labeled Part 2                             → permit, authority not-part2 (outside P2-01)
 *   3. legal-proceeding purpose (HLEGAL)              → a court order or a legal-proceeding/court-order
 *                                                       consent permits; else deny LEGAL_PROCEEDING_NEEDS_COURT_ORDER (P2-09)
 *   4. ETREAT/BTG from a treatment or EHR requester   → permit, authority emergency, audit + notify the program (P2-12);
 *                                                       holding program unknown → deny EMERGENCY_HOLDER_UNKNOWN (P2-20)
 *   5. the patient's consents (evaluateConsents)      → unparseable → deny; restriction/nested deny → deny;
 *                                                       permit → permit + NORDSCLCD + notice; else deny (P2-01)
 */

const NORMAL_KINDS: ReadonlySet<ConsentKind> = new Set(['tpo', 'specific-disclosure', 'criminal-justice-2-35', 'counseling-notes']);
const LEGAL_KINDS: ReadonlySet<ConsentKind> = new Set(['legal-proceeding', 'court-order']);

/** A request with its consents and facts indexed once, for deciding on many resources. */
export interface PreparedRequest {
  readonly request: AccessRequest;
  readonly now: number;
  readonly requesterRefs: ReadonlySet<string>;
  readonly byPatient: ReadonlyMap<string, PatientConsents>;
  /** Parse errors that name no patient: they could belong to anyone, so they count for everyone (P2-20). */
  readonly orphanErrors: readonly ConsentParseError[];
  readonly ends: EventEnds;
  readonly courtOrders: readonly CourtOrder[];
}

/** Indexes consents by patient and event facts by reference. Pure; call once per request. */
export function prepareRequest(request: AccessRequest, consents: readonly (ConsentPolicy | ConsentParseError)[], now: Date, facts: DecisionFacts): PreparedRequest {
  const byPatient = new Map<string, { policies: ConsentPolicy[]; errors: ConsentParseError[] }>();
  const orphanErrors: ConsentParseError[] = [];
  const slot = (patientId: string) => byPatient.get(patientId) ?? byPatient.set(patientId, { policies: [], errors: [] }).get(patientId)!;
  for (const c of consents) {
    if (c.kind !== 'parse-error') slot(c.patientId).policies.push(c);
    else if (c.patientId !== undefined) slot(c.patientId).errors.push(c);
    else orphanErrors.push(c);
  }
  const ends = new Map<string, number | null | 'unknown'>();
  for (const e of facts.events) ends.set(e.reference, e.endedAt === undefined ? null : (parseFhirTime(e.endedAt, 'start') ?? 'unknown'));
  const { organizationId, memberOf } = request.requester;
  return { request, now: now.getTime(), requesterRefs: new Set([`Organization/${organizationId}`, ...memberOf]), byPatient, orphanErrors, ends, courtOrders: facts.courtOrders ?? [] };
}

function matchingCourtOrder(p: PreparedRequest, resource: ResourceFacts): CourtOrder | undefined {
  return p.courtOrders.find((o) => {
    const span = { ...(o.validFrom ? { start: parseFhirTime(o.validFrom, 'start') ?? Infinity } : {}), ...(o.validUntil ? { end: parseFhirTime(o.validUntil, 'end') ?? -Infinity } : {}) };
    return o.patientId === resource.patientId && isWithin(span, p.now) && o.recipientRefs.some((r) => p.requesterRefs.has(r)) && (!o.resourceTypes || o.resourceTypes.includes(resource.type));
  });
}

/** Decides one resource for a prepared request (see the combining order above). Pure. */
export function decidePrepared(p: PreparedRequest, resource: ResourceFacts): Decision {
  const trace: TraceStep[] = [];
  const { request } = p;
  if (!resource.security.some((c) => c.system === V3_CONFIDENTIALITY)) {
    trace.push({ rule: 'P2-20', outcome: 'error', note: 'the resource carries no confidentiality label' });
    return { effect: 'deny', reason: 'LABELS_MISSING', trace };
  }
  if (!isPart2Labeled(resource.security)) {
    trace.push({ rule: 'P2-01', outcome: 'permit', note: 'no 42CFRPart2 policy or Part 2 sensitivity label' });
    return { effect: 'permit', obligations: [], trace, decidedBy: { authority: 'not-part2' } };
  }
  const found = resource.patientId === undefined ? undefined : p.byPatient.get(resource.patientId);
  const consents = { policies: found?.policies ?? [], errors: [...(found?.errors ?? []), ...p.orphanErrors] };
  const ctx: MatchContext = { request, resource, requesterRefs: p.requesterRefs, now: p.now };
  if (LEGAL_PURPOSES.has(request.purposeOfUse)) {
    const order = matchingCourtOrder(p, resource);
    if (order) {
      trace.push({ rule: 'P2-09', outcome: 'permit', note: `court order ${order.id} authorizes this disclosure` });
      return { effect: 'permit', obligations: [...DISCLOSURE_OBLIGATIONS], trace, decidedBy: { courtOrderId: order.id, authority: 'court-order' } };
    }
    const legal = evaluateConsents(consents, LEGAL_KINDS, ctx, p.ends, trace);
    if (legal.effect === 'permit') return legal;
    trace.push({ rule: 'P2-09', outcome: 'deny', note: `purpose ${request.purposeOfUse} needs a court order or a consent for that proceeding alone` });
    return { effect: 'deny', reason: 'LEGAL_PROCEEDING_NEEDS_COURT_ORDER', trace };
  }
  const { sector } = request.requester;
  if (EMERGENCY_PURPOSES.has(request.purposeOfUse) && (sector === 'treatment' || sector === 'ehr')) {
    if (resource.holderOrganizationId === undefined) {
      trace.push({ rule: 'P2-12', outcome: 'error', note: 'emergency disclosure needs the holding program to notify; it is unknown' });
      return { effect: 'deny', reason: 'EMERGENCY_HOLDER_UNKNOWN', trace };
    }
    trace.push({ rule: 'P2-12', outcome: 'permit', note: `medical emergency (${request.purposeOfUse}) by a ${sector} requester; program Organization/${resource.holderOrganizationId} is notified` });
    const obligations = [...DISCLOSURE_OBLIGATIONS, { kind: 'audit-emergency' as const }, { kind: 'notify-program' as const, organizationId: resource.holderOrganizationId }];
    return { effect: 'permit', obligations, trace, decidedBy: { authority: 'emergency' } };
  }
  if (EMERGENCY_PURPOSES.has(request.purposeOfUse)) trace.push({ rule: 'P2-12', outcome: 'no-match', note: `a ${sector} requester is not a treating provider; consents decide` });
  if (resource.patientId === undefined) trace.push({ rule: 'P2-01', outcome: 'no-match', note: 'the resource names no patient, so no consent can apply' });
  return evaluateConsents(consents, NORMAL_KINDS, ctx, p.ends, trace);
}

/**
 * Decides whether `resource` may be disclosed to `request` under 42 CFR Part 2. Pure: no I/O,
 * clock or logging; `now` and all facts are arguments. Never throws on data; unparseable
 * consents, missing labels and unknown facts deny (P2-20). Every decision carries a trace of
 * rule ids, consent/provision ids and label codes — never resource content.
 */
export function decide(
  request: AccessRequest,
  resource: ResourceFacts,
  consents: readonly (ConsentPolicy | ConsentParseError)[],
  now: Date,
  facts: DecisionFacts,
): Decision {
  return decidePrepared(prepareRequest(request, consents, now, facts), resource);
}

/** Decides many resources for one request, indexing the consents once (search results, bundles). */
export function decideAll(
  request: AccessRequest,
  resources: readonly ResourceFacts[],
  consents: readonly (ConsentPolicy | ConsentParseError)[],
  now: Date,
  facts: DecisionFacts,
): Decision[] {
  const prepared = prepareRequest(request, consents, now, facts);
  return resources.map((r) => decidePrepared(prepared, r));
}
