/**
 * The behaviour every Store adapter must show (one contract, one run per adapter). Each test
 * gets a fresh, empty store from `makeStore`.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Resource } from '@medplum/fhirtypes';
import type { ResourceWrite, Store } from './store.js';
import type { SearchFilter, SearchQuery, SortRule } from './search-query.js';

type Res = Resource & { id: string };

function w(op: ResourceWrite['op'], resource: Res, versionId: number, lastUpdated: string, expectedVersion = versionId - 1): ResourceWrite {
  return { op, resource, versionId, lastUpdated, expectedVersion };
}

function q(resourceType: string, filters: SearchFilter[] = [], extra: Partial<SearchQuery> = {}): SearchQuery {
  return { resourceType, filters, sort: [], count: 50, offset: 0, total: false, ...extra };
}

const ids = (r: { resources: { id: string }[] }): string[] => r.resources.map((x) => x.id).sort();

const patient = (id: string, family: string, given: string, birthDate: string, extra: object = {}): Res =>
  ({ resourceType: 'Patient', id, name: [{ family, given: [given] }], birthDate, ...extra }) as Res;

const observation = (id: string, subject: string, code: string, effective: string, value?: number): Res =>
  ({
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code, display: `Code ${code}` }], text: `Test ${code}` },
    subject: { reference: subject },
    effectiveDateTime: effective,
    ...(value === undefined ? {} : { valueQuantity: { value, unit: 'mg' } }),
  }) as Res;

/** Registers the Store contract suite for one adapter. */
export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });

    async function seed(): Promise<void> {
      await store.write([
        w('create', patient('p1', 'Zoë', 'Ann', '1980-05-02', { gender: 'female', active: true, identifier: [{ system: 'urn:mrn', value: 'A1' }], managingOrganization: { reference: 'Organization/o1' } }), 1, '2024-01-01T00:00:00.000Z'),
        w('create', patient('p2', 'Smith', 'Bob', '1975', { gender: 'male', active: false, identifier: [{ value: 'B2' }] }), 1, '2024-01-02T00:00:00.000Z'),
        w('create', patient('p3', 'Smithson', 'Carl', '1990-12-31', { meta: { tag: [{ system: 'urn:tags', code: 'vip' }], profile: ['http://hl7.org/fhir/StructureDefinition/Patient'] } }), 1, '2024-01-03T00:00:00.000Z'),
        w('create', { resourceType: 'Organization', id: 'o1', name: 'Reentry Clinic' } as Res, 1, '2024-01-01T00:00:00.000Z'),
        w('create', observation('ob1', 'Patient/p1', '1111', '2024-03-01', 5), 1, '2024-03-01T00:00:00.000Z'),
        w('create', observation('ob2', 'Patient/p1', '2222', '2024-03-15T10:00:00Z', 12.5), 1, '2024-03-02T00:00:00.000Z'),
        w('create', observation('ob3', 'Patient/p2', '1111', '2023-12-31T23:00:00-05:00', 7), 1, '2024-03-03T00:00:00.000Z'),
        w('create', { resourceType: 'Task', id: 't1', status: 'requested', intent: 'order', owner: { reference: 'Organization/o1' }, for: { reference: 'Patient/p1' } } as Res, 1, '2024-04-01T00:00:00.000Z'),
        w('create', { resourceType: 'Task', id: 't2', status: 'completed', intent: 'order', for: { reference: 'http://elsewhere.example/Patient/p1' } } as Res, 1, '2024-04-02T00:00:00.000Z'),
      ]);
    }

    describe('read, vread, versions', () => {
      it('creates, reads, updates, vreads and tombstones', async () => {
        expect(await store.read('Patient', 'p1')).toBeUndefined();
        await store.write([w('create', patient('p1', 'Doe', 'Jane', '1980'), 1, '2024-01-01T00:00:00.000Z')]);
        const v1 = await store.read('Patient', 'p1');
        expect(v1).toMatchObject({ resourceType: 'Patient', id: 'p1', versionId: 1, deleted: false, lastUpdated: '2024-01-01T00:00:00.000Z' });
        expect(v1?.resource.meta).toMatchObject({ versionId: '1', lastUpdated: '2024-01-01T00:00:00.000Z' });

        await store.write([w('update', patient('p1', 'Doe', 'Janet', '1980'), 2, '2024-01-02T00:00:00.000Z')]);
        expect((await store.read('Patient', 'p1'))?.versionId).toBe(2);
        expect(((await store.vread('Patient', 'p1', 1))?.resource as { name: { given: string[] }[] }).name[0]?.given).toEqual(['Jane']);
        expect(await store.vread('Patient', 'p1', 9)).toBeUndefined();

        await store.write([w('delete', patient('p1', 'Doe', 'Janet', '1980'), 3, '2024-01-03T00:00:00.000Z')]);
        const tomb = await store.read('Patient', 'p1');
        expect(tomb).toMatchObject({ versionId: 3, deleted: true });
        expect((await store.vread('Patient', 'p1', 2))?.deleted).toBe(false);
        expect((await store.search(q('Patient'))).resources).toHaveLength(0);
      });

      it('refuses a stale expectedVersion with STORE_VERSION_CONFLICT and changes nothing', async () => {
        await store.write([w('create', patient('p1', 'Doe', 'Jane', '1980'), 1, '2024-01-01T00:00:00.000Z')]);
        await store.write([w('update', patient('p1', 'Doe', 'Jo', '1980'), 2, '2024-01-02T00:00:00.000Z')]);
        const err = await store.write([w('update', patient('p1', 'Stale', 'X', '1980'), 2, '2024-01-03T00:00:00.000Z', 1)]).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'STORE_VERSION_CONFLICT', status: 409 });
        expect((await store.read('Patient', 'p1'))?.versionId).toBe(2);
        const dup = await store.write([w('create', patient('p1', 'Again', 'X', '1980'), 1, '2024-01-03T00:00:00.000Z', 0)]).catch((e: unknown) => e);
        expect(dup).toMatchObject({ code: 'STORE_VERSION_CONFLICT' });
        expect((await store.history({ resourceType: 'Patient', id: 'p1', count: 10, offset: 0 })).total).toBe(2);
      });

      it('applies a batch atomically: a conflicting second write leaves the first unwritten', async () => {
        await store.write([w('create', patient('p2', 'Doe', 'Jane', '1980'), 1, '2024-01-01T00:00:00.000Z')]);
        const err = await store
          .write([
            w('create', patient('p1', 'New', 'One', '1980'), 1, '2024-01-02T00:00:00.000Z'),
            w('update', patient('p2', 'Doe', 'Stale', '1980'), 3, '2024-01-02T00:00:00.000Z', 2),
          ])
          .catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'STORE_VERSION_CONFLICT' });
        expect(await store.read('Patient', 'p1')).toBeUndefined();
        expect((await store.search(q('Patient', [{ code: 'family', type: 'string', values: [{ kind: 'string', text: 'new' }] }]))).resources).toHaveLength(0);
      });

      it('lets a later write in the same batch build on an earlier one', async () => {
        await store.write([
          w('create', patient('p1', 'Doe', 'A', '1980'), 1, '2024-01-01T00:00:00.000Z'),
          w('update', patient('p1', 'Doe', 'B', '1980'), 2, '2024-01-01T00:00:01.000Z'),
        ]);
        expect((await store.read('Patient', 'p1'))?.versionId).toBe(2);
      });

      it('turns a racing writer of the same version into a conflict', async () => {
        await store.write([w('create', patient('p1', 'Doe', 'A', '1980'), 1, '2024-01-01T00:00:00.000Z')]);
        const results = await Promise.allSettled([
          store.write([w('update', patient('p1', 'Doe', 'B', '1980'), 2, '2024-01-02T00:00:00.000Z')]),
          store.write([w('update', patient('p1', 'Doe', 'C', '1980'), 2, '2024-01-02T00:00:00.000Z')]),
        ]);
        const rejected = results.filter((r) => r.status === 'rejected');
        expect(rejected).toHaveLength(1);
        expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'STORE_VERSION_CONFLICT' });
        expect((await store.read('Patient', 'p1'))?.versionId).toBe(2);
      });
    });

    describe('search', () => {
      beforeEach(seed);

      const tok = (code: string, values: { system?: string; code?: string }[], modifier?: SearchFilter['modifier']): SearchFilter => ({
        code,
        type: 'token',
        values: values.map((v) => ({ kind: 'token' as const, ...v })),
        ...(modifier ? { modifier } : {}),
      });
      const date = (code: string, prefix: 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap', start: string, end: string): SearchFilter => ({
        code,
        type: 'date',
        values: [{ kind: 'date', prefix, start, end }],
      });
      it('matches tokens by code, system|code, |code, system| and OR-ed values', async () => {
        expect(ids(await store.search(q('Observation', [tok('code', [{ code: '1111' }])])))).toEqual(['ob1', 'ob3']);
        expect(ids(await store.search(q('Observation', [tok('code', [{ system: 'http://loinc.org', code: '2222' }])])))).toEqual(['ob2']);
        expect(ids(await store.search(q('Observation', [tok('code', [{ system: 'http://other', code: '2222' }])])))).toEqual([]);
        expect(ids(await store.search(q('Patient', [tok('identifier', [{ system: '', code: 'B2' }])])))).toEqual(['p2']);
        expect(ids(await store.search(q('Patient', [tok('identifier', [{ system: '', code: 'A1' }])])))).toEqual([]);
        expect(ids(await store.search(q('Patient', [tok('identifier', [{ system: 'urn:mrn' }])])))).toEqual(['p1']);
        expect(ids(await store.search(q('Patient', [tok('gender', [{ code: 'male' }, { code: 'female' }])])))).toEqual(['p1', 'p2']);
        expect(ids(await store.search(q('Patient', [tok('active', [{ code: 'true' }])])))).toEqual(['p1']);
        expect(ids(await store.search(q('Task', [tok('status', [{ code: 'requested' }])])))).toEqual(['t1']);
        expect(ids(await store.search(q('Patient', [tok('_id', [{ code: 'p2' }, { code: 'p3' }])])))).toEqual(['p2', 'p3']);
        expect(ids(await store.search(q('Patient', [tok('_tag', [{ system: 'urn:tags', code: 'vip' }])])))).toEqual(['p3']);
        expect(ids(await store.search(q('Observation', [tok('code', [{ code: 'test 11' }], 'text')])))).toEqual(['ob1', 'ob3']);
      });

      it('supports :not and :missing', async () => {
        expect(ids(await store.search(q('Patient', [tok('gender', [{ code: 'male' }], 'not')])))).toEqual(['p1', 'p3']);
        const missing = (code: string, type: SearchFilter['type'], m: boolean): SearchFilter => ({ code, type, modifier: 'missing', values: [{ kind: 'missing', missing: m }] });
        expect(ids(await store.search(q('Patient', [missing('gender', 'token', true)])))).toEqual(['p3']);
        expect(ids(await store.search(q('Patient', [missing('gender', 'token', false)])))).toEqual(['p1', 'p2']);
        expect(ids(await store.search(q('Patient', [missing('organization', 'reference', true)])))).toEqual(['p2', 'p3']);
        expect(ids(await store.search(q('Observation', [missing('date', 'date', false)])))).toEqual(['ob1', 'ob2', 'ob3']);
      });

      it('ANDs filters', async () => {
        const subj: SearchFilter = { code: 'subject', type: 'reference', values: [{ kind: 'reference', type: 'Patient', id: 'p1' }] };
        expect(ids(await store.search(q('Observation', [subj, tok('code', [{ code: '1111' }])])))).toEqual(['ob1']);
      });

      it('matches references by Type/id and bare id, ignoring absolute references', async () => {
        const ref = (code: string, id: string, type?: string): SearchFilter => ({ code, type: 'reference', values: [{ kind: 'reference', id, ...(type ? { type } : {}) }] });
        expect(ids(await store.search(q('Observation', [ref('subject', 'p1', 'Patient')])))).toEqual(['ob1', 'ob2']);
        expect(ids(await store.search(q('Observation', [ref('patient', 'p2')])))).toEqual(['ob3']);
        expect(ids(await store.search(q('Observation', [ref('subject', 'p1', 'Group')])))).toEqual([]);
        expect(ids(await store.search(q('Task', [ref('owner', 'o1', 'Organization')])))).toEqual(['t1']);
        expect(ids(await store.search(q('Task', [ref('patient', 'p1')])))).toEqual(['t1']);
      });

      it('compares dates as ranges with every prefix', async () => {
        // ob1: [2024-03-01, 2024-03-02); ob2: 2024-03-15T10:00:00Z (1 s); ob3: 2024-01-01T04:00:00Z (1 s).
        const M = ['2024-03-01T00:00:00.000Z', '2024-04-01T00:00:00.000Z'] as const;
        const run = async (prefix: Parameters<typeof date>[1], s: string, e: string) => ids(await store.search(q('Observation', [date('date', prefix, s, e)])));
        expect(await run('eq', ...M)).toEqual(['ob1', 'ob2']);
        expect(await run('ap', ...M)).toEqual(['ob1', 'ob2']);
        expect(await run('ne', ...M)).toEqual(['ob3']);
        expect(await run('eq', '2024-03-01T00:00:00.000Z', '2024-03-02T00:00:00.000Z')).toEqual(['ob1']);
        expect(await run('eq', '2024-03-01T10:00:00.000Z', '2024-03-01T11:00:00.000Z')).toEqual([]);
        expect(await run('gt', '2024-03-01T00:00:00.000Z', '2024-03-02T00:00:00.000Z')).toEqual(['ob2']);
        expect(await run('ge', '2024-03-01T00:00:00.000Z', '2024-03-02T00:00:00.000Z')).toEqual(['ob1', 'ob2']);
        expect(await run('lt', '2024-03-01T00:00:00.000Z', '2024-03-02T00:00:00.000Z')).toEqual(['ob3']);
        expect(await run('le', '2024-03-01T00:00:00.000Z', '2024-03-02T00:00:00.000Z')).toEqual(['ob1', 'ob3']);
        expect(await run('sa', '2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z')).toEqual(['ob1', 'ob2']);
        expect(await run('eb', '2024-03-15T00:00:00.000Z', '2024-03-16T00:00:00.000Z')).toEqual(['ob1', 'ob3']);
        // A year-precision birthDate covers the whole year.
        expect(ids(await store.search(q('Patient', [date('birthdate', 'eq', '1975-06-01T00:00:00.000Z', '1975-06-02T00:00:00.000Z')])))).toEqual([]);
        expect(ids(await store.search(q('Patient', [date('birthdate', 'ap', '1975-06-01T00:00:00.000Z', '1975-06-02T00:00:00.000Z')])))).toEqual(['p2']);
        expect(ids(await store.search(q('Patient', [date('birthdate', 'eq', '1975-01-01T00:00:00.000Z', '1976-01-01T00:00:00.000Z')])))).toEqual(['p2']);
        expect(ids(await store.search(q('Patient', [date('_lastUpdated', 'ge', '2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z')])))).toEqual(['p2', 'p3']);
      });

      it('matches strings by prefix (case and accent blind), :exact and :contains', async () => {
        const str = (code: string, text: string, modifier?: SearchFilter['modifier']): SearchFilter => ({ code, type: 'string', values: [{ kind: 'string', text }], ...(modifier ? { modifier } : {}) });
        expect(ids(await store.search(q('Patient', [str('family', 'smith')])))).toEqual(['p2', 'p3']);
        expect(ids(await store.search(q('Patient', [str('family', 'zoe')])))).toEqual(['p1']);
        expect(ids(await store.search(q('Patient', [str('name', 'CARL')])))).toEqual(['p3']);
        expect(ids(await store.search(q('Patient', [str('family', 'Smith', 'exact')])))).toEqual(['p2']);
        expect(ids(await store.search(q('Patient', [str('family', 'smith', 'exact')])))).toEqual([]);
        expect(ids(await store.search(q('Patient', [str('family', 'ithso', 'contains')])))).toEqual(['p3']);
        expect(ids(await store.search(q('Patient', [str('family', '%', 'contains')])))).toEqual([]);
        expect(ids(await store.search(q('Organization', [str('name', 'reentry c')])))).toEqual(['o1']);
      });

      it('matches uri exactly', async () => {
        const uri = (text: string): SearchFilter => ({ code: '_profile', type: 'uri', values: [{ kind: 'string', text }] });
        expect(ids(await store.search(q('Patient', [uri('http://hl7.org/fhir/StructureDefinition/Patient')])))).toEqual(['p3']);
        expect(ids(await store.search(q('Patient', [uri('http://example.org/profile')])))).toEqual([]);
      });

      it('sorts by index values and by _lastUpdated/_id, and pages with a total', async () => {
        const sort = (code: string, type: SortRule['type'], descending: boolean): SortRule => ({ code, type, descending });
        const order = async (rules: SortRule[]) => (await store.search(q('Patient', [], { sort: rules }))).resources.map((r) => r.id);
        expect(await order([])).toEqual(['p3', 'p2', 'p1']);
        expect(await order([sort('birthdate', 'date', false)])).toEqual(['p2', 'p1', 'p3']);
        expect(await order([sort('birthdate', 'date', true)])).toEqual(['p3', 'p1', 'p2']);
        expect(await order([sort('family', 'string', false)])).toEqual(['p2', 'p3', 'p1']);
        expect(await order([sort('gender', 'token', false), sort('_id', 'token', true)])).toEqual(['p1', 'p2', 'p3']);
        expect(await order([sort('_lastUpdated', 'date', false)])).toEqual(['p1', 'p2', 'p3']);
        expect(await order([sort('_id', 'token', true)])).toEqual(['p3', 'p2', 'p1']);

        const page1 = await store.search(q('Patient', [], { sort: [sort('_id', 'token', false)], count: 2, offset: 0, total: true }));
        const page2 = await store.search(q('Patient', [], { sort: [sort('_id', 'token', false)], count: 2, offset: 2, total: true }));
        expect(page1.resources.map((r) => r.id)).toEqual(['p1', 'p2']);
        expect(page2.resources.map((r) => r.id)).toEqual(['p3']);
        expect(page1.total).toBe(3);
        expect((await store.search(q('Patient', [], { count: 0, total: true }))).total).toBe(3);
        expect((await store.search(q('Patient'))).total).toBeUndefined();
      });

      it('leaves deleted resources out of search and reference lookups', async () => {
        await store.write([w('delete', observation('ob1', 'Patient/p1', '1111', '2024-03-01'), 2, '2024-06-01T00:00:00.000Z')]);
        await store.write([w('delete', { resourceType: 'Organization', id: 'o1', name: 'Reentry Clinic' } as Res, 2, '2024-06-01T00:00:00.000Z')]);
        expect(ids(await store.search(q('Observation', [tok('code', [{ code: '1111' }])])))).toEqual(['ob3']);
        expect((await store.search(q('Observation', [], { total: true }))).total).toBe(2);
        expect((await store.referencesTo([{ type: 'Patient', id: 'p1' }], 'Observation', 'subject')).map((v) => v.id)).toEqual(['ob2']);
        expect(await store.referencesFrom([{ type: 'Task', id: 't1' }], 'owner')).toEqual([]);
      });
    });

    describe('references', () => {
      beforeEach(seed);

      it('follows references from sources (one param, any param, target type)', async () => {
        const owner = await store.referencesFrom([{ type: 'Task', id: 't1' }], 'owner');
        expect(owner.map((v) => `${v.resourceType}/${v.id}`)).toEqual(['Organization/o1']);
        const all = await store.referencesFrom([{ type: 'Task', id: 't1' }, { type: 'Task', id: 't2' }], '*');
        expect(all.map((v) => `${v.resourceType}/${v.id}`).sort()).toEqual(['Organization/o1', 'Patient/p1']);
        expect((await store.referencesFrom([{ type: 'Task', id: 't1' }], '*', 'Patient')).map((v) => v.id)).toEqual(['p1']);
        expect((await store.referencesFrom([{ type: 'Observation', id: 'ob1' }, { type: 'Observation', id: 'ob2' }], 'subject')).map((v) => v.id)).toEqual(['p1']);
      });

      it('finds resources referencing targets', async () => {
        expect((await store.referencesTo([{ type: 'Patient', id: 'p1' }], 'Observation', 'subject')).map((v) => v.id).sort()).toEqual(['ob1', 'ob2']);
        expect((await store.referencesTo([{ type: 'Patient', id: 'p1' }, { type: 'Patient', id: 'p2' }], 'Observation', '*')).map((v) => v.id).sort()).toEqual(['ob1', 'ob2', 'ob3']);
        expect((await store.referencesTo([{ type: 'Organization', id: 'o1' }], 'Task', 'owner')).map((v) => v.id)).toEqual(['t1']);
        expect(await store.referencesTo([{ type: 'Organization', id: 'o1' }], 'Task', 'patient')).toEqual([]);
      });
    });

    describe('history', () => {
      beforeEach(async () => {
        await store.write([w('create', patient('p1', 'A', 'A', '1980'), 1, '2024-01-01T00:00:00.000Z')]);
        await store.write([w('create', patient('p2', 'B', 'B', '1980'), 1, '2024-01-02T00:00:00.000Z')]);
        await store.write([w('update', patient('p1', 'A', 'AA', '1980'), 2, '2024-01-03T00:00:00.000Z')]);
        await store.write([w('create', { resourceType: 'Organization', id: 'o1' } as Res, 1, '2024-01-04T00:00:00.000Z')]);
        await store.write([w('delete', patient('p1', 'A', 'AA', '1980'), 3, '2024-01-05T00:00:00.000Z')]);
      });

      it('lists an instance newest first, tombstone included', async () => {
        const h = await store.history({ resourceType: 'Patient', id: 'p1', count: 10, offset: 0 });
        expect(h.versions.map((v) => [v.versionId, v.deleted])).toEqual([[3, true], [2, false], [1, false]]);
        expect(h.total).toBe(3);
      });

      it('lists a type and the whole system, with since and paging', async () => {
        const type = await store.history({ resourceType: 'Patient', count: 10, offset: 0 });
        expect(type.versions.map((v) => `${v.id}/${v.versionId}`)).toEqual(['p1/3', 'p1/2', 'p2/1', 'p1/1']);
        const all = await store.history({ count: 2, offset: 1 });
        expect(all.versions.map((v) => `${v.resourceType}/${v.id}/${v.versionId}`)).toEqual(['Organization/o1/1', 'Patient/p1/2']);
        expect(all.total).toBe(5);
        const since = await store.history({ since: '2024-01-03T00:00:00.000Z', count: 10, offset: 0 });
        expect(since.versions).toHaveLength(3);
        expect(since.total).toBe(3);
      });
    });

    describe('change feed', () => {
      it('lists every written version in commit order and resumes after a seq', async () => {
        await store.write([w('create', patient('p1', 'A', 'A', '1980'), 1, '2024-01-05T00:00:00.000Z'), w('create', patient('p2', 'B', 'B', '1980'), 1, '2024-01-01T00:00:00.000Z')]);
        await store.write([w('update', patient('p1', 'A', 'AA', '1980'), 2, '2024-01-02T00:00:00.000Z')]);
        await store.write([w('delete', patient('p2', 'B', 'B', '1980'), 2, '2024-01-03T00:00:00.000Z')]);
        const all = await store.changes(0, 10);
        // Commit order, not lastUpdated order: a consumer must never skip a late-stamped write.
        expect(all.map((c) => `${c.version.id}/${c.version.versionId}${c.version.deleted ? '-' : ''}`)).toEqual(['p1/1', 'p2/1', 'p1/2', 'p2/2-']);
        expect(all.map((c) => c.seq)).toEqual([...all.map((c) => c.seq)].sort((a, b) => a - b));
        const rest = await store.changes(all[1]!.seq, 1);
        expect(rest.map((c) => `${c.version.id}/${c.version.versionId}`)).toEqual(['p1/2']);
        expect(await store.changes(all[3]!.seq, 10)).toEqual([]);
      });

      it('records nothing for a refused batch', async () => {
        await store.write([w('create', patient('p1', 'A', 'A', '1980'), 1, '2024-01-01T00:00:00.000Z')]);
        await expect(store.write([w('create', patient('p9', 'Z', 'Z', '1980'), 1, '2024-01-02T00:00:00.000Z'), w('update', patient('p1', 'A', 'B', '1980'), 5, '2024-01-02T00:00:00.000Z', 4)])).rejects.toThrow();
        expect((await store.changes(0, 10)).map((c) => c.version.id)).toEqual(['p1']);
      });
    });

    describe('disclosure columns and visibility (P2-17)', () => {
      const sud = (id: string, subject: string, holder: string): ResourceWrite => ({
        ...w('create', observation(id, subject, '19295-5', '2024-05-01'), 1, '2024-05-01T00:00:00.000Z'),
        disclosure: { part2: true, patientId: subject.split('/')[1]!, holderOrg: holder },
      });
      beforeEach(async () => {
        await store.write([
          { ...w('create', observation('plain', 'Patient/p1', '1111', '2024-05-01'), 1, '2024-05-01T00:00:00.000Z'), disclosure: { part2: false, patientId: 'p1' } },
          sud('sud-p1', 'Patient/p1', 'prog'),
          sud('sud-p2', 'Patient/p2', 'prog'),
        ]);
      });

      it('stores the columns with each version and reads them back', async () => {
        expect((await store.read('Observation', 'sud-p1'))?.disclosure).toEqual({ part2: true, patientId: 'p1', holderOrg: 'prog' });
        expect((await store.vread('Observation', 'plain', 1))?.disclosure).toEqual({ part2: false, patientId: 'p1' });
      });

      it('P2-20 stores a write without disclosure columns as restricted: no requester sees or counts it', async () => {
        await store.write([w('create', observation('unruled', 'Patient/p1', '1111', '2024-05-01'), 1, '2024-05-01T00:00:00.000Z')]);
        expect((await store.read('Observation', 'unruled'))?.disclosure).toEqual({ part2: true });
        const seen = await store.search(q('Observation', [], { total: true, visibility: { holderOrg: 'prog', part2Patients: ['p1', 'p2'] } }));
        expect(ids(seen)).not.toContain('unruled');
        expect(seen.total).toBe(3);
      });

      it('leaves out Part 2 rows in SQL, so totals count only what may be seen', async () => {
        const none = await store.search(q('Observation', [], { total: true, visibility: { holderOrg: 'other', part2Patients: [] } }));
        expect(ids(none)).toEqual(['plain']);
        expect(none.total).toBe(1);
        const p1 = await store.search(q('Observation', [], { total: true, visibility: { part2Patients: ['p1'] } }));
        expect(ids(p1)).toEqual(['plain', 'sud-p1']);
        expect(p1.total).toBe(2);
        const holder = await store.search(q('Observation', [], { total: true, visibility: { holderOrg: 'prog', part2Patients: [] } }));
        expect(holder.total).toBe(3);
        expect((await store.search(q('Observation', [], { total: true }))).total).toBe(3);
        const undecided = await store.search(q('Observation', [], { total: true, visibility: { holderOrg: 'other', part2Patients: ['p1', 'p2'], onlyUndecided: true } }));
        expect(ids(undecided)).toEqual(['sud-p1', 'sud-p2']);
        const held = await store.search(q('Observation', [], { total: true, visibility: { holderOrg: 'prog', part2Patients: ['p1'], onlyUndecided: true } }));
        expect(held.total).toBe(0);
        const restricted = await store.search(q('Observation', [], { total: true, visibility: { holderOrg: 'other', part2Patients: [], onlyRestricted: true } }));
        expect(ids(restricted)).toEqual(['sud-p1', 'sud-p2']);
        const restrictedForHolder = await store.search(q('Observation', [], { total: true, visibility: { holderOrg: 'prog', part2Patients: [], onlyRestricted: true } }));
        expect(restrictedForHolder.total).toBe(0);
      });

      it('applies the same visibility to history', async () => {
        const h = await store.history({ resourceType: 'Observation', count: 10, offset: 0, visibility: { part2Patients: ['p2'] } });
        expect(h.versions.map((v) => v.id).sort()).toEqual(['plain', 'sud-p2']);
        expect(h.total).toBe(2);
      });
    });
  });
}
