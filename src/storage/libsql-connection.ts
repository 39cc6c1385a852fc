/**
 * SqlConnection over @libsql/client (Node). File databases get WAL (readers never wait for the
 * writer) and a busy timeout, so concurrent requests queue instead of failing with SQLITE_BUSY.
 */
import { createClient, type InValue, type ResultSet } from '@libsql/client';
import type { SqlConnection, SqlRow, SqlValue } from './sql-connection.js';

/** How long a file-database writer waits for the lock before failing (ms). */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens `url` (`file:./data/gateway.db`, `:memory:`, or a libsql:// server URL). Errors from the
 * driver propagate unchanged; the store turns them into STORE_UNAVAILABLE. `batch()` runs as one
 * write transaction (`batch(…, 'write')`), so it is all-or-nothing.
 */
export async function openLibsqlConnection(url: string): Promise<SqlConnection> {
  const isFile = url.startsWith('file:');
  // `timeout` is applied by the client to every pooled connection, which a one-off PRAGMA is not.
  const client = createClient(isFile ? { url, timeout: BUSY_TIMEOUT_MS } : { url });
  if (isFile) {
    // journal_mode is stored in the database file, so setting it once per open is enough.
    await client.execute('PRAGMA journal_mode=WAL');
    await client.execute(`PRAGMA busy_timeout=${BUSY_TIMEOUT_MS}`);
  }
  return {
    async query(sql, args = []) {
      return toRows(await client.execute({ sql, args: args as InValue[] }));
    },
    async batch(statements) {
      if (statements.length === 0) return;
      await client.batch(
        statements.map((s) => ({ sql: s.sql, args: s.args as InValue[] })),
        'write',
      );
    },
    async close() {
      client.close();
    },
  };
}

function toRows(result: ResultSet): SqlRow[] {
  const { columns } = result;
  return result.rows.map((row) => {
    const out: SqlRow = {};
    columns.forEach((name, i) => {
      out[name] = toSqlValue(row[i]);
    });
    return out;
  });
}

function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  // Blobs are never written by the gateway; surface them as text rather than crash.
  return String(value);
}
