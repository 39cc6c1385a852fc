import type { Bundle, Resource, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceClass } from '../src/consent/fixtures.js';
import { CARE_COORDINATION_CONSUMER, CARE_TASK_KIND_SYSTEM, createCareCoordinator, JUNCTION_IDENTIFIER_SYSTEM, VULNERABILITY_JUNCTION_SYSTEM } from '../src/coordination/index.js';
import { createPart2World, expectSearchExcludes, type Part2World } from './support/part2-world.js';

const CS = 'https://reentry-gateway.example.org/fhir/CodeSystem';
const SD = 'https://reentry-gateway.example.org/fhir/StructureDefinition';

let w: Part2World;
let team: string;
const subject = () => ({ reference: `Patient/${w.patientId}` });

/** The Tasks the gateway raised for `focus` (`Type/id`), read as the gateway itself. */
async function raisedFor(focus: string): Promise<Task[]> {
  const found = await w.gw.repo.store.referencesTo([{ type: focus.split('/')[0]!, id: focus.split('/')[1]! }], 'Task', 'focus');
  return found.map((v) => v.resource as Task).filter((t) => t.identifier?.some((i) => i.system === JUNCTION_IDENTIFIER_SYSTEM));
}

const kindOf = (t: Task) => t.code?.coding?.find((c) => c.system === CARE_TASK_KIND_SYSTEM)?.code;
const junctionOf = (t: Task) => t.code?.coding?.find((c) => c.system === VULNERABILITY_JUNCTION_SYSTEM)?.code;

beforeAll(async () => {
  w = await createPart2World();
  const teams = (await w.get('demo-admin', `/fhir/CareTeam?subject=Patient/${w.patientId}`)).body as Bundle;
  team = `CareTeam/${teams.entry![0]!.resource!.id}`;
  await w.gw.careCoordinator.drain();
}, 60_000);
afterAll(async () => w?.close());

