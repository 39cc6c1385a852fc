import type { Subscription } from '@medplum/fhirtypes';
import type { AuditLog } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';
import { createRequestPolicy } from '../enforcement/access-policy.js';
import type { FhirRepository } from '../fhir/repository.js';
import type { SqlConnection, SqlStatement } from '../storage/sql-connection.js';
import { versionKey, type StoredVersion } from '../storage/store.js';
import { backoffMs, type RetryPolicy } from './backoff.js';
import { parseCriteria } from './criteria.js';
import { NOTIFICATION_JWS_TYP, prepareDeliveryRequest, withSignature, type DeliveryRequest } from './delivery-request.js';
import { claimDue, deliveredStatement, droppedStatement, failedStatement, releaseStatement, type OutboxRow } from './outbox.js';
import { ownerRequester } from './owner-requester.js';
import { recordDeliveryState } from './subscription-state.js';
import type { NotificationPoster } from './post-notification.js';

export interface DeliveryDeps {
  readonly repo: FhirRepository;
  readonly conn: SqlConnection;
  readonly auth: AuthService;
  readonly auditLog: AuditLog;
  readonly now: () => Date;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  /** POSTs in flight at once. */
  readonly concurrency: number;
  readonly random?: () => number;
  readonly post: NotificationPoster;
}

interface Send {
  readonly row: OutboxRow;
  readonly request: DeliveryRequest;
}

/**
 * One delivery pass over up to `limit` due outbox rows. Per Subscription: the owner is resolved
 * afresh and every row re-decided with a fresh request policy AT DELIVERY TIME (a consent revoked
 * since matching stops it: the row is dropped, never sent, P2-15); what is released is audited
 * BEFORE anything is sent (if the audit fails, nothing is sent and the rows wait); the payload is
 * the released resource (obligations applied), signed. 2xx marks a row delivered for good;
 * anything else retries with backoff until `retry.maxAttempts`, then the row is dead.
 * Returns how many rows it handled.
 */
export async function deliverDue(deps: DeliveryDeps, limit: number): Promise<number> {
  const now = deps.now();
  const claim = crypto.randomUUID();
  // The lease outlasts every POST of this pass, so no other tick takes these rows meanwhile.
  const rows = await claimDue(deps.conn, claim, now.getTime(), deps.timeoutMs * (Math.ceil(limit / deps.concurrency) + 2), limit);
  if (rows.length === 0) return 0;
  const bySubscription = new Map<string, OutboxRow[]>();
  for (const row of rows) bySubscription.set(row.subscriptionId, [...(bySubscription.get(row.subscriptionId) ?? []), row]);

  const statements: SqlStatement[] = [];
  const sends: Send[] = [];
  for (const [subscriptionId, group] of bySubscription) {
    const prepared = await prepareGroup(deps, subscriptionId, group, claim, now);
    statements.push(...prepared.statements);
    sends.push(...prepared.sends);
  }
  const outcomes = await signAndPost(deps, sends);

  const done = deps.now();
  const lastFailure = new Map<string, string | undefined>();
  sends.forEach((send, i) => {
    const failure = outcomes[i];
    lastFailure.set(send.row.subscriptionId, failure);
    if (failure === undefined) {
      statements.push(deliveredStatement(send.row.id, done));
      return;
    }
    const attempts = send.row.attempts + 1;
    const dead = attempts >= deps.retry.maxAttempts;
    statements.push(failedStatement(send.row.id, dead ? `${failure} Gave up after ${attempts} attempts.` : failure, dead, done.getTime() + backoffMs(deps.retry, attempts, deps.random)));
  });
  if (statements.length > 0) await deps.conn.batch(statements);
  for (const [subscriptionId, failure] of lastFailure) await recordDeliveryState(deps.repo, subscriptionId, failure);
  return rows.length;
}

async function prepareGroup(deps: DeliveryDeps, subscriptionId: string, rows: readonly OutboxRow[], claim: string, now: Date): Promise<{ statements: SqlStatement[]; sends: Send[] }> {
  const dropAll = (reason: string) => ({ statements: rows.map((r) => droppedStatement(r.id, reason)), sends: [] });
  const current = await deps.repo.store.read('Subscription', subscriptionId);
  if (!current || current.deleted) return dropAll('The Subscription was deleted.');
  const subscription = { ...(current.resource as Subscription), id: current.id };
  // `off` stops delivery (R4); what was queued is not sent later.
  if (subscription.status === 'off') return dropAll('The Subscription is off.');
  const criteria = parseCriteria(subscription.criteria ?? '');
  if (typeof criteria === 'string') return dropAll(criteria);
  const requester = await ownerRequester(deps.auth, subscription, criteria.resourceType);
  if (typeof requester === 'string') return dropAll(requester);

  const policy = createRequestPolicy(deps.repo.store, requester, now, `notify-${claim}-${subscriptionId}`);
  const versions = await Promise.all(rows.map((r) => deps.repo.store.vread(r.resourceType, r.resourceId, r.versionId)));
  const found = versions.filter((v): v is StoredVersion => v !== undefined && !v.deleted);
  const released = new Map((await policy.release(found, 'read')).map((v) => [versionKey(v), v]));
  const statements: SqlStatement[] = [];
  const sends: Send[] = [];
  for (const row of rows) {
    const version = released.get(`${row.resourceType}/${row.resourceId}/${row.versionId}`);
    if (!version) {
      // P2-15: consent is decided again at delivery; a revoked one means this is never sent.
      statements.push(droppedStatement(row.id, 'Consent no longer permits this disclosure.'));
      continue;
    }
    sends.push({ row, request: prepareDeliveryRequest(subscription, version.resource) });
  }
  if (sends.length === 0) return { statements, sends };
  try {
    // Audited BEFORE anything leaves (P2-13); emergency disclosures notify the program (§2.51).
    await policy.disclosures?.flush(deps.auditLog);
    for (const task of policy.disclosures?.emergencyNotices() ?? []) await deps.repo.create('Task', task);
  } catch (err) {
    console.error('[notify] audit append failed; nothing sent', subscriptionId, err);
    const retryAt = now.getTime() + deps.retry.baseMs;
    return { statements: [...statements, ...sends.map((s) => releaseStatement(s.row.id, retryAt))], sends: [] };
  }
  return { statements, sends };
}

/**
 * Signs and POSTs in chunks, signing the next chunk (WebCrypto: a parallel batch on the thread
 * pool) while the current one is POSTed on the main thread — ES384 signing is the costliest step.
 */
async function signAndPost(deps: DeliveryDeps, sends: readonly Send[]): Promise<(string | undefined)[]> {
  const chunkSize = deps.concurrency * 4;
  const sign = (from: number) => deps.auth.signJwsMany(sends.slice(from, from + chunkSize).map((s) => s.request.body), { typ: NOTIFICATION_JWS_TYP });
  const outcomes: (string | undefined)[] = [];
  let signing = sign(0);
  for (let from = 0; from < sends.length; from += chunkSize) {
    const signatures = await signing;
    if (from + chunkSize < sends.length) {
      signing = sign(from + chunkSize);
      // Observed now so a failure while this chunk is POSTed is not an unhandled rejection; the
      // next iteration still awaits (and throws) it.
      signing.catch(() => undefined);
    }
    const chunk = sends.slice(from, from + chunkSize);
    outcomes.push(...(await mapBounded(chunk, deps.concurrency, (s, i) => deps.post(withSignature(s.request, signatures[i]!), deps.timeoutMs))));
  }
  return outcomes;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
