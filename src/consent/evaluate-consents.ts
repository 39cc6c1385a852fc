import { REFRAIN_NORDSCLCD, V3_ACT_CODE, actCode, PART2_NOTICE } from './labels.js';
import { checkInForce, type EventEnds } from './in-force.js';
import type { ConsentKind, ConsentParseError, ConsentPolicy, Decision, DenyCode, Obligation, TraceStep } from './model.js';
import { monitoringRedactions } from './monitoring.js';
import { evaluateTree, gateMismatch, MISMATCH_RULE, mismatchNote, type MatchContext, type Mismatch } from './provisions.js';
import { TPO_PURPOSES } from './vocabulary.js';

/** The consents of one patient, split once per request (see `prepareRequest`). */
export interface PatientConsents {
  readonly policies: readonly ConsentPolicy[];
  readonly errors: readonly ConsentParseError[];
}

/** Obligations on every Part 2 disclosure: refrain label and §2.32 notice (P2-08, P2-11, P2-16). */
export const DISCLOSURE_OBLIGATIONS: readonly Obligation[] = [
  { kind: 'add-security-label', coding: actCode(REFRAIN_NORDSCLCD) },
  { kind: 'attach-notice', text: PART2_NOTICE },
];

/** How far a consent got before it failed; the furthest one names the deny reason. */
const STAGE: Readonly<Record<DenyCode, number>> = {
  NO_CONSENT: 0, CONSENT_NOT_ACTIVE: 1, CONSENT_REVOKED: 1, CONSENT_EXPIRED: 1, CONSENT_DISCLOSER_MISMATCH: 2,
  CONSENT_NO_MATCHING_RECIPIENT: 3, CONSENT_PURPOSE_MISMATCH: 4, CONSENT_INFORMATION_NOT_COVERED: 5,
  CONSENT_CJ_NOT_MONITORING_INFO: 6, CONSENT_PSYTHPN_REQUIRES_SPECIFIC: 7,
  CONSENT_DENIED_BY_PROVISION: 9, CONSENT_RESTRICTED: 9, CONSENT_UNPARSEABLE: 9, LABELS_MISSING: 9,
  LEGAL_PROCEEDING_NEEDS_COURT_ORDER: 9, EMERGENCY_HOLDER_UNKNOWN: 9, OWNER_ONLY: 9,
};
const MISMATCH_REASON: Readonly<Record<Mismatch, DenyCode>> = {
  period: 'CONSENT_EXPIRED', recipient: 'CONSENT_NO_MATCHING_RECIPIENT', purpose: 'CONSENT_PURPOSE_MISMATCH', information: 'CONSENT_INFORMATION_NOT_COVERED',
};

type Verdict =
  | { readonly effect: 'permit'; readonly redact?: readonly string[] }
  | { readonly effect: 'forbid'; readonly reason: DenyCode }
  | { readonly effect: 'none'; readonly reason: DenyCode };

const isPsychotherapyNote = (ctx: MatchContext): boolean => ctx.resource.security.some((c) => c.system === V3_ACT_CODE && c.code === 'PSYTHPN');

/** One consent against one request: never a permit unless every rule allows it. */
function judge(policy: ConsentPolicy, ctx: MatchContext, ends: EventEnds, trace: TraceStep[]): Verdict {
  const id = policy.id;
  const force = checkInForce(policy, ends, ctx.now);
  trace.push({ rule: 'P2-03', consent: id, outcome: force.inForce ? 'permit' : force.outcome, note: force.note });
  if (!force.inForce) return { effect: 'none', reason: force.reason };
  const holder = ctx.resource.holderOrganizationId;
  if (holder === undefined || !policy.discloserRefs.includes(`Organization/${holder}`)) {
    trace.push({ rule: 'P2-02', consent: id, outcome: 'no-match', note: holder === undefined ? 'the holding program is unknown' : `consent ${id} does not name Organization/${holder} as discloser` });
    return { effect: 'none', reason: 'CONSENT_DISCLOSER_MISMATCH' };
  }
  const gate = gateMismatch(policy.root, ctx);
  if (gate) {
    trace.push({ rule: MISMATCH_RULE[gate], consent: id, provision: 'provision', outcome: 'no-match', note: mismatchNote(gate, ctx, 'provision') });
    return { effect: 'none', reason: MISMATCH_REASON[gate] };
  }
  // P2-07: PSYTHPN only under a counseling-notes consent, which releases nothing else.
  const psy = isPsychotherapyNote(ctx);
  if (psy !== (policy.kind === 'counseling-notes')) {
    trace.push({ rule: 'P2-07', consent: id, outcome: 'no-match', note: psy ? `PSYTHPN needs a counseling-notes consent, not ${policy.kind}` : 'a counseling-notes consent releases only PSYTHPN' });
    return { effect: 'none', reason: psy ? 'CONSENT_PSYTHPN_REQUIRES_SPECIFIC' : 'CONSENT_INFORMATION_NOT_COVERED' };
  }
  // P2-10: a §2.35 consent releases monitoring information only.
  const redact = policy.kind === 'criminal-justice-2-35' ? monitoringRedactions(ctx.resource) : undefined;
  if (policy.kind === 'criminal-justice-2-35' && !redact) {
    trace.push({ rule: 'P2-10', consent: id, outcome: 'no-match', note: `${ctx.resource.type} is not monitoring information` });
    return { effect: 'none', reason: 'CONSENT_CJ_NOT_MONITORING_INFO' };
  }
  const tree = evaluateTree(policy.root, ctx, id, trace);
  if (!tree.applies) {
    trace.push({ rule: MISMATCH_RULE[tree.mismatch], consent: id, provision: 'provision', outcome: 'no-match', note: mismatchNote(tree.mismatch, ctx, 'provision') });
    return { effect: 'none', reason: MISMATCH_REASON[tree.mismatch] };
  }
  trace.push({ rule: tree.type === 'permit' ? 'P2-05' : 'P2-06', consent: id, provision: tree.path, outcome: tree.type, note: `${tree.path} ${tree.type}s disclosure to Organization/${ctx.request.requester.organizationId} for ${ctx.request.purposeOfUse}` });
  if (tree.type === 'deny') return { effect: 'forbid', reason: 'CONSENT_DENIED_BY_PROVISION' };
  return redact ? { effect: 'permit', redact } : { effect: 'permit' };
}

