import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { PART2_NOTICE, REFRAIN_NORDSCLCD, actCode } from '../consent/labels.js';
import type { StoredVersion } from '../storage/store.js';

/** Absolute URL of a resource: `<base>/Type/id`. */
export function fullUrl(base: string, resource: { resourceType: string; id?: string }): string {
  return `${base}/${resource.resourceType}/${resource.id}`;
}

export interface PageLinks {
  /** `<base>/<Type>` (or `<base>/<Type>/<id>/_history`). */
  readonly path: string;
  /** Parameters to repeat in each link (the applied ones), without `_offset`. */
  readonly params: URLSearchParams;
  readonly count: number;
  readonly offset: number;
  /** Matching total, when known; otherwise `next` is emitted when the page was full. */
  readonly total?: number;
  readonly pageSize: number;
}

/** self/first/previous/next links, absolute, in the form `<base>/fhir/<Type>?<query>`. */
export function pageLinks(p: PageLinks): BundleLink[] {
  const link = (relation: string, offset: number): BundleLink => {
    const q = new URLSearchParams(p.params);
    q.set('_count', String(p.count));
    if (offset > 0) q.set('_offset', String(offset));
    return { relation, url: `${p.path}?${q.toString()}` };
  };
  const links = [link('self', p.offset), link('first', 0)];
  if (p.count > 0 && p.offset > 0) links.push(link('previous', Math.max(0, p.offset - p.count)));
  const hasNext = p.total !== undefined ? p.offset + p.count < p.total : p.pageSize === p.count;
  if (p.count > 0 && hasNext) links.push(link('next', p.offset + p.count));
  return links;
}

export interface SearchsetInput {
  readonly base: string;
  readonly matches: readonly Resource[];
  readonly included: readonly Resource[];
  readonly total?: number;
  readonly links: BundleLink[];
  readonly outcome?: OperationOutcome;
}

/** A searchset Bundle: matches (mode match), includes (mode include), then any outcome. */
export function searchsetBundle(input: SearchsetInput): Bundle {
  const entry: BundleEntry[] = [
    ...input.matches.map((resource) => ({ fullUrl: fullUrl(input.base, resource), resource, search: { mode: 'match' as const } })),
    ...input.included.map((resource) => ({ fullUrl: fullUrl(input.base, resource), resource, search: { mode: 'include' as const } })),
  ];
  if (input.outcome) entry.push({ resource: input.outcome, search: { mode: 'outcome' } });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(input.total !== undefined ? { total: input.total } : {}),
    link: input.links,
    ...(entry.length > 0 ? { entry } : {}),
  };
}

/** A history Bundle, newest first; deletions appear as entries with request DELETE and no resource. */
export function historyBundle(base: string, versions: readonly StoredVersion[], total: number, links: BundleLink[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'history',
    total,
    link: links,
    entry: versions.map((v) => {
      const url = `${v.resourceType}/${v.id}`;
      const response = { status: v.deleted ? '204' : v.versionId === 1 ? '201' : '200', etag: `W/"${v.versionId}"`, lastModified: v.lastUpdated };
      return v.deleted
        ? { fullUrl: `${base}/${url}`, request: { method: 'DELETE' as const, url }, response }
        : { fullUrl: `${base}/${url}`, resource: v.resource, request: { method: v.versionId === 1 ? ('POST' as const) : ('PUT' as const), url }, response };
    }),
  };
}

/**
 * A FHIR document Bundle (Composition first) assembled by the gateway ($summary, $progress-report).
 * P2-11: when it holds Part 2 records the refrain label and the §2.32 notice travel with it.
 */
export function documentBundle(entries: BundleEntry[], part2: boolean, now: Date): Bundle {
  return {
    resourceType: 'Bundle',
    id: crypto.randomUUID(),
    ...(part2 ? { meta: { security: [actCode(REFRAIN_NORDSCLCD)], tag: [{ display: PART2_NOTICE }] } } : {}),
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${crypto.randomUUID()}` },
    type: 'document',
    timestamp: now.toISOString(),
    entry: entries,
  };
}
