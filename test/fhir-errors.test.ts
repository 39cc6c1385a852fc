import type { Bundle, CapabilityStatement, OperationOutcome } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';

let gw: TestGateway;
let token: string;

beforeAll(async () => {
  gw = await createTestGateway();
  token = await gw.token('demo-admin');
});
afterAll(async () => gw.close());

async function patientCount(): Promise<number> {
  return ((await (await gw.fhir('/fhir/Patient?_summary=count', { token })).json()) as Bundle).total!;
}

async function expectOutcome(res: Response, status: number, code?: string): Promise<OperationOutcome> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/fhir+json');
  const body = (await res.json()) as OperationOutcome;
  expect(body.resourceType).toBe('OperationOutcome');
  if (code) expect(body.issue[0]?.code).toBe(code);
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/SELECT|INSERT|sqlite|at .*\.ts:\d+|Error:/i);
  return body;
}

describe('every error is an OperationOutcome with the right status, and nothing is written', () => {
  it('400 for malformed JSON', async () => {
    const before = await patientCount();
    const res = await gw.app.request('http://localhost:8787/fhir/Patient', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: '{"resourceType": "Patient", ',
    });
    await expectOutcome(res, 400, 'structure');
    expect(await patientCount()).toBe(before);
  });

  it('415 for a wrong content type', async () => {
    const before = await patientCount();
    const res = await gw.app.request('http://localhost:8787/fhir/Patient', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: '<Patient/>',
    });
    await expectOutcome(res, 415, 'not-supported');
    expect(await patientCount()).toBe(before);
  });

  it('422 with FHIRPath expressions for an invalid resource', async () => {
    const before = await patientCount();
    const res = await gw.fhir('/fhir/Patient', { method: 'POST', token, json: { resourceType: 'Patient', foo: 1, birthDate: 'yesterday' } });
    const outcome = await expectOutcome(res, 422);
    const expressions = outcome.issue.flatMap((i) => i.expression ?? []);
    expect(expressions).toContain('Patient.foo');
    expect(await patientCount()).toBe(before);
  });

  it('400 when the body type differs from the URL type', async () => {
    await expectOutcome(await gw.fhir('/fhir/Patient', { method: 'POST', token, json: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } }), 400);
  });

  it('400 for JSON nested deeper than the limit, without a stack overflow', async () => {
    const deep = '{"resourceType":"Patient","extension":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    const res = await gw.app.request('http://localhost:8787/fhir/Patient', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: deep,
    });
    await expectOutcome(res, 400);
  });

  it('400 for numbers that overflow to Infinity', async () => {
    const res = await gw.app.request('http://localhost:8787/fhir/Observation', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: '{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueInteger":1e400}',
    });
    await expectOutcome(res, 400);
  });

  it('413 for an oversized body', async () => {
    const res = await gw.app.request('http://localhost:8787/fhir/Patient', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient', text: { status: 'generated', div: 'x'.repeat(9 * 1024 * 1024) } }),
    });
    await expectOutcome(res, 413);
  });

  it('400 for an unknown search parameter with Prefer: handling=strict; lenient ignores and reports it', async () => {
    await expectOutcome(await gw.fhir('/fhir/Patient?nonsense=1', { token, headers: { prefer: 'handling=strict' } }), 400, 'invalid');
    const lenient = await gw.fhir('/fhir/Patient?nonsense=1', { token });
    expect(lenient.status).toBe(200);
    const bundle = (await lenient.json()) as Bundle;
    expect(bundle.link?.find((l) => l.relation === 'self')?.url).not.toContain('nonsense');
    expect(bundle.entry?.some((e) => e.search?.mode === 'outcome')).toBe(true);
  });

  it('400 always for chained and _has parameters (ignoring them would widen the result)', async () => {
    await expectOutcome(await gw.fhir('/fhir/Observation?subject.name=x', { token }), 400);
    await expectOutcome(await gw.fhir('/fhir/Patient?_has:Observation:subject:code=x', { token }), 400);
  });

  it('400 for a malformed search value', async () => {
    await expectOutcome(await gw.fhir('/fhir/Observation?date=notadate', { token }), 400);
    await expectOutcome(await gw.fhir('/fhir/Patient?_count=-1', { token }), 400);
  });

  it('404 for unknown routes, 405 for PATCH, 406 for XML-only Accept', async () => {
    await expectOutcome(await gw.fhir('/nowhere', { token }), 404);
    await expectOutcome(await gw.fhir('/fhir/Patient/x', { method: 'PATCH', token, json: [] }), 405);
    await expectOutcome(await gw.fhir('/fhir/Patient', { token, headers: { accept: 'application/fhir+xml' } }), 406);
  });
});

describe('metadata and discovery', () => {
  it('serves an accurate CapabilityStatement without auth', async () => {
    const res = await gw.fhir('/fhir/metadata');
    expect(res.status).toBe(200);
    const cs = (await res.json()) as CapabilityStatement;
    expect(cs.fhirVersion).toBe('4.0.1');
    const types = cs.rest?.[0]?.resource?.map((r) => r.type) ?? [];
    for (const t of ['Patient', 'CarePlan', 'Consent', 'Task', 'EpisodeOfCare', 'MeasureReport', 'Subscription', 'AuditEvent']) expect(types).toContain(t);
    const task = cs.rest?.[0]?.resource?.find((r) => r.type === 'Task');
    expect(task?.searchParam?.map((p) => p.name)).toEqual(expect.arrayContaining(['owner', 'status', 'patient', '_id', '_lastUpdated']));
    expect(task?.searchInclude).toContain('Task:focus');
  });

  it('every search parameter the CapabilityStatement lists is accepted in strict mode', async () => {
    const cs = (await (await gw.fhir('/fhir/metadata')).json()) as CapabilityStatement;
    for (const resource of cs.rest?.[0]?.resource ?? []) {
      for (const param of resource.searchParam ?? []) {
        const value = { token: 'x', reference: 'x', date: '2024', string: 'x', uri: 'x', number: '1' }[param.type as string] ?? 'x';
        const res = await gw.fhir(`/fhir/${resource.type}?${param.name}=${value}&_summary=count`, { token, headers: { prefer: 'handling=strict' } });
        expect(res.status, `${resource.type}?${param.name}`).toBe(200);
      }
    }
  });

  it('publishes the SMART configuration at the root and under /fhir', async () => {
    for (const path of ['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration']) {
      const res = await gw.fhir(path);
      expect(res.status).toBe(200);
      const config = (await res.json()) as { token_endpoint: string; token_endpoint_auth_methods_supported: string[] };
      expect(config.token_endpoint).toBe('http://localhost:8787/auth/token');
      expect(config.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    }
  });

  it('answers /healthz', async () => {
    expect((await gw.fhir('/healthz')).status).toBe(200);
  });
});
