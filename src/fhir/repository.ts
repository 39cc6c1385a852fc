import type { Consent, Resource } from '@medplum/fhirtypes';
import { checkConsentIntake } from '../consent/index.js';
import { createSystemPolicy, type AccessPolicy, type Writer } from '../enforcement/access-policy.js';
import type { DisclosureInteraction } from '../enforcement/disclosures.js';
import { newResourceId } from '../storage/resource-id.js';
import { versionKey, type HistoryResult, type ResourceWrite, type Store, type StoredVersion } from '../storage/store.js';
import type { SearchResult } from '../storage/search-query.js';
import { badRequest, gone, notFound, preconditionFailed, unprocessable } from '../outcomes/index.js';
import { isGatewayResourceType } from './resource-types.js';
import { parseSearch, type ParsedSearch } from './search/parse-search.js';
import { sameContent, withMeta } from './resource-meta.js';
import { historyVisible, searchVisible } from './visible-queries.js';

/** What the repository needs from conformance: a validator that throws a 422 GatewayError. */
export interface WriteValidator {
  validate(resource: unknown): Resource;
}

/** The result of a write: the stored version and whether it was newly created. */
export interface WriteOutcome {
  readonly stored: StoredVersion;
  readonly created: boolean;
  /** True when an update carried no change, so no version was written. */
  readonly unchanged?: boolean;
}

/** What a write rule sees: the validated resource about to be written and what it replaces. */
export interface WriteChange {
  readonly resource: Resource;
  /** The stored version it replaces (a tombstone keeps its last content); undefined on create. */
  readonly previous: StoredVersion | undefined;
  /** Who writes; undefined for the gateway's own writes (system policy). */
  readonly writer: Writer | undefined;
  /** For lookups the rule needs (e.g. a PractitionerRole's organization); never for writing. */
  readonly store: Store;
}

/**
 * A business rule run on every create and update — REST, transaction and batch entries, ingest —
 * after validation and before labeling. It refuses by throwing a GatewayError; nothing is then
 * written, because every write is prepared in full before any is sent to the store. It may
 * return a replacement resource to fill a server-assigned element (each rule documents which);
 * the replacement is validated again. Deletes do not run rules.
 */
export type WriteRule = (change: WriteChange) => Promise<Resource | undefined>;

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
/** Versions of one resource an instance history reads before paging (each is decided on). */
const MAX_INSTANCE_VERSIONS = 1000;

/** Refuses ids that are not valid FHIR ids before they reach a query. */
export function assertValidId(id: string, expression = 'id'): void {
  if (!ID_PATTERN.test(id)) throw badRequest(`\`${id.slice(0, 70)}\` is not a valid FHIR id.`, expression);
}

export function assertServedType(type: string): void {
  if (!isGatewayResourceType(type)) throw notFound(`Resource type \`${type.slice(0, 70)}\` is not served here.`, 'FHIR_UNKNOWN_RESOURCE_TYPE');
}

/** Parses `W/"3"` (or `"3"`, or `3`) into a version number. */
export function parseIfMatch(header: string): number {
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!m) throw badRequest(`\`If-Match\` must be a version ETag like \`W/"3"\`, not \`${header}\`.`, 'If-Match');
  return Number(m[1]);
}

const hidden = (type: string, id: string) => notFound(`\`${type}/${id}\` was not found.`);

/**
 * FHIR REST semantics over a Store: ids, versions, meta, validation and preconditions, with the
 * request's AccessPolicy applied on every path (Medplum's repository-per-login): writes are
 * labeled, reads see only what the policy releases. A record the requester may not see answers
 * exactly like one that does not exist (404), because its existence is itself protected (P2-17).
 * Every write is validated before anything is written; a failure writes nothing.
 */
export class FhirRepository {
  constructor(
    readonly store: Store,
    private readonly validator: WriteValidator,
    private readonly now: () => Date = () => new Date(),
    readonly policy: AccessPolicy = createSystemPolicy(store),
    /** Capability rules every write must pass (e.g. the referral Task workflow); see buildGateway. */
    private readonly writeRules: readonly WriteRule[] = [],
  ) {}

  /** The same repository bound to one request's policy (and, optionally, a per-request view of the store). */
  withPolicy(policy: AccessPolicy, store: Store = this.store): FhirRepository {
    return new FhirRepository(store, this.validator, this.now, policy, this.writeRules);
  }

  /** Current version; 404 if it never existed or may not be seen, 410 if deleted. */
  async read(type: string, id: string): Promise<StoredVersion> {
    assertServedType(type);
    assertValidId(id);
    return this.releaseOne(await this.store.read(type, id), type, id, 'read');
  }

  async vread(type: string, id: string, versionId: string): Promise<StoredVersion> {
    assertServedType(type);
    assertValidId(id);
    const stored = /^\d{1,9}$/.test(versionId) ? await this.store.vread(type, id, Number(versionId)) : undefined;
    return this.releaseOne(stored, type, id, 'vread');
  }

