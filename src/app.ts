import { Hono } from 'hono';
import type { AuthService } from './auth/index.js';
import { createAuthRoutes, requireAuth } from './auth/index.js';
import { buildCapabilityStatement } from './fhir/capability-statement.js';
import type { FhirRepository } from './fhir/repository.js';
import { createFhirRoutes } from './http/fhir-routes.js';
import { fhirBase, fhirJson } from './http/fhir-response.js';
import { createErrorHandler, onNotFound, type ErrorLogger } from './http/on-error.js';
import { requestId } from './http/request-id.js';

export const GATEWAY_VERSION = '0.1.0';

/** Everything the app needs, built by an entry point (node.ts, worker.ts) or a test. */
export interface GatewayDeps {
  readonly repo: FhirRepository;
  readonly auth: AuthService;
  /** Loaded profile URLs by resource type, advertised in the CapabilityStatement. */
  readonly profiles: Readonly<Record<string, readonly string[]>>;
  readonly log?: ErrorLogger;
}

/**
 * Builds the gateway from its parts, with no runtime specifics. Request path:
 * request id → auth (token → requester) → route → validation/storage → response; every error
 * leaves through the one onError as an OperationOutcome.
 */
export function createApp(deps: GatewayDeps): Hono {
  // strict: false so `/fhir` and `/fhir/` are the same base (transactions are posted to both).
  const app = new Hono({ strict: false });
  app.use('*', requestId());

  app.get('/healthz', (c) => c.json({ status: 'ok', version: GATEWAY_VERSION }));
  app.get('/fhir/metadata', (c) => fhirJson(c, buildCapabilityStatement({ base: fhirBase(c), version: GATEWAY_VERSION, profiles: deps.profiles })));
  app.route('/', createAuthRoutes(deps.auth));

  app.use('/fhir/*', requireAuth(deps.auth));
  app.use('/fhir', requireAuth(deps.auth));
  app.route('/fhir', createFhirRoutes(deps.repo));

  app.onError(createErrorHandler(deps.log));
  app.notFound(onNotFound);
  return app;
}
