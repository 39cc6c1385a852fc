import { isWithin } from './fhir-time.js';
import type { ConsentPolicy, DenyCode, ExpiryEvent } from './model.js';

/** When each event-bearing resource ended: ms, `null` while running, `'unknown'` if its end date is malformed. */
export type EventEnds = ReadonlyMap<string, number | null | 'unknown'>;

/** Whether a consent is in force, and why not (P2-03, P2-10, P2-15). */
export type InForce =
  | { readonly inForce: true; readonly note: string }
  | { readonly inForce: false; readonly reason: DenyCode; readonly outcome: 'no-match' | 'error'; readonly note: string };

/** Has the event happened by `now`? `undefined` when the facts do not say (no facts or malformed). */
function hasOccurred(event: ExpiryEvent, ends: EventEnds, now: number): boolean | undefined {
  const end = ends.get(event.reference);
  if (end === undefined || end === 'unknown') return undefined;
  return end !== null && end <= now;
}

/**
 * §2.35 / P2-10, our reading: irrevocability ends at the earlier of its time and its event.
 * Until then a revocation (status `inactive`) has no effect. An event the facts do not cover
 * counts as occurred, so the revocation takes effect (P2-20: fail closed).
 */
function isIrrevocable(policy: ConsentPolicy, ends: EventEnds, now: number): boolean {
  const until = policy.irrevocableUntil;
  if (policy.kind !== 'criminal-justice-2-35' || !until) return false;
  if (until.at !== undefined && now >= until.at) return false;
  if (until.event && hasOccurred(until.event, ends, now) !== false) return false;
  return true;
}

/**
 * P2-03: a consent is in force while active, within its period and before any expiry event.
 * Revocation is `status = inactive` and takes effect for every request after it is recorded
 * (P2-15: we read only what the loader passes, no cache), except for an irrevocable §2.35
 * consent (P2-10). An expiry event the facts cannot resolve makes the consent not in force
 * (P2-20, fail closed) — except for a §2.26 restriction, which then stays in force.
 */
export function checkInForce(policy: ConsentPolicy, ends: EventEnds, now: number): InForce {
  if (policy.status === 'inactive') {
    if (!isIrrevocable(policy, ends, now)) return { inForce: false, reason: 'CONSENT_REVOKED', outcome: 'no-match', note: `consent ${policy.id} is revoked (status inactive)` };
  } else if (policy.status !== 'active') {
    return { inForce: false, reason: 'CONSENT_NOT_ACTIVE', outcome: 'no-match', note: `consent ${policy.id} has status ${policy.status}` };
  }
  if (policy.period?.start !== undefined && now < policy.period.start) {
    return { inForce: false, reason: 'CONSENT_NOT_ACTIVE', outcome: 'no-match', note: `consent ${policy.id} is not yet in force` };
  }
  if (!isWithin(policy.period, now)) return { inForce: false, reason: 'CONSENT_EXPIRED', outcome: 'no-match', note: `consent ${policy.id} expired at provision.period.end` };
  for (const event of policy.expiryEvents) {
    const occurred = hasOccurred(event, ends, now);
    if (occurred === true) return { inForce: false, reason: 'CONSENT_EXPIRED', outcome: 'no-match', note: `consent ${policy.id} expired: ${event.kind} (${event.reference}) has occurred` };
    if (occurred === undefined && policy.kind !== 'restriction-2-26') {
      return { inForce: false, reason: 'CONSENT_EXPIRED', outcome: 'error', note: `consent ${policy.id}: no facts about expiry event ${event.reference}; treated as expired (P2-20)` };
    }
  }
  const irrevocable = policy.status === 'inactive';
  return { inForce: true, note: irrevocable ? `consent ${policy.id} was revoked but is irrevocable until its stated time or event (§2.35)` : `consent ${policy.id} is in force` };
}
