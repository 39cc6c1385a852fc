import { Hono, type Context } from 'hono';
import type { Resource } from '@medplum/fhirtypes';
import type { Interaction } from '../auth/requester.js';
import { assertScope } from '../auth/index.js';
import { informational, methodNotAllowed, unsupportedMediaType } from '../outcomes/index.js';
import { historyBundle, pageLinks } from '../fhir/bundles.js';
import { processBundle } from '../fhir/bundle-processor.js';
import { assertServedType, parseIfMatch, type WriteOutcome } from '../fhir/repository.js';
import { executeSearch } from '../fhir/search/execute-search.js';
import { parseSearch } from '../fhir/search/parse-search.js';
import { fhirBase, fhirJson } from './fhir-response.js';
import { assertAcceptsJson, preferences, queryParams } from './fhir-request.js';
import { readJsonBody } from './json-body.js';
import { newResourceId } from '../storage/resource-id.js';
import { createOperationRoutes, type OperationDeps } from '../operations/routes.js';

/** Checks the served type first (404 for unknown types) and then the token's scope (403). */
function authorize(c: Context, type: string, interaction: Interaction): void {
  assertServedType(type);
  assertScope(c.get('requester'), type, interaction);
}

/**
 * The FHIR REST interactions under `/fhir` (mounted after `requireAuth` and `requestAccess`).
 * Each handler is thin: parse, authorize, call the request's repository (`c.get('repo')`, bound
 * to its consent policy), shape the response.
 */
export function createFhirRoutes(operations: OperationDeps): Hono {
  const app = new Hono();

  app.use('*', async function acceptsJson(c, next) {
    assertAcceptsJson(c);
    await next();
  });

  app.route('/', createOperationRoutes(operations));

  const postBundle = async (c: Context) => {
    const body = await readJsonBody(c);
    const bundle = await processBundle(c.get('repo'), body, fhirBase(c), (type, interaction) => authorize(c, type, interaction));
    return fhirJson(c, bundle);
  };
  app.post('/', postBundle);

  app.get('/_history', async (c) => {
    // System history crosses every type, so only a wildcard search scope may read it.
    assertScope(c.get('requester'), '*', 's');
    return history(c, undefined, undefined);
  });

  app.get('/:type', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 's');
    const parsed = parseSearch(type, queryParams(c), preferences(c).strict);
    return fhirJson(c, await executeSearch(c.get('repo'), parsed, fhirBase(c)));
  });

  app.post('/:type/_search', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 's');
    const contentType = c.req.header('content-type')?.split(';')[0]?.trim();
    if (contentType !== 'application/x-www-form-urlencoded') throw unsupportedMediaType(contentType);
    const params = new URLSearchParams(await c.req.text());
    for (const [name, value] of queryParams(c)) params.append(name, value);
    return fhirJson(c, await executeSearch(c.get('repo'), parseSearch(type, params, preferences(c).strict), fhirBase(c)));
  });

  app.post('/:type', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 'c');
    const body = await readJsonBody(c);
    const ifNoneExist = c.req.header('if-none-exist');
    return writeResponse(c, await c.get('repo').create(type, body, ifNoneExist));
  });

  app.put('/:type', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 'u');
    const body = await readJsonBody(c);
    const match = await c.get('repo').findOneForCondition(type, `?${queryParams(c).toString()}`, 'search parameters');
    const id = match?.id ?? newResourceId();
    authorize(c, type, match ? 'u' : 'c');
    return writeResponse(c, await c.get('repo').update(type, id, { ...(body as object), id }, ifMatchOf(c)));
  });

  app.delete('/:type', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 'd');
    const match = await c.get('repo').findOneForCondition(type, `?${queryParams(c).toString()}`, 'search parameters');
    if (match) await c.get('repo').delete(type, match.id);
    return fhirJson(c, informational(match ? `Deleted \`${type}/${match.id}\`.` : 'No resource matched; nothing was deleted.'));
  });

  app.get('/:type/_history', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 's');
    return history(c, type, undefined);
  });

  app.get('/:type/:id', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 'r');
    return fhirJson(c, (await c.get('repo').read(type, c.req.param('id'))).resource);
  });

  app.put('/:type/:id', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 'u');
    const body = await readJsonBody(c);
    return writeResponse(c, await c.get('repo').update(type, c.req.param('id'), body, ifMatchOf(c)));
  });

  app.delete('/:type/:id', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 'd');
    const id = c.req.param('id');
    await c.get('repo').delete(type, id);
    return fhirJson(c, informational(`Deleted \`${type}/${id}\`.`));
  });

  app.get('/:type/:id/_history', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 'r');
    return history(c, type, c.req.param('id'));
  });

  app.get('/:type/:id/_history/:vid', async (c) => {
    const type = c.req.param('type');
    authorize(c, type, 'r');
    return fhirJson(c, (await c.get('repo').vread(type, c.req.param('id'), c.req.param('vid'))).resource);
  });

  app.on(['PATCH', 'HEAD', 'OPTIONS'], ['/', '/:type', '/:type/:id', '/:type/:id/*'], (c) => {
    throw methodNotAllowed(c.req.method, new URL(c.req.url).pathname);
  });
  return app;
}

function ifMatchOf(c: Context): number | undefined {
  const header = c.req.header('if-match');
  return header === undefined ? undefined : parseIfMatch(header);
}

function writeResponse(c: Context, outcome: WriteOutcome): Response {
  const { stored, created } = outcome;
  const location = `${fhirBase(c)}/${stored.resourceType}/${stored.id}/_history/${stored.versionId}`;
  const status = created ? 201 : 200;
  const { returnPreference } = preferences(c);
  if (returnPreference === 'minimal') {
    c.header('ETag', `W/"${stored.versionId}"`);
    c.header('Location', location);
    return c.body(null, status);
  }
  const body: Resource = returnPreference === 'OperationOutcome' ? informational(created ? 'Created.' : 'Updated.') : stored.resource;
  return fhirJson(c, body, status, { Location: location, ETag: `W/"${stored.versionId}"`, 'Last-Modified': new Date(stored.lastUpdated).toUTCString() });
}

async function history(c: Context, type: string | undefined, id: string | undefined): Promise<Response> {
  const params = queryParams(c);
  const result = await c.get('repo').history(type, id, params);
  const base = fhirBase(c);
  const path = `${base}${type ? `/${type}` : ''}${id ? `/${id}` : ''}/_history`;
  const kept = new URLSearchParams();
  const since = params.get('_since');
  if (since) kept.set('_since', since);
  const links = pageLinks({ path, params: kept, count: result.count, offset: result.offset, total: result.total, pageSize: result.versions.length });
  return fhirJson(c, historyBundle(base, result.versions, result.total, links));
}
