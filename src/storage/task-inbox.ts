/**
 * The referral inbox — `Task?owner=Type/id[&status=…]&_sort=priority-order,-authored-on` — is the
 * query every organization runs all day, over thousands of open Tasks. The generic planner computes
 * both sort keys for every match before it can return the first page; `task_inbox` (0012) keeps
 * exactly those keys per current Task, derived from the same index rows the generic planner reads,
 * under an index that walks owner → priority → date and stops after one page.
 */
import type { IndexRows } from './search-index.js';
import type { SearchFilter, SearchQuery } from './search-query.js';
import type { SqlValue } from './sql-connection.js';

/** Stored for a Task with no priority-order value, so it sorts last as NULLS LAST would. */
export const NO_PRIORITY_RANK = 1e9;

/**
 * The task_inbox row of a current Task: [id, owner_type, owner_id, status, priority_rank,
 * authored_end, part2, patient_id, holder_org]. The disclosure columns are the version's own, so
 * visibility is decided from the inbox index alone and only the page's rows are read.
 */
export function taskInboxRow(id: string, rows: IndexRows, disclosure: readonly SqlValue[]): SqlValue[] {
  const owner = rows.references.find((r) => r.param === 'owner');
  const status = rows.tokens.find((r) => r.param === 'status')?.code ?? null;
  const ranks = rows.numbers.filter((r) => r.param === 'priority-order').map((r) => r.value);
  const authoredEnds = rows.dates.filter((r) => r.param === 'authored-on').map((r) => r.end).sort();
  // The generic sort keys: MIN(value) ascending for priority-order, MAX(end_at) descending for authored-on.
  return [id, owner?.targetType ?? null, owner?.targetId ?? null, status, ranks.length > 0 ? Math.min(...ranks) : NO_PRIORITY_RANK, authoredEnds.at(-1) ?? null, ...disclosure];
}

export interface InboxPlan {
  readonly ownerType: string;
  readonly ownerId: string;
  /** Plain status codes (no system, no modifier), matched on the inbox row itself. */
  readonly statuses?: readonly string[];
  /** Every other filter, left to the generic terms. */
  readonly rest: readonly SearchFilter[];
}

/** The inbox plan for `query`, or undefined when it is not the inbox query (the generic planner runs). */
export function inboxPlan(query: SearchQuery): InboxPlan | undefined {
  if (query.resourceType !== 'Task') return undefined;
  const [first, second, ...more] = query.sort;
  const inboxOrder = more.length === 0 && first?.code === 'priority-order' && !first.descending && second?.code === 'authored-on' && second.descending;
  if (!inboxOrder && !(query.anyOrder && query.sort.length === 0)) return undefined;
  const owners = query.filters.filter((f) => f.code === 'owner');
  const [owner] = owners;
  const value = owner?.values[0];
  if (owners.length !== 1 || owner!.modifier || owner!.values.length !== 1 || value?.kind !== 'reference' || !value.type) return undefined;
  const statusFilters = query.filters.filter((f) => f.code === 'status');
  const plainStatus = statusFilters.length === 1 && !statusFilters[0]!.modifier && statusFilters[0]!.values.every((v) => v.kind === 'token' && !v.system && v.code) ? statusFilters[0] : undefined;
  return {
    ownerType: value.type,
    ownerId: value.id,
    ...(plainStatus ? { statuses: plainStatus.values.map((v) => (v.kind === 'token' ? v.code! : '')) } : {}),
    rest: query.filters.filter((f) => f !== owner && f !== plainStatus),
  };
}
