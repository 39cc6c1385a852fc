import type { SqlConnection, SqlRow, SqlStatement } from '../storage/sql-connection.js';

/** A matched notification waiting in (or done with) the outbox (0008_subscriptions). */
export interface OutboxRow {
  readonly id: number;
  readonly subscriptionId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly versionId: number;
  readonly attempts: number;
}

export type OutboxStatus = 'pending' | 'delivered' | 'dead' | 'dropped';

/** What one Subscription's outbox holds, for `$status`. */
export interface OutboxCounts {
  readonly pending: number;
  readonly delivered: number;
  readonly dead: number;
  readonly dropped: number;
  readonly lastError?: string;
}

/** The match to enqueue: a Subscription and the resource version it matched. */
export interface OutboxEntry {
  readonly subscriptionId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly versionId: number;
}

/** INVARIANT: the unique key makes a replayed match a no-op, so re-dispatching never duplicates. */
export function enqueueStatement(entry: OutboxEntry, now: Date): SqlStatement {
  return {
    sql: `INSERT INTO notification_outbox (subscription_id, resource_type, resource_id, version_id, status, attempts, next_attempt_at, created_at)
          VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (subscription_id, resource_type, resource_id, version_id) DO NOTHING`,
    args: [entry.subscriptionId, entry.resourceType, entry.resourceId, entry.versionId, now.getTime(), now.toISOString()],
  };
}

/**
 * Leases up to `limit` due rows to `claim` by pushing their next attempt past the lease, then
 * reads them back. Two ticks (two isolates, an overlapping cron) can never both hold a row: the
 * UPDATE only takes rows still due, and SQLite/D1 run one writer at a time.
 */
export async function claimDue(conn: SqlConnection, claim: string, nowMs: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
  await conn.query(
    `UPDATE notification_outbox SET claim = ?, next_attempt_at = ? WHERE id IN (
       SELECT id FROM notification_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?)`,
    [claim, nowMs + leaseMs, nowMs, limit],
  );
  const rows = await conn.query(
    `SELECT id, subscription_id, resource_type, resource_id, version_id, attempts FROM notification_outbox WHERE claim = ? AND status = 'pending' ORDER BY id`,
    [claim],
  );
  return rows.map(toRow);
}

function toRow(row: SqlRow): OutboxRow {
  return {
    id: Number(row['id']),
    subscriptionId: String(row['subscription_id']),
    resourceType: String(row['resource_type']),
    resourceId: String(row['resource_id']),
    versionId: Number(row['version_id']),
    attempts: Number(row['attempts']),
  };
}

export function deliveredStatement(id: number, now: Date): SqlStatement {
  return { sql: `UPDATE notification_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL, claim = NULL WHERE id = ?`, args: [now.toISOString(), id] };
}

/** A failed attempt: retried at `nextAttemptMs`, or dead when `dead`. */
export function failedStatement(id: number, error: string, dead: boolean, nextAttemptMs: number): SqlStatement {
  return {
    sql: `UPDATE notification_outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claim = NULL WHERE id = ?`,
    args: [dead ? 'dead' : 'pending', error, nextAttemptMs, id],
  };
}

/** Never sent: consent no longer releases it, or the Subscription/owner can no longer receive. */
export function droppedStatement(id: number, reason: string): SqlStatement {
  return { sql: `UPDATE notification_outbox SET status = 'dropped', last_error = ?, claim = NULL WHERE id = ?`, args: [reason, id] };
}

/** Returns a leased row unattempted (e.g. the audit could not be written), due again at `dueMs`. */
export function releaseStatement(id: number, dueMs: number): SqlStatement {
  return { sql: `UPDATE notification_outbox SET claim = NULL, next_attempt_at = ? WHERE id = ?`, args: [dueMs, id] };
}

export async function countsFor(conn: SqlConnection, subscriptionId: string): Promise<OutboxCounts> {
  const rows = await conn.query('SELECT status, COUNT(*) AS n FROM notification_outbox WHERE subscription_id = ? GROUP BY status', [subscriptionId]);
  const n = (status: OutboxStatus) => Number(rows.find((r) => r['status'] === status)?.['n'] ?? 0);
  const [last] = await conn.query(
    `SELECT last_error FROM notification_outbox WHERE subscription_id = ? AND last_error IS NOT NULL AND status IN ('pending', 'dead') ORDER BY next_attempt_at DESC, id DESC LIMIT 1`,
    [subscriptionId],
  );
  const lastError = last?.['last_error'];
  return { pending: n('pending'), delivered: n('delivered'), dead: n('dead'), dropped: n('dropped'), ...(typeof lastError === 'string' ? { lastError } : {}) };
}
