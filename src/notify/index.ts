// Public API of the notification capability (R4 rest-hook Subscriptions from a persisted outbox).
export { createNotifier } from './notifier.js';
export type { Notifier, NotifierDeps, NotifierOptions, TickResult } from './notifier.js';
export { subscriptionRule, checkSubscription } from './subscription-rule.js';
export { createSubscriptionStatusRoutes } from './status-route.js';
export { attachPayload, NOTIFICATION_JWS_TYP, SIGNATURE_HEADER } from './delivery-request.js';
export { SUBSCRIPTION_OWNER_EXTENSION, ownerOf } from './subscription-owner.js';
export { DEFAULT_RETRY, backoffMs } from './backoff.js';
export type { RetryPolicy } from './backoff.js';
export { fetchPoster } from './post-notification.js';
export type { NotificationPoster } from './post-notification.js';
