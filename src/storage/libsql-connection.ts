/**
 * SqlConnection for a libSQL URL: local files through libsql directly (libsql-file-connection.ts:
 * WAL, synchronous=NORMAL, busy timeout, prepared statements kept), anything else (`libsql://`,
 * `http(s)://`, `:memory:`) through @libsql/client.
 */
import type { InValue, ResultSet } from '@libsql/client';
import type { SqlConnection, SqlRow, SqlValue } from './sql-connection.js';
import { openLibsqlFile } from './libsql-file-connection.js';

/**
 * Opens `url` (`file:./data/gateway.db`, `:memory:`, or a libsql:// server URL). Errors from the
 * driver propagate unchanged; the store turns them into STORE_UNAVAILABLE. `batch()` runs as one
 * write transaction (`batch(…, 'write')`), so it is all-or-nothing.
 */
export async function openLibsqlConnection(url: string): Promise<SqlConnection> {
  // Local files go through libsql directly, with prepared statements kept (libsql-file-connection.ts).
  if (url.startsWith('file:')) return openLibsqlFile(url.slice('file:'.length));
  // Loaded only here: @libsql/client costs ≈100 ms of every cold start, and `npm start` uses a file.
  const { createClient } = await import('@libsql/client');
  const client = createClient({ url });
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
