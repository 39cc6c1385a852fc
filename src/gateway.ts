import type { Hono } from 'hono';
import { createApp } from './app.js';
import { createAuditLog, type AuditLog } from './audit/index.js';
import { createAuthService, type AuthService } from './auth/index.js';
import { createValidator, loadDefinitions } from './conformance/index.js';
import { createCareCoordinator, type CareCoordinator } from './coordination/index.js';
import { createIndicatorRoutes } from './indicators/index.js';
import { createSystemPolicy } from './enforcement/access-policy.js';
import { FhirRepository } from './fhir/repository.js';
import { REFERRAL_WRITE_RULES } from './referral/index.js';
import { createNotifier, createSubscriptionStatusRoutes, subscriptionRule, type Notifier, type NotifierOptions } from './notify/index.js';
import type { ErrorLogger } from './http/on-error.js';
import { createSqlStore } from './storage/sql-store.js';
import type { SqlConnection } from './storage/sql-connection.js';
import type { Store } from './storage/store.js';

export interface GatewayOptions {
  /** A migrated database connection (libSQL on Node, D1 on Workers). */
  readonly conn: SqlConnection;
  readonly now?: () => Date;
  /** Issuer/audience base for access tokens, e.g. `http://localhost:8787`. */
  readonly issuer?: string;
  readonly log?: ErrorLogger;
  /** Where resources live; default the SQL store over `conn` (upstream mode passes createUpstreamStore). */
  readonly store?: Store;
  /** Retry, timeout and concurrency of Subscription delivery (tests shorten them). */
  readonly notify?: NotifierOptions;
}

export interface Gateway {
  readonly app: Hono;
  readonly repo: FhirRepository;
  readonly auth: AuthService;
  readonly auditLog: AuditLog;
  /** Subscription notifications: `start()` the loop (Node), `tick()` (Workers cron), `drain()` (tests). */
  readonly notifier: Notifier;
  /** Care-coordination reactions on the change feed; call `start()` (Node) or `drain()` (tests). */
  readonly careCoordinator: CareCoordinator;
}

/** Wires store, validator, repository, auth and routes over one connection; runtime-agnostic. */
export async function buildGateway(options: GatewayOptions): Promise<Gateway> {
  await loadDefinitions();
  const validator = await createValidator();
  const now = options.now ?? (() => new Date());
  const store = options.store ?? createSqlStore(options.conn);
  // Capability rules run on every write path (REST, transactions, ingest); the gateway's own
  // system writes (seeding) go through them too.
  const repo = new FhirRepository(store, validator, now, createSystemPolicy(store), [...REFERRAL_WRITE_RULES, subscriptionRule]);
  const auth = createAuthService({ sql: options.conn, now, ...(options.issuer ? { issuer: options.issuer } : {}) });
  const auditLog = createAuditLog(options.conn);
  const app = createApp({ repo, auth, auditLog, now, conn: options.conn, profiles: validator.profilesByType(), ...(options.log ? { log: options.log } : {}) });
  app.route('/fhir', createSubscriptionStatusRoutes(options.conn));
  const notifier = createNotifier({ repo, conn: options.conn, auth, auditLog, now }, options.notify);
  // Program indicators read the SQL tables directly (aggregates only; admin sector).
  app.route('/fhir', createIndicatorRoutes({ conn: options.conn, now, resourcesAreLocal: options.store === undefined }));
  const careCoordinator = createCareCoordinator({ repo, conn: options.conn, now });
  return { app, repo, auth, auditLog, careCoordinator, notifier };
}

