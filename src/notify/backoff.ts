/** Retry schedule of the delivery worker (issue 6: exponential backoff with jitter, dead after N). */
export interface RetryPolicy {
  /** Delay before the 2nd attempt, in ms. */
  readonly baseMs: number;
  readonly factor: number;
  /** No delay grows past this. */
  readonly capMs: number;
  /** Attempts before a notification is a dead letter. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1000, factor: 2, capMs: 5 * 60_000, maxAttempts: 8 };

/**
 * Delay after the `attempts`-th failed attempt (1-based): base·factor^(attempts−1), capped, with
 * "equal jitter" (half fixed, half random) so receivers coming back up are not hit in lockstep
 * while the delay still grows with every failure. `random` is injectable for tests.
 */
export function backoffMs(policy: RetryPolicy, attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.capMs, policy.baseMs * policy.factor ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}
