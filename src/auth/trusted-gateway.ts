/**
 * "Storage for a trusted gateway": the access another instance of this gateway gets when it runs
 * in upstream mode against this one. That gateway enforces consent itself (it keeps the disclosure
 * index), so here it must see every record unfiltered and have its labels kept exactly as it sent
 * them. Narrow by construction:
 * - only a client of sector `gateway` gets this policy, and such a client can be registered only
 *   through {@link registerTrustedGateway} (TRUSTED_GATEWAY_* configuration; registerClient refuses
 *   the sector otherwise);
 * - every record it reads is still audited here (one access event per request, listing them).
 * The records it writes carry no holder here, so a Part 2 record it stores is visible to no
 * ordinary client of this instance (fail closed).
 */
import type { Resource } from '@medplum/fhirtypes';
import { isPart2Labeled } from '../consent/labels.js';
import type { Decision } from '../consent/index.js';
import type { AccessPolicy } from '../enforcement/access-policy.js';
import { Disclosures } from '../enforcement/disclosures.js';
import { patientIdOf } from '../enforcement/patient-of.js';
import type { SqlConnection } from '../storage/sql-connection.js';
import { versionKey, type Store, type StoredVersion } from '../storage/store.js';
import { publicJwksSchema, registerClient, type RegisteredClient } from './client-registry.js';
import { SECTOR_DEFAULT_SCOPES } from './client-defaults.js';
import type { Requester } from './requester.js';

export interface TrustedGatewayRegistration {
  readonly clientId: string;
  /** The downstream gateway's public keys (its UPSTREAM_PRIVATE_KEY's public half). */
  readonly jwks: unknown;
  /** Organization id recorded as the requester in audit; defaults to `gateway-<clientId>`. */
  readonly organizationId?: string;
}

/** Registers the one client allowed the trusted-gateway policy (explicit operator opt-in). */
export async function registerTrustedGateway(sql: SqlConnection, registration: TrustedGatewayRegistration, now: Date): Promise<RegisteredClient> {
  return registerClient(
    sql,
    {
      clientId: registration.clientId,
      organizationId: registration.organizationId ?? `gateway-${registration.clientId}`,
      sector: 'gateway',
      name: `Trusted gateway ${registration.clientId}`,
      jwks: publicJwksSchema.parse(registration.jwks),
      scopes: SECTOR_DEFAULT_SCOPES.gateway,
    },
    now,
    { trustedGateway: true },
  );
}

/** True only for a token issued to a registered `gateway`-sector client. */
export function isTrustedGateway(requester: Requester): boolean {
  return requester.sector === 'gateway';
}

/** Every read is permitted as storage access (not a Part 2 disclosure) and still audited. */
class StorageAccess extends Disclosures {
  private readonly permitted = new Map<string, Decision>();

  override async decide(versions: readonly StoredVersion[]): Promise<Map<string, Decision>> {
    for (const v of versions) {
      this.permitted.set(versionKey(v), {
        effect: 'permit',
        obligations: [],
        trace: [{ rule: 'P2-01', outcome: 'permit', note: 'storage access by a trusted gateway that enforces consent itself' }],
        decidedBy: { authority: 'not-part2' },
      } as Decision);
    }
    return this.permitted;
  }
}

export function createTrustedGatewayPolicy(store: Store, requester: Requester, now: Date, decisionId: string): AccessPolicy {
  const disclosures = new StorageAccess(store, requester, async () => ({ organizationId: requester.organizationId, isPart2Program: false, memberOf: [], isCoveredEntity: false }), now, decisionId);
  return {
    // Labels are kept as the gateway sent them: it computed them with its own index.
    async prepareWrite<T extends Resource>(resource: T) {
      const security = resource.meta?.security ?? [];
      const patientId = patientIdOf(resource);
      return { resource, disclosure: { part2: isPart2Labeled(security), ...(patientId ? { patientId } : {}) } };
    },
    baseVisibility: () => undefined,
    visibility: async () => undefined,
    deniedAmong: async () => new Set(),
    release: (versions, interaction) => disclosures.release(versions, interaction),
    disclosures,
    writer: async () => undefined,
  };
}
