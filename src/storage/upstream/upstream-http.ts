/**
 * Every call the upstream adapter makes to the FHIR server goes through here: a per-request
 * timeout, retries with backoff for idempotent reads only, Retry-After on 503 (bounded), a circuit
 * breaker, and one mapping of every fault to a 502/503/504 OperationOutcome. Nothing the upstream
 * says (body text, status line) is copied into what a client sees; it stays in `cause`.
 */
import { Client } from 'fhir-kit-client';
import { GatewayError } from '../../outcomes/index.js';
import { upstreamBadResponse, upstreamTimeout, upstreamUnavailable } from './upstream-errors.js';
import { CircuitBreaker, type BreakerOptions } from './circuit-breaker.js';
import type { UpstreamToken } from './upstream-token.js';

/** `read` calls are idempotent and may be retried; a `write` (transaction) never is. */
export type CallKind = 'read' | 'write';

export interface UpstreamHttpOptions {
  readonly baseUrl: string;
  readonly token: UpstreamToken;
  /** Per attempt, covering headers AND body. Default 10 s. */
  readonly timeoutMs?: number;
  /** Extra attempts for reads. Default 2. */
  readonly retries?: number;
  /** First backoff step; doubles per retry. Default 100 ms. */
  readonly backoffMs?: number;
  /** A Retry-After longer than this is not waited for (the 503 is passed on). Default 2 s. */
  readonly maxRetryAfterMs?: number;
  readonly breaker?: Partial<BreakerOptions>;
}

/** A definite answer that is not a success: 4xx statuses the store interprets (404, 410, 409, 412…). */
export class UpstreamStatus extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`upstream answered ${status}`);
  }
}

interface ResponseError {
  response?: { status?: number; data?: unknown };
  config?: { headers?: Headers };
}

export class UpstreamHttp {
  readonly client: Client;
  readonly baseUrl: string;
  private readonly breaker: CircuitBreaker;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxRetryAfterMs: number;

  constructor(private readonly options: UpstreamHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.client = new Client({ baseUrl: this.baseUrl });
    this.breaker = new CircuitBreaker(options.breaker);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.backoffMs = options.backoffMs ?? 100;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 2_000;
  }

  /**
   * Runs `call` with a fresh timeout signal and bearer token per attempt. Resolves with the parsed
   * JSON of a 2xx; throws UpstreamStatus for a 4xx, a GatewayError (502/503/504) for a fault. The
   * breaker counts calls, not attempts: one client request that failed after its retries is one failure.
   */
  async call(kind: CallKind, call: (client: Client, options: { signal: AbortSignal; headers: Record<string, string> }) => Promise<unknown>): Promise<unknown> {
    this.breaker.admit(); // throws 503 at once while open
    try {
      const result = await this.attempts(kind, call);
      this.breaker.success();
      return result;
    } catch (err) {
      // A definite 4xx means the upstream is alive and answering.
      if (err instanceof UpstreamStatus) this.breaker.success();
      else this.breaker.failure();
      throw err;
    }
  }

  private async attempts(kind: CallKind, call: (client: Client, options: { signal: AbortSignal; headers: Record<string, string> }) => Promise<unknown>): Promise<unknown> {
    const attempts = kind === 'read' ? this.retries + 1 : 1;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      let waitMs = this.backoffMs * 2 ** (attempt - 1);
      let fault: GatewayError;
      let retryable = false;
      try {
        const bearer = await this.options.token.get(refreshed);
        return await withDeadline(this.timeoutMs, (signal) => call(this.client, { signal, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} }));
      } catch (err) {
        const status = (err as ResponseError).response?.status;
        if (status === 401 && !refreshed) {
          // An expired token: refused before anything ran, so one more try is safe even for a write.
          refreshed = true;
          attempt--;
          continue;
        }
        if (status !== undefined && status >= 400 && status < 500) throw new UpstreamStatus(status, (err as ResponseError).response?.data);
        fault = classify(err);
        // Retried (reads only): 5xx and refused connections. Not timeouts (a slow upstream would
        // multiply the client's wait) and not garbage from a 2xx (asking again will not fix it).
        retryable = fault.status === 503 || (status !== undefined && status >= 500);
        if (status === 503) {
          const retryAfter = retryAfterMs((err as ResponseError).config?.headers);
          if (retryAfter !== undefined && retryAfter > this.maxRetryAfterMs) throw upstreamUnavailable(Math.ceil(retryAfter / 1000), err);
          if (retryAfter !== undefined) waitMs = retryAfter;
        }
      }
      if (!retryable || attempt >= attempts) throw fault;
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/** Timeout or slow body → 504; refused connection or upstream 503 → 503; other 5xx, garbage, a 2xx that is not JSON → 502. */
function classify(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return upstreamTimeout(err);
  const status = (err as ResponseError).response?.status;
  if (status === 503) return upstreamUnavailable(undefined, err);
  // Status 0 is a network error surfaced as a Response (Response.error()): nothing was answered.
  if (status !== undefined && status !== 0) return upstreamBadResponse(err);
  // undici: `TypeError: fetch failed` with the socket error (ECONNREFUSED, ECONNRESET…) as cause.
  const causeName = (err as { cause?: { name?: string } }).cause?.name;
  if (causeName === 'TimeoutError' || causeName === 'AbortError') return upstreamTimeout(err);
  return upstreamUnavailable(undefined, err);
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Runs `work` with an abort signal that fires after `ms`, and gives up at that moment even if the
 * work ignores the signal (a body stream that stalls after its headers does not always honour it).
 */
async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new DOMException('The upstream did not answer in time.', 'TimeoutError');
      controller.abort(reason);
      reject(reason);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