describe('junctions of vulnerability raise team Tasks', () => {
  it('a booking with an expected release date raises "plan release-day linkage", due a week before release', async () => {
    const booking = await w.create('demo-corrections', {
      resourceType: 'Encounter',
      status: 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'FLD' },
      type: [{ coding: [{ system: `${CS}/custody-event-type`, code: 'booking' }] }],
      subject: subject(),
      period: { start: '2026-08-01T08:00:00Z' },
      extension: [{ url: `${SD}/expected-release-date`, valueDate: '2027-03-10' }],
    } as Resource);
    await w.gw.careCoordinator.drain();
    const [task, ...more] = await raisedFor(`Encounter/${booking}`);
    expect(more).toHaveLength(0);
    expect(kindOf(task!)).toBe('release-linkage-plan');
    expect(junctionOf(task!)).toBe('pre-release');
    expect(task).toMatchObject({ status: 'requested', intent: 'order', for: subject(), owner: { reference: team }, restriction: { period: { end: '2027-03-03' } } });
    expect(task!.identifier![0]!.value).toBe(`Encounter/${booking}/release-linkage-plan`);
  });

  it('a release, a finished supervision, a no-show and a noshow Appointment each raise their Task', async () => {
    const release = await w.create('demo-corrections', {
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'FLD' },
      type: [{ coding: [{ system: `${CS}/custody-event-type`, code: 'release' }] }],
      subject: subject(),
      period: { start: '2026-11-20T09:00:00Z', end: '2026-11-20T09:00:00Z' },
    } as Resource);
    const supervision = await w.create('demo-corrections', {
      resourceType: 'EpisodeOfCare',
      status: 'finished',
      type: [{ coding: [{ system: `${CS}/supervision-type`, code: 'probation' }] }],
      patient: subject(),
      managingOrganization: { reference: `Organization/${w.org['demo-corrections']}` },
      period: { start: '2025-01-01', end: '2026-11-01' },
    } as Resource);
    const noShow = await w.create('demo-corrections', {
      resourceType: 'Encounter',
      status: 'cancelled',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      type: [{ coding: [{ system: `${CS}/encounter-kind`, code: 'supervision-contact' }] }],
      subject: subject(),
      period: { start: '2026-11-02T10:00:00Z' },
      extension: [{ url: `${SD}/attendance-status`, valueCodeableConcept: { coding: [{ system: `${CS}/attendance-status`, code: 'no-show' }] } }],
    } as Resource);
    const appointment = await w.create('demo-housing', {
      resourceType: 'Appointment',
      status: 'noshow',
      start: '2026-11-03T10:00:00Z',
      end: '2026-11-03T11:00:00Z',
      participant: [{ actor: subject(), status: 'accepted' }],
    } as Resource);
    await w.gw.careCoordinator.drain();
    const expectations: [string, string, string | undefined, string][] = [
      [`Encounter/${release}`, 'release-day-linkage', 'release', 'asap'],
      [`EpisodeOfCare/${supervision}`, 'supervision-discharge-plan', 'supervision-discharge', 'urgent'],
      [`Encounter/${noShow}`, 'missed-appointment-follow-up', undefined, 'urgent'],
      [`Appointment/${appointment}`, 'missed-appointment-follow-up', undefined, 'urgent'],
    ];
    for (const [focus, kind, junction, priority] of expectations) {
      const tasks = await raisedFor(focus);
      expect(tasks, focus).toHaveLength(1);
      expect(kindOf(tasks[0]!)).toBe(kind);
      expect(junctionOf(tasks[0]!)).toBe(junction);
      expect(tasks[0]!.priority).toBe(priority);
    }
    expect((await raisedFor(`Encounter/${release}`))[0]!.restriction?.period?.end).toBe('2026-11-23');
  });

  it('an active supervision far from its end raises nothing until the daily sweep finds it within 30 days', async () => {
    const episode = await w.create('demo-corrections', {
      resourceType: 'EpisodeOfCare',
      status: 'active',
      type: [{ coding: [{ system: `${CS}/supervision-type`, code: 'parole' }] }],
      patient: subject(),
      managingOrganization: { reference: `Organization/${w.org['demo-corrections']}` },
      period: { start: '2026-01-01', end: '2099-03-01' },
    } as Resource);
    await w.gw.careCoordinator.drain();
    expect(await raisedFor(`EpisodeOfCare/${episode}`)).toHaveLength(0);
    expect(await w.gw.careCoordinator.sweep(new Date('2099-01-15T00:00:00Z'))).toBe(0);
    expect(await w.gw.careCoordinator.sweep(new Date('2099-02-10T00:00:00Z'))).toBe(1);
    expect(await w.gw.careCoordinator.sweep(new Date('2099-02-11T00:00:00Z'))).toBe(0);
    const [task, ...more] = await raisedFor(`EpisodeOfCare/${episode}`);
    expect(more).toHaveLength(0);
    expect(kindOf(task!)).toBe('supervision-discharge-plan');
    expect(task!.restriction?.period?.end).toBe('2099-03-01');
  });

  it('a first run over old data raises nothing for records stored more than 30 days before it', async () => {
    const noShow = await w.create('demo-housing', { resourceType: 'Appointment', status: 'noshow', start: '2026-11-04T10:00:00Z', end: '2026-11-04T11:00:00Z', participant: [{ actor: subject(), status: 'accepted' }] } as Resource);
    const late = createCareCoordinator({ repo: w.gw.repo, conn: w.gw.conn, consumer: 'care-coordination-stale-test', now: () => new Date(Date.now() + 31 * 86_400_000) });
    expect(await late.drain()).toBeGreaterThan(0);
    expect(await raisedFor(`Appointment/${noShow}`)).toHaveLength(0);
    await w.gw.careCoordinator.drain();
    expect(await raisedFor(`Appointment/${noShow}`)).toHaveLength(1);
  });

  it('ordinary records raise nothing: an attended session, a negative drug test, an active supervision far from its end', async () => {
    const before = (await w.gw.repo.store.changes(0, 100_000)).length;
    const attended = await w.create('demo-corrections', {
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: subject(),
      period: { start: '2026-11-02T10:00:00Z' },
      extension: [{ url: `${SD}/attendance-status`, valueCodeableConcept: { coding: [{ system: `${CS}/attendance-status`, code: 'attended' }] } }],
    } as Resource);
    await w.gw.careCoordinator.drain();
    expect(await raisedFor(`Encounter/${attended}`)).toHaveLength(0);
    expect(await raisedFor(`Observation/${w.records.drugTest}`)).toHaveLength(0);
    // Only the one Encounter was written: no Task versions followed it.
    expect((await w.gw.repo.store.changes(0, 100_000)).length).toBe(before + 1);
  });
});

