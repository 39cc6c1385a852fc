import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../conformance/definitions.js';
import { createSqlStore } from './sql-store.js';
import { openLibsqlConnection } from './libsql-connection.js';
import { migrate, splitSqlStatements } from './migrate.js';
import { readMigrationsDir } from './migrations-dir.js';
import { runStoreContract } from './store.contract.js';
import type { SqlConnection } from './sql-connection.js';
import type { Prefix } from './search-query.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

let dir: string;
const opened: SqlConnection[] = [];
let counter = 0;

beforeAll(async () => {
  await loadDefinitions();
  dir = await mkdtemp(join(tmpdir(), 'gateway-store-'));
});

afterAll(async () => {
  for (const conn of opened) await conn.close?.();
  await rm(dir, { recursive: true, force: true });
});

async function freshConnection(): Promise<SqlConnection> {
  const conn = await openLibsqlConnection(`file:${join(dir, `store-${++counter}.db`)}`);
  opened.push(conn);
  await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
  return conn;
}

runStoreContract('SQL store on a libSQL file', async () => createSqlStore(await freshConnection()));

describe('number search', () => {
  // The bundled R4 subset has no number parameters for served types, so rows are added by hand.
  it('compares numbers with every prefix', async () => {
    const conn = await freshConnection();
    const store = createSqlStore(conn);
    for (const [id, value] of [['r1', 0.2], ['r2', 0.8]] as const) {
      await store.write([{ op: 'create', resource: { resourceType: 'RiskAssessment', id, status: 'final', subject: { reference: 'Patient/p1' } } as never, versionId: 1, lastUpdated: '2024-05-01T00:00:00.000Z', expectedVersion: 0 }]);
      await conn.batch([{ sql: "INSERT INTO search_number (resource_type, id, param, value) VALUES ('RiskAssessment', ?, 'probability', ?)", args: [id, value] }]);
    }
    const run = async (prefix: Prefix, value: number) =>
      (await store.search({ resourceType: 'RiskAssessment', filters: [{ code: 'probability', type: 'number', values: [{ kind: 'number', prefix, value }] }], sort: [{ code: 'probability', type: 'number', descending: true }], count: 10, offset: 0, total: false })).resources.map((r) => r.id);
    expect(await run('eq', 0.2)).toEqual(['r1']);
    expect(await run('ne', 0.2)).toEqual(['r2']);
    expect(await run('gt', 0.2)).toEqual(['r2']);
    expect(await run('ge', 0.2)).toEqual(['r2', 'r1']);
    expect(await run('lt', 0.8)).toEqual(['r1']);
    expect(await run('le', 0.8)).toEqual(['r2', 'r1']);
    expect(await run('sa', 0.5)).toEqual(['r2']);
    expect(await run('eb', 0.5)).toEqual(['r1']);
    expect(await run('ap', 0.81)).toEqual(['r2']);
  });
});

describe('migrate', () => {
  it('applies each migration once and records it', async () => {
    const conn = await freshConnection();
    const again = await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
    expect(again).toEqual([]);
    const rows = await conn.query('SELECT name FROM gateway_migrations ORDER BY name');
    expect(rows.map((r) => r['name'])).toContain('0001_resources.sql');
  });

  it('rolls a failing migration back entirely', async () => {
    const conn = await freshConnection();
    const broken = { name: '9999_broken.sql', sql: 'CREATE TABLE t_ok (a TEXT);\nCREATE TABLE nonsense(;\n' };
    await expect(migrate(conn, [broken])).rejects.toBeDefined();
    expect(await conn.query("SELECT name FROM sqlite_master WHERE name = 't_ok'")).toEqual([]);
  });

  it('splits on line-ending semicolons and drops comment lines', () => {
    expect(splitSqlStatements('-- c\nCREATE TABLE a (\n  x TEXT -- note\n);\n\nCREATE INDEX i ON a (x);')).toEqual([
      'CREATE TABLE a (\n  x TEXT -- note\n)',
      'CREATE INDEX i ON a (x)',
    ]);
  });
});

describe('backend failures', () => {
  it('reports a broken backend as STORE_UNAVAILABLE without driver text', async () => {
    const store = createSqlStore({
      query: async () => {
        throw new Error('SQLITE_IOERR: disk I/O error in SELECT … FROM resource_current');
      },
      batch: async () => {
        throw new Error('SQLITE_IOERR');
      },
    });
    const err = (await store.read('Patient', 'x').catch((e: unknown) => e)) as { code: string; status: number; message: string };
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
    expect(err.message).not.toMatch(/SQLITE|SELECT/);
  });
});
