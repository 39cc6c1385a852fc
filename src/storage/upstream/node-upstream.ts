/**
 * Node-only wiring of upstream mode from NodeConfig: reads key files, builds the HTTP layer and
 * the store; and registers the trusted-gateway client when this instance serves as an upstream.
 */
import { readFile } from 'node:fs/promises';
import { registerTrustedGateway } from '../../auth/trusted-gateway.js';
import type { UpstreamConfig } from '../../node-config.js';
import type { SqlConnection } from '../sql-connection.js';
import type { Store } from '../store.js';
import { UpstreamHttp } from './upstream-http.js';
import { createUpstreamStore } from './upstream-store.js';
import { createUpstreamToken, type UpstreamCredentials } from './upstream-token.js';

export async function createNodeUpstreamStore(conn: SqlConnection, config: UpstreamConfig, now: () => Date = () => new Date()): Promise<Store> {
  const c = config.credentials;
  const credentials: UpstreamCredentials =
    c.kind === 'smart' ? { kind: 'smart', clientId: c.clientId, tokenUrl: c.tokenUrl, scope: c.scope, privateJwk: JSON.parse(await readFile(c.privateKeyFile, 'utf8')) as object } : c;
  const t = config.tuning ?? {};
  const http = new UpstreamHttp({
    baseUrl: config.url,
    token: createUpstreamToken(credentials, now),
    timeoutMs: config.timeoutMs,
    ...(t.retries !== undefined ? { retries: t.retries } : {}),
    ...(t.backoffMs !== undefined ? { backoffMs: t.backoffMs } : {}),
    ...(t.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: t.maxRetryAfterMs } : {}),
    breaker: { ...(t.breakerFailures !== undefined ? { failures: t.breakerFailures } : {}), ...(t.breakerOpenMs !== undefined ? { openMs: t.breakerOpenMs } : {}) },
  });
  return createUpstreamStore({ http, conn, now });
}

export async function registerTrustedGatewayFromFile(conn: SqlConnection, trusted: { clientId: string; jwksFile: string }, now: Date): Promise<void> {
  await registerTrustedGateway(conn, { clientId: trusted.clientId, jwks: JSON.parse(await readFile(trusted.jwksFile, 'utf8')) as unknown }, now);
}
