import jose from 'node-jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientAssertion } from '../auth/client-assertion-builder.js';
import { parseSearch } from '../fhir/search/parse-search.js';
import { createTestGateway, type TestGateway } from '../../test/support/test-gateway.js';
import { CLIENT_ID_SYSTEM } from '../auth/client-defaults.js';
import { registerConfiguredClients } from './configured-clients.js';

let gateway: TestGateway;
let key: jose.JWK.Key;

beforeAll(async () => {
  gateway = await createTestGateway();
  key = await jose.JWK.createKeyStore().generate('EC', 'P-384', { alg: 'ES384', use: 'sig' });
});

afterAll(async () => {
  await gateway?.close();
});

const config = (overrides: Record<string, unknown> = {}): unknown[] => [
  { clientId: 'configured-shelter', sector: 'social-services', name: 'Configured shelter', jwks: { keys: [key.toJSON(false)] }, ...overrides },
];

async function organizationsFor(clientId: string): Promise<string[]> {
  const params = new URLSearchParams({ identifier: `${CLIENT_ID_SYSTEM}|${clientId}` });
  const result = await gateway.repo.search(parseSearch('Organization', params, true));
  return result.resources.map((stored) => stored.id);
}

describe('registerConfiguredClients', () => {
  it('creates the Organization and registers the client with it (JSON string config)', async () => {
    const orgs = await registerConfiguredClients(gateway, JSON.stringify(config()), 'http://localhost:8787/fhir');
    const orgId = orgs['configured-shelter'];
    expect(orgId).toBeTruthy();
    expect(await organizationsFor('configured-shelter')).toEqual([orgId]);
    const org = await gateway.repo.read('Organization', orgId!);
    expect(org.resource).toMatchObject({ name: 'Configured shelter', active: true });
  });

  it('is idempotent: a second call reuses the Organization and re-registers the client', async () => {
    const first = await registerConfiguredClients(gateway, config());
    const second = await registerConfiguredClients(gateway, config({ scopes: 'system/Patient.rs' }));
    expect(second).toEqual(first);
    expect(await organizationsFor('configured-shelter')).toHaveLength(1);
  });

  it('registers a client that can then get a token with its private key', async () => {
    await registerConfiguredClients(gateway, config());
    const assertion = await buildClientAssertion({ clientId: 'configured-shelter', tokenUrl: 'http://localhost:8787/auth/token', key });
    const res = await gateway.app.request('http://localhost:8787/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: 'system/Patient.rs',
      }).toString(),
    });
    expect(res.status).toBe(200);
  });

  it('rejects a private key with a plain Error naming the problem, before creating anything', async () => {
    const bad = config({ clientId: 'configured-leaky', jwks: { keys: [key.toJSON(true)] } });
    const error = await registerConfiguredClients(gateway, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe(Error);
    expect((error as Error).message).toMatch(/GATEWAY_CLIENTS is invalid: 0\.jwks\.keys\.0: .*private member `d`/);
    expect(await organizationsFor('configured-leaky')).toEqual([]);
  });

  it('rejects an unknown sector, bad JSON, a non-array and duplicate ids', async () => {
    await expect(registerConfiguredClients(gateway, config({ sector: 'police' }))).rejects.toThrow(/0\.sector/);
    await expect(registerConfiguredClients(gateway, '[{')).rejects.toThrow(/not valid JSON/);
    await expect(registerConfiguredClients(gateway, { clientId: 'x' })).rejects.toThrow(/\(root\)/);
    await expect(registerConfiguredClients(gateway, [...config(), ...config()])).rejects.toThrow(/duplicate client id/);
    await expect(registerConfiguredClients(gateway, config({ scopes: 'everything' }))).rejects.toThrow(/0\.scopes/);
    await expect(registerConfiguredClients(gateway, config({ extra: true }))).rejects.toThrow(/extra/);
  });
});
