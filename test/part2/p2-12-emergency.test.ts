import type { Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { auditAuthority, auditKind, auditedRefs, createPart2World, STORAGE_MODES, expectDeniedRead, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-12 §2.51: a treating provider may get records in a medical emergency without consent; audited and the program notified. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterAll(async () => w.close());

  const programTasks = async (): Promise<Task[]> => {
    const reply = await w.send('demo-treatment', 'GET', `/fhir/Task?owner=Organization/${w.org['demo-treatment']}`);
    expect(reply.status).toBe(200);
    return (reply.body.entry ?? []).map((e) => e.resource as Task);
  };

  it('P2-12 the EHR vendor with ETREAT reads a Part 2 record without consent, audited as emergency', async () => {
    const mark = await w.auditMark();
    const reply = await w.send('demo-ehr', 'GET', `/fhir/Condition/${w.records.diagnosis}`, undefined, 'ETREAT');
    expect(reply.status).toBe(200);
    expect(reply.body.meta?.security?.map((c) => c.code)).toContain('NORDSCLCD');
    expect(reply.headers.get('x-part2-notice')).toMatch(/42 CFR part 2/);
    const [event] = (await w.auditSince(mark)).filter((e) => auditKind(e) === 'emergency');
    expect(event).toBeDefined();
    expect(auditAuthority(event!).name).toBe('emergency');
    expect(auditAuthority(event!).rules).toContain('P2-12');
    expect(auditedRefs(event!)).toEqual([`Condition/${w.records.diagnosis}`]);
    expect(event!.agent?.[0]?.who?.reference).toBe(`Organization/${w.org['demo-ehr']}`);
    expect(event!.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('ETREAT');
    // P2-13: the accounting lists it.
    const accounting = await w.gw.auditLog.disclosures(w.patientId);
    expect(accounting.events.some((e) => e.id === event!.id)).toBe(true);
  });

  it('P2-12 the holding program is notified with a Task in its inbox naming what was disclosed', async () => {
    const before = (await programTasks()).length;
    expect((await w.send('demo-ehr', 'GET', `/fhir/Observation/${w.records.drugTest}`, undefined, 'ETREAT')).status).toBe(200);
    const tasks = await programTasks();
    expect(tasks.length).toBe(before + 1);
    const task = tasks.find((t) => t.input?.some((i) => i.valueReference?.reference === `Observation/${w.records.drugTest}`));
    expect(task).toBeDefined();
    expect(task!.owner?.reference).toBe(`Organization/${w.org['demo-treatment']}`);
    expect(task!.for?.reference).toBe(`Patient/${w.patientId}`);
    expect(task!.description).toContain(`Organization/${w.org['demo-ehr']}`);
  });

  it('P2-12 the treatment program with ETREAT reads a Part 2 record another organization holds; that holder is notified', async () => {
    // A drug test written by probation is Part 2 by its code (P2-18) and held by probation.
    const id = await w.create('demo-corrections', {
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: 'https://reentry-gateway.example.org/fhir/CodeSystem/part2-monitoring-category', code: 'drug-test' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '19295-5' }] },
      subject: { reference: `Patient/${w.patientId}` },
    });
    const ref = `Observation/${id}`;
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-treatment', 'GET', `/fhir/${ref}`, undefined, 'TREAT'), mark, ref);
    const emergencyMark = await w.auditMark();
    const reply = await w.send('demo-treatment', 'GET', `/fhir/${ref}`, undefined, 'ETREAT');
    expect(reply.status).toBe(200);
    const [event] = (await w.auditSince(emergencyMark)).filter((e) => auditKind(e) === 'emergency');
    expect(auditedRefs(event!)).toEqual([ref]);
    expect(event!.agent?.[0]?.who?.reference).toBe(`Organization/${w.org['demo-treatment']}`);
    const inbox = await w.send('demo-corrections', 'GET', `/fhir/Task?owner=Organization/${w.org['demo-corrections']}`);
    expect(inbox.body.entry?.some((e) => (e.resource as Task).input?.some((i) => i.valueReference?.reference === ref))).toBe(true);
  });

  it('P2-12 an emergency search naming the patient returns their Part 2 records, each audited', async () => {
    const mark = await w.auditMark();
    const reply = await w.send('demo-ehr', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'ETREAT');
    expect(reply.status).toBe(200);
    expect(reply.body.entry!.map((e) => e.resource!.id)).toContain(w.records.drugTest);
    const emergency = (await w.auditSince(mark)).filter((e) => auditKind(e) === 'emergency');
    expect(emergency.flatMap(auditedRefs)).toContain(`Observation/${w.records.drugTest}`);
  });

  it('P2-12 ETREAT by the housing agency (not a treating provider) is denied', async () => {
    const ref = `Condition/${w.records.diagnosis}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/${ref}`, undefined, 'ETREAT'), mark, ref);
    expect(denial.outcomeDesc).toBe('NO_CONSENT');
    expect(auditAuthority(denial).rules).toContain('P2-12');
    const search = await w.send('demo-housing', 'GET', `/fhir/Condition?patient=Patient/${w.patientId}`, undefined, 'ETREAT');
    expect(search.body.total).toBe(0);
  });

  it('P2-12 BTG by probation is denied too', async () => {
    const ref = `Observation/${w.records.drugTest}`;
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-corrections', 'GET', `/fhir/${ref}`, undefined, 'BTG'), mark, ref);
  });

  it('P2-12 an ETREAT search that names no patient returns no Part 2 rows', async () => {
    for (const type of ['Observation', 'Condition', 'Encounter', 'DocumentReference', 'Goal']) {
      const reply = await w.send('demo-ehr', 'GET', `/fhir/${type}`, undefined, 'ETREAT');
      expect(reply.status).toBe(200);
      for (const entry of reply.body.entry ?? []) expect(entry.resource!.meta?.security?.map((c) => c.code)).not.toContain('42CFRPart2');
      expect(reply.body.total).toBe((reply.body.entry ?? []).length);
      expect(reply.text).not.toContain('F11.20');
    }
  });
});
