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
    // WAL + NORMAL is SQLite's recommended pairing: no corruption on any crash, and a process crash
    // loses nothing; only the last commits before a power failure may be lost. FULL fsyncs every
    // commit, and every audited read commits (≈10 ms each here). The client reuses one connection
    // (its borrows are synchronous and the gateway opens no interactive transactions), so setting
    // this once applies to every statement.
    await client.execute('PRAGMA synchronous=NORMAL');
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
