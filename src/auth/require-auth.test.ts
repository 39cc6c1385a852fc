import type jose from 'node-jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService } from './auth-service.js';
import { callProtected, createAuthTestApp, generateClientKey, registerTestClient, requestToken, type AuthTestApp } from './auth-test-app.js';

let test: AuthTestApp;
let key: jose.JWK.Key;

beforeAll(async () => {
  test = await createAuthTestApp();
  key = await generateClientKey('ES384');
  await registerTestClient(test.auth, 'client-a', key);
});

afterAll(() => test.close());

async function issue(): Promise<string> {
  const result = await requestToken(test, { clientId: 'client-a', key });
  expect(result.status).toBe(200);
  return String(result.body.access_token);
}

async function expectUnauthorized(response: Response, code: string) {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="fhir"/);
  const body = (await response.json()) as { code: string; resourceType: string };
  expect(body).toMatchObject({ resourceType: 'OperationOutcome', code });
}

describe('requireAuth', () => {
  it('answers 401 AUTH_MISSING_TOKEN with WWW-Authenticate when no token is sent', async () => {
    const response = await callProtected(test);
    await expectUnauthorized(response, 'AUTH_MISSING_TOKEN');
    expect(response.headers.get('www-authenticate')).not.toMatch(/invalid_token/);
  });

  it('answers 401 AUTH_INVALID_TOKEN for a non-Bearer Authorization header', async () => {
    await expectUnauthorized(await callProtected(test, 'Basic Zm9vOmJhcg=='), 'AUTH_INVALID_TOKEN');
  });

  it('refuses an access token once the (injected) clock passes its exp', async () => {
    const token = await issue();
    expect((await callProtected(test, `Bearer ${token}`)).status).toBe(200);
    test.advance(301);
    const response = await callProtected(test, `Bearer ${token}`);
    await expectUnauthorized(response, 'AUTH_INVALID_TOKEN');
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('refuses a tampered token (payload changed, signature kept)', async () => {
    const [header, payload, signature] = (await issue()).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'system/*.cruds', sector: 'admin' })).toString('base64url');
    await expectUnauthorized(await callProtected(test, `Bearer ${header}.${forged}.${signature}`), 'AUTH_INVALID_TOKEN');
    await expectUnauthorized(await callProtected(test, 'Bearer not-a-jwt'), 'AUTH_INVALID_TOKEN');
  });

  it('refuses other JWS the gateway signed (no `typ: at+jwt`), even with token-shaped claims', async () => {
    const [, payload] = (await issue()).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as object;
    const summary = await test.auth.signJws(claims);
    await expectUnauthorized(await callProtected(test, `Bearer ${summary}`), 'AUTH_INVALID_TOKEN');
  });

  it('refuses a token from another issuer when one is configured', async () => {
    const token = await issue(); // issued for http://localhost
    const strict = createAuthService({ sql: test.sql, now: test.now, issuer: 'https://gateway.example.org' });
    await expect(strict.verifyAccessToken(token)).rejects.toMatchObject({ code: 'AUTH_INVALID_TOKEN', status: 401 });
  });

  it('accepts a token in a second service instance over the same database (key persisted, not regenerated)', async () => {
    const token = await issue();
    const other = createAuthService({ sql: test.sql, now: test.now });
    await expect(other.verifyAccessToken(token)).resolves.toMatchObject({ clientId: 'client-a', purposeOfUse: 'TREAT' });
    expect(await other.publicJwks()).toEqual(await test.auth.publicJwks());
  });
});
