/**
 * The referral Task state machine of the Gravity SDOH Clinical Care IG (STU 2, "Task status"
 * under Referral Management). Pure: statuses in, a verdict out; who may move a Task is decided
 * in task-rules.ts.
 */
import type { Task } from '@medplum/fhirtypes';

export type TaskStatus = NonNullable<Task['status']>;

/** The statuses a referral Task may take; the other R4 statuses are not part of the workflow. */
export const REFERRAL_STATUSES = ['requested', 'accepted', 'rejected', 'cancelled', 'in-progress', 'on-hold', 'completed', 'failed'] as const satisfies readonly TaskStatus[];
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/**
 * A referral Task is created `requested` (Gravity: the requester's system creates it so). `draft`
 * is deliberately not offered: preparation happens on the ServiceRequest (which may be `draft`),
 * and a Task exists only once the work is asked of the owner.
 */
export const INITIAL_STATUSES: readonly ReferralStatus[] = ['requested'];

/**
 * Allowed moves. INVARIANT: the terminal statuses (completed, failed, rejected, cancelled) have no
 * outgoing move, so a closed referral never reopens; a new referral is a new Task.
 */
export const TRANSITIONS: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  requested: ['accepted', 'rejected', 'cancelled'],
  accepted: ['in-progress', 'on-hold', 'completed', 'failed', 'cancelled'],
  'in-progress': ['on-hold', 'completed', 'failed', 'cancelled'],
  // A wait-listed referral either starts, goes back to accepted (hold lifted, start pending) or ends.
  'on-hold': ['in-progress', 'accepted', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  rejected: [],
  cancelled: [],
};

export const TERMINAL_STATUSES: ReadonlySet<ReferralStatus> = new Set(['completed', 'failed', 'rejected', 'cancelled']);

/** Statuses that must say why (Gravity: `statusReason` for rejected, cancelled, on-hold and failed). */
export const STATUS_REASON_REQUIRED: ReadonlySet<ReferralStatus> = new Set(['rejected', 'cancelled', 'on-hold', 'failed']);

export type TransitionFailureCode = 'REFERRAL_ILLEGAL_TRANSITION' | 'REFERRAL_STATUS_REASON_REQUIRED';

/** Why a move is refused: 409 for a move the table does not allow, 422 for a missing reason. */
export type TransitionFailure =
  | { readonly ok: false; readonly code: 'REFERRAL_ILLEGAL_TRANSITION'; readonly status: 409; readonly text: string; readonly expression: 'Task.status' }
  | { readonly ok: false; readonly code: 'REFERRAL_STATUS_REASON_REQUIRED'; readonly status: 422; readonly text: string; readonly expression: 'Task.statusReason' };

export type TransitionVerdict = { readonly ok: true } | TransitionFailure;

export function isReferralStatus(status: string | undefined): status is ReferralStatus {
  return (REFERRAL_STATUSES as readonly string[]).includes(status ?? '');
}

/** Whether a status change needs a reason and none was given. */
function missingReason(to: ReferralStatus, statusReason: Task['statusReason'] | undefined): TransitionFailure | undefined {
  if (!STATUS_REASON_REQUIRED.has(to) || hasContent(statusReason)) return undefined;
  return {
    ok: false,
    code: 'REFERRAL_STATUS_REASON_REQUIRED',
    status: 422,
    text: `A referral Task moved to \`${to}\` must say why in \`Task.statusReason\`.`,
    expression: 'Task.statusReason',
  };
}

/**
 * Checks a move `from` → `to`. Staying in a non-terminal status is not a move (other elements may
 * change); staying in a terminal one is refused, because a closed referral never changes
 * (task-rules.ts lets an identical re-PUT through before asking). Never throws.
 */
export function checkTransition(from: string, to: string, statusReason?: Task['statusReason']): TransitionVerdict {
  if (!isReferralStatus(from) || !isReferralStatus(to) || (from !== to && !TRANSITIONS[from].includes(to))) {
    return illegal(`A referral Task cannot move from \`${from}\` to \`${to}\`.`);
  }
  if (from === to && TERMINAL_STATUSES.has(from)) return illegal(`A \`${from}\` referral Task is closed and no longer changes.`);
  return missingReason(to, statusReason) ?? { ok: true };
}

/** Checks the status a referral Task is created in against `allowed` (INITIAL_STATUSES by default). */
export function checkInitialStatus(status: string, statusReason?: Task['statusReason'], allowed: readonly ReferralStatus[] = INITIAL_STATUSES): TransitionVerdict {
  if (!isReferralStatus(status) || !allowed.includes(status)) {
    return illegal(`A referral Task cannot be created \`${status}\`; it starts ${allowed.map((s) => `\`${s}\``).join(' or ')}.`);
  }
  return missingReason(status, statusReason) ?? { ok: true };
}

function illegal(text: string): TransitionFailure {
  return { ok: false, code: 'REFERRAL_ILLEGAL_TRANSITION', status: 409, text, expression: 'Task.status' };
}

function hasContent(reason: Task['statusReason'] | undefined): boolean {
  if (!reason) return false;
  return Boolean(reason.text?.trim()) || (reason.coding ?? []).some((c) => Boolean(c.code));
}
