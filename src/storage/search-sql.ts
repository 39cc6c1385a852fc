/**
 * Builds the parameterised SQL for a parsed SearchQuery. Each filter becomes one
 * `c.id [NOT] IN (SELECT s.id FROM search_x s WHERE s.resource_type = ? AND s.param = ? AND (…))`
 * term (values OR-ed inside, filters AND-ed). Uncorrelated IN rather than correlated EXISTS: the
 * subquery is evaluated once from the (resource_type, param, value) index instead of being probed
 * once per resource_current row. Nothing from the query is ever spliced into the SQL text.
 */
import { invalidSearch } from '../outcomes/index.js';
import type { SearchFilter, SearchParamType, SearchQuery, SearchValue, SortRule } from './search-query.js';
import type { HistoryQuery } from './store.js';
import type { SqlStatement, SqlValue } from './sql-connection.js';
import { inboxPlan, type InboxPlan } from './task-inbox.js';
import { normalizeInstant, normalizeString } from './index-values.js';

const TABLE: Record<SearchParamType, string> = {
  token: 'search_token',
  reference: 'search_reference',
  date: 'search_date',
  string: 'search_string',
  uri: 'search_string',
  number: 'search_number',
};

/** Columns every store query selects from resource_current / resource_version. */
export const RESOURCE_COLUMNS = 'c.resource_type, c.id, c.version_id, c.last_updated, c.deleted, c.content, c.part2, c.patient_id, c.holder_org';

/** The page query and, when `query.total` is set, the matching COUNT(*). */
export interface SearchSql {
  readonly page: SqlStatement;
  readonly count?: SqlStatement;
}

/**
 * SQL for one search over current, non-deleted resources of `query.resourceType`. Default order is
 * last_updated DESC; `c.id` is always the final tie-breaker so OFFSET paging is stable.
 * Throws FHIR_INVALID_SEARCH for a type/modifier combination the parser should have refused.
 */
export function buildSearchSql(query: SearchQuery): SearchSql {
  const inbox = inboxPlan(query);
  return inbox ? buildInboxSql(query, inbox) : buildGenericSearchSql(query);
}

/** The plan for any search; the reference the specialised inbox plan is tested against. */
export function buildGenericSearchSql(query: SearchQuery): SearchSql {
  const terms = query.filters.map((filter) => filterTerm(query.resourceType, filter));
  // Drive the query from the first positive index lookup: a CROSS JOIN fixes SQLite's join order,
  // so cost is bounded by that filter's matches instead of a scan of every resource of the type
  // (without ANALYZE statistics SQLite would otherwise prefer the index that avoids the sort).
  const driverIndex = terms.findIndex((t) => t.op === 'IN' && t.subquery);
  const driver = driverIndex >= 0 ? terms[driverIndex] : undefined;
  const from = driver
    ? `(${driver.subquery!.replace(/^SELECT s\.id /, 'SELECT DISTINCT s.id ')}) f CROSS JOIN resource_current c ON c.resource_type = ? AND c.id = f.id`
    : 'resource_current c';
  const fromArgs: SqlValue[] = driver ? [...driver.args, query.resourceType] : [];
  const where: string[] = ['c.resource_type = ?', 'c.deleted = 0'];
  const whereArgs: SqlValue[] = [query.resourceType];
  terms.forEach((term, i) => {
    if (i === driverIndex) return;
    where.push(term.sql);
    whereArgs.push(...term.args);
  });
  if (query.visibility) {
    const v = visibilityTerm(query.visibility);
    where.push(v.sql);
    whereArgs.push(...v.args);
  }
  const whereSql = where.join(' AND ');
  // An existence probe takes any match: without ORDER BY, SQLite stops at the first row instead of
  // ranking every match first (the P2-17 probe of an enforced search of 100 rows: 0.3 → 0.05 ms).
  const order = query.anyOrder && query.sort.length === 0 ? undefined : orderBy(query.sort);
  const page: SqlStatement = {
    sql: `SELECT ${RESOURCE_COLUMNS} FROM ${from} WHERE ${whereSql}${order ? ` ORDER BY ${order.sql}` : ''} LIMIT ? OFFSET ?`,
    args: [...fromArgs, ...whereArgs, ...(order?.args ?? []), query.count, query.offset],
  };
  if (!query.total) return { page };
  return { page, count: { sql: `SELECT COUNT(*) AS n FROM ${from} WHERE ${whereSql}`, args: [...fromArgs, ...whereArgs] } };
}

