import type { Bundle, Observation, Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';

let gw: TestGateway;
let token: string;
let patientId: string;
let otherPatientId: string;
const orgs: Record<string, string> = {};

async function create<T extends Resource>(resource: T): Promise<T & { id: string }> {
  const res = await gw.fhir(`/fhir/${resource.resourceType}`, { method: 'POST', token, json: resource });
  if (res.status !== 201) throw new Error(`create failed ${res.status}: ${await res.text()}`);
  return (await res.json()) as T & { id: string };
}

async function search(query: string): Promise<Bundle> {
  const res = await gw.fhir(`/fhir/${query}`, { token });
  expect(res.status, query).toBe(200);
  return (await res.json()) as Bundle;
}

const ids = (bundle: Bundle, mode = 'match'): string[] =>
  (bundle.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);

beforeAll(async () => {
  gw = await createTestGateway();
  token = await gw.token('demo-admin');
  Object.assign(orgs, gw.demoOrganizations);
  patientId = (await create<Patient>({ resourceType: 'Patient', name: [{ family: 'Searchable', given: ['Avery'] }], identifier: [{ system: 'urn:test:doc', value: 'S-1' }], birthDate: '1985-06-15' })).id;
  otherPatientId = (await create<Patient>({ resourceType: 'Patient', name: [{ family: 'Other' }], birthDate: '1999-01-01' })).id;
  for (let i = 0; i < 7; i++) {
    await create<Observation>({
      resourceType: 'Observation',
      status: i % 2 === 0 ? 'final' : 'preliminary',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: i < 4 ? '3426-4' : '19295-5' }] },
      subject: { reference: `Patient/${i < 5 ? patientId : otherPatientId}` },
      effectiveDateTime: `2026-0${i + 1}-10T12:00:00Z`,
      valueQuantity: { value: i },
    });
  }
  const sr = await create<ServiceRequest>({ resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${patientId}` }, code: { text: 'Housing referral' } });
  for (const [status, owner] of [
    ['requested', orgs['demo-housing']],
    ['accepted', orgs['demo-housing']],
    ['requested', orgs['demo-treatment']],
  ] as const) {
    await create<Task>({ resourceType: 'Task', status, intent: 'order', focus: { reference: `ServiceRequest/${sr.id}` }, for: { reference: `Patient/${patientId}` }, owner: { reference: `Organization/${owner}` } });
  }
});
afterAll(async () => gw.close());

describe('search parameters', () => {
  it('_id, identifier (system|value), name (starts-with, :exact), birthdate ranges', async () => {
    expect(ids(await search(`Patient?_id=${patientId}`))).toEqual([`Patient/${patientId}`]);
    expect(ids(await search('Patient?identifier=urn:test:doc|S-1'))).toEqual([`Patient/${patientId}`]);
    expect(ids(await search('Patient?identifier=S-1'))).toEqual([`Patient/${patientId}`]);
    expect(ids(await search('Patient?identifier=urn:other|S-1'))).toEqual([]);
    expect(ids(await search('Patient?name=search'))).toEqual([`Patient/${patientId}`]);
    expect(ids(await search('Patient?name:exact=search'))).toEqual([]);
    expect(ids(await search('Patient?birthdate=1985'))).toEqual([`Patient/${patientId}`]);
    expect(ids(await search('Patient?birthdate=lt1990-01-01&name=Searchable'))).toEqual([`Patient/${patientId}`]);
    expect(ids(await search('Patient?birthdate=ge1999-01-01&_id=' + otherPatientId))).toEqual([`Patient/${otherPatientId}`]);
  });

  it('patient/subject, status, code, category, date with prefixes, and OR values', async () => {
    expect((await search(`Observation?patient=Patient/${patientId}`)).total).toBe(5);
    expect((await search(`Observation?subject=${otherPatientId}`)).total).toBe(2);
    expect((await search('Observation?status=final')).total).toBe(4);
    expect((await search('Observation?status=final,preliminary')).total).toBe(7);
    expect((await search('Observation?code=http://loinc.org|3426-4')).total).toBe(4);
    expect((await search('Observation?category=laboratory&code=19295-5')).total).toBe(3);
    expect((await search('Observation?date=ge2026-03-01&date=lt2026-05-01')).total).toBe(2);
    expect((await search('Observation?date=2026-02')).total).toBe(1);
    expect((await search('Observation?status:not=final')).total).toBe(3);
  });

  it('Task by owner and status (the inbox query)', async () => {
    const housing = orgs['demo-housing'];
    expect((await search(`Task?owner=Organization/${housing}`)).total).toBe(2);
    expect((await search(`Task?owner=Organization/${housing}&status=requested`)).total).toBe(1);
  });
});

describe('paging and sorting', () => {
  it('_count pages with absolute next/previous links that replay to the following page', async () => {
    const first = await search('Observation?_count=3&_sort=date');
    expect(first.total).toBe(7);
    expect(ids(first)).toHaveLength(3);
    const next = first.link?.find((l) => l.relation === 'next')?.url;
    expect(next).toMatch(/^http:\/\/localhost:8787\/fhir\/Observation\?/);
    const second = (await (await gw.fhir(next!.replace('http://localhost:8787', ''), { token })).json()) as Bundle;
    expect(ids(second)).toHaveLength(3);
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    expect(second.link?.find((l) => l.relation === 'previous')).toBeDefined();
    const third = (await (await gw.fhir(second.link!.find((l) => l.relation === 'next')!.url.replace('http://localhost:8787', ''), { token })).json()) as Bundle;
    expect(ids(third)).toHaveLength(1);
    expect(third.link?.find((l) => l.relation === 'next')).toBeUndefined();
  });

  it('paging beyond the end answers an empty page with the true total', async () => {
    const page = await search('Observation?_count=5&_offset=500');
    expect(page.entry ?? []).toHaveLength(0);
    expect(page.total).toBe(7);
  });

  it('_sort ascending and descending by date', async () => {
    const asc = (await search('Observation?_sort=date')).entry!.map((e) => (e.resource as Observation).effectiveDateTime);
    const desc = (await search('Observation?_sort=-date')).entry!.map((e) => (e.resource as Observation).effectiveDateTime);
    expect(asc).toEqual([...asc].sort());
    expect(desc).toEqual([...asc].reverse());
  });

  it('_summary=count answers only the total', async () => {
    const bundle = await search('Observation?_summary=count');
    expect(bundle.total).toBe(7);
    expect(bundle.entry).toBeUndefined();
  });
});

describe('_include and _revinclude', () => {
  it('Task?_include=Task:focus adds the referral once, in include mode', async () => {
    const bundle = await search(`Task?owner=Organization/${orgs['demo-housing']}&_include=Task:focus`);
    expect(ids(bundle)).toHaveLength(2);
    expect(ids(bundle, 'include').filter((id) => id.startsWith('ServiceRequest/'))).toHaveLength(1);
  });

  it('Patient?_revinclude=Observation:subject adds the patient’s observations', async () => {
    const bundle = await search(`Patient?_id=${patientId}&_revinclude=Observation:subject`);
    expect(ids(bundle)).toEqual([`Patient/${patientId}`]);
    expect(ids(bundle, 'include')).toHaveLength(5);
  });

  it('refuses includes from another type or over a non-reference parameter', async () => {
    expect((await gw.fhir('/fhir/Task?_include=Observation:subject', { token })).status).toBe(400);
    expect((await gw.fhir('/fhir/Task?_include=Task:status', { token })).status).toBe(400);
    expect((await gw.fhir('/fhir/Task?_include:iterate=Task:focus', { token })).status).toBe(400);
  });
});

describe('search via POST _search', () => {
  it('accepts form-encoded parameters', async () => {
    const res = await gw.fhir('/fhir/Observation/_search', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `patient=Patient/${patientId}&status=final`,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Bundle).total).toBe(3);
  });
});
