import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthTestApp, type AuthTestApp } from './auth-test-app.js';

let test: AuthTestApp;
beforeAll(async () => {
  test = await createAuthTestApp();
});
afterAll(() => test.close());

describe('SMART discovery', () => {
  it.each(['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration'])('%s advertises Backend Services from the host called', async (path) => {
    const response = await test.app.request(`http://gw.example:9000${path}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      token_endpoint: 'http://gw.example:9000/auth/token',
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      grant_types_supported: ['client_credentials'],
      capabilities: ['client-confidential-asymmetric', 'permission-v2'],
      jwks_uri: 'http://gw.example:9000/.well-known/jwks.json',
      scopes_supported: expect.arrayContaining(['system/*.rs', 'system/*.cruds']),
    });
  });

  it('serves one public ES384 key and no private members', async () => {
    const response = await test.app.request('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('signs and verifies a JWS with the gateway key, refusing a tampered one', async () => {
    const jws = await test.auth.signJws({ hello: 'world' });
    const verified = await test.auth.verifyJws(jws);
    expect(JSON.parse(verified.payload)).toEqual({ hello: 'world' });
    expect(verified.header).toMatchObject({ alg: 'ES384' });
    const [h, , s] = jws.split('.');
    await expect(test.auth.verifyJws(`${h}.${Buffer.from('{"hello":"mars"}').toString('base64url')}.${s}`)).rejects.toThrow();
  });
});
