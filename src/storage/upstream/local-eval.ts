/**
 * What the upstream cannot answer the way the gateway's own store would, done locally over the
 * same index rows the SQL store writes (extractIndexRows): `_lastUpdated` (the upstream's clock is
 * not the gateway's), date filters with no original text to pass on, and sorting (so the order and
 * thus every page match own-store mode exactly, including the `last_updated DESC, id` default).
 */
import type { SearchFilter, SortRule, SearchParamType } from '../search-query.js';
import { extractIndexRows, type IndexRows } from '../search-index.js';
import { normalizeInstant } from '../index-values.js';
import type { StoredVersion } from '../store.js';

/** Filters applied here instead of upstream. */
export function isLocalFilter(f: SearchFilter): boolean {
  if (f.modifier === 'missing') return false;
  return f.code === '_lastUpdated' || (f.type === 'date' && f.raw === undefined);
}

type Rows = (v: StoredVersion) => IndexRows;

/** Index rows per version, computed once per search. */
export function rowCache(): Rows {
  const cache = new Map<StoredVersion, IndexRows>();
  return (v) => cache.get(v) ?? cache.set(v, extractIndexRows(v.resource, v.lastUpdated)).get(v)!;
}

/** SQL store semantics (search-sql.ts datePredicate): some row of the parameter satisfies some value. */
export function matchesLocal(f: SearchFilter, v: StoredVersion, rows: Rows): boolean {
  const dates = rows(v).dates.filter((d) => d.param === f.code);
  return f.values.some((value) => {
    if (value.kind !== 'date') return false;
    const ss = normalizeInstant(value.start);
    const se = normalizeInstant(value.end);
    return dates.some(({ start: rs, end: re }) => {
      switch (value.prefix) {
        case 'eq':
          return rs >= ss && re <= se;
        case 'ne':
          return !(rs >= ss && re <= se);
        case 'gt':
          return re > se;
        case 'lt':
          return rs < ss;
        case 'ge':
          return re > ss;
        case 'le':
          return rs < se;
        case 'sa':
          return rs >= se;
        case 'eb':
          return re <= ss;
        default:
          return rs < se && re > ss;
      }
    });
  });
}

/** The SQL store's ORDER BY (search-sql.ts orderBy): lowest value ascending, highest descending, nulls last, then id. */
export function sortLocal(versions: StoredVersion[], rules: readonly SortRule[], rows: Rows): StoredVersion[] {
  const effective: readonly SortRule[] = rules.length > 0 ? rules : [{ code: '_lastUpdated', type: 'date', descending: true }];
  const keyOf = (v: StoredVersion, rule: SortRule): string | number | undefined => {
    if (rule.code === '_lastUpdated') return v.lastUpdated;
    if (rule.code === '_id') return v.id;
    const values = sortValues(rows(v), rule.code, rule.type, rule.descending);
    if (values.length === 0) return undefined;
    return values.reduce((a, b) => ((rule.descending ? b > a : b < a) ? b : a));
  };
  const keyed = versions.map((v) => ({ v, keys: effective.map((r) => keyOf(v, r)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < effective.length; i++) {
      const x = a.keys[i];
      const y = b.keys[i];
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const c = x < y ? -1 : 1;
      return effective[i]!.descending ? -c : c;
    }
    return a.v.id < b.v.id ? -1 : a.v.id > b.v.id ? 1 : 0;
  });
  return keyed.map((k) => k.v);
}

function sortValues(rows: IndexRows, param: string, type: SearchParamType, descending: boolean): (string | number)[] {
  switch (type) {
    case 'token':
      return rows.tokens.filter((r) => r.param === param).map((r) => r.code);
    case 'reference':
      return rows.references.filter((r) => r.param === param).map((r) => r.targetId);
    case 'date':
      return rows.dates.filter((r) => r.param === param).map((r) => (descending ? r.end : r.start));
    case 'string':
      return rows.strings.filter((r) => r.param === param).map((r) => r.value);
    case 'uri':
      return rows.strings.filter((r) => r.param === param).map((r) => r.raw);
    case 'number':
      return rows.numbers.filter((r) => r.param === param).map((r) => r.value);
  }
}