/** P2-14: a §2.26 restriction in force that applies to this TPO request forbids it. */
function judgeRestriction(policy: ConsentPolicy, ctx: MatchContext, ends: EventEnds, trace: TraceStep[]): boolean {
  if (!TPO_PURPOSES.has(ctx.request.purposeOfUse)) return false;
  const force = checkInForce(policy, ends, ctx.now);
  if (!force.inForce && force.outcome !== 'error') {
    trace.push({ rule: 'P2-14', consent: policy.id, outcome: 'no-match', note: force.note });
    return false;
  }
  const tree = evaluateTree(policy.root, ctx, policy.id, trace);
  const forbids = tree.applies && tree.type === 'deny';
  trace.push({ rule: 'P2-14', consent: policy.id, provision: tree.applies ? tree.path : 'provision', outcome: forbids ? 'deny' : 'no-match', note: forbids ? `restriction ${policy.id} applies` : `restriction ${policy.id} does not apply` });
  return forbids;
}

/**
 * Combines the patient's consents of the given kinds, Cedar-style but failing closed:
 *   an unparseable consent           → deny CONSENT_UNPARSEABLE (P2-20; Cedar would skip it)
 *   an applicable §2.26 restriction  → deny CONSENT_RESTRICTED (P2-14)
 *   an applicable deny in any consent→ deny CONSENT_DENIED_BY_PROVISION (P2-06: deny wins)
 *   an applicable permit             → permit with refrain label and notice (P2-04/05/08/11/16)
 *   otherwise                        → deny with the reason of the consent that got furthest (P2-01)
 */
export function evaluateConsents(consents: PatientConsents, kinds: ReadonlySet<ConsentKind>, ctx: MatchContext, ends: EventEnds, trace: TraceStep[]): Decision {
  if (consents.errors.length) {
    for (const e of consents.errors) trace.push({ rule: 'P2-20', ...(e.consentId ? { consent: e.consentId } : {}), outcome: 'error', note: `consent could not be interpreted: ${e.problems.slice(0, 5).join('; ')}` });
    return { effect: 'deny', reason: 'CONSENT_UNPARSEABLE', trace };
  }
  let forbid: DenyCode | undefined;
  let permit: { policy: ConsentPolicy; redact?: readonly string[] } | undefined;
  let closest: DenyCode = 'NO_CONSENT';
  for (const policy of consents.policies) {
    if (policy.kind === 'restriction-2-26') {
      if (judgeRestriction(policy, ctx, ends, trace)) forbid = 'CONSENT_RESTRICTED';
      continue;
    }
    if (!kinds.has(policy.kind)) {
      trace.push({ rule: 'P2-09', consent: policy.id, outcome: 'no-match', note: `a ${policy.kind} consent does not apply to purpose ${ctx.request.purposeOfUse}` });
      continue;
    }
    const verdict = judge(policy, ctx, ends, trace);
    if (verdict.effect === 'forbid') forbid ??= verdict.reason;
    else if (verdict.effect === 'permit') {
      if (!permit || (permit.redact && !verdict.redact)) permit = { policy, ...(verdict.redact ? { redact: verdict.redact } : {}) };
    } else if (STAGE[verdict.reason] > STAGE[closest]) closest = verdict.reason;
  }
  if (forbid) return { effect: 'deny', reason: forbid, trace };
  if (!permit) {
    trace.push({ rule: 'P2-01', outcome: 'deny', note: consents.policies.length ? 'no consent permits this disclosure' : 'the patient has no consent on file' });
    return { effect: 'deny', reason: closest, trace };
  }
  const obligations: Obligation[] = [...DISCLOSURE_OBLIGATIONS];
  if (permit.redact) obligations.push({ kind: 'redact', elements: permit.redact });
  const authority = permit.policy.kind === 'court-order' ? 'court-order' : 'consent';
  return { effect: 'permit', obligations, trace, decidedBy: { consentId: permit.policy.id, authority } };
}
