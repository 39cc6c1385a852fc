/**
 * The Store over an existing FHIR server (upstream mode). Resource content lives upstream; the
 * gateway's own database keeps the disclosure index (upstream-index.ts) that consent enforcement
 * needs, because an upstream cannot be trusted to keep Part 2 labels, holders and patients.
 *
 * Fail closed: a version the index does not vouch for (written behind the gateway's back, or whose
 * write never confirmed) gets the restricted disclosure `{ part2: true }` — visible to no requester.
 * Searches fetch EVERY upstream match (bounded), apply visibility locally and page locally, so
 * totals and links count only what the requester may see (P2-17).
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { Change, HistoryQuery, HistoryResult, ResourceWrite, Store, StoredVersion, Visibility } from '../store.js';
import type { SearchQuery, SearchResult } from '../search-query.js';
import type { SqlConnection } from '../sql-connection.js';
import { historyWhere } from '../search-sql.js';
import { GatewayError, isGatewayError, serviceUnavailable } from '../../outcomes/index.js';
import { UpstreamIndex, type IndexRow } from './upstream-index.js';
import { UpstreamHttp, UpstreamStatus } from './upstream-http.js';
import { upstreamBadResponse } from './upstream-errors.js';
import { checkBundle, checkResource, type UpstreamResource } from './response-shapes.js';
import { toUpstreamParams } from './search-params.js';
import { writeThrough, type Current } from './upstream-write.js';
import { isLocalFilter, matchesLocal, rowCache, sortLocal } from './local-eval.js';

export interface UpstreamStoreOptions {
  readonly http: UpstreamHttp;
  /** The gateway's own (migrated) database: holds the disclosure index and change feed. */
  readonly conn: SqlConnection;
  readonly now?: () => Date;
  /** Most upstream matches one search may reach before the client is asked to narrow it. */
  readonly maxMatches?: number;
  /** Upstream page size while collecting matches. */
  readonly pageSize?: number;
}

const RESTRICTED = { part2: true } as const;

export function createUpstreamStore(options: UpstreamStoreOptions): Store {
  return new UpstreamStore(options);
}

class UpstreamStore implements Store {
  private readonly http: UpstreamHttp;
  private readonly index: UpstreamIndex;
  private readonly maxMatches: number;
  private readonly pageSize: number;

  constructor(private readonly options: UpstreamStoreOptions) {
    this.http = options.http;
    this.index = new UpstreamIndex(options.conn, options.now ?? (() => new Date()));
    this.maxMatches = options.maxMatches ?? 5000;
    this.pageSize = options.pageSize ?? 500;
  }

  read(resourceType: string, id: string): Promise<StoredVersion | undefined> {
    return guard(async () => (await this.current(resourceType, id))?.stored);
  }

  /** The current version plus the upstream's own version id of it (what If-Match must carry). */
  private async current(resourceType: string, id: string): Promise<Current | undefined> {
    const found = await this.fetch(`${resourceType}/${id}`, resourceType, id);
    const rows = (await this.index.rowsOf([{ type: resourceType, id }])).get(`${resourceType}/${id}`) ?? [];
    if (found !== 'deleted') return found ? { stored: attach(found, rows), upstreamVersion: found.meta.versionId } : undefined;
    // A deleted resource: the tombstone the gateway recorded, carrying the last live content.
    const tomb = rows[0];
    return tomb?.deleted ? { stored: await this.tombstone(tomb, rows) } : undefined;
  }

