/**
 * SqlConnection over a Cloudflare D1 binding. The D1 types are declared structurally here so the
 * project needs no @cloudflare/workers-types; the real binding satisfies them.
 */
import type { SqlConnection, SqlRow, SqlValue } from './sql-connection.js';

/** The part of D1PreparedStatement the gateway uses. */
export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike;
  all<T = Record<string, unknown>>(): Promise<{ results?: T[] }>;
  run(): Promise<unknown>;
}

/** The part of the D1Database binding the gateway uses. */
export interface D1DatabaseLike {
  prepare(sql: string): D1PreparedStatementLike;
  /** D1 runs a batch as one implicit transaction: a failing statement rolls back the rest. */
  batch(statements: D1PreparedStatementLike[]): Promise<unknown[]>;
}

/**
 * Wraps a D1 binding. D1 has no interactive transactions, which is why the store's atomic unit
 * is `batch()`; D1 also caps bound parameters at 100 per statement (the store chunks for it).
 */
export function createD1Connection(db: D1DatabaseLike): SqlConnection {
  const prepare = (sql: string, args: readonly SqlValue[]): D1PreparedStatementLike =>
    args.length ? db.prepare(sql).bind(...args) : db.prepare(sql);
  return {
    async query(sql, args = []) {
      const result = await prepare(sql, args).all<Record<string, unknown>>();
      return (result.results ?? []).map(toRow);
    },
    async batch(statements) {
      if (statements.length === 0) return;
      await db.batch(statements.map((s) => prepare(s.sql, s.args)));
    },
  };
}

function toRow(raw: Record<string, unknown>): SqlRow {
  const out: SqlRow = {};
  for (const [key, value] of Object.entries(raw)) {
    out[key] = value === null || value === undefined ? null : typeof value === 'number' || typeof value === 'string' ? value : String(value);
  }
  return out;
}
