/**
 * Turns junctions and aftercare months into team Tasks and writes them as the gateway itself,
 * idempotently: each Task carries an identifier naming its trigger, and a Task that already
 * carries it is never written twice (so replaying the change feed after a crash duplicates nothing).
 */
import type { CarePlan, CareTeam, Task } from '@medplum/fhirtypes';
import type { FhirRepository } from '../fhir/repository.js';
import type { StoredVersion } from '../storage/store.js';
import type { AftercareMonth } from './aftercare.js';
import type { Junction } from './junctions.js';
import {
  AFTERCARE_IDENTIFIER_SYSTEM,
  CARE_TASK_KIND_DISPLAY,
  CARE_TASK_KIND_SYSTEM,
  CASE_PLAN_CATEGORY_SYSTEM,
  JUNCTION_IDENTIFIER_SYSTEM,
  VULNERABILITY_JUNCTION_SYSTEM,
  type CareTaskKind,
} from './vocabulary.js';

/** Plans whose care team is the participant's reentry team (not an aftercare plan). */
const TEAM_PLAN_CATEGORIES: ReadonlySet<string> = new Set(['comprehensive-case-plan', 'service-plan', 'aftercare-plan']);

/**
 * The participant's team (`CareTeam/id`): the care team of their newest active reentry plan, else
 * their newest active CareTeam; undefined when they have neither (the Task is then raised unowned
 * and lands in no inbox until someone takes it).
 */
export async function careTeamOf(repo: FhirRepository, patientId: string): Promise<string | undefined> {
  const patient = [{ type: 'Patient', id: patientId }];
  const plans = (await repo.store.referencesTo(patient, 'CarePlan', 'subject'))
    .filter((v) => {
      const plan = v.resource as CarePlan;
      return plan.status === 'active' && (plan.category ?? []).some((c) => (c.coding ?? []).some((k) => k.system === CASE_PLAN_CATEGORY_SYSTEM && TEAM_PLAN_CATEGORIES.has(k.code ?? '')));
    })
    .sort(newestFirst);
  const fromPlan = plans.map((v) => (v.resource as CarePlan).careTeam?.[0]?.reference).find((ref) => ref?.startsWith('CareTeam/'));
  if (fromPlan) return fromPlan;
  const teams = (await repo.store.referencesTo(patient, 'CareTeam', 'subject')).filter((v) => (v.resource as CareTeam).status === 'active').sort(newestFirst);
  return teams[0] ? `CareTeam/${teams[0].id}` : undefined;
}

const newestFirst = (a: StoredVersion, b: StoredVersion): number => b.lastUpdated.localeCompare(a.lastUpdated);

/** The Task a junction raises (status requested, intent order), addressed to `owner`. */
export function junctionTask(j: Junction, owner: string | undefined, authoredOn: string): Task {
  return {
    resourceType: 'Task',
    identifier: [{ system: JUNCTION_IDENTIFIER_SYSTEM, value: `${j.focus}/${j.kind}` }],
    status: 'requested',
    intent: 'order',
    priority: j.priority,
    code: kindConcept(j.kind, j.junction),
    description: j.description,
    focus: { reference: j.focus },
    for: { reference: `Patient/${j.patientId}` },
    ...(owner ? { owner: { reference: owner } } : {}),
    authoredOn,
    restriction: { period: { end: j.due } },
  };
}

/** The wellness-check Task of one aftercare month (intent plan), due within the month's window. */
export function aftercareTask(m: AftercareMonth, owner: string | undefined, authoredOn: string): Task {
  return {
    resourceType: 'Task',
    identifier: [{ system: AFTERCARE_IDENTIFIER_SYSTEM, value: `${m.plan}/month-${m.month}` }],
    status: 'requested',
    intent: 'plan',
    priority: 'routine',
    code: kindConcept('aftercare-wellness-check'),
    description: `Aftercare month ${m.month}: peer support wellness check (${m.start} to ${m.end}).`,
    focus: { reference: m.plan },
    basedOn: [{ reference: m.plan }],
    for: { reference: `Patient/${m.patientId}` },
    ...(owner ? { owner: { reference: owner } } : {}),
    authoredOn,
    restriction: { period: { start: m.start, end: m.end } },
    input: [{ type: { text: 'aftercare-month' }, valuePositiveInt: m.month }],
  };
}

function kindConcept(kind: CareTaskKind, junction?: string): Task['code'] {
  return {
    coding: [
      { system: CARE_TASK_KIND_SYSTEM, code: kind, display: CARE_TASK_KIND_DISPLAY[kind] },
      ...(junction ? [{ system: VULNERABILITY_JUNCTION_SYSTEM, code: junction }] : []),
    ],
    text: CARE_TASK_KIND_DISPLAY[kind],
  };
}

/**
 * Writes `task` as the gateway unless a Task with its (first) identifier exists; true when written.
 * Labels propagate from `focus` as for any write (P2-18). A Part 2-labeled Task is held by the
 * holder of the record that raised it: the program that may read the drug test may read the Task
 * derived from it, and everyone else needs a consent, exactly as for the drug test itself.
 */
export async function writeOnce(repo: FhirRepository, task: Task, trigger: StoredVersion): Promise<boolean> {
  const id = task.identifier![0]!;
  if (await repo.findOneForCondition('Task', `identifier=${id.system}|${id.value}`, 'identifier')) return false;
  const write = await repo.prepareCreate('Task', task);
  const holderOrg = trigger.disclosure.holderOrg;
  const disclosure = write.disclosure?.part2 ? { ...write.disclosure, ...(holderOrg ? { holderOrg } : {}) } : write.disclosure;
  await repo.store.write([{ ...write, ...(disclosure ? { disclosure } : {}) }]);
  return true;
}
