import type { Resource } from '@medplum/fhirtypes';
import type { SearchQuery, SearchResult } from './search-query.js';

/**
 * Who a stored version concerns and whether it is a 42 CFR Part 2 record; computed by the consent
 * layer on write and kept in columns so searches can apply visibility in SQL.
 */
export interface DisclosureColumns {
  readonly part2: boolean;
  readonly patientId?: string;
  /** The Part 2 program that holds the record (its own reads are not disclosures). */
  readonly holderOrg?: string;
}

/**
 * Rows a requester may see: every non-Part 2 row, plus Part 2 rows held by `holderOrg` or about
 * one of `part2Patients` (those still go through decide() afterwards). Absent = no restriction,
 * for the gateway's own internal reads only.
 */
export interface Visibility {
  readonly holderOrg?: string;
  readonly part2Patients: readonly string[];
  /**
   * Only the rows decide() still has to rule on: Part 2, not held by `holderOrg`, about one of
   * `part2Patients`. Used to count what a post-filter will remove, so totals stay exact.
   */
  readonly onlyUndecided?: boolean;
  /** Only Part 2 rows not held by `holderOrg` (any patient): probes whether consents matter at all. */
  readonly onlyRestricted?: boolean;
}

/** One stored version. `resource.meta.versionId`/`lastUpdated` are always set. */
export interface StoredVersion {
  readonly resource: Resource;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: number;
  readonly lastUpdated: string;
  /** True for the tombstone version a delete writes. `resource` is then the last live content. */
  readonly deleted: boolean;
  readonly disclosure: DisclosureColumns;
}

/** `Type/id/versionId`: identifies one stored version (decisions are cached per version). */
export function versionKey(v: StoredVersion): string {
  return `${v.resourceType}/${v.id}/${v.versionId}`;
}

/**
 * A write prepared by `fhir/` (ids, versions and meta already assigned).
 * `expectedVersion` is the version this write replaces (0 = the resource must not exist yet);
 * the store refuses the whole batch with STORE_VERSION_CONFLICT if any current version differs.
 */
export interface ResourceWrite {
  readonly op: 'create' | 'update' | 'delete';
  readonly resource: Resource & { id: string };
  readonly versionId: number;
  readonly lastUpdated: string;
  readonly expectedVersion: number;
  /** Absent = restricted (treated as Part 2 with no patient or holder: visible to no requester). */
  readonly disclosure?: DisclosureColumns;
}

export interface HistoryQuery {
  readonly resourceType?: string;
  readonly id?: string;
  /** Only versions with lastUpdated >= since (ISO instant). */
  readonly since?: string;
  readonly count: number;
  readonly offset: number;
  readonly visibility?: Visibility;
}

export interface HistoryResult {
  readonly versions: StoredVersion[];
  readonly total: number;
}

/** One written version in commit order: `seq` only grows, so a consumer resumes after the last it handled. */
export interface Change {
  readonly seq: number;
  readonly version: StoredVersion;
}

/** The reference edges used by `_include` / `_revinclude`. */
export interface ReferenceEdge {
  readonly sourceType: string;
  readonly sourceId: string;
  readonly param: string;
  readonly targetType: string;
  readonly targetId: string;
}

/**
 * Versioned FHIR resource storage. Implemented by the SQL store (libSQL on Node, D1 on
 * Workers) and later by the upstream adapter.
 *
 * Failures: conflicts throw a GatewayError STORE_VERSION_CONFLICT (409); an unreachable
 * backend throws STORE_UNAVAILABLE (503). Nothing else escapes as a client error.
 */
export interface Store {
  /** Current version, including a deletion tombstone; undefined if never created. */
  read(resourceType: string, id: string): Promise<StoredVersion | undefined>;
  vread(resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined>;
  /** Current, non-deleted resources matching the query, sorted and paged. */
  search(query: SearchQuery): Promise<SearchResult<StoredVersion>>;
  history(query: HistoryQuery): Promise<HistoryResult>;
  /** Applies every write or none (one atomic batch; INVARIANT: no partial writes). */
  write(writes: readonly ResourceWrite[]): Promise<void>;
  /** Current resources referenced by `sources` through `param` (`*` = every reference param). */
  referencesFrom(sources: readonly { type: string; id: string }[], param: string, targetType?: string): Promise<StoredVersion[]>;
  /** Current resources of `sourceType` whose `param` references any of `targets`. */
  referencesTo(targets: readonly { type: string; id: string }[], sourceType: string, param: string): Promise<StoredVersion[]>;
  /**
   * Every version written after `after` (a `seq` from an earlier call; 0 = from the start), oldest
   * first, at most `limit`. The change feed that notifications and care-coordination reactions
   * follow: it is written in the same atomic batch as the resources, so no change is ever missed.
   */
  changes(after: number, limit: number): Promise<Change[]>;
}
