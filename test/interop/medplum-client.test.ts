import { MedplumClient, OperationOutcomeError } from '@medplum/core';
import type { Bundle, Composition, Observation, Patient } from '@medplum/fhirtypes';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientAssertion } from '../../src/auth/client-assertion-builder.js';
import { startLiveGateway, type LiveGateway } from './support/live-gateway.js';

// @medplum/core 4.5.2's MedplumClient pointed at a non-Medplum server: baseUrl + fhirUrlPath 'fhir'
// (Medplum's default is 'fhir/R4') + tokenUrl '/auth/token' (default 'oauth2/token').
let live: LiveGateway;

function medplum(extra: Partial<ConstructorParameters<typeof MedplumClient>[0]> = {}): MedplumClient {
  return new MedplumClient({
    baseUrl: `${live.base}/`,
    fhirUrlPath: 'fhir',
    tokenUrl: `${live.base}/auth/token`,
    fetch: (url: string | URL, init?: RequestInit) => fetch(url, init),
    cacheTime: 0,
    ...extra,
  });
}

/** A private_key_jwt client assertion signed with the demo client's key the gateway wrote. */
async function assertionFor(clientId: string): Promise<string> {
  const key = JSON.parse(await readFile(join(live.keysDir, `${clientId}.private.json`), 'utf8')) as object;
  return buildClientAssertion({ clientId, tokenUrl: `${live.base}/auth/token`, key });
}

const family = `Medplum${Date.now().toString(36)}`;
const patient = (given: string): Patient => ({ resourceType: 'Patient', name: [{ family, given: [given] }], birthDate: '1985-05-05' });

beforeAll(async () => {
  live = await startLiveGateway();
});
afterAll(async () => live?.close());

describe('MedplumClient against the live gateway', () => {
  let client: MedplumClient;
  beforeAll(async () => {
    client = medplum();
    client.setAccessToken(await live.token('demo-ehr'));
  });

  it('setAccessToken(bearer): createResource → readResource → updateResource', async () => {
    expect(client.isAuthenticated(0)).toBe(true);
    const created = await client.createResource(patient('Grace'));
    expect(created.id).toMatch(/\S/);
    expect(created.meta?.versionId).toBe('1');
    const read = await client.readResource('Patient', created.id);
    expect(read.name?.[0]?.given).toEqual(['Grace']);
    const updated = await client.updateResource({ ...read, gender: 'female' });
    expect(updated.meta?.versionId).toBe('2');
    expect((await client.readResource('Patient', created.id)).gender).toBe('female');
  });

  it('a missing resource raises OperationOutcomeError (404 not-found)', async () => {
    const err = await client.readResource('Patient', 'no-such-patient').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OperationOutcomeError);
    expect((err as OperationOutcomeError).outcome.issue?.[0]?.code).toBe('not-found');
  });

  it('searchResourcePages with _count=2 follows the gateway next links to the end', async () => {
    const ids: string[] = [];
    for (const given of ['A', 'B', 'C', 'D', 'E']) ids.push((await client.createResource(patient(given))).id);
    const pages: string[][] = [];
    for await (const page of client.searchResourcePages('Patient', { family, _count: '2' })) {
      pages.push(page.map((p) => p.id));
      expect(page.bundle.total).toBe(6);
      expect(pages.length).toBeLessThan(10);
    }
    const seen = pages.flat();
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    expect(new Set(seen).size).toBe(6);
    expect(seen).toEqual(expect.arrayContaining(ids));
    // searchResources: one page, Bundle kept alongside.
    const first = await client.searchResources('Patient', { family, _count: '2' });
    expect(first).toHaveLength(2);
    expect(first.bundle.link?.find((l) => l.relation === 'next')?.url).toMatch(new RegExp(`^${live.base}/fhir/Patient\\?`));
  });

  it('executeBatch runs a transaction with urn:uuid references', async () => {
    const urn = 'urn:uuid:0b6c1f3a-3333-4c5d-8e9f-0123456789ab';
    const result = await client.executeBatch({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: urn, resource: patient('Tx'), request: { method: 'POST', url: 'Patient' } },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
            subject: { reference: urn },
            valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    });
    expect(result.type).toBe('transaction-response');
    const [p, o] = result.entry!.map((e) => e.response!);
    expect(p!.status).toMatch(/^201/);
    expect(o!.status).toMatch(/^201/);
    const patientId = p!.location!.match(/Patient\/([^/]+)/)![1]!;
    const obs = await client.readResource('Observation', o!.location!.match(/Observation\/([^/]+)/)![1]!);
    expect((obs as Observation).subject?.reference).toBe(`Patient/${patientId}`);
  });

  it('get(fhirUrl(Patient, id, $summary)) answers a document Bundle, Composition first', async () => {
    const created = await client.createResource(patient('Summary'));
    const doc = (await client.get(client.fhirUrl('Patient', created.id, '$summary'))) as Bundle;
    expect(doc.type).toBe('document');
    expect(doc.entry?.[0]?.resource?.resourceType).toBe('Composition');
    expect((doc.entry![0]!.resource as Composition).subject?.reference).toMatch(new RegExp(`Patient/${created.id}$`));
  });

  it('deleteResource; reading it then raises OperationOutcomeError (410 deleted)', async () => {
    const created = await client.createResource(patient('Gone'));
    await client.deleteResource('Patient', created.id);
    const err = await client.readResource('Patient', created.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OperationOutcomeError);
    // Medplum maps issue code `deleted` to 410 (its `gone` outcome).
    expect((err as OperationOutcomeError).outcome.issue?.[0]?.code).toBe('deleted');
  });
});

