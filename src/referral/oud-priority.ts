/**
 * Priority entry for participants with opioid use disorder (ICTS), derived from their records
 * when a referral Task is created, never typed by hand.
 *
 * OUD is Part 2 information, and a priority is visible to whoever reads the Task. So evidence may
 * raise the priority only when every party to the Task could read it itself right now under the
 * consents on file (the same decide() as any read): the owner (its inbox order) and the requester
 * (the writer, who sees the Task it gets back, and Task.requester). If any of them could not,
 * the priority is left exactly as given — the inbox order then says nothing about OUD.
 *
 * The derived value is an ordinary `urgent`, indistinguishable from one typed by hand, and no basis
 * is written into the Task, so readers outside the two parties learn nothing from it. It only
 * ever raises: `stat`/`asap` typed by hand stay ahead of it.
 */
import type { Task } from '@medplum/fhirtypes';
import type { Writer } from '../enforcement/access-policy.js';
import type { Store } from '../storage/store.js';
import { oudEvidence } from './oud-evidence.js';
import { notPermitted, partyOf, referralPurpose, writerParty, type Party } from './recipient-access.js';

export const OUD_PRIORITY = 'urgent' satisfies NonNullable<Task['priority']>;
/** FHIR request-priority order, most pressing first (the inbox's `priority-order`). */
const RANK: Readonly<Record<NonNullable<Task['priority']>, number>> = { stat: 1, asap: 2, urgent: 3, routine: 4 };

/** The priority the new Task should carry, or undefined to leave it as given. */
export async function derivedPriority(store: Store, task: Task, writer: Writer | undefined): Promise<Task['priority'] | undefined> {
  if ((task.priority ? RANK[task.priority] : RANK.routine) <= RANK[OUD_PRIORITY]) return undefined;
  const patientId = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(task.for?.reference ?? '')?.[1];
  if (!patientId) return undefined;
  const evidence = await oudEvidence(store, patientId);
  if (evidence.length === 0) return undefined;
  const parties = await partiesOf(store, task, writer);
  if (!parties) return undefined;
  const now = writer?.now ?? new Date();
  for (const party of parties) {
    const denied = await notPermitted(store, party, evidence, now);
    if (denied.length === evidence.length) return undefined;
  }
  return OUD_PRIORITY;
}

/** Owner, writer and Task.requester as parties; undefined when one cannot be resolved (fail closed). */
async function partiesOf(store: Store, task: Task, writer: Writer | undefined): Promise<Party[] | undefined> {
  const purpose = referralPurpose(writer);
  const owner = await partyOf(store, task.owner, purpose);
  if (!owner) return undefined;
  const parties = [owner];
  if (writer) parties.push(writerParty(writer, purpose));
  const requesterRef = task.requester?.reference;
  // Task.requester defaults to the writer's Organization; another of its references (a CareTeam,
  // a PractitionerRole) was already checked to be the writer's own by the Task rule.
  if (requesterRef && requesterRef.startsWith('Organization/') && requesterRef !== `Organization/${writer?.facts.organizationId}`) {
    const requester = await partyOf(store, requesterRef, purpose);
    if (!requester) return undefined;
    parties.push(requester);
  } else if (!writer && !requesterRef?.startsWith('Organization/')) {
    return undefined;
  }
  return parties;
}
