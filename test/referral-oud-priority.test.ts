import type { Consent, Observation, Task } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actCode } from '../src/consent/labels.js';
import { OUD_PRIORITY } from '../src/referral/index.js';
import { createPart2World, type Client, type Part2World } from './support/part2-world.js';

const LINKAGE = 'https://reentry-gateway.example.org/fhir/CodeSystem/linkage-domain';
const TREAT = [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }];
let w: Part2World;
let housing: string;
let corrections: string;
/** A second participant with no OUD evidence at all. */
let otherPatient: string;

beforeAll(async () => {
  w = await createPart2World();
  housing = `Organization/${w.org['demo-housing']}`;
  corrections = `Organization/${w.org['demo-corrections']}`;
  otherPatient = await w.create('demo-admin', { resourceType: 'Patient', name: [{ family: 'Sample', given: ['Riley'] }], gender: 'unknown' });
});
afterAll(async () => w.close());
afterEach(async () => w.retireConsents());

/** A consent from the treatment program naming `recipients` for Part 2 records, for treatment, about `patientId`. */
function consentFor(recipients: string[], patientId = w.patientId): Consent {
  const consent = w.consent('specific-disclosure', recipients, { purpose: TREAT, class: undefined, securityLabel: [actCode('42CFRPart2')] });
  return JSON.parse(JSON.stringify(consent).replaceAll(`Patient/${w.patientId}`, `Patient/${patientId}`)) as Consent;
}

async function referral(client: Client, patientId: string, extra: Partial<Task> = {}): Promise<Task> {
  const sr = await w.create(client, {
    resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority: 'routine',
    category: [{ coding: [{ system: LINKAGE, code: 'housing' }] }], code: { text: 'Recovery housing' },
    subject: { reference: `Patient/${patientId}` }, performer: [{ reference: housing }],
  });
  const res = await w.send(client, 'POST', '/fhir/Task', {
    resourceType: 'Task', status: 'requested', intent: 'order', priority: 'routine',
    focus: { reference: `ServiceRequest/${sr}` }, for: { reference: `Patient/${patientId}` }, owner: { reference: housing },
    authoredOn: '2026-10-06T09:00:00Z', ...extra,
  });
  expect(res.status, res.text).toBe(201);
  return res.body as unknown as Task;
}

describe('OUD priority entry (ICTS), derived from the participant’s records', () => {
  it('owner and requester both covered for the OUD diagnosis: the new Task is urgent', async () => {
    await w.grant(consentFor([housing, corrections]));
    const task = await referral('demo-corrections', w.patientId);
    expect(task.priority).toBe(OUD_PRIORITY);
    // Only the priority: no label, note or input names the basis.
    for (const marker of ['F11.20', 'OPIOIDUD', 'opioid', w.records.diagnosis]) expect(JSON.stringify(task)).not.toContain(marker);
    expect(task.input ?? task.note).toBeUndefined();
    expect(task.meta?.security?.map((c) => c.code)).not.toContain('42CFRPart2');
  });

  it('no OUD evidence: priority left as given', async () => {
    await w.grant(consentFor([housing, corrections], otherPatient));
    expect((await referral('demo-corrections', otherPatient)).priority).toBe('routine');
  });

  it('the owner not covered: priority left as given, even though the requester is', async () => {
    await w.grant(consentFor([corrections]));
    expect((await referral('demo-corrections', w.patientId)).priority).toBe('routine');
  });

  it('the requester not covered (it would learn OUD from the Task it gets back): left as given', async () => {
    await w.grant(consentFor([housing]));
    expect((await referral('demo-corrections', w.patientId)).priority).toBe('routine');
  });

  it('a hand-set higher priority stays; the derivation only ever raises', async () => {
    await w.grant(consentFor([housing, corrections]));
    expect((await referral('demo-corrections', w.patientId, { priority: 'stat' })).priority).toBe('stat');
    expect((await referral('demo-corrections', w.patientId, { priority: 'asap' })).priority).toBe('asap');
    expect((await referral('demo-corrections', w.patientId, { priority: undefined })).priority).toBe(OUD_PRIORITY);
  });

  it('a positive opioid drug test counts; a negative one does not', async () => {
    const tested = await w.create('demo-admin', { resourceType: 'Patient', name: [{ family: 'Sample', given: ['Casey'] }], gender: 'unknown' });
    const drugTest = (result: string): Observation => ({
      resourceType: 'Observation', status: 'final',
      category: [{ coding: [{ system: 'https://reentry-gateway.example.org/fhir/CodeSystem/part2-monitoring-category', code: 'drug-test' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '19295-5' }] }, subject: { reference: `Patient/${tested}` },
      effectiveDateTime: '2026-10-03T10:00:00Z',
      valueCodeableConcept: { coding: [{ system: 'https://reentry-gateway.example.org/fhir/CodeSystem/drug-test-result', code: result }] },
    });
    await w.grant(consentFor([housing, corrections], tested));
    await w.create('demo-treatment', drugTest('negative'));
    expect((await referral('demo-corrections', tested)).priority).toBe('routine');
    await w.create('demo-treatment', drugTest('positive'));
    expect((await referral('demo-corrections', tested)).priority).toBe(OUD_PRIORITY);
  });
});

describe('the inbox order never reveals OUD to an owner that may not know it', () => {
  const inbox = async (owner: string) => {
    const reply = await w.send('demo-housing', 'GET', `/fhir/Task?owner=${owner}&status=requested&_sort=priority-order,-authored-on`);
    expect(reply.status, reply.text).toBe(200);
    return (reply.body.entry ?? []).map((e) => e.resource as Task);
  };

  it('without a consent naming the owner, the OUD participant’s older referral stays behind the newer one', async () => {
    // The requester is covered (so only the owner's consent is missing).
    await w.grant(consentFor([corrections]));
    const clinic = await w.create('demo-admin', { resourceType: 'Organization', name: 'Inbox clinic (no consent)' });
    const owner = `Organization/${clinic}`;
    const oud = await referral('demo-corrections', w.patientId, { owner: { reference: owner }, authoredOn: '2026-10-07T08:00:00Z' });
    const plain = await referral('demo-corrections', otherPatient, { owner: { reference: owner }, authoredOn: '2026-10-07T09:00:00Z' });
    const tasks = await inbox(owner);
    expect(tasks.map((t) => t.id)).toEqual([plain.id, oud.id]);
    expect(tasks.map((t) => t.priority)).toEqual(['routine', 'routine']);
  });

  it('with the owner covered too, the OUD participant’s referral comes first', async () => {
    const clinic = await w.create('demo-admin', { resourceType: 'Organization', name: 'Inbox clinic (consented)' });
    const owner = `Organization/${clinic}`;
    await w.grant(consentFor([owner, corrections]));
    const oud = await referral('demo-corrections', w.patientId, { owner: { reference: owner }, authoredOn: '2026-10-07T08:00:00Z' });
    const plain = await referral('demo-corrections', otherPatient, { owner: { reference: owner }, authoredOn: '2026-10-07T09:00:00Z' });
    expect((await inbox(owner)).map((t) => t.id)).toEqual([oud.id, plain.id]);
  });
});
