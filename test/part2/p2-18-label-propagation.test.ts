import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { createPart2World, STORAGE_MODES, expectDeniedRead, expectSearchExcludes, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-18: a record derived from or referencing Part 2 data, or a referral to SUD treatment, is itself Part 2. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
    // Probation sees the monitoring records (drug test, attendance) under a §2.35 consent, so what it
    // writes from them is derived from Part 2 data it actually received.
    await w.grant(w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]));
  });
  afterAll(async () => w.close());

  const codes = (r: { meta?: Resource['meta'] } | undefined) => r?.meta?.security?.map((c) => c.code) ?? [];
  const subject = () => ({ reference: `Patient/${w.patientId}` });
  /** Creates as probation with the purpose under which it received the monitoring records. */
  async function createAsProbation(resource: Resource, purpose = 'CJMONITOR'): Promise<string> {
    const reply = await w.send('demo-corrections', 'POST', `/fhir/${resource.resourceType}`, resource, purpose);
    expect(reply.status, reply.text).toBe(201);
    return reply.body.id!;
  }

  it('P2-18 an Observation by corrections derived from the drug test it received is labeled and hidden from housing', async () => {
    expect((await w.send('demo-corrections', 'GET', `/fhir/Observation/${w.records.drugTest}`, undefined, 'CJMONITOR')).status).toBe(200);
    const id = await createAsProbation({ resourceType: 'Observation', status: 'final', code: { text: 'Officer summary of compliance' }, subject: subject(), derivedFrom: [{ reference: `Observation/${w.records.drugTest}` }] });
    const back = await w.send('demo-corrections', 'GET', `/fhir/Observation/${id}`);
    expect(back.status).toBe(200);
    expect(codes(back.body)).toEqual(expect.arrayContaining(['R', '42CFRPart2', 'SUD']));
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/Observation/${id}`, undefined, 'COC'), mark, `Observation/${id}`);
    const search = await w.send('demo-housing', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'COC');
    await expectSearchExcludes(search, [`Observation/${id}`]);
  });

  it('P2-18 a CarePlan by corrections supported by the attendance record is labeled and hidden from housing', async () => {
    const id = await createAsProbation({ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: subject(), supportingInfo: [{ reference: `Encounter/${w.records.attendance}` }] });
    expect(codes((await w.send('demo-corrections', 'GET', `/fhir/CarePlan/${id}`)).body)).toContain('42CFRPart2');
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/CarePlan/${id}`, undefined, 'COC'), mark, `CarePlan/${id}`);
    const search = await w.send('demo-housing', 'GET', `/fhir/CarePlan?patient=Patient/${w.patientId}`, undefined, 'COC');
    await expectSearchExcludes(search, [`CarePlan/${id}`]);
    expect(search.body.total).toBe(0);
  });

  it('P2-18 a CarePlan written by the program that addresses its Condition is labeled and hidden from housing', async () => {
    const id = await w.create('demo-treatment', { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: subject(), addresses: [{ reference: `Condition/${w.records.diagnosis}` }] });
    expect(codes((await w.send('demo-treatment', 'GET', `/fhir/CarePlan/${id}`)).body)).toContain('42CFRPart2');
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/CarePlan/${id}`, undefined, 'COC'), mark, `CarePlan/${id}`);
  });

  it('P2-18 a referral to substance-use treatment written by corrections is labeled', async () => {
    const id = await w.create('demo-corrections', {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: subject(),
      category: [{ coding: [{ system: 'https://reentry-gateway.example.org/fhir/CodeSystem/linkage-domain', code: 'substance-use' }] }],
      code: { text: 'Referral for assessment' },
    });
    expect(codes((await w.send('demo-corrections', 'GET', `/fhir/ServiceRequest/${id}`)).body)).toEqual(expect.arrayContaining(['42CFRPart2', 'SUD']));
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/ServiceRequest/${id}`), mark, `ServiceRequest/${id}`);
  });

  it('P2-18 a housing referral (another linkage domain) by corrections is not Part 2', async () => {
    const id = await w.create('demo-corrections', {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: subject(),
      category: [{ coding: [{ system: 'https://reentry-gateway.example.org/fhir/CodeSystem/linkage-domain', code: 'housing' }] }],
      code: { text: 'Referral for housing' },
    });
    const reply = await w.send('demo-housing', 'GET', `/fhir/ServiceRequest/${id}`, undefined, 'COC');
    expect(reply.status).toBe(200);
    expect(codes(reply.body)).not.toContain('42CFRPart2');
  });

  it('P2-18 a client cannot strip Part 2 labels by updating without them', async () => {
    const id = await createAsProbation({ resourceType: 'Observation', status: 'final', code: { text: 'Derived' }, subject: subject(), derivedFrom: [{ reference: `Observation/${w.records.drugTest}` }] });
    const current = (await w.send('demo-corrections', 'GET', `/fhir/Observation/${id}`)).body;
    expect(current.meta?.security?.map((c) => c.code)).toContain('42CFRPart2');
    const { derivedFrom: _d, meta: _m, ...rest } = current;
    const updated = await w.send('demo-corrections', 'PUT', `/fhir/Observation/${id}`, { ...rest, status: 'amended' }, 'CJMONITOR');
    expect(updated.status).toBe(200);
    expect(codes(updated.body)).toContain('42CFRPart2');
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/Observation/${id}`, undefined, 'COC'), mark, `Observation/${id}`);
  });

  // Labels propagate from every existing referenced record, whatever the writing token's purpose
  // (src/enforcement/access-policy.ts labelWrite): Part 2 data cannot be laundered by re-writing it.
  it('P2-18 a record derived from Part 2 data is labeled whatever the purpose of the writing token', async () => {
    const id = await createAsProbation({ resourceType: 'Observation', status: 'final', code: { text: 'Derived under TREAT' }, subject: subject(), derivedFrom: [{ reference: `Observation/${w.records.drugTest}` }] }, 'TREAT');
    expect(codes((await w.send('demo-corrections', 'GET', `/fhir/Observation/${id}`)).body)).toContain('42CFRPart2');
    expect((await w.send('demo-housing', 'GET', `/fhir/Observation/${id}`, undefined, 'COC')).status).toBe(404);
  });

  it('P2-18 a drug-test Observation written by corrections (not the program) is labeled by its code', async () => {
    const id = await w.create('demo-corrections', {
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: 'https://reentry-gateway.example.org/fhir/CodeSystem/part2-monitoring-category', code: 'drug-test' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '19295-5' }] },
      subject: subject(),
    });
    expect(codes((await w.send('demo-corrections', 'GET', `/fhir/Observation/${id}`)).body)).toContain('42CFRPart2');
    expect((await w.send('demo-housing', 'GET', `/fhir/Observation/${id}`, undefined, 'COC')).status).toBe(404);
  });
});
