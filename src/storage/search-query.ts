/**
 * A FHIR search parsed into data before any SQL exists (Medplum's SearchRequest idea).
 * `fhir/` builds it from the URL and checks every parameter against the R4 definitions;
 * adapters only ever see this shape, so an unknown parameter can never widen a query.
 */

/** R4 search parameter types the gateway indexes. */
export type SearchParamType = 'token' | 'reference' | 'date' | 'string' | 'uri' | 'number';

/** Comparison prefixes for date and number parameters (FHIR R4 §3.1.1.4.2). */
export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** Modifiers the gateway supports; any other modifier is rejected while parsing. */
export type Modifier = 'missing' | 'exact' | 'contains' | 'not' | 'text';

/** One `name[:modifier]=v1,v2` term. Values are OR-ed; separate filters are AND-ed. */
export interface SearchFilter {
  /** Search parameter code, e.g. `patient`, `_lastUpdated`. */
  readonly code: string;
  readonly type: SearchParamType;
  readonly modifier?: Modifier;
  readonly values: readonly SearchValue[];
  /** The value text as the client sent it (set by parseSearch), so the upstream adapter can pass it on unchanged. */
  readonly raw?: string;
}

/**
 * A single value, already split by type:
 * - token: `system|code`, `|code`, `system|`, `code` → system/code (undefined = any)
 * - reference: `Type/id` or a bare id (type undefined)
 * - date: an instant range [start, end) in ISO-8601 UTC plus the prefix
 * - string/uri: the raw text
 * - number: the numeric value plus prefix
 * - missing modifier: `missing` true/false
 */
export type SearchValue =
  | { readonly kind: 'token'; readonly system?: string; readonly code?: string }
  | { readonly kind: 'reference'; readonly type?: string; readonly id: string }
  | { readonly kind: 'date'; readonly prefix: Prefix; readonly start: string; readonly end: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'number'; readonly prefix: Prefix; readonly value: number }
  | { readonly kind: 'missing'; readonly missing: boolean };

export interface SortRule {
  readonly code: string;
  readonly type: SearchParamType;
  readonly descending: boolean;
}

export interface SearchQuery {
  readonly resourceType: string;
  readonly filters: readonly SearchFilter[];
  readonly sort: readonly SortRule[];
  /** Page size, already clamped to the server maximum. */
  readonly count: number;
  readonly offset: number;
  /** Whether the caller wants `Bundle.total` (adapters may skip the COUNT otherwise). */
  readonly total: boolean;
  /** Set by existence probes that need any matching row, not the first in `sort` order: adapters may then pick their cheapest plan. */
  readonly anyOrder?: boolean;
  /** Part 2 visibility applied in SQL (see Visibility in store.ts); absent = unrestricted. */
  readonly visibility?: { readonly holderOrg?: string; readonly part2Patients: readonly string[]; readonly onlyUndecided?: boolean; readonly onlyRestricted?: boolean };
}

export interface SearchResult<R> {
  readonly resources: R[];
  /** Matching rows before paging; present when `query.total` was asked for. */
  readonly total?: number;
}
