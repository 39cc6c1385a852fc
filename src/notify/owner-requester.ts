import type { Subscription } from '@medplum/fhirtypes';
import { canPerform, parseScopes, type AuthService, type Requester } from '../auth/index.js';
import { ownerOf } from './subscription-owner.js';

/**
 * The requester a Subscription's notifications are decided for: its owning client as registered
 * NOW (organization, sector, scopes), with the purpose of use its token carried when it wrote the
 * Subscription. Fails closed with a reason when there is no owner, the client is gone, or it may no
 * longer search the watched type — the Subscription then gets nothing.
 */
export async function ownerRequester(auth: AuthService, subscription: Subscription, resourceType: string): Promise<Requester | string> {
  const owner = ownerOf(subscription);
  if (!owner) return 'The Subscription has no owning client.';
  const client = await auth.getClient(owner.clientId);
  if (!client) return 'The owning client is no longer registered.';
  const { scopes } = parseScopes(client.scopes);
  if (!canPerform(scopes, resourceType, 's')) return `The owning client may no longer search \`${resourceType}\`.`;
  return {
    clientId: client.clientId,
    organizationId: client.organizationId,
    sector: client.sector,
    scopes,
    purposeOfUse: owner.purposeOfUse,
    // Not a token: audit records which Subscription the disclosure went out under.
    tokenId: `Subscription/${subscription.id ?? ''}`,
  };
}