/**
 * The referral inbox, driven by task_inbox (src/storage/task-inbox.ts): the same rows in the same
 * order as the generic plan (same index rows, same NULLS LAST), read in index order so a page stops
 * after LIMIT + OFFSET rows instead of ranking every open Task of the owner first.
 */
function buildInboxSql(query: SearchQuery, plan: InboxPlan): SearchSql {
  const from = 'task_inbox q CROSS JOIN resource_current c ON c.resource_type = ? AND c.id = q.id';
  const where: string[] = ['q.owner_id = ?', 'q.owner_type = ?', 'c.deleted = 0'];
  const args: SqlValue[] = [query.resourceType, plan.ownerId, plan.ownerType];
  if (plan.statuses) {
    where.push(`q.status IN (${plan.statuses.map(() => '?').join(', ')})`);
    args.push(...plan.statuses);
  }
  for (const filter of plan.rest) {
    const term = filterTerm(query.resourceType, filter);
    where.push(term.sql);
    args.push(...term.args);
  }
  if (query.visibility) {
    // On the inbox row's own copy of the disclosure columns: the index covers it.
    const v = visibilityTerm(query.visibility, 'q');
    where.push(v.sql);
    args.push(...v.args);
  }
  const whereSql = where.join(' AND ');
  const page: SqlStatement = {
    sql: `SELECT ${RESOURCE_COLUMNS} FROM ${from} WHERE ${whereSql} ORDER BY q.priority_rank ASC, q.authored_end DESC, q.id ASC LIMIT ? OFFSET ?`,
    args: [...args, query.count, query.offset],
  };
  if (!query.total) return { page };
  // Deleted Tasks leave task_inbox, so with no generic term left the count never needs the row itself.
  if (plan.rest.length === 0) {
    return { page, count: { sql: `SELECT COUNT(*) AS n FROM task_inbox q WHERE ${where.filter((w) => w !== 'c.deleted = 0').join(' AND ')}`, args: args.slice(1) } };
  }
  return { page, count: { sql: `SELECT COUNT(*) AS n FROM ${from} WHERE ${whereSql}`, args } };
}

interface Fragment {
  sql: string;
  args: SqlValue[];
}

/** One filter as a WHERE term; `subquery` (the id lookup alone) is set when it can drive the query. */
interface Term extends Fragment {
  op: 'IN' | 'NOT IN' | 'ALL';
  subquery?: string;
}

function filterTerm(resourceType: string, filter: SearchFilter): Term {
  const table = TABLE[filter.type];
  if (filter.modifier === 'missing') {
    // Several `missing` values OR together: true,false matches everything.
    const wanted = new Set(filter.values.map((v) => (v.kind === 'missing' ? v.missing : undefined)));
    if (wanted.has(undefined)) throw invalidSearch(`\`${filter.code}:missing\` takes true or false.`, filter.code);
    if (wanted.has(true) && wanted.has(false)) return { op: 'ALL', sql: '1 = 1', args: [] };
    const subquery = `SELECT s.id FROM ${table} s WHERE s.resource_type = ? AND s.param = ?`;
    return inTerm(wanted.has(true) ? 'NOT IN' : 'IN', subquery, [resourceType, filter.code]);
  }
  if (filter.values.length === 0) throw invalidSearch(`Search parameter \`${filter.code}\` has no value.`, filter.code);
  const op = filter.modifier === 'not' ? 'NOT IN' : 'IN';
  if (filter.code === '_id' && filter.type === 'token' && filter.modifier !== 'text') {
    // _id is the current table's own key; no index table needed.
    const ids = filter.values.map((v) => (v.kind === 'token' ? (v.code ?? '') : ''));
    return { op, sql: `c.id ${op} (${ids.map(() => '?').join(', ')})`, args: ids };
  }
  // One UNION branch per OR-ed value: each branch is a plain index range, where an OR inside one
  // WHERE would make SQLite fall back to scanning every index row of the type.
  const branches: string[] = [];
  const args: SqlValue[] = [];
  for (const value of filter.values) {
    const p = valuePredicate(filter, value);
    branches.push(`SELECT s.id FROM ${table} s WHERE s.resource_type = ? AND s.param = ? AND ${p.sql}`);
    args.push(resourceType, filter.code, ...p.args);
  }
  return inTerm(op, branches.join(' UNION '), args);
}

