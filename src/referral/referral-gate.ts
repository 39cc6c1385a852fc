/**
 * The referral consent gate (issue 6, P2-01): a referral that would carry Part 2 records to a
 * recipient no consent covers is refused — nothing is written — or, when the client asked with
 * `Prefer: withhold-part2` on a single-resource write, written without those records, the
 * response listing what was withheld. Pure logic over loaded versions; the rules in task-rules.ts
 * and service-request-rules.ts decide what a referral carries and who receives it.
 *
 * What is named back is only what the writer itself referenced (`Type/id` and where), never
 * content and never why a consent did not cover it.
 */
import type { OperationOutcomeIssue, Reference } from '@medplum/fhirtypes';
import { PROJECT_CANONICAL } from '../conformance/canonical.js';
import type { Writer } from '../enforcement/access-policy.js';
import { GatewayError } from '../outcomes/index.js';
import type { Store, StoredVersion } from '../storage/store.js';
import { notPermitted, partyOf, referralPurpose } from './recipient-access.js';

export const REFERRAL_CONSENT_NOT_COVERING = 'REFERRAL_CONSENT_NOT_COVERING';
/** Local code system the gate's issues carry their code in (`details.coding`). */
export const REFERRAL_OUTCOME_SYSTEM = `${PROJECT_CANONICAL}/CodeSystem/referral-outcome`;
export const PART2_WITHHELD = 'PART2_WITHHELD';
/** Records one referral write may carry; beyond this the write is refused rather than half-checked. */
const MAX_CARRIED = 100;

/** One record a referral carries: the relative reference and the element that carries it. */
export interface Carried {
  readonly reference: string;
  /** FHIRPath of the element, e.g. `Task.input[1].valueReference`. */
  readonly expression: string;
  /** The writer may leave it out (an element of the resource being written). */
  readonly removable: boolean;
}

export interface GateResult {
  /** Carried records to leave out of the write (only when the client asked to withhold). */
  readonly withhold: readonly Carried[];
}

/**
 * Checks that `recipient` may receive every Part 2 record in `carried` under the referral's
 * purpose, now. Throws 422 REFERRAL_CONSENT_NOT_COVERING when some may not and the writer did not
 * ask to withhold, or when one it asked to withhold cannot be left out (the ServiceRequest itself,
 * or what it references when the write is the Task). Records that no longer exist are ignored.
 */
export async function gateReferral(store: Store, writer: Writer | undefined, recipient: Reference | undefined, carried: readonly Carried[]): Promise<GateResult> {
  if (carried.length === 0) return { withhold: [] };
  if (carried.length > MAX_CARRIED) throw notCovering([issue('error', 'too-costly', `A referral may carry at most ${MAX_CARRIED} records.`, [])]);
  const loaded: { item: Carried; version: StoredVersion }[] = [];
  for (const item of carried) {
    const [type, id] = item.reference.split('/');
    const version = type && id ? await store.read(type, id) : undefined;
    if (version && !version.deleted) loaded.push({ item, version });
  }
  // Most referrals carry no Part 2 record: then there is nothing to ask about the recipient.
  if (!loaded.some((l) => isPart2(l.version))) return { withhold: [] };
  const now = writer?.now ?? new Date();
  const party = await partyOf(store, recipient, referralPurpose(writer));
  // An unresolvable recipient is covered by nothing: every Part 2 record counts as not permitted.
  const denied = party
    ? new Set((await notPermitted(store, party, loaded.map((l) => l.version), now)).map((v) => `${v.resourceType}/${v.id}`))
    : new Set(loaded.filter((l) => isPart2(l.version)).map((l) => `${l.version.resourceType}/${l.version.id}`));
  const uncovered = loaded.filter((l) => denied.has(l.item.reference)).map((l) => l.item);
  if (uncovered.length === 0) return { withhold: [] };
  const who = recipient?.reference ?? 'the recipient';
  if (writer?.withholdPart2 && uncovered.every((u) => u.removable)) {
    for (const u of uncovered) writer.note?.(issue('warning', 'suppressed', `\`${u.reference}\` (${u.expression}) was withheld: no consent on file permits ${who} to receive it (42 CFR Part 2).`, [u.expression], PART2_WITHHELD));
    return { withhold: uncovered };
  }
  const hint = writer?.withholdPart2
    ? ' Not all of it can be withheld from this write (the ServiceRequest itself, or what it references, when the write is the Task): send a new ServiceRequest without it, with `Prefer: withhold-part2`.'
    : ' Send the referral without it, or ask for it to be withheld with `Prefer: withhold-part2`.';
  throw notCovering([
    ...uncovered.map((u) => issue('error', 'forbidden', `No consent on file permits ${who} to receive \`${u.reference}\` (${u.expression}), a 42 CFR Part 2 record.`, [u.expression], REFERRAL_CONSENT_NOT_COVERING)),
    issue('information', 'informational', `Nothing was written.${hint}`, []),
  ]);
}

function isPart2(v: StoredVersion): boolean {
  return v.disclosure.part2;
}

function notCovering(issues: OperationOutcomeIssue[]): GatewayError {
  return new GatewayError(REFERRAL_CONSENT_NOT_COVERING, 422, issues);
}

function issue(severity: OperationOutcomeIssue['severity'], code: OperationOutcomeIssue['code'], text: string, expression: string[], outcome?: string): OperationOutcomeIssue {
  return {
    severity,
    code,
    details: { ...(outcome ? { coding: [{ system: REFERRAL_OUTCOME_SYSTEM, code: outcome }] } : {}), text },
    ...(expression.length ? { expression } : {}),
  };
}
