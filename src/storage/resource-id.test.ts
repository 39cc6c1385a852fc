import { describe, expect, it } from 'vitest';
import { newResourceId } from './resource-id.js';

describe('newResourceId', () => {
  it('is an RFC 9562 UUIDv7 carrying the creation millisecond', () => {
    const at = Date.UTC(2026, 10, 23, 14, 43, 17, 123);
    const id = newResourceId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by creation time, so new keys land at the right edge of an index', () => {
    const ids = [0, 1, 2, 1000, 86_400_000].map((d) => newResourceId(Date.UTC(2026, 0, 1) + d));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is unique within one millisecond (74 random bits)', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => newResourceId(now)));
    expect(ids.size).toBe(10_000);
  });

  it('fits the FHIR id syntax', () => {
    expect(newResourceId()).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
  });
});