describe('MedplumClient login flows', () => {
  it('startJwtAssertionLogin (RFC 7523 client assertion = SMART private_key_jwt) gets a token the FHIR API accepts', async () => {
    const client = medplum();
    const profile = await client.startJwtAssertionLogin(await assertionFor('demo-ehr'));
    // No Medplum profile: the token has no `login_id`, so MedplumClient never calls /auth/me.
    expect(profile).toBeUndefined();
    expect(client.isAuthenticated(0)).toBe(true);
    const bundle = await client.search('Patient', { identifier: 'urn:gateway:demo:doc-number|DEMO-100001' });
    expect(bundle.total).toBe(1);
  });

  // Regression (found by this suite): access tokens are `at+jwt` (RFC 9068) and must carry
  // `client_id` (§2.2); MedplumClient configured with `clientId` refuses a token without it.
  it('startJwtAssertionLogin with the clientId option set accepts the token (needs a client_id claim)', async () => {
    const client = medplum({ clientId: 'demo-ehr' });
    await client.startJwtAssertionLogin(await assertionFor('demo-ehr'));
    expect(client.isAuthenticated(0)).toBe(true);
  });

  it('startClientLogin (client_secret) is refused: the gateway only accepts private_key_jwt', async () => {
    const client = medplum();
    const err = await client.startClientLogin('demo-ehr', 'a-secret').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OperationOutcomeError);
    expect(((err as Error).cause as Error | undefined)?.message).toMatch(/client_assertion_type/);
    expect(client.getAccessToken()).toBeUndefined();
    // The OAuth error (RFC 6749) the gateway answered, as MedplumClient sees it.
    const raw = await fetch(`${live.base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo-ehr', client_secret: 'a-secret' }).toString(),
    });
    // RFC 6749 §5.2: 400 (401 only when the client authenticated with an Authorization header).
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: string; error_description: string };
    // A client_secret without a client assertion: the required parameter is missing.
    expect(['invalid_request', 'invalid_client']).toContain(body.error);
    expect(body.error_description).toMatch(/client_assertion_type/);
  });

  it('an expired-looking session is not refreshed: no refresh token, no secret → a 401 surfaces as an error', async () => {
    const client = medplum();
    client.setAccessToken('not-a-gateway-token');
    const err = await client.search('Patient').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OperationOutcomeError);
    expect(client.getAccessToken()).toBeUndefined();
  });
});
