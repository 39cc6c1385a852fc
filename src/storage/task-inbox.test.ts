import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../conformance/definitions.js';
import { openLibsqlConnection } from './libsql-connection.js';
import { migrate, splitSqlStatements } from './migrate.js';
import { readMigrationsDir } from './migrations-dir.js';
import { buildGenericSearchSql, buildSearchSql, RESOURCE_COLUMNS } from './search-sql.js';
import { createSqlStore } from './sql-store.js';
import type { SearchFilter, SearchQuery } from './search-query.js';
import type { SqlConnection } from './sql-connection.js';
import type { Store } from './store.js';
import { inboxPlan } from './task-inbox.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const PRIORITIES = ['stat', 'asap', 'urgent', 'routine', undefined] as const;
const STATUSES = ['requested', 'accepted', 'in-progress', 'on-hold', 'completed'] as const;
// Mixed precision and offsets on purpose: the sort key is the end of each value's range.
const AUTHORED = ['2026-11-01', '2026-11-01T10:00:00Z', '2026-11-01T12:00:00+02:00', '2026-10', '2026-11-02T00:00:00.000Z', undefined] as const;

let conn: SqlConnection;
let store: Store;

const owner = (id: string): SearchFilter => ({ code: 'owner', type: 'reference', values: [{ kind: 'reference', type: 'Organization', id }] });
const status = (...codes: string[]): SearchFilter => ({ code: 'status', type: 'token', values: codes.map((code) => ({ kind: 'token' as const, code })) });
const INBOX_SORT: SearchQuery['sort'] = [{ code: 'priority-order', type: 'number', descending: false }, { code: 'authored-on', type: 'date', descending: true }];
const query = (filters: SearchFilter[], extra: Partial<SearchQuery> = {}): SearchQuery => ({ resourceType: 'Task', filters, sort: INBOX_SORT, count: 500, offset: 0, total: true, ...extra });

async function run(sql: { sql: string; args: readonly (string | number | null)[] }): Promise<string[]> {
  return (await conn.query(sql.sql, sql.args)).map((r) => String(r['id']));
}

beforeAll(async () => {
  await loadDefinitions();
  conn = await openLibsqlConnection('file::memory:');
  await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
  store = createSqlStore(conn);
  const writes = [];
  let n = 0;
  for (const org of ['a', 'b']) {
    for (const p of PRIORITIES) {
      for (const s of STATUSES) {
        for (const authored of AUTHORED) {
          const id = `t${++n}`;
          const task = {
            resourceType: 'Task', id, status: s, intent: 'order', ...(p ? { priority: p } : {}), ...(authored ? { authoredOn: authored } : {}),
            owner: { reference: n % 7 === 0 ? `CareTeam/${org}` : `Organization/${org}` },
          } as Resource & { id: string };
          writes.push({ op: 'create' as const, resource: task, versionId: 1, lastUpdated: '2026-11-01T00:00:00.000Z', expectedVersion: 0, disclosure: { part2: n % 11 === 0 || n % 13 === 0, holderOrg: n % 13 === 0 ? 'b' : 'a', ...(n % 3 === 0 ? { patientId: `p${n % 4}` } : {}) } });
        }
      }
    }
  }
  await store.write(writes);
  // Updates and deletes must move Tasks in and out of the inbox like any index.
  const t1 = await store.read('Task', 't1');
  await store.write([{ op: 'update', resource: { ...t1!.resource, id: 't1', priority: 'stat', authoredOn: '2027-01-01' } as Resource & { id: string }, versionId: 2, lastUpdated: '2026-11-02T00:00:00.000Z', expectedVersion: 1, disclosure: { part2: false } }]);
  const t2 = await store.read('Task', 't2');
  await store.write([{ op: 'delete', resource: { ...t2!.resource, id: 't2' } as Resource & { id: string }, versionId: 2, lastUpdated: '2026-11-02T00:00:00.000Z', expectedVersion: 1, disclosure: { part2: false } }]);
});

