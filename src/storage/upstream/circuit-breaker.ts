import { upstreamUnavailable } from './upstream-errors.js';

export interface BreakerOptions {
  /** Consecutive faults that open the circuit. */
  readonly failures: number;
  /** How long it stays open before one probe is let through (half-open). */
  readonly openMs: number;
  readonly now: () => number;
}

/**
 * Stops hammering a failing upstream: after `failures` consecutive faults every call fails at once
 * with 503 UPSTREAM_UNAVAILABLE for `openMs`; then a single probe decides whether to close again.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | undefined;
  private probing = false;
  private readonly options: BreakerOptions;

  constructor(options: Partial<BreakerOptions> = {}) {
    this.options = { failures: 5, openMs: 10_000, now: () => Date.now(), ...options };
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.options.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  /** Throws while open; in half-open lets exactly one caller through as the probe. */
  admit(): void {
    const state = this.state;
    if (state === 'closed') return;
    const retryAfter = Math.max(1, Math.ceil((this.openedAt! + this.options.openMs - this.options.now()) / 1000));
    if (state === 'open' || this.probing) throw upstreamUnavailable(retryAfter);
    this.probing = true;
  }

  success(): void {
    this.consecutive = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  failure(): void {
    this.consecutive++;
    if (this.probing || this.consecutive >= this.options.failures) this.openedAt = this.options.now();
    this.probing = false;
  }
}
