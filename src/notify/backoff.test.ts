import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY } from './backoff.js';

describe('backoffMs', () => {
  const policy = { baseMs: 1000, factor: 2, capMs: 60_000, maxAttempts: 8 };
  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [7, 30_000, 60_000],
    [12, 30_000, 60_000],
  ])('after attempt %i waits between %i and %i ms (exponential, capped, equal jitter)', (attempts, min, max) => {
    expect(backoffMs(policy, attempts, () => 0)).toBe(min);
    expect(backoffMs(policy, attempts, () => 1)).toBe(max);
  });

  it('grows with every failure whatever the jitter draws, until the cap', () => {
    for (let a = 1; a < 6; a++) expect(backoffMs(policy, a + 1, () => 0)).toBeGreaterThanOrEqual(backoffMs(policy, a, () => 1));
  });

  it('defaults to 1 s base, factor 2, 5 min cap, 8 attempts', () => {
    expect(DEFAULT_RETRY).toEqual({ baseMs: 1000, factor: 2, capMs: 300_000, maxAttempts: 8 });
  });
});
