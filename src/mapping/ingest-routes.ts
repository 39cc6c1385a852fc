/**
 * `/ingest` routes (mounted behind requireAuth): run a mapping over an upload, list dead
 * letters, replay one. Handlers are thin; the work is in ingest-service.ts.
 */
import { Hono, type Context } from 'hono';
import { assertScope } from '../auth/index.js';
import type { Interaction } from '../auth/requester.js';
import type { FhirRepository } from '../fhir/repository.js';
import { fhirBase, fhirJson } from '../http/fhir-response.js';
import { preferences } from '../http/fhir-request.js';
import { badRequest, notFound } from '../outcomes/index.js';
import type { CompiledMapping } from './compiled-mapping.js';
import type { DeadLetterStore } from './dead-letters.js';
import { readIngestBody } from './ingest-input.js';
import { deadLetterBundle } from './ingest-response.js';
import { createIngestService } from './ingest-service.js';
import { createMappingRegistry, type MappingRegistry } from './registry.js';

/** What the ingest routes need. */
export interface IngestRoutesDeps {
  /** The system repository; a request's own (`c.get('repo')`, set by requestAccess) is preferred. */
  readonly repo: FhirRepository;
  readonly deadLetters: DeadLetterStore;
  /** Defaults to the generated mappings. */
  readonly registry?: MappingRegistry;
  readonly now?: () => Date;
}

/** Ingest writes create or update every type a mapping produces, so it needs both scopes. */
function authorizeTypes(c: Context, types: readonly string[], interactions: readonly Interaction[]): void {
  for (const type of types) for (const i of interactions) assertScope(c.get('requester'), type, i);
}

/**
 * The ingest sub-app. Routes:
 * - `POST /{mappingId}[?firstRow=N]` JSON object/array or text/csv → batch-response Bundle
 *   (404 unknown mapping, 415 content type, 413 too many rows or bytes); `firstRow` numbers the
 *   records of a chunk of a larger file, so `record[N+i]` points at the file's own row;
 * - `GET /dead-letters?mapping=&status=open|replayed&_count=&_offset=` → searchset of Parameters;
 * - `POST /dead-letters/{id}/$replay` → batch-response Bundle with the one record.
 */
export function createIngestRoutes(deps: IngestRoutesDeps): Hono {
  const registry = deps.registry ?? createMappingRegistry();
  const service = createIngestService({ deadLetters: deps.deadLetters, now: deps.now ?? (() => new Date()) });
  const app = new Hono();
  // The request's repository carries its consent policy (labels on write, enforcement on reads).
  const repoOf = (c: Context): FhirRepository => (c.get('repo') as FhirRepository | undefined) ?? deps.repo;
  const ingestBase = (c: Context): string => `${new URL(c.req.url).origin}/ingest`;
  const mappingOr404 = (id: string): CompiledMapping => {
    const mapping = registry.get(id);
    if (!mapping) throw notFound(`No mapping \`${id.slice(0, 64)}\`; known mappings: ${registry.ids().join(', ')}.`, 'HTTP_NOT_FOUND');
    return mapping;
  };

  app.get('/dead-letters', async (c) => {
    const mappingId = c.req.query('mapping');
    const types = mappingId ? mappingOr404(mappingId).resourceTypes : registry.ids().flatMap((id) => registry.get(id)!.resourceTypes);
    // Dead letters hold source records (PHI): only a client that may search what they map to sees them.
    authorizeTypes(c, [...new Set(types)], ['s']);
    const status = c.req.query('status');
    if (status !== undefined && status !== 'open' && status !== 'replayed') throw badRequest(`\`status\` must be \`open\` or \`replayed\`, not \`${status.slice(0, 20)}\`.`, 'status');
    const count = Math.min(Number(c.req.query('_count') ?? 100) || 100, 1000);
    const offset = Math.max(Number(c.req.query('_offset') ?? 0) || 0, 0);
    // Raw source records may hold another program's Part 2 data: each organization sees only its own.
    const letters = await deps.deadLetters.list({ submittedBy: c.get('requester').organizationId, ...(mappingId ? { mappingId } : {}), ...(status ? { status } : {}), count, offset });
    return fhirJson(c, deadLetterBundle(letters, ingestBase(c)));
  });

  app.post('/dead-letters/:id/:operation', async (c) => {
    if (c.req.param('operation') !== '$replay') throw notFound(`Unknown dead-letter operation \`${c.req.param('operation').slice(0, 30)}\`.`, 'HTTP_NOT_FOUND');
    const letter = await deps.deadLetters.get(c.req.param('id'), c.get('requester').organizationId);
    if (!letter) throw notFound(`Dead letter \`${c.req.param('id').slice(0, 64)}\` was not found.`);
    const mapping = mappingOr404(letter.mappingId);
    authorizeTypes(c, mapping.resourceTypes, ['c', 'u']);
    return fhirJson(c, await service.replay(repoOf(c), letter, mapping, fhirBase(c), preferences(c).returnPreference === 'minimal'));
  });

  app.post('/:mappingId', async (c) => {
    const mapping = mappingOr404(c.req.param('mappingId'));
    authorizeTypes(c, mapping.resourceTypes, ['c', 'u']);
    const firstRowParam = c.req.query('firstRow') ?? '0';
    if (!/^\d{1,9}$/.test(firstRowParam)) throw badRequest(`\`firstRow\` must be a non-negative integer, not \`${firstRowParam.slice(0, 20)}\`.`, 'firstRow');
    const input = await readIngestBody(c, mapping.spec.input);
    return fhirJson(c, await service.ingest(repoOf(c), mapping, input, fhirBase(c), preferences(c).returnPreference === 'minimal', c.get('requester').organizationId, Number(firstRowParam)));
  });

  return app;
}
