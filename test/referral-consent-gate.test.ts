import type { OperationOutcome, ServiceRequest, Task } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actCode } from '../src/consent/labels.js';
import { PART2_WITHHELD, REFERRAL_CONSENT_NOT_COVERING } from '../src/referral/index.js';
import { createPart2World, PART2_CONTENT, type Client, type Part2World, type Reply } from './support/part2-world.js';

const LINKAGE = 'https://reentry-gateway.example.org/fhir/CodeSystem/linkage-domain';
let w: Part2World;
let housing: string;

beforeAll(async () => {
  w = await createPart2World();
  housing = `Organization/${w.org['demo-housing']}`;
});
afterAll(async () => w.close());
afterEach(async () => w.retireConsents());

/** A consent from the treatment program letting housing receive Part 2 records for treatment. */
const housingConsent = () => w.consent('specific-disclosure', [housing], { purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }], class: undefined, securityLabel: [actCode('42CFRPart2')] });

function serviceRequest(extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority: 'routine',
    category: [{ coding: [{ system: LINKAGE, code: 'housing' }] }], code: { text: 'Recovery housing' },
    subject: { reference: `Patient/${w.patientId}` }, authoredOn: '2026-10-05T09:00:00Z',
    ...extra,
  };
}

function task(focus: string, extra: Partial<Task> = {}): Task {
  return {
    resourceType: 'Task', status: 'requested', intent: 'order', priority: 'routine',
    focus: { reference: focus }, for: { reference: `Patient/${w.patientId}` }, owner: { reference: housing },
    authoredOn: '2026-10-05T09:05:00Z', ...extra,
  };
}

