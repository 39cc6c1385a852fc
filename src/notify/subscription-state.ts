import type { Subscription } from '@medplum/fhirtypes';
import type { AuthService } from '../auth/index.js';
import type { FhirRepository } from '../fhir/repository.js';
import { parseSearch } from '../fhir/search/parse-search.js';
import { GatewayError } from '../outcomes/index.js';
import type { Store } from '../storage/store.js';
import { parseCriteria } from './criteria.js';
import { ownerRequester } from './owner-requester.js';

/** Subscriptions one tick considers; more than this wait (a deployment that big needs an index of criteria types). */
const MAX_SUBSCRIPTIONS = 1000;

/** Current Subscriptions in any of `statuses` (the gateway's own unrestricted read). */
export async function subscriptionsWithStatus(store: Store, statuses: readonly string[]): Promise<Subscription[]> {
  const params = new URLSearchParams({ status: statuses.join(','), _count: String(MAX_SUBSCRIPTIONS), _total: 'none' });
  const { resources } = await store.search(parseSearch('Subscription', params, true).query);
  return resources.map((v) => ({ ...(v.resource as Subscription), id: v.id }));
}

/**
 * R4: the gateway, not the client, turns `requested` into `active` — only when the owner may
 * receive what it asked for; otherwise `error` with the reason, and nothing is ever delivered.
 */
export async function activateRequested(repo: FhirRepository, auth: AuthService): Promise<void> {
  for (const subscription of await subscriptionsWithStatus(repo.store, ['requested'])) {
    const criteria = parseCriteria(subscription.criteria ?? '');
    const owner = typeof criteria === 'string' ? criteria : await ownerRequester(auth, subscription, criteria.resourceType);
    await setState(repo, subscription.id!, typeof owner === 'string' ? owner : undefined, 'requested');
  }
}

/**
 * Records a delivery outcome on the Subscription: `error` with the failure text (no secrets: a
 * status code or a network error kind), or back to `active` without error after a success.
 * A gateway (system) write, made only when something changes and only over the version it read:
 * a concurrent client edit wins and the state is written again on a later outcome.
 */
export async function recordDeliveryState(repo: FhirRepository, subscriptionId: string, failure: string | undefined): Promise<void> {
  await setState(repo, subscriptionId, failure, undefined);
}

async function setState(repo: FhirRepository, id: string, failure: string | undefined, onlyFrom: string | undefined): Promise<void> {
  const current = await repo.store.read('Subscription', id);
  if (!current || current.deleted) return;
  const subscription = current.resource as Subscription;
  if (onlyFrom && subscription.status !== onlyFrom) return;
  // `off` is the client's decision; delivery outcomes never switch it back on.
  if (subscription.status === 'off') return;
  const status = failure ? 'error' : 'active';
  if (subscription.status === status && subscription.error === failure) return;
  const { error: _old, ...rest } = subscription;
  const next: Subscription = { ...rest, status, ...(failure ? { error: failure } : {}) };
  try {
    await repo.update('Subscription', id, next, current.versionId);
  } catch (err) {
    if (err instanceof GatewayError && (err.status === 409 || err.status === 412)) return;
    throw err;
  }
}
