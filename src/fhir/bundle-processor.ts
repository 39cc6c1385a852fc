import type { Bundle, BundleEntry, BundleEntryResponse, Resource } from '@medplum/fhirtypes';
import type { Interaction } from '../auth/requester.js';
import { newResourceId } from '../storage/resource-id.js';
import type { ResourceWrite, StoredVersion } from '../storage/store.js';
import { badRequest, invalidBundle } from '../outcomes/index.js';
import { normalizeErrorForEntry } from './bundle-errors.js';
import { parseEntryRequest, locateInEntry, type EntryTarget } from './bundle-entry-request.js';
import { rewriteReferences } from './reference-rewrite.js';
import { assertServedType, parseIfMatch, storedFrom, type FhirRepository } from './repository.js';
import { executeSearch } from './search/execute-search.js';
import { parseSearch } from './search/parse-search.js';

/** Most entries one Bundle may carry. */
export const MAX_BUNDLE_ENTRIES = 5000;

/** Checks the caller may perform `interaction` on `type`; throws a 403 GatewayError if not. */
export type EntryAuthorizer = (type: string, interaction: Interaction) => void;

interface ParsedEntry {
  readonly index: number;
  readonly target: EntryTarget;
  readonly fullUrl?: string;
  readonly resource?: unknown;
  readonly ifNoneExist?: string;
  readonly ifMatch?: string;
}

/**
 * Processes a `batch` or `transaction` Bundle posted to the FHIR base.
 *
 * transaction: every entry is authorized and validated, then all writes go to the store in
 * one atomic batch (INVARIANT: any failing entry means nothing is written); reads run after.
 * batch: entries succeed or fail independently, each with its own response.
 */
export async function processBundle(repo: FhirRepository, body: unknown, base: string, authorize: EntryAuthorizer): Promise<Bundle> {
  const bundle = body as Bundle;
  if (!body || typeof body !== 'object' || bundle.resourceType !== 'Bundle') throw badRequest('The body must be a Bundle.', 'resourceType');
  if (bundle.type !== 'transaction' && bundle.type !== 'batch') {
    throw invalidBundle(`Bundle.type must be \`transaction\` or \`batch\`, not \`${String(bundle.type)}\`.`, 'Bundle.type');
  }
  const entries = bundle.entry ?? [];
  if (!Array.isArray(entries)) throw invalidBundle('Bundle.entry must be an array.', 'Bundle.entry');
  if (entries.length > MAX_BUNDLE_ENTRIES) throw invalidBundle(`A Bundle may carry at most ${MAX_BUNDLE_ENTRIES} entries.`, 'Bundle.entry');
  return bundle.type === 'transaction' ? runTransaction(repo, entries, base, authorize) : runBatch(repo, entries, base, authorize);
}

function parseEntry(entry: BundleEntry, index: number): ParsedEntry {
  const target = parseEntryRequest(index, entry?.request);
  if ((target.method === 'POST' || target.method === 'PUT') && (!entry.resource || typeof entry.resource !== 'object')) {
    throw invalidBundle(`Entry ${index} (${target.method}) has no resource.`, `Bundle.entry[${index}].resource`);
  }
  if (target.method === 'POST' && (target.id !== undefined || target.query !== undefined)) {
    throw invalidBundle(`Entry ${index}: POST must target a type, not \`${entry.request!.url}\`.`, `Bundle.entry[${index}].request.url`);
  }
  if ((target.method === 'PUT' || target.method === 'DELETE') && target.id === undefined && target.query === undefined) {
    throw invalidBundle(`Entry ${index}: ${target.method} needs an id or search parameters.`, `Bundle.entry[${index}].request.url`);
  }
  assertServedType(target.type);
  return {
    index,
    target,
    ...(entry.fullUrl ? { fullUrl: entry.fullUrl } : {}),
    ...(entry.resource ? { resource: entry.resource } : {}),
    ...(entry.request?.ifNoneExist ? { ifNoneExist: entry.request.ifNoneExist } : {}),
    ...(entry.request?.ifMatch ? { ifMatch: entry.request.ifMatch } : {}),
  };
}