  private async releaseOne(stored: StoredVersion | undefined, type: string, id: string, interaction: DisclosureInteraction): Promise<StoredVersion> {
    if (!stored) throw hidden(type, id);
    if (stored.deleted) {
      // A tombstone keeps the last content and labels: say "gone" only to someone who could see it.
      if ((await this.policy.deniedAmong([stored])).size > 0) throw hidden(type, id);
      throw gone(`\`${type}/${id}\` was deleted.`);
    }
    const [released] = await this.policy.release([stored], interaction);
    if (!released) throw hidden(type, id);
    return released;
  }

  /** Validates, labels and prepares a create without writing it (transactions batch the writes). */
  async prepareCreate(type: string, body: unknown, id: string = newResourceId()): Promise<ResourceWrite> {
    const resource = await this.applyWriteRules(this.validateFor(type, body), undefined);
    const lastUpdated = this.now().toISOString();
    const { resource: labeled, disclosure } = await this.policy.prepareWrite(withMeta({ ...resource, id }, 1, lastUpdated), undefined);
    return { op: 'create', resource: labeled, versionId: 1, lastUpdated, expectedVersion: 0, disclosure };
  }

  async create(type: string, body: unknown, ifNoneExist?: string): Promise<WriteOutcome> {
    assertServedType(type);
    if (ifNoneExist !== undefined) {
      const existing = await this.findOneForCondition(type, ifNoneExist, 'If-None-Exist');
      if (existing) return { stored: existing, created: false };
    }
    const write = await this.prepareCreate(type, body);
    await this.store.write([write]);
    return { stored: storedFrom(write), created: true };
  }

  /**
   * Validates, labels and prepares an update (or update-as-create for a new client-assigned id).
   * Returns no write when the content is unchanged, so no empty version is written.
   */
  async prepareUpdate(type: string, id: string, body: unknown, ifMatch?: number): Promise<{ write?: ResourceWrite; current?: StoredVersion }> {
    assertServedType(type);
    assertValidId(id);
    const validated = this.validateFor(type, body);
    if (validated.id !== id) {
      throw badRequest(`The body's id \`${String(validated.id)}\` does not match the URL id \`${id}\`.`, `${type}.id`, 'FHIR_ID_MISMATCH');
    }
    const current = await this.store.read(type, id);
    if (current && (await this.policy.deniedAmong([current])).size > 0) throw hidden(type, id);
    const currentVersion = current?.versionId ?? 0;
    if (ifMatch !== undefined && ifMatch !== currentVersion) {
      throw preconditionFailed(`\`If-Match\` version ${ifMatch} does not match the current version ${currentVersion} of \`${type}/${id}\`.`);
    }
    const resource = await this.applyWriteRules(validated, current);
    const versionId = currentVersion + 1;
    const lastUpdated = this.now().toISOString();
    const { resource: labeled, disclosure } = await this.policy.prepareWrite(withMeta({ ...resource, id }, versionId, lastUpdated), current);
    if (current && !current.deleted && sameContent(current.resource, labeled)) return { current };
    const op = current && !current.deleted ? 'update' : 'create';
    return { write: { op, resource: labeled, versionId, lastUpdated, expectedVersion: currentVersion, disclosure }, ...(current ? { current } : {}) };
  }

  async update(type: string, id: string, body: unknown, ifMatch?: number): Promise<WriteOutcome> {
    const { write, current } = await this.prepareUpdate(type, id, body, ifMatch);
    if (!write) return { stored: current!, created: false, unchanged: true };
    await this.store.write([write]);
    return { stored: storedFrom(write), created: write.op === 'create' };
  }

  /** Prepares a delete; undefined when there is nothing live to delete (already deleted). */
  async prepareDelete(type: string, id: string): Promise<ResourceWrite | undefined> {
    assertServedType(type);
    assertValidId(id);
    const current = await this.store.read(type, id);
    if (!current || (await this.policy.deniedAmong([current])).size > 0) throw hidden(type, id);
    if (current.deleted) return undefined;
    const versionId = current.versionId + 1;
    const lastUpdated = this.now().toISOString();
    const resource = withMeta({ ...current.resource, id }, versionId, lastUpdated);
    return { op: 'delete', resource, versionId, lastUpdated, expectedVersion: current.versionId, disclosure: current.disclosure };
  }

  async delete(type: string, id: string): Promise<void> {
    const write = await this.prepareDelete(type, id);
    if (write) await this.store.write([write]);
  }

  /** Matches the requester may see, released (obligations applied, disclosure recorded). */
  async search(parsed: ParsedSearch): Promise<SearchResult<StoredVersion>> {
    assertServedType(parsed.query.resourceType);
    const result = await searchVisible(this.store, this.policy, parsed.query);
    return { ...result, resources: await this.policy.release(result.resources, 'search-type') };
  }

  /** `_include` / `_revinclude` targets, through the same policy as everything else. */
  async included(found: StoredVersion[]): Promise<StoredVersion[]> {
    return this.policy.release(found, 'search-type');
  }

