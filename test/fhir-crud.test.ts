import type { Bundle, Observation, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';

let gw: TestGateway;
let token: string;

beforeAll(async () => {
  gw = await createTestGateway();
  token = await gw.token('demo-admin');
});
afterAll(async () => gw.close());

const patient = (family: string): Patient => ({ resourceType: 'Patient', name: [{ family, given: ['Test'] }], gender: 'female' });

async function countPatients(): Promise<number> {
  const res = await gw.fhir('/fhir/Patient?_summary=count', { token });
  return ((await res.json()) as Bundle).total!;
}

describe('create, read, vread', () => {
  it('creates with 201, Location, ETag and server-assigned meta', async () => {
    const res = await gw.fhir('/fhir/Patient', { method: 'POST', token, json: patient('Create') });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    const body = (await res.json()) as Patient;
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.meta?.versionId).toBe('1');
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.headers.get('location')).toBe(`http://localhost:8787/fhir/Patient/${body.id}/_history/1`);
    const read = await gw.fhir(`/fhir/Patient/${body.id}`, { token });
    expect(read.status).toBe(200);
    expect(((await read.json()) as Patient).name?.[0]?.family).toBe('Create');
  });

  it('ignores a client-supplied id and versionId on create', async () => {
    const res = await gw.fhir('/fhir/Patient', { method: 'POST', token, json: { ...patient('Ids'), id: 'chosen', meta: { versionId: '9' } } });
    const body = (await res.json()) as Patient;
    expect(body.id).not.toBe('chosen');
    expect(body.meta?.versionId).toBe('1');
  });

  it('answers 404 for an unknown id and for an unserved type, as OperationOutcomes', async () => {
    const missing = await gw.fhir('/fhir/Patient/does-not-exist', { token });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
    const unserved = await gw.fhir('/fhir/Medication/x', { token });
    expect(unserved.status).toBe(404);
  });

  it('refuses a malformed id with 400', async () => {
    const res = await gw.fhir(`/fhir/Patient/${'x'.repeat(80)}`, { token });
    expect(res.status).toBe(400);
  });
});

describe('update with versions and If-Match', () => {
  it('versions each change, honours If-Match and refuses a stale one with 412 leaving the row unchanged', async () => {
    const created = (await (await gw.fhir('/fhir/Patient', { method: 'POST', token, json: patient('V1') })).json()) as Patient;
    const v2 = await gw.fhir(`/fhir/Patient/${created.id}`, {
      method: 'PUT',
      token,
      headers: { 'if-match': 'W/"1"' },
      json: { ...created, name: [{ family: 'V2' }] },
    });
    expect(v2.status).toBe(200);
    expect(v2.headers.get('etag')).toBe('W/"2"');

    const stale = await gw.fhir(`/fhir/Patient/${created.id}`, {
      method: 'PUT',
      token,
      headers: { 'if-match': 'W/"1"' },
      json: { ...created, name: [{ family: 'Stale' }] },
    });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as OperationOutcome).issue[0]?.code).toBe('conflict');
    const current = (await (await gw.fhir(`/fhir/Patient/${created.id}`, { token })).json()) as Patient;
    expect(current.name?.[0]?.family).toBe('V2');
    expect(current.meta?.versionId).toBe('2');

    const v1 = (await (await gw.fhir(`/fhir/Patient/${created.id}/_history/1`, { token })).json()) as Patient;
    expect(v1.name?.[0]?.family).toBe('V1');
  });

  it('writes no new version when nothing changed', async () => {
    const created = (await (await gw.fhir('/fhir/Patient', { method: 'POST', token, json: patient('Same') })).json()) as Patient;
    const again = await gw.fhir(`/fhir/Patient/${created.id}`, { method: 'PUT', token, json: created });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Patient).meta?.versionId).toBe('1');
  });

  it('update-as-create with a client id answers 201', async () => {
    const res = await gw.fhir('/fhir/Patient/client-chosen-1', { method: 'PUT', token, json: { ...patient('Put'), id: 'client-chosen-1' } });
    expect(res.status).toBe(201);
  });

  it('refuses a body id that differs from the URL id with 400, storing nothing', async () => {
    const res = await gw.fhir('/fhir/Patient/url-id', { method: 'PUT', token, json: { ...patient('Mismatch'), id: 'body-id' } });
    expect(res.status).toBe(400);
    expect((await gw.fhir('/fhir/Patient/url-id', { token })).status).toBe(404);
    expect((await gw.fhir('/fhir/Patient/body-id', { token })).status).toBe(404);
  });

  it('refuses a malformed If-Match with 400', async () => {
    const created = (await (await gw.fhir('/fhir/Patient', { method: 'POST', token, json: patient('BadMatch') })).json()) as Patient;
    const res = await gw.fhir(`/fhir/Patient/${created.id}`, { method: 'PUT', token, headers: { 'if-match': 'banana' }, json: created });
    expect(res.status).toBe(400);
  });
});