function interactionOf(target: EntryTarget): Interaction {
  switch (target.method) {
    case 'POST':
      return 'c';
    case 'PUT':
      return 'u';
    case 'DELETE':
      return 'd';
    case 'GET':
      return target.id === undefined ? 's' : 'r';
  }
}

/** FHIR R4 §3.1.0.11.2 processing order: DELETE, POST, PUT, then GET. */
const ORDER: Record<EntryTarget['method'], number> = { DELETE: 0, POST: 1, PUT: 2, GET: 3 };

async function runTransaction(repo: FhirRepository, rawEntries: BundleEntry[], base: string, authorize: EntryAuthorizer): Promise<Bundle> {
  const entries = rawEntries.map((entry, i) => withEntryLocation(i, () => parseEntry(entry, i)));
  for (const e of entries) withEntryLocation(e.index, () => authorize(e.target.type, interactionOf(e.target)));

  // Ids for every POST first, so urn:uuid references anywhere in the Bundle can be resolved.
  const references = new Map<string, string>();
  const newIds = new Map<number, string>();
  const responses = new Map<number, BundleEntryResponse & { resource?: Resource }>();
  for (const e of entries) {
    if (e.target.method !== 'POST') continue;
    const existing = e.ifNoneExist ? await withEntryLocationAsync(e.index, () => repo.findOneForCondition(e.target.type, e.ifNoneExist!, `Bundle.entry[${e.index}].request.ifNoneExist`)) : undefined;
    const id = existing?.id ?? newResourceId();
    if (existing) responses.set(e.index, versionResponse('200 OK', existing));
    else newIds.set(e.index, id);
    if (e.fullUrl) references.set(e.fullUrl, `${e.target.type}/${id}`);
  }

  const writes: ResourceWrite[] = [];
  const written = new Map<number, ResourceWrite>();
  const targets = new Set<string>();
  const claim = (e: ParsedEntry, key: string): void => {
    if (targets.has(key)) throw invalidBundle(`Entry ${e.index} writes \`${key}\` again; a transaction may touch a resource once.`, `Bundle.entry[${e.index}]`);
    targets.add(key);
  };
  for (const e of [...entries].sort((a, b) => ORDER[a.target.method] - ORDER[b.target.method] || a.index - b.index)) {
    if (e.target.method === 'GET') continue;
    await withEntryLocationAsync(e.index, async () => {
      const resource = e.resource === undefined ? undefined : rewriteReferences(e.resource, references);
      const { type } = e.target;
      if (e.target.method === 'POST') {
        const id = newIds.get(e.index);
        if (id === undefined) return; // conditional create matched an existing resource
        claim(e, `${type}/${id}`);
        const write = await repo.prepareCreate(type, resource, id);
        writes.push(write);
        written.set(e.index, write);
        return;
      }
      const id = e.target.id ?? (await resolveConditional(repo, e));
      if (e.target.method === 'DELETE') {
        if (id === undefined) return responses.set(e.index, { status: '204 No Content' });
        claim(e, `${type}/${id}`);
        const write = await repo.prepareDelete(type, id);
        if (write) writes.push(write);
        return responses.set(e.index, { status: '204 No Content' });
      }
      const putId = id ?? newResourceId();
      claim(e, `${type}/${putId}`);
      const body = id === undefined ? { ...(resource as object), id: putId } : resource;
      const { write, current } = await repo.prepareUpdate(type, putId, body, e.ifMatch ? parseIfMatch(e.ifMatch) : undefined);
      if (write) {
        writes.push(write);
        written.set(e.index, write);
      } else if (current) {
        responses.set(e.index, versionResponse('200 OK', current));
      }
      return undefined;
    });
  }

  await repo.store.write(writes);

  for (const [index, write] of written) {
    responses.set(index, versionResponse(write.op === 'update' ? '200 OK' : '201 Created', storedFrom(write)));
  }
  for (const e of entries) {
    if (e.target.method !== 'GET') continue;
    const resource = await withEntryLocationAsync(e.index, () => readEntry(repo, e.target, base));
    responses.set(e.index, { status: '200 OK', resource });
  }
  return responseBundle('transaction-response', entries.map((e) => responses.get(e.index)!), base);
}

