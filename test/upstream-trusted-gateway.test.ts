/**
 * The upstream side of upstream mode: the `gateway` sector is opt-in through configuration only,
 * gets storage access (everything, labels kept, audited), and an ordinary client of the same
 * instance never gets it — Part 2 records stored by the downstream gateway stay hidden from it.
 */
import type { AuditEvent, Observation } from '@medplum/fhirtypes';
import { readFile } from 'node:fs/promises';
import jose from 'node-jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientAssertion } from '../src/auth/client-assertion-builder.js';
import { readNodeConfig } from '../src/node-config.js';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';
import { startUpstreamServer, TRUSTED_CLIENT_ID, type UpstreamServer } from './support/upstream-gateway.js';

const NOTE = 'synthetic trusted-gateway note';
let upstream: UpstreamServer;
let gw: TestGateway;
let obsId: string;
let ehrKey: jose.JWK.Key;

/** A token from the UPSTREAM's token endpoint, over real HTTP. */
async function upstreamToken(clientId: string, key: jose.JWK.Key | object, purpose = 'TREAT'): Promise<string> {
  const tokenUrl = `${upstream.origin}/auth/token`;
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await buildClientAssertion({ clientId, tokenUrl, key }),
    scope: 'system/*.cruds',
    purpose_of_use: purpose,
  });
  const res = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const json = (await res.json()) as { access_token?: string };
  if (!json.access_token) throw new Error(`no token for ${clientId}: ${res.status}`);
  return json.access_token;
}

