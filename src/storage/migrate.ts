/**
 * Applies SQL migrations over any SqlConnection (libSQL or D1), tracking them in
 * `gateway_migrations`. Runtime-neutral: reading files from disk lives in migrations-dir.ts.
 */
import type { SqlConnection, SqlStatement } from './sql-connection.js';

/** One migration file: `name` orders it (e.g. `0001_resources.sql`) and is its identity. */
export interface Migration {
  readonly name: string;
  readonly sql: string;
}

/**
 * Applies every migration not yet recorded, in `name` order, each in one atomic batch together
 * with its tracking row, so a failed migration leaves nothing half-applied. Returns the names
 * applied. Two processes migrating at once: the loser's tracking INSERT hits the primary key and
 * its batch rolls back, which is why migrations should use IF NOT EXISTS anyway.
 *
 * Splitting contract: a statement ends at a `;` that ends a line. `--` comment lines are dropped.
 * So no triggers (`BEGIN … END;` bodies) and no `;` at a line end inside a string literal.
 */
export async function migrate(conn: SqlConnection, migrations: readonly Migration[]): Promise<string[]> {
  await conn.batch([
    { sql: 'CREATE TABLE IF NOT EXISTS gateway_migrations (name TEXT PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL)', args: [] },
  ]);
  const rows = await conn.query('SELECT name FROM gateway_migrations');
  const applied = new Set(rows.map((r) => String(r['name'])));
  const pending = [...migrations].filter((m) => !applied.has(m.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const done: string[] = [];
  for (const migration of pending) {
    const statements: SqlStatement[] = splitSqlStatements(migration.sql).map((sql) => ({ sql, args: [] }));
    statements.push({ sql: 'INSERT INTO gateway_migrations (name, applied_at) VALUES (?, ?)', args: [migration.name, new Date().toISOString()] });
    await conn.batch(statements);
    done.push(migration.name);
  }
  return done;
}

/** Splits a migration file per the contract documented on migrate(). */
export function splitSqlStatements(sql: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const line of sql.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('--')) continue;
    current.push(line);
    if (trimmed.endsWith(';')) {
      const statement = current.join('\n').trim().replace(/;$/, '').trim();
      if (statement) out.push(statement);
      current = [];
    }
  }
  const rest = current.join('\n').trim();
  if (rest) out.push(rest);
  return out;
}
