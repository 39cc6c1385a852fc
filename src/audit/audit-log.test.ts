import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGatewayError } from '../outcomes/index.js';
import { openLibsqlConnection } from '../storage/libsql-connection.js';
import { migrate } from '../storage/migrate.js';
import { readMigrationsDir } from '../storage/migrations-dir.js';
import type { SqlConnection } from '../storage/sql-connection.js';
import { buildAuditEvent, type AuditEventInput, type AuditKind } from './audit-event.js';
import { AuditLog } from './audit-log.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const NOW = new Date('2026-11-23T12:00:00Z');

let dir: string;
let counter = 0;
const opened: SqlConnection[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateway-audit-'));
});

afterAll(async () => {
  for (const conn of opened) await conn.close?.();
  await rm(dir, { recursive: true, force: true });
});

async function freshDb(): Promise<{ url: string; conn: SqlConnection }> {
  const url = `file:${join(dir, `audit-${++counter}.db`)}`;
  const conn = await openLibsqlConnection(url);
  opened.push(conn);
  await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
  return { url, conn };
}

function event(kind: AuditKind, patientId: string, recorded: Date, extra: Partial<AuditEventInput> = {}) {
  return buildAuditEvent({
    kind,
    interaction: 'read',
    recorded,
    outcome: kind === 'denial' ? 'denied' : 'success',
    purposeOfUse: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' },
    requester: { organizationId: 'org-ehr', clientId: 'demo-ehr' },
    patientId,
    resources: [{ reference: `Observation/${patientId}-obs`, versionId: '1' }],
    authority: { type: 'consent', consentId: 'c-1' },
    decisionId: 'd-1',
    ruleIds: ['P2-04'],
    ...extra,
  });
}

const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

describe('AuditLog hash chain (P2-13, P2-20)', () => {
  it('P2-13 appends and verifies an intact chain', async () => {
    const { conn } = await freshDb();
    const log = new AuditLog(conn);
    expect(await log.verify()).toEqual({ ok: true, count: 0 });
    await log.append([event('disclosure', 'p1', daysAgo(1)), event('denial', 'p1', daysAgo(1))]);
    await log.append([event('write', 'p2', daysAgo(0))]);
    expect(await log.verify()).toEqual({ ok: true, count: 3 });
  });

  it('P2-13 verify pages through more rows than one page', async () => {
    const { conn } = await freshDb();
    const log = new AuditLog(conn, { pageSize: 3 });
    for (let i = 0; i < 4; i++) await log.append([event('disclosure', 'p1', daysAgo(i)), event('write', 'p1', daysAgo(i))]);
    expect(await log.verify()).toEqual({ ok: true, count: 8 });
  });

  it('P2-13 tampering with a row content is reported at that seq', async () => {
    const { conn } = await freshDb();
    const log = new AuditLog(conn);
    await log.append([1, 2, 3, 4].map((i) => event('disclosure', 'p1', daysAgo(i))));
    const [row] = await conn.query('SELECT content FROM audit_event WHERE seq = 2');
    const tampered = String(row?.['content']).replace('org-ehr', 'org-evil');
    await conn.query('UPDATE audit_event SET content = ? WHERE seq = 2', [tampered]);
    expect(await log.verify()).toEqual({ ok: false, count: 1, brokenAt: 2 });
  });

  it('P2-13 tampering with a copied column (kind) is reported', async () => {
    const { conn } = await freshDb();
    const log = new AuditLog(conn);
    await log.append([event('disclosure', 'p1', daysAgo(1)), event('disclosure', 'p1', daysAgo(1))]);
    await conn.query("UPDATE audit_event SET kind = 'write' WHERE seq = 2");
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('P2-13 deleting a middle row breaks the chain', async () => {
    const { conn } = await freshDb();
    const log = new AuditLog(conn);
    await log.append([1, 2, 3, 4].map((i) => event('disclosure', 'p1', daysAgo(i))));
    await conn.query('DELETE FROM audit_event WHERE seq = 3');
    expect(await log.verify()).toEqual({ ok: false, count: 2, brokenAt: 3 });
  });

  it('P2-13 concurrent appends from two instances over one database make one valid chain', async () => {
    const { url, conn } = await freshDb();
    const other = await openLibsqlConnection(url);
    opened.push(other);
    const a = new AuditLog(conn);
    const b = new AuditLog(other);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      writes.push(a.append([event('disclosure', 'pa', daysAgo(1))]));
      writes.push(b.append([event('disclosure', 'pb', daysAgo(1)), event('write', 'pb', daysAgo(1))]));
    }
    await Promise.all(writes);
    expect(await a.verify()).toEqual({ ok: true, count: 60 });
    expect((await a.disclosures('pb', { now: NOW })).total).toBe(20);
  });

  it('P2-20 append on a closed connection throws (the caller then releases nothing)', async () => {
    const { url } = await freshDb();
    const conn = await openLibsqlConnection(url);
    await conn.close?.();
    const log = new AuditLog(conn);
    const failure = await log.append([event('disclosure', 'p1', NOW)]).catch((err: unknown) => err);
    expect(isGatewayError(failure) && failure.status === 503).toBe(true);
    // The queue is not wedged by a failure: the next append settles too (and fails closed again).
    await expect(log.append([event('disclosure', 'p1', NOW)])).rejects.toThrow();
  });

  it('P2-20 appending the same event twice fails instead of forking the chain', async () => {
    const { conn } = await freshDb();
    const log = new AuditLog(conn, { maxRetries: 2 });
    const once = event('disclosure', 'p1', NOW);
    await log.append([once]);
    await expect(log.append([once])).rejects.toThrow();
    expect(await log.verify()).toEqual({ ok: true, count: 1 });
  });
});

describe('accounting of disclosures (P2-13, P2-15)', () => {
  it('P2-13 lists only this patient, only disclosure/emergency kinds, within 3 years, newest first', async () => {
    const { conn } = await freshDb();
    const log = new AuditLog(conn);
    await log.append([
      event('disclosure', 'p1', daysAgo(10)),
      event('emergency', 'p1', daysAgo(5), { authority: { type: 'emergency' }, purposeOfUse: { system: 'x', code: 'ETREAT' } }),
      event('denial', 'p1', daysAgo(4)),
      event('write', 'p1', daysAgo(3)),
      event('disclosure', 'p2', daysAgo(2)),
      event('disclosure', 'p1', daysAgo(3 * 365 + 5)),
    ]);
    const { events, total } = await log.disclosures('p1', { now: NOW });
    expect(total).toBe(2);
    expect(events.map((e) => e.recorded)).toEqual([daysAgo(5).toISOString(), daysAgo(10).toISOString()]);
    const older = await log.disclosures('p1', { now: NOW, since: daysAgo(4000) });
    expect(older.total).toBe(3);
    const page = await log.disclosures('p1', { now: NOW, since: daysAgo(4000), count: 1, offset: 1 });
    expect(page.events).toHaveLength(1);
    expect(page.total).toBe(3);
  });

  it('P2-15 disclosures under a later-revoked consent stay in the accounting', async () => {
    const { conn } = await freshDb();
    const log = new AuditLog(conn);
    await log.append([event('disclosure', 'p1', daysAgo(1), { authority: { type: 'consent', consentId: 'revoked-1' } })]);
    const { events } = await log.disclosures('p1', { now: NOW });
    expect(events[0]?.entity?.some((e) => e.what?.reference === 'Consent/revoked-1')).toBe(true);
  });
});