async function runBatch(repo: FhirRepository, rawEntries: BundleEntry[], base: string, authorize: EntryAuthorizer): Promise<Bundle> {
  const responses: (BundleEntryResponse & { resource?: Resource })[] = [];
  for (let i = 0; i < rawEntries.length; i++) {
    try {
      const e = parseEntry(rawEntries[i]!, i);
      authorize(e.target.type, interactionOf(e.target));
      responses.push(await runBatchEntry(repo, e, base));
    } catch (err) {
      responses.push(normalizeErrorForEntry(locateInEntry(err, i)));
    }
  }
  return responseBundle('batch-response', responses, base);
}

async function runBatchEntry(repo: FhirRepository, e: ParsedEntry, base: string): Promise<BundleEntryResponse & { resource?: Resource }> {
  const { type } = e.target;
  switch (e.target.method) {
    case 'GET':
      return { status: '200 OK', resource: await readEntry(repo, e.target, base) };
    case 'POST': {
      const { stored, created } = await repo.create(type, e.resource, e.ifNoneExist);
      return versionResponse(created ? '201 Created' : '200 OK', stored);
    }
    case 'PUT': {
      const id = e.target.id ?? (await resolveConditional(repo, e)) ?? newResourceId();
      const body = e.target.id === undefined ? { ...(e.resource as object), id } : e.resource;
      const { stored, created } = await repo.update(type, id, body, e.ifMatch ? parseIfMatch(e.ifMatch) : undefined);
      return versionResponse(created ? '201 Created' : '200 OK', stored);
    }
    case 'DELETE': {
      const id = e.target.id ?? (await resolveConditional(repo, e));
      if (id !== undefined) await repo.delete(type, id);
      return { status: '204 No Content' };
    }
  }
}

/** An entry response naming the version a write left (or a conditional found). */
function versionResponse(status: string, stored: StoredVersion): BundleEntryResponse & { resource: Resource } {
  return {
    status,
    location: `${stored.resourceType}/${stored.id}/_history/${stored.versionId}`,
    etag: `W/"${stored.versionId}"`,
    lastModified: stored.lastUpdated,
    resource: stored.resource,
  };
}

async function resolveConditional(repo: FhirRepository, e: ParsedEntry): Promise<string | undefined> {
  const match = await repo.findOneForCondition(e.target.type, `?${e.target.query!.toString()}`, `Bundle.entry[${e.index}].request.url`);
  return match?.id;
}

/** A GET entry: read, vread or search, answered as a resource or a searchset Bundle. */
async function readEntry(repo: FhirRepository, target: EntryTarget, base: string): Promise<Resource> {
  if (target.id === undefined) return executeSearch(repo, parseSearch(target.type, target.query ?? new URLSearchParams(), false), base);
  const stored = target.versionId ? await repo.vread(target.type, target.id, target.versionId) : await repo.read(target.type, target.id);
  return stored.resource;
}

function responseBundle(type: 'transaction-response' | 'batch-response', responses: (BundleEntryResponse & { resource?: Resource })[], base: string): Bundle {
  return {
    resourceType: 'Bundle',
    type,
    entry: responses.map(({ resource, ...response }) => ({
      ...(resource && resource.resourceType !== 'Bundle' && resource.id ? { fullUrl: `${base}/${resource.resourceType}/${resource.id}` } : {}),
      ...(resource ? { resource } : {}),
      response,
    })),
  };
}

function withEntryLocation<T>(index: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw locateInEntry(err, index);
  }
}

async function withEntryLocationAsync<T>(index: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw locateInEntry(err, index);
  }
}

