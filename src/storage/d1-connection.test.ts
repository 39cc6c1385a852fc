/**
 * Runs the Store contract through createD1Connection, against a D1-shaped fake backed by libSQL
 * (D1 itself needs workerd). This checks the adapter's bind/all/batch mapping, not D1's engine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client, type InValue } from '@libsql/client';
import { afterAll, beforeAll } from 'vitest';
import { loadDefinitions } from '../conformance/definitions.js';
import { createD1Connection, type D1DatabaseLike, type D1PreparedStatementLike } from './d1-connection.js';
import { createSqlStore } from './sql-store.js';
import { migrate } from './migrate.js';
import { readMigrationsDir } from './migrations-dir.js';
import { runStoreContract } from './store.contract.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
let dir: string;
const clients: Client[] = [];
let counter = 0;

beforeAll(async () => {
  await loadDefinitions();
  dir = await mkdtemp(join(tmpdir(), 'gateway-d1-'));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await rm(dir, { recursive: true, force: true });
});

interface FakeStatement extends D1PreparedStatementLike {
  readonly sql: string;
  readonly args: unknown[];
}

function fakeD1(client: Client): D1DatabaseLike {
  const statement = (sql: string, args: unknown[]): FakeStatement => ({
    sql,
    args,
    bind: (...values: unknown[]) => statement(sql, values),
    all: async <T>() => {
      const rs = await client.execute({ sql, args: args as InValue[] });
      return { results: rs.rows.map((row) => Object.fromEntries(rs.columns.map((c, i) => [c, row[i]]))) as T[] };
    },
    run: async () => client.execute({ sql, args: args as InValue[] }),
  });
  return {
    prepare: (sql) => statement(sql, []),
    batch: async (stmts) => client.batch((stmts as FakeStatement[]).map((s) => ({ sql: s.sql, args: s.args as InValue[] })), 'write'),
  };
}

runStoreContract('SQL store through the D1 adapter', async () => {
  const client = createClient({ url: `file:${join(dir, `d1-${++counter}.db`)}`, timeout: 5000 });
  clients.push(client);
  const conn = createD1Connection(fakeD1(client));
  await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
  return createSqlStore(conn);
});