describe('delete and history', () => {
  it('deletes to a tombstone: read 410, history keeps every version, vread of the deletion 410', async () => {
    const created = (await (await gw.fhir('/fhir/Patient', { method: 'POST', token, json: patient('Doomed') })).json()) as Patient;
    await gw.fhir(`/fhir/Patient/${created.id}`, { method: 'PUT', token, json: { ...created, active: true } });
    const del = await gw.fhir(`/fhir/Patient/${created.id}`, { method: 'DELETE', token });
    expect(del.status).toBe(200);
    expect((await gw.fhir(`/fhir/Patient/${created.id}`, { token })).status).toBe(410);
    expect((await gw.fhir(`/fhir/Patient/${created.id}/_history/3`, { token })).status).toBe(410);

    const history = (await (await gw.fhir(`/fhir/Patient/${created.id}/_history`, { token })).json()) as Bundle;
    expect(history.type).toBe('history');
    expect(history.total).toBe(3);
    expect(history.entry?.map((e) => e.request?.method)).toEqual(['DELETE', 'PUT', 'POST']);

    const search = (await (await gw.fhir(`/fhir/Patient?_id=${created.id}`, { token })).json()) as Bundle;
    expect(search.total).toBe(0);
  });

  it('type history lists versions across resources, newest first, with _since', async () => {
    const before = new Date().toISOString();
    await gw.fhir('/fhir/Observation', { method: 'POST', token, json: obs('a') });
    await gw.fhir('/fhir/Observation', { method: 'POST', token, json: obs('b') });
    const res = await gw.fhir(`/fhir/Observation/_history?_since=${encodeURIComponent(before)}`, { token });
    const bundle = (await res.json()) as Bundle<Observation>;
    expect(bundle.total).toBe(2);
    expect(bundle.entry?.[0]?.resource?.code?.text).toBe('b');
  });

  it('deleting something that never existed is 404', async () => {
    expect((await gw.fhir('/fhir/Patient/never-was', { method: 'DELETE', token })).status).toBe(404);
  });
});

describe('conditional create (If-None-Exist)', () => {
  it('creates once, then returns the existing resource with 200; two matches is 412', async () => {
    const body = { ...patient('Cond'), identifier: [{ system: 'urn:test:doc', value: 'C-1' }] };
    const first = await gw.fhir('/fhir/Patient', { method: 'POST', token, headers: { 'if-none-exist': 'identifier=urn:test:doc|C-1' }, json: body });
    expect(first.status).toBe(201);
    const second = await gw.fhir('/fhir/Patient', { method: 'POST', token, headers: { 'if-none-exist': 'identifier=urn:test:doc|C-1' }, json: body });
    expect(second.status).toBe(200);
    expect(((await second.json()) as Patient).id).toBe(((await first.json()) as Patient).id);

    await gw.fhir('/fhir/Patient', { method: 'POST', token, json: { ...body, identifier: [{ system: 'urn:test:doc', value: 'C-2' }], gender: 'male' } });
    await gw.fhir('/fhir/Patient', { method: 'POST', token, json: { ...body, identifier: [{ system: 'urn:test:doc', value: 'C-2' }] } });
    const before = await countPatients();
    const ambiguous = await gw.fhir('/fhir/Patient', { method: 'POST', token, headers: { 'if-none-exist': 'identifier=urn:test:doc|C-2' }, json: body });
    expect(ambiguous.status).toBe(412);
    expect(await countPatients()).toBe(before);
  });
});

function obs(text: string): Observation {
  return { resourceType: 'Observation', status: 'final', code: { text } };
}
