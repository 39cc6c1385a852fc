import { Hono } from 'hono';
import type { AuditLog } from './audit/index.js';
import type { AuthService } from './auth/index.js';
import { createAuthRoutes, requireAuth } from './auth/index.js';
import { buildCapabilityStatement } from './fhir/capability-statement.js';
import type { FhirRepository } from './fhir/repository.js';
import { createFhirRoutes } from './http/fhir-routes.js';
import { fhirBase, fhirJson } from './http/fhir-response.js';
import { createErrorHandler, onNotFound, type ErrorLogger } from './http/on-error.js';
import { requestAccess } from './http/request-access.js';
import { requestId } from './http/request-id.js';
import { createDeadLetterStore, createIngestRoutes } from './mapping/index.js';
import type { SqlConnection } from './storage/sql-connection.js';

export const GATEWAY_VERSION = '0.1.0';

/** Everything the app needs, built by an entry point (node.ts, worker.ts) or a test. */
export interface GatewayDeps {
  readonly repo: FhirRepository;
  readonly auth: AuthService;
  readonly auditLog: AuditLog;
  readonly now?: () => Date;
  /** Loaded profile URLs by resource type, advertised in the CapabilityStatement. */
  readonly profiles: Readonly<Record<string, readonly string[]>>;
  readonly log?: ErrorLogger;
  /** The SQL connection for the ingest dead-letter queue; without it `/ingest` is not mounted. */
  readonly conn?: SqlConnection;
}

/**
 * Builds the gateway from its parts, with no runtime specifics. Request path (ARCHITECTURE §1):
 * request id → auth (token → requester) → request policy → route → validation/labeling/storage
 * → consent enforcement on every read → audit appended → response. Every error leaves through
 * the one onError as an OperationOutcome.
 */
export function createApp(deps: GatewayDeps): Hono {
  // strict: false so `/fhir` and `/fhir/` are the same base (transactions are posted to both).
  const app = new Hono({ strict: false });
  app.use('*', requestId());

  app.get('/healthz', (c) => c.json({ status: 'ok', version: GATEWAY_VERSION }));
  app.get('/fhir/metadata', (c) => fhirJson(c, buildCapabilityStatement({ base: fhirBase(c), version: GATEWAY_VERSION, profiles: deps.profiles })));
  app.route('/', createAuthRoutes(deps.auth));

  for (const path of ['/fhir', '/fhir/*']) {
    app.use(path, requireAuth(deps.auth));
    app.use(path, requestAccess(deps.repo, deps.auditLog, deps.now));
  }
  app.route('/fhir', createFhirRoutes({ auth: deps.auth, auditLog: deps.auditLog, now: deps.now ?? (() => new Date()) }));

  if (deps.conn) {
    app.use('/ingest/*', requireAuth(deps.auth));
    // Same request policy as /fhir: ingest writes are labeled with the writer's facts (P2-18) and
    // anything echoed back goes through consent enforcement and audit.
    app.use('/ingest/*', requestAccess(deps.repo, deps.auditLog, deps.now));
    app.route('/ingest', createIngestRoutes({ repo: deps.repo, deadLetters: createDeadLetterStore(deps.conn) }));
  }

  app.onError(createErrorHandler(deps.log));
  app.notFound(onNotFound);
  return app;
}
