import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLibsqlConnection } from '../storage/libsql-connection.js';
import { migrate } from '../storage/migrate.js';
import { readMigrationsDir } from '../storage/migrations-dir.js';
import type { SqlConnection } from '../storage/sql-connection.js';
import { claimDue, countsFor, deliveredStatement, enqueueStatement, failedStatement } from './outbox.js';

let conn: SqlConnection;
const t0 = new Date('2026-11-23T12:00:00Z');
const entry = (id: string, versionId = 1) => ({ subscriptionId: 's1', resourceType: 'Task', resourceId: id, versionId });

beforeEach(async () => {
  conn = await openLibsqlConnection('file::memory:');
  await migrate(conn, await readMigrationsDir(fileURLToPath(new URL('../../migrations/', import.meta.url))));
});

describe('notification outbox', () => {
  it('enqueues a (subscription, resource version) once however often it is replayed', async () => {
    await conn.batch([enqueueStatement(entry('a'), t0), enqueueStatement(entry('a'), t0), enqueueStatement(entry('a', 2), t0)]);
    await conn.batch([enqueueStatement(entry('a'), t0)]);
    expect((await countsFor(conn, 's1')).pending).toBe(2);
  });

  it('leases due rows to one claim: a second claim in the lease gets none of them', async () => {
    await conn.batch(['a', 'b', 'c'].map((id) => enqueueStatement(entry(id), t0)));
    const first = await claimDue(conn, 'claim-1', t0.getTime(), 60_000, 2);
    const second = await claimDue(conn, 'claim-2', t0.getTime(), 60_000, 10);
    expect(first.map((r) => r.resourceId)).toEqual(['a', 'b']);
    expect(second.map((r) => r.resourceId)).toEqual(['c']);
    expect(await claimDue(conn, 'claim-3', t0.getTime(), 60_000, 10)).toEqual([]);
    // A lease that ran out (the process died mid-pass) makes the rows due again: nothing is lost.
    expect((await claimDue(conn, 'claim-4', t0.getTime() + 60_001, 60_000, 10)).map((r) => r.resourceId)).toEqual(['a', 'b', 'c']);
  });

  it('never hands out a delivered or dead row again; a failed one comes back when due', async () => {
    await conn.batch(['a', 'b', 'c'].map((id) => enqueueStatement(entry(id), t0)));
    const [a, b, c] = await claimDue(conn, 'x', t0.getTime(), 1000, 10);
    await conn.batch([deliveredStatement(a!.id, t0), failedStatement(b!.id, 'HTTP 500', true, 0), failedStatement(c!.id, 'HTTP 503', false, t0.getTime() + 5000)]);
    expect(await claimDue(conn, 'y', t0.getTime() + 4999, 1000, 10)).toEqual([]);
    const again = await claimDue(conn, 'z', t0.getTime() + 5000, 1000, 10);
    expect(again).toEqual([expect.objectContaining({ resourceId: 'c', attempts: 1 })]);
    expect(await countsFor(conn, 's1')).toEqual({ pending: 1, delivered: 1, dead: 1, dropped: 0, lastError: 'HTTP 503' });
  });
});
