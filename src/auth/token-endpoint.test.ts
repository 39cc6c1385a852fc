import type jose from 'node-jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAuthTestApp,
  generateClientKey,
  postTokenForm,
  registerTestClient,
  requestToken,
  type AuthTestApp,
} from './auth-test-app.js';
import { buildClientAssertion } from './client-assertion-builder.js';

let test: AuthTestApp;
let esKey: jose.JWK.Key;
let rsKey: jose.JWK.Key;

beforeAll(async () => {
  test = await createAuthTestApp();
  esKey = await generateClientKey('ES384');
  rsKey = await generateClientKey('RS384');
  await registerTestClient(test.auth, 'es-client', esKey);
  await registerTestClient(test.auth, 'rs-client', rsKey);
});

afterAll(() => test.close());

function expectOAuthError(result: { status: number; body: Record<string, unknown> }, status: number, error: string, description?: RegExp) {
  // RFC 6749 §5.2 shape, never an OperationOutcome (ARCHITECTURE §2).
  expect(result.body.resourceType).toBeUndefined();
  expect({ status: result.status, error: result.body.error }).toEqual({ status, error });
  expect(typeof result.body.error_description).toBe('string');
  if (description) expect(result.body.error_description).toMatch(description);
}

describe('POST /auth/token — success', () => {
  it('issues a bearer token for an ES384 assertion, usable on a protected route', async () => {
    const result = await requestToken(test, { clientId: 'es-client', key: esKey }, { scope: 'system/Patient.rs', purpose_of_use: 'COC' });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ token_type: 'bearer', expires_in: 300, scope: 'system/Patient.rs', purpose_of_use: 'COC' });

    const response = await test.app.request('/fhir/Patient', { headers: { Authorization: `Bearer ${String(result.body.access_token)}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      clientId: 'es-client',
      organizationId: 'org-es-client',
      sector: 'treatment',
      purposeOfUse: 'COC',
      scopes: 'system/Patient.rs',
    });
  });

  it('issues a token for an RS384 assertion; no scope/purpose → registered scopes and TREAT', async () => {
    const result = await requestToken(test, { clientId: 'rs-client', key: rsKey });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ scope: 'system/*.rs system/Patient.cruds', purpose_of_use: 'TREAT', expires_in: 300 });
    const response = await test.app.request('/fhir/Patient', { headers: { Authorization: `Bearer ${String(result.body.access_token)}` } });
    expect(response.status).toBe(200);
  });

  it('answers v1 scopes with their v2 form and accepts a system|code purpose', async () => {
    const result = await requestToken(
      test,
      { clientId: 'es-client', key: esKey },
      { scope: 'system/*.read', purpose_of_use: 'http://terminology.hl7.org/CodeSystem/v3-ActReason|HOPERAT' },
    );
    expect(result.body).toMatchObject({ scope: 'system/*.rs', purpose_of_use: 'HOPERAT' });
  });
});

describe('POST /auth/token — client authentication refused (invalid_client, 401)', () => {
  it('refuses a replayed assertion', async () => {
    const assertion = await buildClientAssertion({ clientId: 'es-client', key: esKey, tokenUrl: 'http://localhost/auth/token', now: test.now() });
    expect((await postTokenForm(test, { client_assertion: assertion })).status).toBe(200);
    expectOAuthError(await postTokenForm(test, { client_assertion: assertion }), 401, 'invalid_client', /jti already used/);
  });

  it('refuses an assertion whose lifetime exceeds 300 s', async () => {
    expectOAuthError(await requestToken(test, { clientId: 'es-client', key: esKey, lifetimeSeconds: 301 }), 401, 'invalid_client', /lifetime/);
  });

  it('refuses an expired assertion', async () => {
    const past = new Date(test.now().getTime() - 120_000);
    expectOAuthError(await requestToken(test, { clientId: 'es-client', key: esKey, now: past }), 401, 'invalid_client', /expired/);
  });

  it('refuses an assertion that is not valid yet (nbf)', async () => {
    const nbf = Math.floor(test.now().getTime() / 1000) + 120;
    expectOAuthError(await requestToken(test, { clientId: 'es-client', key: esKey, claims: { nbf } }), 401, 'invalid_client', /nbf/);
  });

  it('refuses an assertion for another audience', async () => {
    const result = await requestToken(test, { clientId: 'es-client', key: esKey, tokenUrl: 'http://elsewhere.example/auth/token' });
    expectOAuthError(result, 401, 'invalid_client', /aud/);
  });

  it('refuses an assertion signed by a key the client never registered (same kid, other kid, other key type)', async () => {
    const sameKid = await generateClientKey('ES384', esKey.kid);
    const otherKid = await generateClientKey('ES384');
    expectOAuthError(await requestToken(test, { clientId: 'es-client', key: sameKid }), 401, 'invalid_client', /signature/);
    expectOAuthError(await requestToken(test, { clientId: 'es-client', key: otherKid }), 401, 'invalid_client', /signature/);
    const rsaForEcClient = await generateClientKey('RS384');
    expectOAuthError(await requestToken(test, { clientId: 'es-client', key: rsaForEcClient }), 401, 'invalid_client', /signature/);
  });

  it('refuses an unknown client', async () => {
    expectOAuthError(await requestToken(test, { clientId: 'nobody', key: esKey }), 401, 'invalid_client', /unknown client/);
  });

  it('refuses iss ≠ sub and a client_id that does not match', async () => {
    expectOAuthError(await requestToken(test, { clientId: 'es-client', key: esKey, claims: { sub: 'rs-client' } }), 401, 'invalid_client');
    expectOAuthError(await requestToken(test, { clientId: 'es-client', key: esKey }, { client_id: 'rs-client' }), 401, 'invalid_client');
  });

  it('refuses algorithms other than RS384/ES384 (alg: none, HS256)', async () => {
    const [header, payload] = (await buildClientAssertion({ clientId: 'es-client', key: esKey, tokenUrl: 'http://localhost/auth/token' })).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    expectOAuthError(await postTokenForm(test, { client_assertion: none }), 401, 'invalid_client', /RS384 or ES384/);
    expect(header).toBeTruthy();
    const hs = `${Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url')}.${payload}.c2ln`;
    expectOAuthError(await postTokenForm(test, { client_assertion: hs }), 401, 'invalid_client');
  });

  it('refuses a wrong client_assertion_type', async () => {
    const result = await requestToken(test, { clientId: 'es-client', key: esKey }, { client_assertion_type: 'urn:example:other' });
    expectOAuthError(result, 401, 'invalid_client', /client_assertion_type/);
  });
});

describe('POST /auth/token — request refused (400)', () => {
  it('refuses an unknown purpose of use', async () => {
    const result = await requestToken(test, { clientId: 'es-client', key: esKey }, { purpose_of_use: 'SNOOPING' });
    expectOAuthError(result, 400, 'invalid_request', /purpose_of_use `SNOOPING`/);
  });

  it('refuses a scope beyond the registration', async () => {
    const result = await requestToken(test, { clientId: 'es-client', key: esKey }, { scope: 'system/Observation.c' });
    expectOAuthError(result, 400, 'invalid_scope', /exceeds/);
    // A wildcard request is not covered by a type-specific registration.
    const wildcard = await requestToken(test, { clientId: 'es-client', key: esKey }, { scope: 'system/*.cruds' });
    expectOAuthError(wildcard, 400, 'invalid_scope');
  });

  it('refuses malformed and query-narrowed scopes instead of widening them', async () => {
    const query = await requestToken(test, { clientId: 'es-client', key: esKey }, { scope: 'system/Observation.rs?category=laboratory' });
    expectOAuthError(query, 400, 'invalid_scope', /queries/);
    const patient = await requestToken(test, { clientId: 'es-client', key: esKey }, { scope: 'patient/*.rs' });
    expectOAuthError(patient, 400, 'invalid_scope');
  });

  it('refuses another grant type, a missing assertion, repeated parameters and a non-form body', async () => {
    expectOAuthError(await requestToken(test, { clientId: 'es-client', key: esKey }, { grant_type: 'password' }), 400, 'unsupported_grant_type');
    expectOAuthError(await postTokenForm(test, {}), 400, 'invalid_request', /client_assertion/);

    const repeated = await test.app.request('/auth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&grant_type=client_credentials&client_assertion_type=x&client_assertion=y',
    });
    expectOAuthError({ status: repeated.status, body: (await repeated.json()) as Record<string, unknown> }, 400, 'invalid_request', /repeated/);

    const json = await test.app.request('/auth/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expectOAuthError({ status: json.status, body: (await json.json()) as Record<string, unknown> }, 400, 'invalid_request');
    expect(json.headers.get('cache-control')).toBe('no-store');
  });
});
