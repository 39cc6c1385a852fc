/**
 * The Store contract for the upstream adapter, over real HTTP against a second gateway instance in
 * own-store mode (each test: a fresh upstream server and a fresh local index).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../src/conformance/definitions.js';
import { MIGRATIONS_DIR } from '../src/node-gateway.js';
import { migrate, openLibsqlConnection } from '../src/storage/index.js';
import { readMigrationsDir } from '../src/storage/migrations-dir.js';
import type { SqlConnection } from '../src/storage/sql-connection.js';
import { runStoreContract } from '../src/storage/store.contract.js';
import { createNodeUpstreamStore } from '../src/storage/upstream/node-upstream.js';
import { startUpstreamServer, type UpstreamServer } from './support/upstream-gateway.js';

let dir: string;
let counter = 0;
const servers: UpstreamServer[] = [];
const conns: SqlConnection[] = [];

beforeAll(async () => {
  await loadDefinitions();
  dir = await mkdtemp(join(tmpdir(), 'gateway-upstream-index-'));
});

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const c of conns.splice(0)) await c.close?.();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

runStoreContract('upstream store over a real own-store gateway', async () => {
  const upstream = await startUpstreamServer();
  servers.push(upstream);
  const conn = await openLibsqlConnection(`file:${join(dir, `index-${++counter}.db`)}`);
  conns.push(conn);
  await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
  return createNodeUpstreamStore(conn, upstream.upstreamConfig);
});

describe('fail closed on what the index cannot vouch for', () => {
  const restricted = { holderOrg: 'org-a', part2Patients: ['p1'] };
  const patient = (id: string) => ({ resourceType: 'Patient' as const, id, name: [{ family: 'Hidden' }] });

  it('a version written on the upstream behind the gateway\'s back is restricted: read, but never visible to a requester', async () => {
    const upstream = await startUpstreamServer();
    servers.push(upstream);
    const conn = await openLibsqlConnection(`file:${join(dir, `index-${++counter}.db`)}`);
    conns.push(conn);
    await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
    const store = await createNodeUpstreamStore(conn, upstream.upstreamConfig);
    // Straight into the upstream's own store, claiming to be no Part 2 record.
    await upstream.gateway.repo.store.write([{ op: 'create', resource: { ...patient('behind'), meta: { versionId: '1', lastUpdated: '2024-01-01T00:00:00.000Z' } }, versionId: 1, lastUpdated: '2024-01-01T00:00:00.000Z', expectedVersion: 0, disclosure: { part2: false } }]);
    expect((await store.read('Patient', 'behind'))?.disclosure).toEqual({ part2: true });
    const seen = await store.search({ resourceType: 'Patient', filters: [], sort: [], count: 10, offset: 0, total: true, visibility: restricted });
    expect(seen).toEqual({ resources: [], total: 0 });
    // The gateway's own unrestricted reads (consent lookups) still find it.
    expect((await store.search({ resourceType: 'Patient', filters: [], sort: [], count: 10, offset: 0, total: true })).total).toBe(1);
  });

  it('when the index cannot confirm after the upstream committed, the new version stays hidden, not leaked', async () => {
    const upstream = await startUpstreamServer();
    servers.push(upstream);
    const real = await openLibsqlConnection(`file:${join(dir, `index-${++counter}.db`)}`);
    conns.push(real);
    await migrate(real, await readMigrationsDir(MIGRATIONS_DIR));
    // The real index database, failing only the confirming batch (as a full disk or a crash would).
    const failingConfirm: SqlConnection = {
      query: (sql, args) => real.query(sql, args),
      batch: async (statements) => {
        if (statements.some((s) => s.sql.includes("SET state = 'committed'"))) throw new Error('disk full');
        return real.batch(statements);
      },
    };
    const store = await createNodeUpstreamStore(failingConfirm, upstream.upstreamConfig);
    const err = await store.write([{ op: 'create', resource: patient('unconfirmed'), versionId: 1, lastUpdated: '2024-01-01T00:00:00.000Z', expectedVersion: 0, disclosure: { part2: false } }]).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503 });
    expect((await upstream.gateway.repo.store.read('Patient', 'unconfirmed'))?.versionId).toBe(1);
    expect((await store.read('Patient', 'unconfirmed'))?.disclosure).toEqual({ part2: true });
    expect(await store.search({ resourceType: 'Patient', filters: [], sort: [], count: 10, offset: 0, total: true, visibility: restricted })).toEqual({ resources: [], total: 0 });
    expect(await store.changes(0, 10)).toEqual([]);
  });
});