  async history(type: string | undefined, id: string | undefined, params: URLSearchParams): Promise<HistoryResult & { count: number; offset: number }> {
    if (type) assertServedType(type);
    const count = Math.min(Number(params.get('_count') ?? 50) || 50, 1000);
    const offset = Number(params.get('_offset') ?? 0) || 0;
    const since = params.get('_since') ?? undefined;
    if (since !== undefined && Number.isNaN(Date.parse(since))) throw badRequest(`\`_since\` must be an instant, not \`${since}\`.`, '_since');
    const window = { ...(since ? { since: new Date(since).toISOString() } : {}) };
    if (id) {
      assertValidId(id);
      // A record the requester may not see now has no visible history either (P2-17); older
      // versions are then each decided on their own labels.
      const current = await this.store.read(type!, id);
      if (!current || (await this.policy.deniedAmong([current])).size > 0) throw hidden(type!, id);
      const all = await this.store.history({ resourceType: type!, id, ...window, count: MAX_INSTANCE_VERSIONS, offset: 0 });
      const denied = await this.policy.deniedAmong(all.versions);
      const visibleVersions = all.versions.filter((v) => !denied.has(versionKey(v)));
      const page = visibleVersions.slice(offset, offset + count);
      return { versions: await this.releaseHistory(page), total: visibleVersions.length, count, offset };
    }
    const result = await historyVisible(this.store, this.policy, { ...(type ? { resourceType: type } : {}), ...window, count, offset });
    return { versions: await this.releaseHistory(result.versions), total: result.total, count, offset };
  }

  /** Tombstones carry no content in a history Bundle; live versions go through release. */
  private async releaseHistory(versions: StoredVersion[]): Promise<StoredVersion[]> {
    const live = await this.policy.release(versions.filter((v) => !v.deleted), 'history-type');
    const byKey = new Map(live.map((v) => [versionKey(v), v]));
    return versions.flatMap((v) => (v.deleted ? [v] : (byKey.get(versionKey(v)) ?? [])));
  }

  /**
   * Resolves a conditional (`If-None-Exist` or a transaction's `ifNoneExist`): 0 matches →
   * undefined, 1 → that resource, more → 412 as FHIR R4 §3.1.0.8.1 requires. Records the
   * requester may not see do not match: a condition must not reveal that they exist (P2-17).
   */
  async findOneForCondition(type: string, condition: string, where: string): Promise<StoredVersion | undefined> {
    const params = new URLSearchParams(condition.startsWith('?') ? condition.slice(1) : condition.replace(/^[A-Za-z]+\?/, ''));
    if ([...params.keys()].length === 0) throw badRequest(`\`${where}\` must carry search parameters.`, where);
    const parsed = parseSearch(type, params, true);
    const result = await searchVisible(this.store, this.policy, { ...parsed.query, count: 2, offset: 0, total: false });
    if (result.resources.length > 1) throw preconditionFailed(`\`${where}\` matched more than one \`${type}\`.`, 'FHIR_MULTIPLE_MATCHES');
    const [match] = result.resources;
    return match ? (await this.policy.release([match], 'search-type'))[0] : undefined;
  }

  /** Runs the write rules in order; a replacement is validated again (INVARIANT: only valid resources are written). */
  private async applyWriteRules(resource: Resource, previous: StoredVersion | undefined): Promise<Resource> {
    if (this.writeRules.length === 0) return resource;
    const writer = await this.policy.writer();
    let current = resource;
    for (const rule of this.writeRules) {
      const replacement = await rule({ resource: current, previous, writer, store: this.store });
      if (replacement) current = this.validator.validate(replacement);
    }
    return current;
  }

  private validateFor(type: string, body: unknown): Resource {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The body must be a FHIR resource object.');
    const declared = (body as { resourceType?: unknown }).resourceType;
    if (declared !== type) {
      throw badRequest(`The body's resourceType \`${String(declared)}\` does not match the URL type \`${type}\`.`, 'resourceType');
    }
    const resource = this.validator.validate(body);
    if (resource.resourceType === 'Consent' && isPart2Consent(resource)) {
      // P2-02: a Part 2 consent missing a §2.31 element is refused at intake, naming it.
      const issues = checkConsentIntake(resource);
      if (issues.length > 0) throw unprocessable(issues);
    }
    return resource;
  }
}

/** Privacy consents are Part 2 consents here: the gateway enforces them (PART2-RULES). */
function isPart2Consent(consent: Consent): boolean {
  return consent.scope?.coding?.some((c) => c.code === 'patient-privacy') ?? false;
}

/** The StoredVersion a successful write leaves behind, without reading it back. */
export function storedFrom(write: ResourceWrite): StoredVersion {
  return {
    resource: write.resource,
    resourceType: write.resource.resourceType,
    id: write.resource.id,
    versionId: write.versionId,
    lastUpdated: write.lastUpdated,
    deleted: write.op === 'delete',
    disclosure: write.disclosure ?? { part2: true },
  };
}