function inTerm(op: 'IN' | 'NOT IN', subquery: string, args: SqlValue[]): Term {
  return { op, subquery, sql: `c.id ${op} (${subquery})`, args };
}

function valuePredicate(filter: SearchFilter, value: SearchValue): Fragment {
  const bad = (): never => {
    throw invalidSearch(`A value of \`${filter.code}\` does not fit its ${filter.type} type.`, filter.code);
  };
  switch (filter.type) {
    case 'token':
      return value.kind === 'token' ? tokenPredicate(filter, value) : bad();
    case 'reference':
      if (value.kind !== 'reference') return bad();
      return value.type
        ? { sql: '(s.target_id = ? AND s.target_type = ?)', args: [value.id, value.type] }
        : { sql: 's.target_id = ?', args: [value.id] };
    case 'date':
      return value.kind === 'date' ? datePredicate(value.prefix, normalizeInstant(value.start), normalizeInstant(value.end)) : bad();
    case 'number':
      return value.kind === 'number' ? numberPredicate(value.prefix, value.value) : bad();
    case 'uri':
      return value.kind === 'string' ? exactString(value.text) : bad();
    case 'string':
      if (value.kind !== 'string') return bad();
      if (filter.modifier === 'exact') return exactString(value.text);
      if (filter.modifier === 'contains' || filter.modifier === 'text') {
        return { sql: "s.value LIKE ? ESCAPE '\\'", args: [`%${escapeLike(normalizeString(value.text))}%`] };
      }
      return startsWith('s.value', normalizeString(value.text));
  }
}

/**
 * Matches `text` exactly. The value column is normalizeString(raw) on every row, so the extra
 * `value = ?` selects no fewer rows; it lets search_string_lookup find them (migration 0013).
 */
function exactString(text: string): Fragment {
  return { sql: '(s.value = ? AND s.raw = ?)', args: [normalizeString(text), text] };
}

function tokenPredicate(filter: SearchFilter, value: Extract<SearchValue, { kind: 'token' }>): Fragment {
  if (filter.modifier === 'text') {
    // :text matches the display text like a string search (starts-with, normalised).
    return { sql: "s.display LIKE ? ESCAPE '\\'", args: [`${escapeLike(normalizeString(value.code ?? ''))}%`] };
  }
  const parts: string[] = [];
  const args: SqlValue[] = [];
  if (value.code !== undefined) {
    parts.push('s.code = ?');
    args.push(value.code);
  }
  if (value.system === '') parts.push('s.system IS NULL');
  else if (value.system !== undefined) {
    parts.push('s.system = ?');
    args.push(value.system);
  }
  if (parts.length === 0) throw invalidSearch(`Search parameter \`${filter.code}\` has an empty token.`, filter.code);
  return { sql: `(${parts.join(' AND ')})`, args };
}

