import { describe, expect, it } from 'vitest';
import type { Requester } from './requester.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const requester = (clientId: string): Requester => ({ clientId, organizationId: 'o', sector: 'ehr', scopes: [], purposeOfUse: 'TREAT', tokenId: clientId });

describe('VerifiedTokenCache', () => {
  it('answers a cached token until its expiry, never after', () => {
    const cache = new VerifiedTokenCache();
    cache.set('t1', requester('a'), 1_000);
    expect(cache.get('t1', 999)?.clientId).toBe('a');
    expect(cache.get('t1', 1_000)).toBeUndefined();
    expect(cache.get('t1', 500)).toBeUndefined();
  });

  it('only matches the exact token text', () => {
    const cache = new VerifiedTokenCache();
    cache.set('header.payload.sig', requester('a'), 10_000);
    expect(cache.get('header.payload.sig2', 0)).toBeUndefined();
  });

  it('stays bounded by dropping the oldest token', () => {
    const cache = new VerifiedTokenCache();
    for (let i = 0; i <= 10_000; i++) cache.set(`t${i}`, requester(String(i)), 1e12);
    expect(cache.get('t0', 0)).toBeUndefined();
    expect(cache.get('t10000', 0)?.clientId).toBe('10000');
  });
});