  vread(resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined> {
    return guard(async () => {
      const rows = (await this.index.rowsOf([{ type: resourceType, id }])).get(`${resourceType}/${id}`) ?? [];
      const row = rows.find((r) => r.versionId === versionId);
      if (row?.deleted) return this.tombstone(row, rows);
      const upstreamVersion = row?.upstreamVersion ?? String(versionId);
      const found = await this.fetch(`${resourceType}/${id}/_history/${encodeURIComponent(upstreamVersion)}`, resourceType, id);
      if (!found || found === 'deleted') return undefined;
      const stored = attach(found, rows);
      return stored.versionId === versionId ? stored : undefined;
    });
  }

  search(query: SearchQuery): Promise<SearchResult<StoredVersion>> {
    return guard(async () => {
      const entries = await this.collect(query.resourceType, [...toUpstreamParams(query), ['_count', String(this.pageSize)]]);
      const matches = entries.filter((e) => (e.search?.mode ?? 'match') === 'match').map((e) => checkResource(e.resource, query.resourceType));
      const rows = rowCache();
      const local = query.filters.filter(isLocalFilter);
      const attached = (await this.attachAll(matches)).filter((v) => local.every((f) => matchesLocal(f, v, rows)));
      const visible = sortLocal(query.visibility ? attached.filter((v) => visibleTo(query.visibility!, v)) : attached, query.sort, rows);
      const page = query.count > 0 ? visible.slice(query.offset, query.offset + query.count) : [];
      return { resources: page, ...(query.total ? { total: visible.length } : {}) };
    });
  }

  /**
   * History is answered from the index: it knows every version written through the gateway, applies
   * visibility in SQL with exact totals, and a version it does not know would be hidden anyway.
   */
  history(query: HistoryQuery): Promise<HistoryResult> {
    return guard(async () => {
      const { sql: whereSql, args } = historyWhere(query, ["c.state = 'committed'"]);
      const keys =
        query.count > 0
          ? await this.options.conn.query(
              `SELECT c.resource_type, c.id, c.version_id FROM upstream_version c ${whereSql} ORDER BY c.last_updated DESC, c.resource_type, c.id, c.version_id DESC LIMIT ? OFFSET ?`,
              [...args, query.count, query.offset],
            )
          : [];
      const counted = await this.options.conn.query(`SELECT COUNT(*) AS n FROM upstream_version c ${whereSql}`, args);
      const versions = await this.versionsFor(keys.map((k) => ({ type: String(k['resource_type']), id: String(k['id']), versionId: Number(k['version_id']) })));
      return { versions, total: Number(counted[0]?.['n'] ?? 0) };
    });
  }

  write(writes: readonly ResourceWrite[]): Promise<void> {
    return guard(() => writeThrough({ http: this.http, index: this.index, current: (type, id) => this.current(type, id) }, writes));
  }

  referencesFrom(sources: readonly { type: string; id: string }[], param: string, targetType?: string): Promise<StoredVersion[]> {
    return guard(async () => {
      const out: StoredVersion[] = [];
      for (const [type, ids] of byType(sources)) {
        const include = `${type}:${param}${targetType ? `:${targetType}` : ''}`;
        out.push(...(await this.included(type, ids, ['_include', include], (r) => !targetType || r.resourceType === targetType)));
      }
      return dedupe(out);
    });
  }

  referencesTo(targets: readonly { type: string; id: string }[], sourceType: string, param: string): Promise<StoredVersion[]> {
    return guard(async () => {
      const out: StoredVersion[] = [];
      for (const [type, ids] of byType(targets)) {
        out.push(...(await this.included(type, ids, ['_revinclude', `${sourceType}:${param}`], (r) => r.resourceType === sourceType)));
      }
      return dedupe(out);
    });
  }

  changes(after: number, limit: number): Promise<Change[]> {
    return guard(async () => {
      const feed = await this.index.changes(after, limit);
      const versions = await this.versionsFor(feed.map(({ row }) => ({ type: row.resourceType, id: row.id, versionId: row.versionId })));
      return feed.map(({ seq }, i) => ({ seq, version: versions[i]! }));
    });
  }

  // ---- internals ----

  /** One resource from the upstream: undefined for 404, 'deleted' for 410. Other refusals are 502. */
  private async fetch(path: string, type: string, id: string): Promise<UpstreamResource | 'deleted' | undefined> {
    try {
      const data = await this.http.call('read', (client, options) => client.request(path, { method: 'GET', options }));
      return checkResource(data, type, id);
    } catch (err) {
      if (err instanceof UpstreamStatus && err.status === 404) return undefined;
      if (err instanceof UpstreamStatus && err.status === 410) return 'deleted';
      throw err;
    }
  }

  /** Every entry of a search, following the upstream's next links (same server only) up to the cap. */
  private async collect(type: string, params: [string, string][]): Promise<BundleEntry[]> {
    const entries: BundleEntry[] = [];
    let url: string | undefined = `${type}?${new URLSearchParams(params).toString()}`;
    while (url) {
      const target: string = url;
      const bundle: Bundle = checkBundle(await this.http.call('read', (client, options) => client.request(target, { method: 'GET', options })).catch(refusedRead), 'searchset');
      for (const entry of bundle.entry ?? []) {
        if ((entry.search?.mode ?? 'match') !== 'outcome') entries.push(entry);
      }
      if (entries.length > this.maxMatches) {
        throw new GatewayError('FHIR_INVALID_SEARCH', 422, { severity: 'error', code: 'too-costly', details: { text: `This search reaches more than ${this.maxMatches} upstream records; narrow it (for example with \`patient\`).` } });
      }
      const next: string | undefined = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (next && !next.startsWith(`${this.http.baseUrl}/`)) throw upstreamBadResponse(new Error('next link points away from the upstream base'));
      url = next;
    }
    return entries;
  }

  /** `_include` / `_revinclude` targets of resources of one type, as the upstream resolves them. */
  private async included(type: string, ids: string[], include: [string, string], wanted: (r: UpstreamResource) => boolean): Promise<StoredVersion[]> {
    const out: StoredVersion[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = ids.slice(i, i + 50);
      const entries = await this.collect(type, [['_id', chunk.join(',')], include, ['_count', String(chunk.length)]]);
      const found = entries.filter((e) => e.search?.mode === 'include').map((e) => checkResource(e.resource)).filter(wanted);
      out.push(...(await this.attachAll(found)));
    }
    return out;
  }

  private async attachAll(resources: UpstreamResource[]): Promise<StoredVersion[]> {
    const rows = await this.index.rowsOf(resources.map((r) => ({ type: r.resourceType, id: r.id })));
    return resources.map((r) => attach(r, rows.get(`${r.resourceType}/${r.id}`) ?? []));
  }

  /** Stored versions for index keys, content fetched per version from the upstream (in parallel). */
  private async versionsFor(keys: { type: string; id: string; versionId: number }[]): Promise<StoredVersion[]> {
    const rows = await this.index.rowsOf(keys);
    return Promise.all(
      keys.map(async (k) => {
        const all = rows.get(`${k.type}/${k.id}`) ?? [];
        const row = all.find((r) => r.versionId === k.versionId);
        if (!row) throw upstreamBadResponse(new Error(`index row ${k.type}/${k.id}/${k.versionId} vanished`));
        return row.deleted ? this.tombstone(row, all) : this.contentOf(row, all);
      }),
    );
  }

  private async contentOf(row: IndexRow, rows: IndexRow[]): Promise<StoredVersion> {
    const found = await this.fetch(`${row.resourceType}/${row.id}/_history/${encodeURIComponent(row.upstreamVersion ?? '')}`, row.resourceType, row.id);
    // The index vouches for a version the upstream no longer has: nothing can be checked.
    if (!found || found === 'deleted') throw upstreamBadResponse(new Error(`upstream lost ${row.resourceType}/${row.id} version ${row.upstreamVersion}`));
    return attach(found, rows);
  }

  /** A tombstone carries the content of the last live version before it (as the SQL store's does). */
  private async tombstone(tomb: IndexRow, rows: IndexRow[]): Promise<StoredVersion> {
    const live = rows.find((r) => r.versionId < tomb.versionId && !r.deleted);
    if (!live) throw upstreamBadResponse(new Error(`no live version before tombstone ${tomb.resourceType}/${tomb.id}/${tomb.versionId}`));
    const last = await this.contentOf(live, rows);
    return { ...last, resource: withMeta(last.resource, tomb.versionId, tomb.lastUpdated), versionId: tomb.versionId, lastUpdated: tomb.lastUpdated, deleted: true, disclosure: tomb.disclosure };
  }

}

/** Disclosure columns from the index, or restricted when the index does not vouch for this version. */
function attach(resource: UpstreamResource, rows: readonly IndexRow[]): StoredVersion {
  const row = rows.find((r) => !r.deleted && r.upstreamVersion === resource.meta.versionId);
  if (row) {
    // The gateway's labels, not the upstream's: an upstream that drops or rewrites them changes nothing.
    const { security: _upstreamLabels, ...meta } = resource.meta;
    const labeled = { ...resource, meta: row.security.length > 0 ? { ...meta, security: row.security } : meta };
    return { resource: withMeta(labeled, row.versionId, row.lastUpdated), resourceType: resource.resourceType, id: resource.id, versionId: row.versionId, lastUpdated: row.lastUpdated, deleted: false, disclosure: row.disclosure };
  }
  const numeric = /^\d{1,9}$/.test(resource.meta.versionId) ? Number(resource.meta.versionId) : (rows[0]?.versionId ?? 0) + 1;
  const lastUpdated = resource.meta.lastUpdated ?? new Date(0).toISOString();
  return { resource: withMeta(resource, numeric, lastUpdated), resourceType: resource.resourceType, id: resource.id, versionId: numeric, lastUpdated, deleted: false, disclosure: RESTRICTED };
}

function withMeta<R extends { meta?: object }>(resource: R, versionId: number, lastUpdated: string): R {
  return { ...resource, meta: { ...resource.meta, versionId: String(versionId), lastUpdated } };
}

/** The SQL store's visibility term (search-sql.ts visibilityTerm), over index columns in memory. */
export function visibleTo(v: Visibility, s: StoredVersion): boolean {
  const d = s.disclosure;
  const notHeld = d.holderOrg === undefined || d.holderOrg !== (v.holderOrg ?? '');
  const consented = d.patientId !== undefined && v.part2Patients.includes(d.patientId);
  if (v.onlyRestricted) return d.part2 && notHeld;
  if (v.onlyUndecided) return d.part2 && notHeld && consented;
  return !d.part2 || (v.holderOrg !== undefined && d.holderOrg === v.holderOrg) || consented;
}

function byType(refs: readonly { type: string; id: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of refs) (out.get(r.type) ?? out.set(r.type, []).get(r.type)!).push(r.id);
  for (const [type, ids] of out) out.set(type, [...new Set(ids)]);
  return out;
}

function dedupe(versions: StoredVersion[]): StoredVersion[] {
  const seen = new Set<string>();
  return versions.filter((v) => {
    const key = `${v.resourceType}/${v.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A search the upstream refused outright (400, 403…) cannot be checked: 502, nothing released. */
function refusedRead(err: unknown): never {
  throw err instanceof UpstreamStatus ? upstreamBadResponse(err) : err;
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isGatewayError(err)) throw err;
    if (err instanceof UpstreamStatus) throw upstreamBadResponse(err);
    throw serviceUnavailable('The resource store is unavailable.', err);
  }
}
