import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { createAuthTestApp, generateClientKey, type AuthTestApp } from './auth-test-app.js';

let test: AuthTestApp;
beforeAll(async () => {
  test = await createAuthTestApp();
});
afterAll(() => test.close());

describe('client registry', () => {
  it('stores and loads a client with public keys only', async () => {
    const key = await generateClientKey('RS384');
    await test.auth.registerClient({
      clientId: 'registry-a',
      organizationId: 'org-1',
      sector: 'corrections',
      jwks: { keys: [key.toJSON(false) as { kty: 'RSA' }] },
      scopes: 'system/*.rs',
    });
    const loaded = await test.auth.getClient('registry-a');
    expect(loaded).toMatchObject({ clientId: 'registry-a', organizationId: 'org-1', sector: 'corrections', scopes: 'system/*.rs', name: 'registry-a' });
    expect(loaded?.jwks.keys[0]).toMatchObject({ kty: 'RSA', kid: key.kid });
    expect(await test.auth.getClient('registry-missing')).toBeUndefined();
  });

  it.each(['ES384', 'RS384'] as const)('refuses a JWKS carrying a private %s key', async (alg) => {
    const key = await generateClientKey(alg);
    const registration = {
      clientId: 'registry-private',
      organizationId: 'org-1',
      sector: 'ehr' as const,
      jwks: { keys: [key.toJSON(true) as { kty: 'EC' | 'RSA' }] },
      scopes: 'system/*.rs',
    };
    await expect(test.auth.registerClient(registration)).rejects.toThrow(/private member `d`/);
    expect(await test.auth.getClient('registry-private')).toBeUndefined();
  });

  it('refuses an unknown sector, a symmetric key and an invalid scope', async () => {
    const key = (await generateClientKey('ES384')).toJSON(false) as { kty: 'EC' };
    const base = { clientId: 'registry-bad', organizationId: 'org-1', sector: 'ehr' as const, jwks: { keys: [key] }, scopes: 'system/*.rs' };
    await expect(test.auth.registerClient({ ...base, sector: 'police' as 'ehr' })).rejects.toBeInstanceOf(ZodError);
    await expect(test.auth.registerClient({ ...base, jwks: { keys: [{ kty: 'oct' as 'EC', k: 'c2VjcmV0' }] } })).rejects.toBeInstanceOf(ZodError);
    await expect(test.auth.registerClient({ ...base, scopes: 'patient/*.rs' })).rejects.toThrow(/patient/);
    expect(await test.auth.getClient('registry-bad')).toBeUndefined();
  });

  it('re-registering updates keys and scopes but keeps created_at', async () => {
    const first = await generateClientKey('ES384');
    const second = await generateClientKey('ES384');
    const base = { clientId: 'registry-upd', organizationId: 'org-1', sector: 'admin' as const };
    const created = await test.auth.registerClient({ ...base, jwks: { keys: [first.toJSON(false) as { kty: 'EC' }] }, scopes: 'system/*.rs' });
    test.advance(60);
    const updated = await test.auth.registerClient({ ...base, jwks: { keys: [second.toJSON(false) as { kty: 'EC' }] }, scopes: 'system/*.cruds' });
    expect(updated.createdAt).toBe(created.createdAt);
    expect(updated.scopes).toBe('system/*.cruds');
    expect(updated.jwks.keys[0]?.kid).toBe(second.kid);
  });
});
