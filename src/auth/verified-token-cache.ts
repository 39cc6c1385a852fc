import type { Requester } from './requester.js';

/** Tokens remembered at once; the oldest is dropped first (tokens live 300 s anyway). */
const MAX_ENTRIES = 10_000;

/**
 * Remembers access tokens this instance has already verified, until they expire. Verifying the
 * ES384 signature costs more than a whole FHIR read (≈1.2 ms of ≈1.7 ms per request measured in
 * bench/auth-cost.ts); a bearer token is re-sent on every request, so it is verified once. The key
 * is the whole compact JWS, signature included, so a modified token can never hit the cache.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, { requester: Requester; expiresAtMs: number }>();

  /** The requester of a verified, still unexpired token; undefined otherwise. */
  get(token: string, nowMs: number): Requester | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.requester;
  }

  set(token: string, requester: Requester, expiresAtMs: number): void {
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { requester, expiresAtMs });
  }
}