const upstreamGet = async (path: string, bearer: string) => {
  const res = await fetch(`${upstream.origin}/fhir/${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, text: await res.text() };
};

beforeAll(async () => {
  upstream = await startUpstreamServer();
  gw = await createTestGateway({ upstream: upstream.upstreamConfig });
  const treatment = await gw.token('demo-treatment', { purpose: 'TREAT' });
  const patient = await gw.fhir('/fhir/Patient', { method: 'POST', token: treatment, json: { resourceType: 'Patient', name: [{ family: 'Trusted' }] } });
  const patientId = ((await patient.json()) as { id: string }).id;
  const res = await gw.fhir('/fhir/Observation', {
    method: 'POST',
    token: treatment,
    json: { resourceType: 'Observation', status: 'final', code: { text: 'SUD screening' }, subject: { reference: `Patient/${patientId}` }, note: [{ text: NOTE }] },
  });
  expect(res.status).toBe(201);
  obsId = ((await res.json()) as { id: string }).id;
  // An ordinary EHR client registered directly on the upstream instance.
  ehrKey = await jose.JWK.createKey('EC', 'P-384', { alg: 'ES384', use: 'sig', kid: 'ehr-1' });
  await upstream.gateway.auth.registerClient({ clientId: 'upstream-ehr', organizationId: 'upstream-ehr-org', sector: 'ehr', jwks: { keys: [ehrKey.toJSON() as never] }, scopes: 'system/*.cruds' });
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('what upstream mode cannot offer', () => {
  it('program indicators answer 501, never a report of zeros from the empty local tables', async () => {
    const res = await gw.fhir('/fhir/Measure/ricms-connect-housing/$evaluate-measure?periodStart=2026-01-01&periodEnd=2026-12-31', { token: await gw.token('demo-admin') });
    expect(res.status).toBe(501);
    const body = (await res.json()) as { resourceType: string; issue: { code: string }[] };
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0]!.code).toBe('not-supported');
  });
});

describe('the trusted-gateway client kind', () => {
  it('cannot be created by ordinary registration', async () => {
    const key = await jose.JWK.createKey('EC', 'P-384', { alg: 'ES384', use: 'sig' });
    await expect(upstream.gateway.auth.registerClient({ clientId: 'sneaky', organizationId: 'x', sector: 'gateway', jwks: { keys: [key.toJSON() as never] }, scopes: 'system/*.cruds' })).rejects.toThrow(/TRUSTED_GATEWAY_CLIENT_ID/);
    expect(await upstream.gateway.auth.getClient('sneaky')).toBeUndefined();
  });

  it('stores the Part 2 labels the downstream gateway computed, unchanged, and releases the record to it', async () => {
    const trusted = await upstreamToken(TRUSTED_CLIENT_ID, JSON.parse(await readFile(upstream.upstreamConfig.credentials.kind === 'smart' ? upstream.upstreamConfig.credentials.privateKeyFile : '', 'utf8')) as object);
    const direct = await upstreamGet(`Observation/${obsId}`, trusted);
    expect(direct.status).toBe(200);
    const viaGateway = (await (await gw.fhir(`/fhir/Observation/${obsId}`, { token: await gw.token('demo-treatment', { purpose: 'TREAT' }) })).json()) as Observation;
    const stored = JSON.parse(direct.text) as Observation;
    expect(stored.meta?.security).toEqual(viaGateway.meta?.security);
    expect(stored.meta?.security?.map((c) => c.code)).toEqual(expect.arrayContaining(['42CFRPart2']));
    expect(stored.note?.[0]?.text).toBe(NOTE);
  });

  it('audits the storage access on the upstream, naming the gateway client and the record', async () => {
    const rows = await upstream.gateway.conn.query('SELECT content FROM audit_event ORDER BY seq');
    const events = rows.map((r) => JSON.parse(String(r['content'])) as AuditEvent);
    const listing = events.filter((e) => JSON.stringify(e).includes(`Observation/${obsId}`));
    expect(listing.length).toBeGreaterThan(0);
    expect(JSON.stringify(listing)).toContain(`gateway-${TRUSTED_CLIENT_ID}`);
    expect((await upstream.gateway.auditLog.verify()).ok).toBe(true);
  });

  it('an ordinary client of the upstream never gets it: the Part 2 record is hidden, in reads and searches', async () => {
    const ehr = await upstreamToken('upstream-ehr', ehrKey);
    const read = await upstreamGet(`Observation/${obsId}`, ehr);
    expect(read.status).toBe(404);
    expect(read.text).not.toContain(NOTE);
    const search = await upstreamGet(`Observation?_id=${obsId}`, ehr);
    expect(search.status).toBe(200);
    const bundle = JSON.parse(search.text) as { total?: number; entry?: unknown[] };
    expect(bundle.entry ?? []).toEqual([]);
    expect(bundle.total).toBe(0);
    expect(search.text).not.toContain(NOTE);
  });
});

describe('configuration', () => {
  it('reads upstream mode with bearer or SMART credentials, never both, and names a bad variable', () => {
    expect(readNodeConfig({ UPSTREAM_FHIR_URL: 'https://ehr.example.org/fhir/', UPSTREAM_BEARER_TOKEN: 't' }).upstream).toMatchObject({ url: 'https://ehr.example.org/fhir', credentials: { kind: 'bearer', token: 't' }, timeoutMs: 10_000 });
    const smart = readNodeConfig({ UPSTREAM_FHIR_URL: 'https://ehr.example.org/fhir', UPSTREAM_CLIENT_ID: 'gw', UPSTREAM_TOKEN_URL: 'https://ehr.example.org/token', UPSTREAM_PRIVATE_KEY_FILE: '/keys/gw.json' });
    expect(smart.upstream?.credentials).toMatchObject({ kind: 'smart', clientId: 'gw', scope: 'system/*.cruds' });
    expect(() => readNodeConfig({ UPSTREAM_FHIR_URL: 'https://x.example/fhir', UPSTREAM_BEARER_TOKEN: 't', UPSTREAM_CLIENT_ID: 'gw' })).toThrow(/UPSTREAM_BEARER_TOKEN/);
    expect(() => readNodeConfig({ UPSTREAM_FHIR_URL: 'https://x.example/fhir', UPSTREAM_CLIENT_ID: 'gw' })).toThrow(/UPSTREAM_CLIENT_ID/);
    expect(() => readNodeConfig({ UPSTREAM_FHIR_URL: 'not a url' })).toThrow(/UPSTREAM_FHIR_URL/);
    expect(() => readNodeConfig({ TRUSTED_GATEWAY_CLIENT_ID: 'gw' })).toThrow(/TRUSTED_GATEWAY_JWKS_FILE/);
    expect(readNodeConfig({}).upstream).toBeUndefined();
  });
});
