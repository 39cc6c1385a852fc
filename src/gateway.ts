import type { Hono } from 'hono';
import { createApp } from './app.js';
import { createAuditLog, type AuditLog } from './audit/index.js';
import { createAuthService, type AuthService } from './auth/index.js';
import { createValidator, loadDefinitions } from './conformance/index.js';
import { createSystemPolicy } from './enforcement/access-policy.js';
import { FhirRepository } from './fhir/repository.js';
import { REFERRAL_WRITE_RULES } from './referral/index.js';
import type { ErrorLogger } from './http/on-error.js';
import { createSqlStore } from './storage/sql-store.js';
import type { SqlConnection } from './storage/sql-connection.js';

export interface GatewayOptions {
  /** A migrated database connection (libSQL on Node, D1 on Workers). */
  readonly conn: SqlConnection;
  readonly now?: () => Date;
  /** Issuer/audience base for access tokens, e.g. `http://localhost:8787`. */
  readonly issuer?: string;
  readonly log?: ErrorLogger;
}

export interface Gateway {
  readonly app: Hono;
  readonly repo: FhirRepository;
  readonly auth: AuthService;
  readonly auditLog: AuditLog;
}

/** Wires store, validator, repository, auth and routes over one connection; runtime-agnostic. */
export async function buildGateway(options: GatewayOptions): Promise<Gateway> {
  await loadDefinitions();
  const validator = await createValidator();
  const now = options.now ?? (() => new Date());
  const store = createSqlStore(options.conn);
  // Capability rules run on every write path (REST, transactions, ingest); the gateway's own
  // system writes (seeding) go through them too.
  const repo = new FhirRepository(store, validator, now, createSystemPolicy(store), REFERRAL_WRITE_RULES);
  const auth = createAuthService({ sql: options.conn, now, ...(options.issuer ? { issuer: options.issuer } : {}) });
  const auditLog = createAuditLog(options.conn);
  const app = createApp({ repo, auth, auditLog, now, conn: options.conn, profiles: validator.profilesByType(), ...(options.log ? { log: options.log } : {}) });
  return { app, repo, auth, auditLog };
}

