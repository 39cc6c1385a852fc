import type { Organization } from '@medplum/fhirtypes';
import type { Requester } from '../auth/requester.js';
import type { Store } from '../storage/store.js';

/** Project CodeSystem for an organization's role in the network; `part2-program` marks a Part 2 program. */
export const ORGANIZATION_ROLE_SYSTEM = 'https://reentry-gateway.example.org/fhir/CodeSystem/organization-role';
export const PART2_PROGRAM_ROLE = 'part2-program';

/** Sectors whose organizations are HIPAA covered entities or business associates (P2-08). */
export const COVERED_SECTORS: ReadonlySet<string> = new Set(['treatment', 'ehr']);

/** How many care teams / practitioner roles are considered when resolving membership. */
const MEMBERSHIP_LIMIT = 500;

/** What the consent engine needs to know about the requesting organization. */
export interface RequesterFacts {
  readonly organizationId: string;
  /** The requester's organization is a 42 CFR Part 2 program (its writes are Part 2 records). */
  readonly isPart2Program: boolean;
  /** References the requester acts as: its Organization, its CareTeams, its practitioners. */
  readonly memberOf: readonly string[];
  readonly isCoveredEntity: boolean;
}

/**
 * Loads the requester's organization role and memberships from the store (fresh for every
 * request, so a changed care team counts at once).
 */
export async function loadRequesterFacts(store: Store, requester: Requester): Promise<RequesterFacts> {
  const orgRef = `Organization/${requester.organizationId}`;
  const [organization, careTeams, roles] = await Promise.all([
    store.read('Organization', requester.organizationId),
    store.referencesTo([{ type: 'Organization', id: requester.organizationId }], 'CareTeam', 'participant'),
    store.referencesTo([{ type: 'Organization', id: requester.organizationId }], 'PractitionerRole', 'organization'),
  ]);
  const org = organization && !organization.deleted ? (organization.resource as Organization) : undefined;
  const isPart2Program = (org?.type ?? []).some((t) => t.coding?.some((c) => c.system === ORGANIZATION_ROLE_SYSTEM && c.code === PART2_PROGRAM_ROLE));
  const practitioners = roles
    .slice(0, MEMBERSHIP_LIMIT)
    .map((r) => (r.resource as { practitioner?: { reference?: string } }).practitioner?.reference)
    .filter((ref): ref is string => typeof ref === 'string' && ref.startsWith('Practitioner/'));
  return {
    organizationId: requester.organizationId,
    isPart2Program,
    memberOf: [orgRef, ...careTeams.slice(0, MEMBERSHIP_LIMIT).map((t) => `CareTeam/${t.id}`), ...new Set(practitioners)],
    isCoveredEntity: COVERED_SECTORS.has(requester.sector),
  };
}
