import type { Resource } from '@medplum/fhirtypes';
import type { DisclosureColumns } from '../storage/store.js';

/**
 * Resource types only the organization that wrote them may see. A Subscription's channel carries
 * the receiver's endpoint and often its credentials (`channel.header`), and its `error` tells how
 * that endpoint answers: no other client may read, search, update or delete it.
 */
export const OWNER_PRIVATE_TYPES: ReadonlySet<string> = new Set(['Subscription']);

/**
 * The disclosure columns of an owner-private resource: restricted (`part2`, no patient), held by
 * its owner, so SQL visibility leaves it out for everyone else (exact counts, P2-17). The gateway's
 * own writes to it (delivery state) keep the previous owner; without one it is visible to no one.
 */
export function ownerPrivateColumns(resource: Resource, writerOrg: string | undefined, previous: DisclosureColumns | undefined): DisclosureColumns | undefined {
  if (!OWNER_PRIVATE_TYPES.has(resource.resourceType)) return undefined;
  const holderOrg = previous?.holderOrg ?? writerOrg;
  return { part2: true, ...(holderOrg ? { holderOrg } : {}) };
}

/** Whether `organizationId` may see a stored owner-private version (always true for other types). */
export function mayAccessOwnerPrivate(resourceType: string, holderOrg: string | undefined, organizationId: string): boolean {
  return !OWNER_PRIVATE_TYPES.has(resourceType) || (holderOrg !== undefined && holderOrg === organizationId);
}
