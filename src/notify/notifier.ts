import type { AuditLog } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';
import type { FhirRepository } from '../fhir/repository.js';
import type { SqlConnection } from '../storage/sql-connection.js';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import { deliverDue } from './delivery.js';
import { dispatchChanges } from './dispatcher.js';
import { fetchPoster, type NotificationPoster } from './post-notification.js';
import { activateRequested, recordDeliveryState } from './subscription-state.js';

export interface NotifierOptions {
  readonly retry?: Partial<RetryPolicy>;
  /** Per-POST timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** POSTs in flight at once (default 32). */
  readonly concurrency?: number;
  /** Changes per dispatcher batch and rows per delivery pass (default 500). */
  readonly batchSize?: number;
  /** Pause between ticks of the Node worker loop (default 500 ms). */
  readonly pollMs?: number;
  /** Jitter source, injectable for tests. */
  readonly random?: () => number;
  /** How a notification is POSTed (default fetch; Node passes its node:http poster). */
  readonly post?: NotificationPoster;
}

export interface NotifierDeps {
  readonly repo: FhirRepository;
  readonly conn: SqlConnection;
  readonly auth: AuthService;
  readonly auditLog: AuditLog;
  readonly now: () => Date;
}

export interface TickResult {
  /** Changes read from the feed. */
  readonly dispatched: number;
  /** Outbox rows handled (delivered, failed, dropped). */
  readonly handled: number;
}

/**
 * The R4 rest-hook notification pipeline: activate `requested` Subscriptions, dispatch the change
 * feed into the outbox, deliver what is due. On Node {@link Notifier.start} runs it in-process
 * every `pollMs`; on Workers a Cron Trigger calls {@link Notifier.tick}. Tests call tick/drain.
 */
export interface Notifier {
  /** One bounded pass: activation, dispatch (up to 10 batches), delivery (up to 10 passes). */
  tick(): Promise<TickResult>;
  /** Ticks until the feed is consumed and no outbox row is due now (later retries stay pending). */
  drain(): Promise<void>;
  /** Starts the in-process loop (Node); a tick that throws is logged and the loop goes on. */
  start(): void;
  /** Stops the loop and waits for the tick in progress. */
  stop(): Promise<void>;
}

const MAX_PASSES = 10;

export function createNotifier(deps: NotifierDeps, options: NotifierOptions = {}): Notifier {
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const batchSize = options.batchSize ?? 500;
  const delivery = {
    ...deps,
    retry,
    timeoutMs: options.timeoutMs ?? 10_000,
    concurrency: options.concurrency ?? 32,
    post: options.post ?? fetchPoster,
    ...(options.random ? { random: options.random } : {}),
  };
  const dispatcher = { store: deps.repo.store, conn: deps.conn, auth: deps.auth, now: deps.now, onMatchError: (id: string, text: string) => recordDeliveryState(deps.repo, id, text) };
  // INVARIANT: ticks never overlap within one instance (the outbox lease guards across instances).
  let running: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = true;

  async function runTick(): Promise<TickResult> {
    await activateRequested(deps.repo, deps.auth);
    let dispatched = 0;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const n = await dispatchChanges(dispatcher, batchSize);
      dispatched += n;
      if (n < batchSize) break;
    }
    let handled = 0;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const n = await deliverDue(delivery, batchSize);
      handled += n;
      if (n === 0) break;
    }
    return { dispatched, handled };
  }

  const tick = (): Promise<TickResult> => {
    const result = running.then(runTick, runTick);
    running = result.catch(() => undefined);
    return result;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      tick()
        .catch((err: unknown) => console.error('[notify] tick failed', err))
        .finally(schedule);
    }, options.pollMs ?? 500);
    // The loop alone must not keep a process alive.
    (timer as { unref?: () => void }).unref?.();
  };

  return {
    tick,
    async drain() {
      for (;;) {
        const { dispatched, handled } = await tick();
        if (dispatched === 0 && handled === 0) return;
      }
    },
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
