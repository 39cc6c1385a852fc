import type { Extension, Subscription } from '@medplum/fhirtypes';

/**
 * Who owns a Subscription: the client that wrote it and the purpose of use its token carried.
 * Kept as a server-assigned extension inside the resource (not a side table) so it is written in
 * the same atomic write as the Subscription on every path — REST, transaction, batch — and a
 * crash can never leave a Subscription with a stale or missing owner. Clients cannot set it: the
 * write rule overwrites it from the writer's token on every client write.
 */
export const SUBSCRIPTION_OWNER_EXTENSION = 'https://reentry-gateway.example.org/fhir/StructureDefinition/subscription-owner';

export interface SubscriptionOwner {
  readonly clientId: string;
  readonly purposeOfUse: string;
}

/** The owner recorded on `subscription`; undefined when none (system-created: gets nothing). */
export function ownerOf(subscription: Subscription): SubscriptionOwner | undefined {
  const ext = subscription.extension?.find((e) => e.url === SUBSCRIPTION_OWNER_EXTENSION);
  const part = (url: string) => ext?.extension?.find((e) => e.url === url);
  const clientId = part('client')?.valueString;
  const purposeOfUse = part('purposeOfUse')?.valueCode;
  return clientId && purposeOfUse ? { clientId, purposeOfUse } : undefined;
}

/** `subscription` with its owner extension replaced by `owner` (removed when undefined). */
export function withOwner(subscription: Subscription, owner: SubscriptionOwner | undefined): Subscription {
  const others = (subscription.extension ?? []).filter((e) => e.url !== SUBSCRIPTION_OWNER_EXTENSION);
  const ext: Extension[] = owner
    ? [{ url: SUBSCRIPTION_OWNER_EXTENSION, extension: [{ url: 'client', valueString: owner.clientId }, { url: 'purposeOfUse', valueCode: owner.purposeOfUse }] }]
    : [];
  const extension = [...others, ...ext];
  const { extension: _old, ...rest } = subscription;
  return extension.length > 0 ? { ...rest, extension } : rest;
}
