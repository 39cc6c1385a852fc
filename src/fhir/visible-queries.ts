import type { AccessPolicy } from '../enforcement/access-policy.js';
import { invalidSearch } from '../outcomes/index.js';
import type { SearchQuery, SearchResult } from '../storage/search-query.js';
import { versionKey, type HistoryQuery, type HistoryResult, type Store, type StoredVersion, type Visibility } from '../storage/store.js';

/** Part 2 rows one search may have to decide on; past this the client must narrow the search. */
export const MAX_UNDECIDED = 2000;

interface Runner<R> {
  run(visibility: Visibility | undefined, window?: { offset: number; count: number }): Promise<R>;
  rows(result: R): StoredVersion[];
  total(result: R): number | undefined;
  rebuild(rows: StoredVersion[], total: number | undefined): R;
}

/**
 * P2-17 without post-hoc gaps: rows the requester can never see are left out in SQL; the Part 2
 * rows decide() must still rule on are decided up front, and when some are denied the page is cut
 * again without them and the total lowered by exactly that many. Counts and links therefore never
 * reveal a hidden record.
 */
async function visible<R>(policy: AccessPolicy, visibility: Visibility | undefined, offset: number, count: number, runner: Runner<R>): Promise<R> {
  const first = await runner.run(visibility);
  if (!visibility || visibility.part2Patients.length === 0) return first;
  // When the first page already holds every match (a patient-scoped search, typically), the rows
  // to decide are among them: no second query.
  const firstRows = runner.rows(first);
  const complete = offset === 0 && runner.total(first) !== undefined && runner.total(first)! <= firstRows.length;
  const undecided = complete
    ? firstRows.filter((v) => v.disclosure.part2 && v.disclosure.holderOrg !== visibility.holderOrg && v.disclosure.patientId !== undefined && visibility.part2Patients.includes(v.disclosure.patientId))
    : runner.rows(await runner.run({ ...visibility, onlyUndecided: true }, { offset: 0, count: MAX_UNDECIDED + 1 }));
  if (undecided.length > MAX_UNDECIDED) {
    throw invalidSearch(`This search reaches more than ${MAX_UNDECIDED} consent-governed records; narrow it (for example with \`patient\`).`);
  }
  const denied = await policy.deniedAmong(undecided);
  if (denied.size === 0) return first;
  const window = runner.rows(await runner.run(visibility, { offset: 0, count: offset + count + denied.size }));
  const kept = window.filter((v) => !denied.has(versionKey(v))).slice(offset, offset + count);
  const total = runner.total(first);
  return runner.rebuild(kept, total === undefined ? undefined : total - denied.size);
}

/**
 * The visibility a query needs: the base one (no consent lookups) when the query reaches no Part 2
 * row held by someone else — one indexed probe — else the full one with the consented patients.
 */
async function visibilityFor(policy: AccessPolicy, probe: (v: Visibility) => Promise<StoredVersion[]>, filters: SearchQuery['filters'], resourceType: string | undefined): Promise<Visibility | undefined> {
  const base = policy.baseVisibility();
  if (!base) return undefined;
  if ((await probe({ ...base, onlyRestricted: true })).length === 0) return base;
  return policy.visibility(filters, resourceType);
}

/** A search over what the policy lets the requester see, with exact totals and paging. */
export async function searchVisible(store: Store, policy: AccessPolicy, query: SearchQuery): Promise<SearchResult<StoredVersion>> {
  const probe = async (v: Visibility) => (await store.search({ ...query, sort: [], anyOrder: true, count: 1, offset: 0, total: false, visibility: v })).resources;
  const visibility = await visibilityFor(policy, probe, query.filters, query.resourceType);
  return visible(policy, visibility, query.offset, query.count, {
    run: (v, w) => store.search({ ...query, ...(v ? { visibility: v } : {}), ...(w ? { ...w, total: false } : {}) }),
    rows: (r) => r.resources,
    total: (r) => r.total,
    rebuild: (resources, total) => ({ resources, ...(total !== undefined ? { total } : {}) }),
  });
}

/** History over what the policy lets the requester see, with exact totals and paging. */
export async function historyVisible(store: Store, policy: AccessPolicy, query: HistoryQuery): Promise<HistoryResult> {
  const probe = async (v: Visibility) => (await store.history({ ...query, count: 1, offset: 0, visibility: v })).versions;
  const visibility = await visibilityFor(policy, probe, [], query.resourceType);
  return visible(policy, visibility, query.offset, query.count, {
    run: (v, w) => store.history({ ...query, ...(v ? { visibility: v } : {}), ...(w ?? {}) }),
    rows: (r) => r.versions,
    total: (r) => r.total,
    rebuild: (versions, total) => ({ versions, total: total ?? versions.length }),
  });
}