/** POST as `client`, optionally with `Prefer: withhold-part2`. */
async function post(client: Client, resource: ServiceRequest | Task | object, withhold = false, path = `/fhir/${(resource as { resourceType: string }).resourceType}`): Promise<Reply> {
  const res = await w.gw.fhir(path, { method: 'POST', token: await w.token(client), json: resource, ...(withhold ? { headers: { prefer: 'return=representation, withhold-part2' } } : {}) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Reply['body'], text, headers: res.headers };
}

async function count(query: string): Promise<number> {
  return (await w.send('demo-admin', 'GET', `${query}${query.includes('?') ? '&' : '?'}_summary=count`)).body.total as number;
}

function expectNotCovering(reply: Reply, refs: string[]): void {
  expect(reply.status, reply.text).toBe(422);
  expect(reply.body.resourceType).toBe('OperationOutcome');
  const errors = (reply.body as OperationOutcome).issue.filter((i) => i.severity === 'error');
  expect(errors.every((i) => i.details?.coding?.[0]?.code === REFERRAL_CONSENT_NOT_COVERING)).toBe(true);
  for (const ref of refs) expect(errors.some((i) => i.details?.text?.includes(`\`${ref}\``))).toBe(true);
  expect(errors).toHaveLength(refs.length);
  // Names the references the writer sent, never the records' content.
  for (const marker of PART2_CONTENT.filter((m) => m !== '42CFRPart2')) expect(reply.text).not.toContain(marker);
}

describe('a referral carrying Part 2 records (the treatment program refers to housing)', () => {
  const diagnosis = () => `Condition/${w.records.diagnosis}`;

  it('covered by a consent naming the recipient: the ServiceRequest and Task are accepted and housing reads both', async () => {
    await w.grant(housingConsent());
    const sr = await post('demo-treatment', serviceRequest({ performer: [{ reference: housing }], supportingInfo: [{ reference: diagnosis() }] }));
    expect(sr.status, sr.text).toBe(201);
    expect(sr.body.supportingInfo).toEqual([{ reference: diagnosis() }]);
    const created = await post('demo-treatment', task(`ServiceRequest/${sr.body.id}`));
    expect(created.status, created.text).toBe(201);
    const inbox = await w.send('demo-housing', 'GET', `/fhir/Task?owner=${housing}&focus=ServiceRequest/${sr.body.id}&_include=Task:focus`);
    expect(inbox.body.entry?.map((e) => e.resource?.resourceType).sort()).toEqual(['ServiceRequest', 'Task']);
  });

  it('not covered: the ServiceRequest naming housing as performer is refused (422) and nothing is written', async () => {
    const before = await count(`/fhir/ServiceRequest?subject=Patient/${w.patientId}`);
    const sr = await post('demo-treatment', serviceRequest({ performer: [{ reference: housing }], supportingInfo: [{ reference: diagnosis() }] }));
    expectNotCovering(sr, [diagnosis()]);
    expect(sr.body.issue?.find((i: { severity: string }) => i.severity === 'error')?.expression).toEqual(['ServiceRequest.supportingInfo[0]']);
    expect(await count(`/fhir/ServiceRequest?subject=Patient/${w.patientId}`)).toBe(before);
  });

  it('not covered: a Task handing a Part 2 ServiceRequest to housing is refused, naming the ServiceRequest and what it carries', async () => {
    const sr = await post('demo-treatment', serviceRequest({ supportingInfo: [{ reference: diagnosis() }] })); // no performer yet: no recipient
    expect(sr.status, sr.text).toBe(201);
    const refused = await post('demo-treatment', task(`ServiceRequest/${sr.body.id}`));
    expectNotCovering(refused, [`ServiceRequest/${sr.body.id}`, diagnosis()]);
    expect(await count(`/fhir/Task?focus=ServiceRequest/${sr.body.id}`)).toBe(0);
    // Asking to withhold cannot help: the ServiceRequest itself is Part 2, and a Task write cannot change it.
    const still = await post('demo-treatment', task(`ServiceRequest/${sr.body.id}`), true);
    expectNotCovering(still, [`ServiceRequest/${sr.body.id}`, diagnosis()]);
    expect(still.text).toContain('new ServiceRequest');
    expect(await count(`/fhir/Task?focus=ServiceRequest/${sr.body.id}`)).toBe(0);
  });

  it('a revoked consent no longer covers: the next referral is refused (P2-15)', async () => {
    const consentId = await w.grant(housingConsent());
    const ok = await post('demo-treatment', serviceRequest({ performer: [{ reference: housing }], supportingInfo: [{ reference: diagnosis() }] }));
    expect(ok.status, ok.text).toBe(201);
    const revoke = await w.send('demo-treatment', 'POST', `/fhir/Consent/${consentId}/$revoke`);
    expect(revoke.status, revoke.text).toBe(200);
    const refused = await post('demo-treatment', task(`ServiceRequest/${ok.body.id}`));
    expectNotCovering(refused, [`ServiceRequest/${ok.body.id}`, diagnosis()]);
    expect(await count(`/fhir/Task?focus=ServiceRequest/${ok.body.id}`)).toBe(0);
  });
});

describe('Prefer: withhold-part2 — sent without the Part 2 parts, and the response says what was withheld', () => {
  it('corrections refers to housing with the OUD diagnosis attached: written without it, no longer Part 2', async () => {
    const diagnosis = `Condition/${w.records.diagnosis}`;
    const reply = await post('demo-corrections', serviceRequest({ performer: [{ reference: housing }], supportingInfo: [{ reference: diagnosis }, { reference: `Patient/${w.patientId}` }] }), true);
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.resourceType).toBe('OperationOutcome');
    const id = /^ServiceRequest\/([^/]+)\//.exec(reply.headers.get('location')?.split('/fhir/')[1] ?? '')?.[1];
    expect(id).toBeTruthy();
    const [written, ...warnings] = (reply.body as OperationOutcome).issue;
    expect(written?.severity).toBe('information');
    expect(written?.details?.text).toBe(`Stored as ServiceRequest/${id}/_history/1.`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', code: 'suppressed', expression: ['ServiceRequest.supportingInfo[0]'] });
    expect(warnings[0]?.details?.coding?.[0]?.code).toBe(PART2_WITHHELD);
    expect(warnings[0]?.details?.text).toContain(`\`${diagnosis}\``);

    const stored = await w.send('demo-admin', 'GET', `/fhir/ServiceRequest/${id}`);
    expect(stored.body.supportingInfo).toEqual([{ reference: `Patient/${w.patientId}` }]);
    expect(stored.body.meta?.security?.map((c: { code?: string }) => c.code)).not.toContain('42CFRPart2');
    // The referral then goes through: housing can read what it is sent.
    const created = await post('demo-corrections', task(`ServiceRequest/${id}`));
    expect(created.status, created.text).toBe(201);
    expect((await w.send('demo-housing', 'GET', `/fhir/ServiceRequest/${id}`)).status).toBe(200);
  });

  it('a Task input the owner may not receive is left out of the Task', async () => {
    const sr = await post('demo-corrections', serviceRequest({ performer: [{ reference: housing }] }));
    const drugTest = `Observation/${w.records.drugTest}`;
    const withInput = task(`ServiceRequest/${sr.body.id}`, { input: [{ type: { text: 'latest drug test' }, valueReference: { reference: drugTest } }] });
    expectNotCovering(await post('demo-corrections', withInput), [drugTest]);
    const reply = await post('demo-corrections', withInput, true);
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.issue?.[1]).toMatchObject({ severity: 'warning', expression: ['Task.input[0].valueReference'] });
    const id = /Task\/([^/]+)\//.exec(reply.headers.get('location') ?? '')?.[1];
    const stored = await w.send('demo-admin', 'GET', `/fhir/Task/${id}`);
    expect(stored.body.input).toBeUndefined();
    expect(stored.body.status).toBe('requested');
  });

  it('a Task update that adds an input housing may not receive is refused (or withheld) like a new Task', async () => {
    const sr = await post('demo-corrections', serviceRequest({ performer: [{ reference: housing }] }));
    const created = await post('demo-corrections', task(`ServiceRequest/${sr.body.id}`));
    expect(created.status, created.text).toBe(201);
    const drugTest = `Observation/${w.records.drugTest}`;
    const updated = { ...(created.body as unknown as Task), meta: undefined, input: [{ type: { text: 'latest drug test' }, valueReference: { reference: drugTest } }] };
    expectNotCovering(await w.send('demo-corrections', 'PUT', `/fhir/Task/${created.body.id}`, updated), [drugTest]);
    expect((await w.send('demo-admin', 'GET', `/fhir/Task/${created.body.id}`)).body.meta?.versionId).toBe('1');
    const res = await w.gw.fhir(`/fhir/Task/${created.body.id}`, { method: 'PUT', token: await w.token('demo-corrections'), json: updated, headers: { prefer: 'withhold-part2' } });
    expect(res.status).toBe(200);
    const outcome = (await res.json()) as OperationOutcome;
    expect(outcome.issue[1]).toMatchObject({ severity: 'warning', expression: ['Task.input[0].valueReference'] });
    // Nothing but the withheld input changed, so no version was written.
    expect((await w.send('demo-admin', 'GET', `/fhir/Task/${created.body.id}`)).body.meta?.versionId).toBe('1');
  });

  it('inside a transaction the preference is not honoured: the gate refuses and nothing is written', async () => {
    const bundle = {
      resourceType: 'Bundle', type: 'transaction',
      entry: [{ resource: serviceRequest({ performer: [{ reference: housing }], supportingInfo: [{ reference: `Condition/${w.records.diagnosis}` }] }), request: { method: 'POST', url: 'ServiceRequest' } }],
    };
    const before = await count(`/fhir/ServiceRequest?subject=Patient/${w.patientId}`);
    const reply = await post('demo-corrections', bundle, true, '/fhir');
    expect(reply.status, reply.text).toBe(422);
    expect(await count(`/fhir/ServiceRequest?subject=Patient/${w.patientId}`)).toBe(before);
  });
});

describe('a referral without Part 2 information is untouched', () => {
  it('housing referral, no consents: accepted as sent, the response is the resource even with the preference', async () => {
    const sr = await post('demo-corrections', serviceRequest({ performer: [{ reference: housing }], supportingInfo: [{ reference: `Patient/${w.patientId}` }] }), true);
    expect(sr.status, sr.text).toBe(201);
    expect(sr.body.resourceType).toBe('ServiceRequest');
    expect(sr.body.supportingInfo).toEqual([{ reference: `Patient/${w.patientId}` }]);
    const created = await post('demo-corrections', task(`ServiceRequest/${sr.body.id}`), true);
    expect(created.status, created.text).toBe(201);
    expect(created.body.resourceType).toBe('Task');
    expect(created.body.priority).toBe('routine');
  });
});
