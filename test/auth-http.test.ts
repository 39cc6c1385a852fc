import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientAssertion } from '../src/auth/client-assertion-builder.js';
import { BASE, createTestGateway, type TestGateway } from './support/test-gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(async () => gw.close());

async function tokenRequest(assertion: string, extra: Record<string, string> = {}): Promise<Response> {
  return gw.app.request(`${BASE}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: 'system/Patient.rs',
      ...extra,
    }).toString(),
  });
}

async function demoKey(clientId: string): Promise<object> {
  return JSON.parse(await readFile(join(gw.dir, 'keys', `${clientId}.private.json`), 'utf8')) as object;
}

describe('the FHIR API requires a SMART backend-services token', () => {
  it('401 OperationOutcome with WWW-Authenticate when no token is sent, and the handler never runs', async () => {
    const before = ((await (await gw.fhir('/fhir/Patient?_summary=count', { token: await gw.token('demo-admin') })).json()) as Bundle).total;
    const res = await gw.fhir('/fhir/Patient', { method: 'POST', json: { resourceType: 'Patient' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await res.json()) as OperationOutcome).issue[0]?.code).toBe('login');
    const after = ((await (await gw.fhir('/fhir/Patient?_summary=count', { token: await gw.token('demo-admin') })).json()) as Bundle).total;
    expect(after).toBe(before);
  });

  it('401 for a garbage or tampered token', async () => {
    expect((await gw.fhir('/fhir/Patient', { token: 'not-a-jwt' })).status).toBe(401);
    const good = await gw.token('demo-ehr', { scope: 'system/Patient.rs' });
    const [h, p, s] = good.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'system/*.cruds' })).toString('base64url');
    expect(forged).not.toBe(p);
    expect((await gw.fhir('/fhir/Patient', { token: `${h}.${forged}.${s}` })).status).toBe(401);
    expect((await gw.fhir('/fhir/Patient', { token: good })).status).toBe(200);
  });

  it('a token with system/Patient.rs can search and read but not create (403, nothing written)', async () => {
    const token = await gw.token('demo-ehr', { scope: 'system/Patient.rs' });
    expect((await gw.fhir('/fhir/Patient', { token })).status).toBe(200);
    const res = await gw.fhir('/fhir/Patient', { method: 'POST', token, json: { resourceType: 'Patient', name: [{ family: 'Nope' }] } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as OperationOutcome).issue[0]?.code).toBe('forbidden');
    expect((await gw.fhir('/fhir/Observation', { token })).status).toBe(403);
    const admin = await gw.token('demo-admin');
    expect(((await (await gw.fhir('/fhir/Patient?name=Nope&_summary=count', { token: admin })).json()) as Bundle).total).toBe(0);
  });

  it('scopes are checked per entry inside a transaction: one forbidden entry refuses all', async () => {
    const token = await gw.token('demo-ehr', { scope: 'system/Patient.cruds' });
    const res = await gw.fhir('/fhir', {
      method: 'POST',
      token,
      json: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient', name: [{ family: 'TxnScope' }] }, request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } }, request: { method: 'POST', url: 'Observation' } },
        ],
      },
    });
    expect(res.status).toBe(403);
    const admin = await gw.token('demo-admin');
    expect(((await (await gw.fhir('/fhir/Patient?name=TxnScope&_summary=count', { token: admin })).json()) as Bundle).total).toBe(0);
  });
});

describe('token endpoint', () => {
  it('refuses a replayed client assertion', async () => {
    const assertion = await buildClientAssertion({ clientId: 'demo-corrections', tokenUrl: `${BASE}/auth/token`, key: await demoKey('demo-corrections') });
    expect((await tokenRequest(assertion)).status).toBe(200);
    const replay = await tokenRequest(assertion);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('binds purpose_of_use into the token and refuses unknown purposes', async () => {
    const ok = await tokenRequest(await buildClientAssertion({ clientId: 'demo-treatment', tokenUrl: `${BASE}/auth/token`, key: await demoKey('demo-treatment') }), { purpose_of_use: 'COC' });
    const body = (await ok.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBeLessThanOrEqual(300);
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString()) as { purpose_of_use: string };
    expect(claims.purpose_of_use).toBe('COC');
    const bad = await tokenRequest(await buildClientAssertion({ clientId: 'demo-treatment', tokenUrl: `${BASE}/auth/token`, key: await demoKey('demo-treatment') }), { purpose_of_use: 'SNOOPING' });
    expect(bad.status).toBe(400);
  });

  it('each demo client belongs to an Organization findable by its client-id identifier', async () => {
    const token = await gw.token('demo-ehr', { scope: 'system/Organization.rs' });
    const res = await gw.fhir('/fhir/Organization?identifier=urn:gateway:client-id|demo-treatment', { token });
    const bundle = (await res.json()) as Bundle;
    expect(bundle.total).toBe(1);
    expect(bundle.entry?.[0]?.resource?.id).toBe(gw.demoOrganizations['demo-treatment']);
  });
});