/** Prefix match as a range so the (param, value) index is used; U+10FFFF sorts after any text. */
function startsWith(column: string, prefix: string): Fragment {
  return { sql: `(${column} >= ? AND ${column} < ?)`, args: [prefix, `${prefix}\u{10FFFF}`] };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * FHIR R4 §3.1.1.4.2 on ranges: the resource range [rs, re) against the search range [ss, se).
 * `ap` is read as overlap, which is what "approximately" means for a range.
 */
function datePredicate(prefix: string, ss: string, se: string): Fragment {
  switch (prefix) {
    case 'eq':
      return { sql: '(s.start_at >= ? AND s.end_at <= ?)', args: [ss, se] };
    case 'ne':
      return { sql: 'NOT (s.start_at >= ? AND s.end_at <= ?)', args: [ss, se] };
    case 'gt':
      return { sql: 's.end_at > ?', args: [se] };
    case 'lt':
      return { sql: 's.start_at < ?', args: [ss] };
    case 'ge':
      return { sql: 's.end_at > ?', args: [ss] };
    case 'le':
      return { sql: 's.start_at < ?', args: [se] };
    case 'sa':
      return { sql: 's.start_at >= ?', args: [se] };
    case 'eb':
      return { sql: 's.end_at <= ?', args: [ss] };
    default:
      return { sql: '(s.start_at < ? AND s.end_at > ?)', args: [se, ss] };
  }
}

function numberPredicate(prefix: string, v: number): Fragment {
  switch (prefix) {
    case 'ne':
      return { sql: 's.value <> ?', args: [v] };
    case 'gt':
    case 'sa':
      return { sql: 's.value > ?', args: [v] };
    case 'lt':
    case 'eb':
      return { sql: 's.value < ?', args: [v] };
    case 'ge':
      return { sql: 's.value >= ?', args: [v] };
    case 'le':
      return { sql: 's.value <= ?', args: [v] };
    case 'ap': {
      const delta = Math.abs(v) * 0.1;
      return { sql: 's.value BETWEEN ? AND ?', args: [v - delta, v + delta] };
    }
    default:
      return { sql: 's.value = ?', args: [v] };
  }
}

const SORT_COLUMN: Record<SearchParamType, { asc: string; desc: string }> = {
  token: { asc: 'code', desc: 'code' },
  reference: { asc: 'target_id', desc: 'target_id' },
  date: { asc: 'start_at', desc: 'end_at' },
  string: { asc: 'value', desc: 'value' },
  uri: { asc: 'raw', desc: 'raw' },
  number: { asc: 'value', desc: 'value' },
};

function orderBy(rules: readonly SortRule[]): Fragment {
  const terms: string[] = [];
  const args: SqlValue[] = [];
  for (const rule of rules) {
    const dir = rule.descending ? 'DESC' : 'ASC';
    if (rule.code === '_lastUpdated') terms.push(`c.last_updated ${dir}`);
    else if (rule.code === '_id') terms.push(`c.id ${dir}`);
    else {
      // A resource's sort key is its lowest value ascending, its highest descending (FHIR R4 §3.1.1.4.10).
      const column = rule.descending ? SORT_COLUMN[rule.type].desc : SORT_COLUMN[rule.type].asc;
      const agg = rule.descending ? 'MAX' : 'MIN';
      // `+s.col` (a no-op in SQLite) keeps the planner off its min/max shortcut, which would walk the
      // (param, value) index of every resource of the type for each row instead of this row's own values.
      terms.push(
        `(SELECT ${agg}(+s.${column}) FROM ${TABLE[rule.type]} s WHERE s.resource_type = c.resource_type AND s.id = c.id AND s.param = ?) ${dir} NULLS LAST`,
      );
      args.push(rule.code);
    }
  }
  if (terms.length === 0) terms.push('c.last_updated DESC');
  terms.push('c.id ASC');
  return { sql: terms.join(', '), args };
}

/**
 * The WHERE clause of a history query over a version table aliased `c` (type, id, since,
 * visibility), after any `leading` terms the caller needs; empty when there is nothing to filter.
 */
export function historyWhere(query: HistoryQuery, leading: readonly string[] = []): { sql: string; args: SqlValue[] } {
  const where = [...leading];
  const args: SqlValue[] = [];
  if (query.resourceType !== undefined) {
    where.push('c.resource_type = ?');
    args.push(query.resourceType);
    if (query.id !== undefined) {
      where.push('c.id = ?');
      args.push(query.id);
    }
  }
  if (query.since !== undefined) {
    where.push('c.last_updated >= ?');
    args.push(query.since);
  }
  if (query.visibility) {
    const v = visibilityTerm(query.visibility);
    where.push(v.sql);
    args.push(...v.args);
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

/**
 * P2-17: Part 2 rows the requester can never see are left out in SQL, so totals and paging count
 * only what may be released. The patient list is one JSON parameter (D1 allows 100 parameters).
 */
export function visibilityTerm(visibility: NonNullable<SearchQuery['visibility']>, alias: 'c' | 'q' = 'c'): Fragment {
  const t = alias;
  if (visibility.onlyRestricted) {
    return { sql: `(${t}.part2 = 1 AND (${t}.holder_org IS NULL OR ${t}.holder_org <> ?))`, args: [visibility.holderOrg ?? ''] };
  }
  if (visibility.onlyUndecided) {
    return {
      sql: `(${t}.part2 = 1 AND (${t}.holder_org IS NULL OR ${t}.holder_org <> ?) AND ${t}.patient_id IN (SELECT value FROM json_each(?)))`,
      args: [visibility.holderOrg ?? '', JSON.stringify(visibility.part2Patients)],
    };
  }
  return {
    sql: `(${t}.part2 = 0 OR ${t}.holder_org = ? OR ${t}.patient_id IN (SELECT value FROM json_each(?)))`,
    args: [visibility.holderOrg ?? null, JSON.stringify(visibility.part2Patients)],
  };
}
