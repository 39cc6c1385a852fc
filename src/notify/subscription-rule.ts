/**
 * The write rule for R4 Subscriptions (issue 6, notifications). Runs on every create and update,
 * whichever path wrote it, so a Subscription that reaches the store is always deliverable: a
 * rest-hook channel to an http(s) endpoint, a FHIR JSON payload or none, and criteria that parse
 * as a search of a served type. Status follows R4: the client asks (`requested`) or stops (`off`);
 * only the gateway moves it to `active` or `error`.
 */
import type { OperationOutcomeIssue, Subscription } from '@medplum/fhirtypes';
import { canPerform } from '../auth/index.js';
import type { WriteRule } from '../fhir/repository.js';
import { forbidden, unprocessable } from '../outcomes/index.js';
import { parseCriteria } from './criteria.js';
import { checkChannelHeaders } from './delivery-request.js';
import { ownerOf, withOwner } from './subscription-owner.js';

export const FHIR_JSON_PAYLOAD = 'application/fhir+json';
/** Statuses a client may ask for; `active` and `error` are the gateway's to set. */
const CLIENT_STATUSES: ReadonlySet<string> = new Set(['requested', 'off']);

function invalid(text: string, expression: string): OperationOutcomeIssue {
  return { severity: 'error', code: 'invalid', details: { text }, expression: [expression] };
}

/** Problems that make a Subscription undeliverable, each naming its element. */
export function checkSubscription(subscription: Subscription): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const channel = subscription.channel;
  if (channel?.type !== 'rest-hook') issues.push(invalid(`Only \`rest-hook\` channels are supported, not \`${String(channel?.type)}\`.`, 'Subscription.channel.type'));
  if (!isHttpUrl(channel?.endpoint)) issues.push(invalid('`channel.endpoint` must be an absolute http(s) URL.', 'Subscription.channel.endpoint'));
  if (channel?.payload !== undefined && channel.payload !== FHIR_JSON_PAYLOAD) {
    issues.push(invalid(`\`channel.payload\` must be \`${FHIR_JSON_PAYLOAD}\` or absent, not \`${channel.payload.slice(0, 70)}\`.`, 'Subscription.channel.payload'));
  }
  const headerProblem = checkChannelHeaders(channel?.header ?? []);
  if (headerProblem) issues.push(invalid(headerProblem, 'Subscription.channel.header'));
  const criteria = parseCriteria(subscription.criteria ?? '');
  if (typeof criteria === 'string') issues.push(invalid(criteria, 'Subscription.criteria'));
  return issues;
}

function isHttpUrl(text: string | undefined): boolean {
  if (!text) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/**
 * Create: valid channel and criteria (422), the caller may search the criteria type (403), status
 * `requested` or `off` (422). Update: only the owning client (403), status as on create unless it
 * is left as it was. The owner extension and `Subscription.error` are server-assigned: a client
 * write gets the caller as owner and keeps the previous error; the gateway's own writes keep the
 * previous owner (a system-created Subscription has none and is never delivered).
 */
export const subscriptionRule: WriteRule = async ({ resource, previous, writer }) => {
  if (resource.resourceType !== 'Subscription') return undefined;
  const subscription = resource as Subscription;
  const issues = checkSubscription(subscription);
  if (issues.length > 0) throw unprocessable(issues);
  const before = previous && !previous.deleted ? (previous.resource as Subscription) : undefined;
  if (!writer) return withOwner(subscription, before ? ownerOf(before) : undefined);

  const { requester } = writer;
  if (before && ownerOf(before)?.clientId !== requester.clientId) {
    throw forbidden('Only the client that created this Subscription may change it.', 'AUTH_INSUFFICIENT_SCOPE');
  }
  const criteria = parseCriteria(subscription.criteria!);
  if (typeof criteria !== 'string' && !canPerform(requester.scopes, criteria.resourceType, 's')) {
    throw forbidden(`The token's scopes do not permit searching \`${criteria.resourceType}\`, so it cannot subscribe to it.`);
  }
  if (!CLIENT_STATUSES.has(subscription.status) && subscription.status !== before?.status) {
    throw unprocessable([invalid(`A client sets \`status\` to \`requested\` or \`off\`; \`${subscription.status}\` is set by the gateway.`, 'Subscription.status')]);
  }
  const { error: _clientError, ...rest } = subscription;
  const kept: Subscription = before?.error ? { ...rest, error: before.error } : rest;
  return withOwner(kept, { clientId: requester.clientId, purposeOfUse: requester.purposeOfUse });
};
