import type { AuthService } from '../auth/index.js';
import { createRequestPolicy } from '../enforcement/access-policy.js';
import { searchVisible } from '../fhir/visible-queries.js';
import { createChangeCursors } from '../storage/change-cursor.js';
import type { SqlConnection, SqlStatement } from '../storage/sql-connection.js';
import { versionKey, type Change, type Store } from '../storage/store.js';
import { GatewayError } from '../outcomes/index.js';
import { criteriaSearch, parseCriteria } from './criteria.js';
import { enqueueStatement } from './outbox.js';
import { ownerRequester } from './owner-requester.js';
import { subscriptionsWithStatus } from './subscription-state.js';

/** The dispatcher's name in change_cursor (the care-coordination reactions use their own). */
export const NOTIFY_CONSUMER = 'notify';
/** Ids per matching search (one `_id=a,b,…` query each). */
const IDS_PER_SEARCH = 100;

export interface DispatcherDeps {
  readonly store: Store;
  readonly conn: SqlConnection;
  readonly auth: AuthService;
  readonly now: () => Date;
  /** Told when a Subscription's criteria cannot be evaluated for its owner (a 4xx), to set its error. */
  readonly onMatchError?: (subscriptionId: string, text: string) => Promise<void>;
}

/**
 * Reads the next `limit` changes after the dispatcher's cursor, matches them against every
 * active Subscription and, in ONE batch, inserts the outbox rows and advances the cursor: a crash
 * before the batch replays the changes, after it they are done; the outbox's unique key absorbs
 * any replay. Returns how many changes it consumed (0 = caught up).
 *
 * Matching is the owner's own search: the criteria plus `_id` of the changed resources, run with
 * the owner's request policy (visibility in SQL, then decide()), so a Subscription matches exactly
 * what its owner's search would return now, and a record the owner may not read — even its
 * existence (P2-17) — never produces a notification. Deleted resources match nothing.
 */
export async function dispatchChanges(deps: DispatcherDeps, limit: number): Promise<number> {
  const cursors = createChangeCursors(deps.conn);
  const changes = await deps.store.changes(await cursors.position(NOTIFY_CONSUMER), limit);
  const last = changes.at(-1);
  if (!last) return 0;
  const statements = await matchChanges(deps, changes);
  statements.push(cursors.advance(NOTIFY_CONSUMER, last.seq));
  await deps.conn.batch(statements);
  return changes.length;
}

async function matchChanges(deps: DispatcherDeps, changes: readonly Change[]): Promise<SqlStatement[]> {
  const changed = new Map<string, Set<string>>();
  for (const { version } of changes) {
    const ids = changed.get(version.resourceType) ?? new Set<string>();
    ids.add(version.id);
    changed.set(version.resourceType, ids);
  }
  const now = deps.now();
  const statements: SqlStatement[] = [];
  for (const subscription of await subscriptionsWithStatus(deps.store, ['active', 'error'])) {
    const criteria = parseCriteria(subscription.criteria ?? '');
    if (typeof criteria === 'string') continue;
    const ids = changed.get(criteria.resourceType);
    if (!ids) continue;
    const requester = await ownerRequester(deps.auth, subscription, criteria.resourceType);
    if (typeof requester === 'string') continue;
    const policy = createRequestPolicy(deps.store, requester, now, `notify-match-${subscription.id}`);
    const all = [...ids];
    try {
      for (let i = 0; i < all.length; i += IDS_PER_SEARCH) {
        const { query } = criteriaSearch(criteria, all.slice(i, i + IDS_PER_SEARCH));
        const { resources } = await searchVisible(deps.store, policy, query);
        // Only a decision, no disclosure yet: release (and its audit) happens at delivery time.
        const denied = await policy.deniedAmong(resources);
        for (const v of resources) {
          if (denied.has(versionKey(v))) continue;
          statements.push(enqueueStatement({ subscriptionId: subscription.id!, resourceType: v.resourceType, resourceId: v.id, versionId: v.versionId }, now));
        }
      }
    } catch (err) {
      // A 4xx is this owner's search refusing (e.g. too many consent-governed records): that
      // Subscription misses this batch (fail closed) and says why. Anything else (the store is
      // down) propagates: the cursor stays, and the batch is matched again on the next tick.
      if (!(err instanceof GatewayError) || err.status >= 500) throw err;
      await deps.onMatchError?.(subscription.id!, `Its criteria could not be evaluated: ${err.message}`);
    }
  }
  return statements;
}