describe('a positive drug test from the Part 2 program', () => {
  let test: string;
  let task: Task;

  beforeAll(async () => {
    test = await w.create('demo-treatment', {
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: `${CS}/reentry-observation-category`, code: 'drug-test' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '19295-5' }] },
      subject: subject(),
      effectiveDateTime: '2026-11-05T10:00:00Z',
      valueCodeableConcept: { coding: [{ system: `${CS}/drug-test-result`, code: 'positive' }] },
    } as Resource);
    await w.gw.careCoordinator.drain();
    [task] = (await raisedFor(`Observation/${test}`)) as [Task];
  });

  it('raises one urgent relapse Task for the team, labeled Part 2 like its focus (P2-18)', () => {
    expect(task).toBeDefined();
    expect(kindOf(task)).toBe('positive-drug-test-response');
    expect(junctionOf(task)).toBe('relapse');
    expect(task.priority).toBe('urgent');
    expect(task.owner?.reference).toBe(team);
    expect(task.meta?.security?.map((c) => c.code)).toContain('42CFRPart2');
  });

  it('the program holding the drug test reads the Task; the housing specialist without a consent does not (P2-01, P2-17)', async () => {
    expect((await w.send('demo-treatment', 'GET', `/fhir/Task/${task.id}`)).status).toBe(200);
    expect((await w.send('demo-housing', 'GET', `/fhir/Task/${task.id}`, undefined, 'COC')).status).toBe(404);
    const inbox = await w.send('demo-housing', 'GET', `/fhir/Task?owner=${team}`, undefined, 'COC');
    await expectSearchExcludes(inbox, [`Task/${task.id}`]);
  });

  it('a consent naming the housing agency for Tasks releases it, with the refrain label (P2-05, P2-16)', async () => {
    await w.grant(w.consent('specific-disclosure', [`Organization/${w.org['demo-housing']}`], { class: [resourceClass('Task'), resourceClass('Observation')] }));
    try {
      const reply = await w.send('demo-housing', 'GET', `/fhir/Task/${task.id}`, undefined, 'COC');
      expect(reply.status).toBe(200);
      expect(reply.body.meta?.security?.map((c: { code?: string }) => c.code)).toContain('NORDSCLCD');
    } finally {
      await w.retireConsents();
    }
  });

  it('under a §2.35 consent probation gets drug tests but not the team Task, which is not monitoring information (P2-10)', async () => {
    await w.grant(w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]));
    try {
      expect((await w.send('demo-corrections', 'GET', `/fhir/Observation/${w.records.drugTest}`, undefined, 'CJMONITOR')).status).toBe(200);
      expect((await w.send('demo-corrections', 'GET', `/fhir/Task/${task.id}`, undefined, 'CJMONITOR')).status).toBe(404);
    } finally {
      await w.retireConsents();
    }
  });

  it('start() follows the feed in the background until stopped', async () => {
    const stop = w.gw.careCoordinator.start(20);
    let appointment = '';
    try {
      appointment = await w.create('demo-housing', { resourceType: 'Appointment', status: 'noshow', start: '2026-11-06T10:00:00Z', end: '2026-11-06T11:00:00Z', participant: [{ actor: subject(), status: 'accepted' }] } as Resource);
      // Bounded wait for the loop (not a timing assertion: only that it happens at all).
      for (let i = 0; i < 400 && (await raisedFor(`Appointment/${appointment}`)).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await stop();
    }
    expect(await raisedFor(`Appointment/${appointment}`)).toHaveLength(1);
  });

  it('replaying the whole change feed (a crash before the cursor moved) writes no second Task', async () => {
    const tasksBefore = (await w.gw.repo.store.changes(0, 100_000)).filter((c) => c.version.resourceType === 'Task').length;
    await w.gw.conn.batch([{ sql: 'UPDATE change_cursor SET position = 0 WHERE consumer = ?', args: [CARE_COORDINATION_CONSUMER] }]);
    await w.gw.careCoordinator.drain();
    expect(await raisedFor(`Observation/${test}`)).toHaveLength(1);
    const tasksAfter = (await w.gw.repo.store.changes(0, 100_000)).filter((c) => c.version.resourceType === 'Task').length;
    expect(tasksAfter).toBe(tasksBefore);
  });
});
