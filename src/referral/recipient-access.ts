/**
 * Would an organization that is not the caller — a referral's recipient (Task.owner,
 * ServiceRequest.performer) or its requester — be permitted to receive these records right now?
 * Asked of the same consent engine, with the same consents read fresh, as if that organization
 * had asked itself (P2-01, P2-15). The referral gate and the OUD priority derivation both use it,
 * so neither can move Part 2 information the recipient could not read.
 */
import type { Organization, Reference } from '@medplum/fhirtypes';
import type { Sector } from '../auth/requester.js';
import { decideAll, type AccessRequest, type Decision } from '../consent/index.js';
import { isPart2Labeled } from '../consent/labels.js';
import { loadConsents, loadEventFacts } from '../enforcement/consent-facts.js';
import { factsOf } from '../enforcement/disclosures.js';
import { loadRequesterFacts, ORGANIZATION_ROLE_SYSTEM, PART2_PROGRAM_ROLE } from '../enforcement/requester-facts.js';
import type { Writer } from '../enforcement/access-policy.js';
import { versionKey, type Store, type StoredVersion } from '../storage/store.js';

const ORGANIZATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/organization-type';
/** Organization roles that make a recipient a treating provider (a HIPAA covered entity, P2-08). */
const PROVIDER_ROLES: ReadonlySet<string> = new Set([PART2_PROGRAM_ROLE, 'treatment-provider', 'correctional-health']);
const EMERGENCY_PURPOSES: ReadonlySet<string> = new Set(['ETREAT', 'BTG']);

/** An organization as the consent engine sees a requester. */
export interface Party {
  readonly organizationId: string;
  readonly request: AccessRequest;
}

/**
 * The purpose a referral moves information for: the writer's token purpose. An emergency purpose
 * is the writer's own (P2-12 is per requester, never passed on), so the referral counts as TREAT.
 */
export function referralPurpose(writer: Writer | undefined): string {
  const purpose = writer?.requester.purposeOfUse ?? 'TREAT';
  return EMERGENCY_PURPOSES.has(purpose) ? 'TREAT' : purpose;
}

/**
 * The organization behind `ref` as a party, or undefined when it is not a live Organization
 * (fail closed: an unresolvable recipient is covered by nothing). An organization without a client
 * has no registered sector; it counts as a treating provider only when its Organization.type says
 * so (HL7 `prov`, or the project roles of treatment providers), otherwise as social services.
 */
export async function partyOf(store: Store, ref: Reference | string | undefined, purposeOfUse: string): Promise<Party | undefined> {
  const target = typeof ref === 'string' ? ref : ref?.reference;
  const id = /^Organization\/([A-Za-z0-9\-.]{1,64})$/.exec(target ?? '')?.[1];
  if (!id) return undefined;
  const stored = await store.read('Organization', id);
  if (!stored || stored.deleted) return undefined;
  const codings = ((stored.resource as Organization).type ?? []).flatMap((t) => t.coding ?? []);
  const provider = codings.some((c) => (c.system === ORGANIZATION_TYPE_SYSTEM && c.code === 'prov') || (c.system === ORGANIZATION_ROLE_SYSTEM && PROVIDER_ROLES.has(c.code ?? '')));
  const sector: Sector = provider ? 'treatment' : 'social-services';
  const facts = await loadRequesterFacts(store, { clientId: `organization:${id}`, organizationId: id, sector, scopes: [], purposeOfUse, tokenId: '' });
  return {
    organizationId: id,
    request: { requester: { clientId: `organization:${id}`, organizationId: id, sector, memberOf: facts.memberOf, isCoveredEntity: facts.isCoveredEntity }, purposeOfUse },
  };
}

/** The writer itself as a party (its registered sector and memberships). */
export function writerParty(writer: Writer, purposeOfUse: string): Party {
  const { requester, facts } = writer;
  return {
    organizationId: facts.organizationId,
    request: { requester: { clientId: requester.clientId, organizationId: facts.organizationId, sector: requester.sector, memberOf: facts.memberOf, isCoveredEntity: facts.isCoveredEntity }, purposeOfUse },
  };
}

/**
 * The Part 2 versions among `versions` that `party` may not receive now. A record the party's own
 * program holds is its own copy, not a disclosure (as in enforcement/disclosures.ts); records that
 * are not Part 2 are never withheld here.
 */
export async function notPermitted(store: Store, party: Party, versions: readonly StoredVersion[], now: Date): Promise<StoredVersion[]> {
  const part2 = versions.filter((v) => isPart2Labeled(v.resource.meta?.security) && v.disclosure.holderOrg !== party.organizationId);
  if (part2.length === 0) return [];
  const decisions = await decide(store, party, part2, now);
  return part2.filter((v) => decisions.get(versionKey(v))?.effect !== 'permit');
}

async function decide(store: Store, party: Party, versions: readonly StoredVersion[], now: Date): Promise<Map<string, Decision>> {
  const facts = versions.map(factsOf);
  const patients = [...new Set(facts.flatMap((f) => (f.patientId ? [f.patientId] : [])))];
  const consents = await loadConsents(store, patients);
  const events = await loadEventFacts(store, consents);
  const decisions = decideAll(party.request, facts, consents, now, { events });
  return new Map(versions.map((v, i) => [versionKey(v), decisions[i]!]));
}

