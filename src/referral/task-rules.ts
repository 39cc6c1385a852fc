/**
 * Who may write a referral Task, and how (issue 6; Gravity SDOH Clinical Care, Referral
 * Management). Runs as a repository write rule on every Task create and update, so REST,
 * transaction/batch entries and ingest are all covered; a refusal throws and nothing is written.
 *
 * A referral Task is a Task whose `focus` is a ServiceRequest (Gravity's Task.focus). Other Tasks
 * (e.g. the §2.51 notices the gateway leaves in a program's inbox) are not governed here.
 */
import type { Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { canonicalJson } from '../audit/index.js';
import type { Writer } from '../enforcement/access-policy.js';
import type { WriteRule } from '../fhir/repository.js';
import type { Store } from '../storage/store.js';
import { forbidden, unprocessable } from '../outcomes/index.js';
import { referralError } from './referral-errors.js';
import { checkInitialStatus, checkTransition, INITIAL_STATUSES, REFERRAL_STATUSES, type ReferralStatus } from './task-state-machine.js';
import { checkWaitList, WAIT_LIST_EXTENSION } from './wait-list.js';
import { derivedPriority } from './oud-priority.js';
import { gateReferral, type Carried } from './referral-gate.js';
import { carriedByServiceRequest, carriedByTaskInput, referencesIn, without } from './referral-carried.js';
import { serviceRequestGateRule } from './service-request-rules.js';

/**
 * When the creator is itself the owner (work it takes on directly, no hand-off between
 * organizations), accepting is implied, so the Task may also start accepted or in progress.
 */
const SELF_ASSIGNED_INITIAL: readonly ReferralStatus[] = [...INITIAL_STATUSES, 'accepted', 'in-progress'];
/** Elements that identify the referral; changing them would turn it into another referral. */
const IMMUTABLE = ['focus', 'for', 'owner', 'requester'] as const;

export function isReferralTask(resource: Resource | undefined): resource is Task {
  return resource?.resourceType === 'Task' && /^ServiceRequest\/[^/]+$/.test(resource.focus?.reference ?? '');
}

/**
 * The write rule for referral Tasks.
 *
 * Create: `Task.owner` is required; `Task.requester`, when given, must be the caller (its
 * Organization, a CareTeam it belongs to, one of its practitioners or PractitionerRoles) and when
 * omitted is filled with the caller's Organization. The status must be `requested` (or
 * `accepted`/`in-progress` when the caller is also the owner). Then the consent gate
 * (referral-gate.ts: refuse, or leave out inputs with `Prefer: withhold-part2`) and the OUD
 * priority (oud-priority.ts) — the only other elements this rule changes.
 *
 * Update: focus, for, owner and requester do not change (422). A status change follows the state
 * machine (409 illegal, 422 missing `statusReason`); only the owner moves it, except `cancelled`,
 * which only the requester may do (403). Other edits are for the two parties only, and the
 * wait-list placement for the owner only.
 *
 * The admin sector (operations) and the gateway itself skip the who-checks and may create a Task
 * in any referral status (back-loading); the state machine and the wait-list checks bind everyone.
 */
export const referralTaskRule: WriteRule = async (change) => {
  const { resource, previous, writer } = change;
  if (resource.resourceType !== 'Task') return undefined;
  const before = previous && isReferralTask(previous.resource) ? previous.resource : undefined;
  if (!before && !isReferralTask(resource)) return undefined;
  const task = resource as Task;
  const privileged = !writer || writer.requester.sector === 'admin';
  const actsAs = (ref: Reference | undefined): Promise<boolean> => (writer ? actsAsReference(change.store, writer, ref) : Promise.resolve(false));

  assertWaitListValid(task);
  if (!before) return checkCreate(change.store, task, writer, privileged, actsAs);

  for (const element of IMMUTABLE) {
    if (canonicalJson(before[element] ?? null) !== canonicalJson(task[element] ?? null)) {
      throw unprocessable([{ severity: 'error', code: 'invariant', details: { text: `\`Task.${element}\` of a referral Task does not change; create a new referral instead.` }, expression: [`Task.${element}`] }]);
    }
  }
  const from = before.status;
  const to = task.status;
  const isOwner = privileged || (await actsAs(before.owner));
  const isRequester = privileged || (await actsAs(before.requester));
  if (from !== to) {
    if (to === 'cancelled' && !isRequester) throw forbidden('Only the requester of a referral may cancel it.', 'REFERRAL_FORBIDDEN');
    if (to !== 'cancelled' && !isOwner) throw forbidden(`Only the owner of a referral may move it to \`${to}\`.`, 'REFERRAL_FORBIDDEN');
  } else if (!isOwner && !isRequester) {
    throw forbidden('Only the owner or the requester of a referral may update it.', 'REFERRAL_FORBIDDEN');
  }
  // An identical re-PUT of a closed Task is a no-op, not a change (the repository writes no version).
  if (from === to && !previous!.deleted && sameIgnoringMeta(before, task)) return undefined;
  const verdict = checkTransition(from, to, task.statusReason);
  if (!verdict.ok) throw referralError(verdict);
  if (!isOwner && canonicalJson(waitListOf(before)) !== canonicalJson(waitListOf(task))) {
    throw forbidden('Only the owner of a referral may place it on or change its wait list.', 'REFERRAL_FORBIDDEN');
  }
  // Consent gate: inputs this update adds go to the (unchanged) owner like those of a new Task.
  const added = carriedByTaskInput(task, referencesIn(carriedByTaskInput(before)));
  const { withhold } = await gateReferral(change.store, writer, before.owner, added);
  return withhold.length ? withoutInputs(task, withhold) : undefined;
};

/**
 * The write rules the referral capability adds to the repository: the Task workflow (with its
 * consent gate and OUD priority) and the ServiceRequest side of the consent gate.
 */
export const REFERRAL_WRITE_RULES: readonly WriteRule[] = [referralTaskRule, serviceRequestGateRule];

/**
 * Create: the who-checks and initial status, then the consent gate (the owner must be permitted to
 * receive every Part 2 record the referral carries), then the OUD priority, then the requester.
 */
async function checkCreate(store: Store, task: Task, writer: Writer | undefined, privileged: boolean, actsAs: (ref: Reference | undefined) => Promise<boolean>): Promise<Task | undefined> {
  if (!task.owner?.reference) {
    throw unprocessable([{ severity: 'error', code: 'required', details: { text: 'A referral Task names the organization asked to do the work in `Task.owner`.' }, expression: ['Task.owner'] }]);
  }
  if (task.requester && !privileged && !(await actsAs(task.requester))) {
    throw forbidden('`Task.requester` of a new referral must be your own organization (or left out to be filled with it).', 'REFERRAL_FORBIDDEN');
  }
  const allowed = privileged ? REFERRAL_STATUSES : (await actsAs(task.owner)) ? SELF_ASSIGNED_INITIAL : INITIAL_STATUSES;
  const verdict = checkInitialStatus(task.status, task.statusReason, allowed);
  if (!verdict.ok) throw referralError(verdict);
  let out = task;
  const { withhold } = await gateReferral(store, writer, task.owner, await carriedByNewTask(store, task));
  if (withhold.length) out = withoutInputs(out, withhold);
  // Server-assigned elements: who asked, when the caller did not say; the OUD priority (oud-priority.ts).
  if (!out.requester && writer) out = { ...out, requester: { reference: `Organization/${writer.facts.organizationId}` } };
  const priority = await derivedPriority(store, out, writer);
  if (priority) out = { ...out, priority };
  return out === task ? undefined : out;
}

/** A new Task carries its ServiceRequest, what that references, and its own inputs. */
async function carriedByNewTask(store: Store, task: Task): Promise<Carried[]> {
  const focus = task.focus!.reference!;
  const stored = await store.read('ServiceRequest', focus.slice('ServiceRequest/'.length));
  const sr = stored && !stored.deleted ? (stored.resource as ServiceRequest) : undefined;
  return [{ reference: focus, expression: 'Task.focus', removable: false }, ...(sr ? carriedByServiceRequest(sr, false) : []), ...carriedByTaskInput(task)];
}

function withoutInputs(task: Task, withhold: readonly Carried[]): Task {
  const { input: _input, ...rest } = task;
  const input = without(task.input, new Set(withhold.map((w) => w.reference)), (i) => i.valueReference?.reference);
  return { ...rest, ...(input ? { input } : {}) };
}

function assertWaitListValid(task: Task): void {
  const issues = checkWaitList(task);
  if (issues.length > 0) throw unprocessable(issues);
}

/**
 * Whether the writer acts as `ref`: its Organization, a CareTeam it participates in, one of its
 * practitioners (requester facts), or a PractitionerRole of its Organization (read here, since
 * facts list practitioners rather than their roles). Only relative references count.
 */
export async function actsAsReference(store: Store, writer: Writer, ref: Reference | undefined): Promise<boolean> {
  const target = ref?.reference;
  if (!target) return false;
  if (writer.facts.memberOf.includes(target)) return true;
  const role = /^PractitionerRole\/([A-Za-z0-9\-.]{1,64})$/.exec(target);
  if (!role) return false;
  const stored = await store.read('PractitionerRole', role[1]!);
  const organization = (stored?.resource as { organization?: Reference } | undefined)?.organization?.reference;
  return !stored?.deleted && organization === `Organization/${writer.facts.organizationId}`;
}

function waitListOf(task: Task): unknown {
  return (task.extension ?? []).filter((e) => e.url === WAIT_LIST_EXTENSION);
}

function sameIgnoringMeta(a: Task, b: Task): boolean {
  const { meta: _a, ...restA } = a;
  const { meta: _b, ...restB } = b;
  return canonicalJson(restA) === canonicalJson(restB);
}
