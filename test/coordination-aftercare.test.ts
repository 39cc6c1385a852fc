import type { Resource, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, AFTERCARE_IDENTIFIER_SYSTEM, aftercareScheduleOf } from '../src/coordination/index.js';
import type { StoredVersion } from '../src/storage/store.js';
import { createPart2World, type Part2World } from './support/part2-world.js';

const CS = 'https://reentry-gateway.example.org/fhir/CodeSystem';
const SD = 'https://reentry-gateway.example.org/fhir/StructureDefinition';

let w: Part2World;
const subject = () => ({ reference: `Patient/${w.patientId}` });

function aftercarePlan(period: { start: string; end?: string }): Resource {
  return {
    resourceType: 'CarePlan',
    status: 'active',
    intent: 'plan',
    category: [{ coding: [{ system: `${CS}/case-plan-category`, code: 'aftercare-plan' }] }],
    subject: subject(),
    period,
  } as Resource;
}

/** The aftercare Tasks of `plan`, by month. */
async function monthsOf(plan: string): Promise<Task[]> {
  const found = await w.gw.repo.store.referencesTo([{ type: 'CarePlan', id: plan }], 'Task', 'focus');
  return found
    .map((v) => v.resource as Task)
    .filter((t) => t.identifier?.some((i) => i.system === AFTERCARE_IDENTIFIER_SYSTEM))
    .sort((a, b) => a.input![0]!.valuePositiveInt! - b.input![0]!.valuePositiveInt!);
}

function wellnessCheck(month: number, start: string): Resource {
  return {
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
    type: [{ coding: [{ system: `${CS}/encounter-kind`, code: 'wellness-check' }] }],
    subject: subject(),
    period: { start },
    participant: [{ type: [{ coding: [{ system: `${CS}/care-team-role`, code: 'peer-support-specialist' }] }], individual: { display: 'Peer specialist (synthetic)' } }],
    extension: [{ url: `${SD}/aftercare-month`, valuePositiveInt: month }],
  } as Resource;
}

beforeAll(async () => {
  w = await createPart2World();
}, 60_000);
afterAll(async () => w?.close());

describe('aftercare schedule (pure)', () => {
  const version = (plan: Resource): StoredVersion => ({ resource: plan, resourceType: 'CarePlan', id: 'p', versionId: 1, lastUpdated: '2026-01-01T00:00:00Z', deleted: false, disclosure: { part2: false, patientId: 'x' } });

  it('months end the day before the next one starts, clamped at month ends', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 2)).toBe('2027-01-15');
    const months = aftercareScheduleOf(version({ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: 'Patient/x' }, category: [{ coding: [{ system: `${CS}/case-plan-category`, code: 'aftercare-plan' }] }], period: { start: '2026-01-31' } } as Resource));
    expect(months.map((m) => [m.month, m.start, m.end])).toEqual([
      [1, '2026-01-31', '2026-02-27'],
      [2, '2026-02-28', '2026-03-30'],
      [3, '2026-03-31', '2026-04-29'],
      [4, '2026-04-30', '2026-05-30'],
      [5, '2026-05-31', '2026-06-29'],
      [6, '2026-06-30', '2026-07-30'],
    ]);
  });

  it('never beyond six months, however long the plan; nothing for a draft or a case plan', () => {
    const plan = (status: string, code: string, end?: string) =>
      version({ resourceType: 'CarePlan', status, intent: 'plan', subject: { reference: 'Patient/x' }, category: [{ coding: [{ system: `${CS}/case-plan-category`, code }] }], period: { start: '2026-01-01', ...(end ? { end } : {}) } } as Resource);
    expect(aftercareScheduleOf(plan('active', 'aftercare-plan', '2028-01-01'))).toHaveLength(6);
    expect(aftercareScheduleOf(plan('draft', 'aftercare-plan'))).toHaveLength(0);
    expect(aftercareScheduleOf(plan('active', 'comprehensive-case-plan'))).toHaveLength(0);
  });
});

describe('aftercare wellness checks', () => {
  it('an aftercare plan schedules six monthly wellness-check Tasks, once, owned by the team', async () => {
    const plan = await w.create('demo-housing', aftercarePlan({ start: '2026-12-01' }));
    await w.gw.careCoordinator.drain();
    // An update of the plan (a second version in the feed) schedules nothing more.
    const current = (await w.send('demo-housing', 'GET', `/fhir/CarePlan/${plan}`)).body;
    expect((await w.send('demo-housing', 'PUT', `/fhir/CarePlan/${plan}`, { ...current, description: 'Aftercare with peer support' })).status).toBe(200);
    await w.gw.careCoordinator.drain();
    const tasks = await monthsOf(plan);
    expect(tasks).toHaveLength(6);
    expect(tasks.map((t) => t.restriction?.period)).toEqual([
      { start: '2026-12-01', end: '2026-12-31' },
      { start: '2027-01-01', end: '2027-01-31' },
      { start: '2027-02-01', end: '2027-02-28' },
      { start: '2027-03-01', end: '2027-03-31' },
      { start: '2027-04-01', end: '2027-04-30' },
      { start: '2027-05-01', end: '2027-05-31' },
    ]);
    for (const t of tasks) expect(t).toMatchObject({ status: 'requested', intent: 'plan', for: subject(), basedOn: [{ reference: `CarePlan/${plan}` }] });
    expect(tasks[0]!.owner?.reference).toMatch(/^CareTeam\//);
  });

  it('a plan ending after two months gets two; a wellness check completes its month only', async () => {
    const plan = await w.create('demo-housing', aftercarePlan({ start: '2027-06-15', end: '2027-08-01' }));
    await w.gw.careCoordinator.drain();
    expect((await monthsOf(plan)).map((t) => t.input![0]!.valuePositiveInt)).toEqual([1, 2]);

    const check = await w.create('demo-housing', wellnessCheck(2, '2027-07-20T15:00:00Z'));
    await w.gw.careCoordinator.drain();
    const [m1, m2] = await monthsOf(plan);
    expect(m1!.status).toBe('requested');
    expect(m2!.status).toBe('completed');
    expect(m2!.output?.[0]?.valueReference?.reference).toBe(`Encounter/${check}`);

    // A cancelled check completes nothing; a check for a month already done changes nothing.
    await w.create('demo-housing', { ...wellnessCheck(1, '2027-06-20T15:00:00Z'), status: 'cancelled' } as Resource);
    await w.create('demo-housing', wellnessCheck(2, '2027-07-25T15:00:00Z'));
    await w.gw.careCoordinator.drain();
    const after = await monthsOf(plan);
    expect(after.map((t) => t.status)).toEqual(['requested', 'completed']);
    expect(after[1]!.meta?.versionId).toBe(m2!.meta?.versionId);
  });
});
