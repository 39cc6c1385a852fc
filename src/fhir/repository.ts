import type { Resource } from '@medplum/fhirtypes';
import type { HistoryResult, ResourceWrite, Store, StoredVersion } from '../storage/store.js';
import type { SearchResult } from '../storage/search-query.js';
import { badRequest, gone, notFound, preconditionFailed } from '../outcomes/index.js';
import { isGatewayResourceType } from './resource-types.js';
import { parseSearch, type ParsedSearch } from './search/parse-search.js';
import { sameContent, withMeta } from './resource-meta.js';

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

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

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

/**
 * FHIR REST semantics over a Store: ids, versions, meta, validation and preconditions.
 * Every write is validated before anything is written; a failure writes nothing.
 */
export class FhirRepository {
  constructor(
    readonly store: Store,
    private readonly validator: WriteValidator,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Current version; 404 if it never existed, 410 if deleted. */
  async read(type: string, id: string): Promise<StoredVersion> {
    assertServedType(type);
    assertValidId(id);
    const stored = await this.store.read(type, id);
    if (!stored) throw notFound(`\`${type}/${id}\` was not found.`);
    if (stored.deleted) throw gone(`\`${type}/${id}\` was deleted.`);
    return stored;
  }

  async vread(type: string, id: string, versionId: string): Promise<StoredVersion> {
    assertServedType(type);
    assertValidId(id);
    if (!/^\d{1,9}$/.test(versionId)) throw notFound(`Version \`${versionId.slice(0, 20)}\` of \`${type}/${id}\` was not found.`);
    const stored = await this.store.vread(type, id, Number(versionId));
    if (!stored) throw notFound(`Version \`${versionId}\` of \`${type}/${id}\` was not found.`);
    if (stored.deleted) throw gone(`Version \`${versionId}\` of \`${type}/${id}\` is a deletion.`);
    return stored;
  }

  /** Validates and prepares a create without writing it (transactions batch the writes). */
  prepareCreate(type: string, body: unknown, id: string = crypto.randomUUID()): ResourceWrite {
    const resource = this.validateFor(type, body);
    const lastUpdated = this.now().toISOString();
    return { op: 'create', resource: withMeta({ ...resource, id }, 1, lastUpdated), versionId: 1, lastUpdated, expectedVersion: 0 };
  }

  async create(type: string, body: unknown, ifNoneExist?: string): Promise<WriteOutcome> {
    assertServedType(type);
    if (ifNoneExist !== undefined) {
      const existing = await this.findOneForCondition(type, ifNoneExist, 'If-None-Exist');
      if (existing) return { stored: existing, created: false };
    }
    const write = this.prepareCreate(type, body);
    await this.store.write([write]);
    return { stored: storedFrom(write), created: true };
  }

  /**
   * Validates and prepares an update (or update-as-create for a new client-assigned id).
   * Returns undefined when the content is unchanged, so no empty version is written.
   */
  async prepareUpdate(type: string, id: string, body: unknown, ifMatch?: number): Promise<{ write?: ResourceWrite; current?: StoredVersion }> {
    assertServedType(type);
    assertValidId(id);
    const resource = this.validateFor(type, body);
    if (resource.id !== id) {
      throw badRequest(`The body's id \`${String(resource.id)}\` does not match the URL id \`${id}\`.`, `${type}.id`, 'FHIR_ID_MISMATCH');
    }
    const current = await this.store.read(type, id);
    const currentVersion = current?.versionId ?? 0;
    if (ifMatch !== undefined && ifMatch !== currentVersion) {
      throw preconditionFailed(`\`If-Match\` version ${ifMatch} does not match the current version ${currentVersion} of \`${type}/${id}\`.`);
    }
    if (current && !current.deleted && sameContent(current.resource, resource)) return { current };
    const versionId = currentVersion + 1;
    const lastUpdated = this.now().toISOString();
    const op = current && !current.deleted ? 'update' : 'create';
    return {
      write: { op, resource: withMeta({ ...resource, id }, versionId, lastUpdated), versionId, lastUpdated, expectedVersion: currentVersion },
      ...(current ? { current } : {}),
    };
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
    if (!current) throw notFound(`\`${type}/${id}\` was not found.`);
    if (current.deleted) return undefined;
    const versionId = current.versionId + 1;
    const lastUpdated = this.now().toISOString();
    const resource = withMeta({ ...current.resource, id }, versionId, lastUpdated);
    return { op: 'delete', resource, versionId, lastUpdated, expectedVersion: current.versionId };
  }

  async delete(type: string, id: string): Promise<void> {
    const write = await this.prepareDelete(type, id);
    if (write) await this.store.write([write]);
  }

  async search(parsed: ParsedSearch): Promise<SearchResult<StoredVersion>> {
    assertServedType(parsed.query.resourceType);
    return this.store.search(parsed.query);
  }

  async history(type: string | undefined, id: string | undefined, params: URLSearchParams): Promise<HistoryResult & { count: number; offset: number }> {
    if (type) assertServedType(type);
    if (id) {
      assertValidId(id);
      const exists = await this.store.read(type!, id);
      if (!exists) throw notFound(`\`${type}/${id}\` was not found.`);
    }
    const count = Math.min(Number(params.get('_count') ?? 50) || 50, 1000);
    const offset = Number(params.get('_offset') ?? 0) || 0;
    const since = params.get('_since') ?? undefined;
    if (since !== undefined && Number.isNaN(Date.parse(since))) throw badRequest(`\`_since\` must be an instant, not \`${since}\`.`, '_since');
    const result = await this.store.history({
      ...(type ? { resourceType: type } : {}),
      ...(id ? { id } : {}),
      ...(since ? { since: new Date(since).toISOString() } : {}),
      count,
      offset,
    });
    return { ...result, count, offset };
  }

  /**
   * Resolves a conditional (`If-None-Exist` or a transaction's `ifNoneExist`): 0 matches →
   * undefined, 1 → that resource, more → 412 as FHIR R4 §3.1.0.8.1 requires.
   */
  async findOneForCondition(type: string, condition: string, where: string): Promise<StoredVersion | undefined> {
    const params = new URLSearchParams(condition.startsWith('?') ? condition.slice(1) : condition.replace(/^[A-Za-z]+\?/, ''));
    if ([...params.keys()].length === 0) throw badRequest(`\`${where}\` must carry search parameters.`, where);
    const parsed = parseSearch(type, params, true);
    const result = await this.store.search({ ...parsed.query, count: 2, offset: 0, total: false });
    if (result.resources.length > 1) throw preconditionFailed(`\`${where}\` matched more than one \`${type}\`.`, 'FHIR_MULTIPLE_MATCHES');
    return result.resources[0];
  }

  private validateFor(type: string, body: unknown): Resource {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The body must be a FHIR resource object.');
    const declared = (body as { resourceType?: unknown }).resourceType;
    if (declared !== type) {
      throw badRequest(`The body's resourceType \`${String(declared)}\` does not match the URL type \`${type}\`.`, 'resourceType');
    }
    return this.validator.validate(body);
  }
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
    disclosure: write.disclosure ?? { part2: false },
  };
}
