import type { Bundle, OperationOutcome, Patient, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';

let gw: TestGateway;
let token: string;

beforeAll(async () => {
  gw = await createTestGateway();
  token = await gw.token('demo-admin');
});
afterAll(async () => gw.close());

async function total(query: string): Promise<number> {
  return ((await (await gw.fhir(`/fhir/${query}${query.includes('?') ? '&' : '?'}_summary=count`, { token })).json()) as Bundle).total!;
}

const post = (body: unknown, path = '/fhir') => gw.fhir(path, { method: 'POST', token, json: body });

describe('transaction', () => {
  it('creates resources atomically and resolves urn:uuid references, at /fhir and /fhir/', async () => {
    for (const path of ['/fhir', '/fhir/']) {
      const res = await post(
        {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            { fullUrl: 'urn:uuid:task-1', resource: { resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: 'urn:uuid:pat-1' } }, request: { method: 'POST', url: 'Task' } },
            { fullUrl: 'urn:uuid:pat-1', resource: { resourceType: 'Patient', name: [{ family: 'Txn' }] }, request: { method: 'POST', url: 'Patient' } },
          ],
        },
        path,
      );
      expect(res.status).toBe(200);
      const bundle = (await res.json()) as Bundle;
      expect(bundle.type).toBe('transaction-response');
      expect(bundle.entry?.map((e) => e.response?.status)).toEqual(['201 Created', '201 Created']);
      const task = bundle.entry![0]!.resource as Task;
      const patient = bundle.entry![1]!.resource as Patient;
      expect(task.for?.reference).toBe(`Patient/${patient.id}`);
      const stored = (await (await gw.fhir(`/fhir/Task/${task.id}`, { token })).json()) as Task;
      expect(stored.for?.reference).toBe(`Patient/${patient.id}`);
    }
  });

  it('rolls back everything when one entry is invalid, naming the entry in the expression', async () => {
    const before = await total('Patient');
    const res = await post({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:ok', resource: { resourceType: 'Patient', name: [{ family: 'ShouldNotExist' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', bogus: true }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(res.status).toBe(422);
    const outcome = (await res.json()) as OperationOutcome;
    expect(outcome.issue[0]?.expression?.[0]).toBe('Bundle.entry[1].resource.bogus');
    expect(await total('Patient')).toBe(before);
    expect(await total('Patient?name=ShouldNotExist')).toBe(0);
  });

  it('rolls back when an update carries a stale ifMatch (412)', async () => {
    const created = (await (await gw.fhir('/fhir/Patient', { method: 'POST', token, json: { resourceType: 'Patient', name: [{ family: 'Versioned' }] } })).json()) as Patient;
    const before = await total('Patient');
    const res = await post({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', name: [{ family: 'Extra' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { ...created, active: false }, request: { method: 'PUT', url: `Patient/${created.id}`, ifMatch: 'W/"7"' } },
      ],
    });
    expect(res.status).toBe(412);
    expect(await total('Patient')).toBe(before);
    const current = (await (await gw.fhir(`/fhir/Patient/${created.id}`, { token })).json()) as Patient;
    expect(current.meta?.versionId).toBe('1');
  });

  it('refuses malformed transactions with 400 and writes nothing', async () => {
    const before = await total('Patient');
    const shapes: unknown[] = [
      { resourceType: 'Bundle', type: 'collection', entry: [] },
      { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient' } }] },
      { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'PATCH', url: 'Patient/1' } }] },
      { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Patient' } }] },
      { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }, { request: { method: 'GET', url: '../../etc' } }] },
      { resourceType: 'Patient' },
      {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient', id: 'dup' }, request: { method: 'PUT', url: 'Patient/dup' } },
          { resource: { resourceType: 'Patient', id: 'dup' }, request: { method: 'PUT', url: 'Patient/dup' } },
        ],
      },
    ];
    for (const body of shapes) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
    }
    expect(await total('Patient')).toBe(before);
  });

  it('conditional create inside a transaction reuses the match and points references at it', async () => {
    const body = (suffix: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:p', resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test:txn', value: 'T-1' }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:test:txn|T-1' } },
        { resource: { resourceType: 'Task', status: 'requested', intent: 'order', description: suffix, for: { reference: 'urn:uuid:p' } }, request: { method: 'POST', url: 'Task' } },
      ],
    });
    const first = (await (await post(body('one'))).json()) as Bundle;
    const second = (await (await post(body('two'))).json()) as Bundle;
    expect(second.entry?.[0]?.response?.status).toBe('200 OK');
    const patientId = (first.entry![0]!.resource as Patient).id;
    expect((second.entry![1]!.resource as Task).for?.reference).toBe(`Patient/${patientId}`);
    expect(await total('Patient?identifier=urn:test:txn|T-1')).toBe(1);
  });
});

describe('batch', () => {
  it('processes entries independently: a bad entry gets its own outcome, the good ones land', async () => {
    const res = await post({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: { resourceType: 'Patient', name: [{ family: 'BatchGood' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', nope: 1 }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Patient?name=BatchGood' } },
        { request: { method: 'GET', url: 'Patient/not-there' } },
      ],
    });
    expect(res.status).toBe(200);
    const bundle = (await res.json()) as Bundle;
    expect(bundle.type).toBe('batch-response');
    expect(bundle.entry?.map((e) => e.response?.status)).toEqual(['201 Created', '422 Unprocessable Entity', '200 OK', '404 Not Found']);
    expect(bundle.entry?.[1]?.response?.outcome?.resourceType).toBe('OperationOutcome');
    expect((bundle.entry?.[2]?.resource as Bundle).total).toBe(1);
  });
});