describe('the referral inbox plan', () => {
  it('is chosen only for the inbox query shape', () => {
    expect(inboxPlan(query([owner('a'), status('requested')]))).toMatchObject({ ownerType: 'Organization', ownerId: 'a', statuses: ['requested'], rest: [] });
    expect(inboxPlan(query([owner('a')], { sort: INBOX_SORT.slice(0, 1) }))).toBeUndefined();
    expect(inboxPlan(query([{ code: 'owner', type: 'reference', values: [{ kind: 'reference', id: 'a' }] }]))).toBeUndefined();
    expect(inboxPlan(query([status('requested')]))).toBeUndefined();
    expect(inboxPlan({ ...query([owner('a')]), resourceType: 'ServiceRequest' })).toBeUndefined();
    // A status with a system or a modifier stays a generic term.
    expect(inboxPlan(query([owner('a'), { code: 'status', type: 'token', modifier: 'not', values: [{ kind: 'token', code: 'completed' }] }]))?.rest).toHaveLength(1);
  });

  const cases: [string, SearchQuery][] = [
    ['one owner', query([owner('a')])],
    ['owner and one status', query([owner('a'), status('requested')])],
    ['owner and several statuses', query([owner('b'), status('requested', 'accepted', 'on-hold')])],
    ['owner and :not status', query([owner('a'), { code: 'status', type: 'token', modifier: 'not', values: [{ kind: 'token', code: 'completed' }] }])],
    ['a second page', query([owner('a'), status('requested', 'accepted')], { count: 7, offset: 7 })],
    ['a CareTeam owner', query([{ code: 'owner', type: 'reference', values: [{ kind: 'reference', type: 'CareTeam', id: 'b' }] }])],
    ['with visibility', query([owner('a')], { visibility: { holderOrg: 'b', part2Patients: [] } })],
    ['with consented patients', query([owner('a'), status('requested', 'accepted')], { visibility: { holderOrg: 'b', part2Patients: ['p0', 'p3'] } })],
    ['only the rows decide() must rule on', query([owner('a')], { visibility: { holderOrg: 'b', part2Patients: ['p0', 'p3'], onlyUndecided: true } })],
  ];
  for (const [name, q] of cases) {
    it(`returns the generic plan's rows, in its order, and its count: ${name}`, async () => {
      const fast = buildSearchSql(q);
      const generic = buildGenericSearchSql(q);
      expect(fast.page.sql).toContain('task_inbox');
      const expected = await run(generic.page);
      expect(expected.length).toBeGreaterThan(0);
      expect(await run(fast.page)).toEqual(expected);
      expect(await conn.query(fast.count!.sql, fast.count!.args)).toEqual(await conn.query(generic.count!.sql, generic.count!.args));
    });
  }

  it('answers an any-order existence probe from the inbox index, with the generic plan\'s matches', async () => {
    for (const holderOrg of ['a', 'b', 'nobody']) {
      const probe = query([owner('a'), status('requested')], { sort: [], anyOrder: true, total: true, visibility: { holderOrg, part2Patients: [], onlyRestricted: true } });
      const fast = buildSearchSql(probe);
      expect(fast.page.sql).toContain('task_inbox');
      const generic = buildGenericSearchSql(probe);
      expect((await run(fast.page)).sort()).toEqual((await run(generic.page)).sort());
      const plan = (await conn.query(`EXPLAIN QUERY PLAN ${fast.count!.sql}`, fast.count!.args)).map((r) => String(r['detail']));
      expect(plan.join(' | ')).toContain('COVERING INDEX task_inbox_page');
    }
  });

  it('walks the index in page order (no sort of the whole backlog)', async () => {
    const { page } = buildSearchSql(query([owner('a'), status('requested')]));
    const plan = (await conn.query(`EXPLAIN QUERY PLAN ${page.sql}`, page.args)).map((r) => String(r['detail']));
    expect(plan.some((d) => d.includes('task_inbox_page'))).toBe(true);
    expect(plan.some((d) => d.includes('USE TEMP B-TREE FOR ORDER BY'))).toBe(false);
  });

  it('the migration backfill derives the same rows as the write path', async () => {
    const written = await conn.query('SELECT * FROM task_inbox ORDER BY id');
    const sql = await readFile(new URL('../../migrations/0012_task_inbox.sql', import.meta.url), 'utf8');
    await conn.batch([{ sql: 'DELETE FROM task_inbox', args: [] }]);
    await conn.batch(splitSqlStatements(sql).map((s) => ({ sql: s, args: [] })));
    expect(await conn.query('SELECT * FROM task_inbox ORDER BY id')).toEqual(written);
    expect(written.length).toBe((await conn.query(`SELECT ${RESOURCE_COLUMNS} FROM resource_current c WHERE c.resource_type = 'Task' AND c.deleted = 0`)).length);
  });
});
