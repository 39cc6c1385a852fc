/**
 * A real upstream for upstream-mode tests: a second instance of this gateway in own-store mode,
 * served over real HTTP on a free port, with one trusted-gateway client whose key pair the
 * downstream gateway (or a bare UpstreamStore) uses through SMART Backend Services.
 */
import { serve, type ServerType } from '@hono/node-server';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jose from 'node-jose';
import { startNodeGateway, type NodeGateway } from '../../src/node-gateway.js';
import type { UpstreamConfig } from '../../src/node-config.js';
import { freePort } from './processes.js';

export const TRUSTED_CLIENT_ID = 'downstream-gateway';

export interface UpstreamServer {
  readonly gateway: NodeGateway;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly dir: string;
  /** Upstream-mode configuration a downstream gateway uses to reach this server. */
  readonly upstreamConfig: UpstreamConfig;
  close(): Promise<void>;
}

/** Starts an own-store gateway (no demo data) on a free port that trusts one downstream gateway. */
export async function startUpstreamServer(options: { timeoutMs?: number } = {}): Promise<UpstreamServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-upstream-'));
  const key = await jose.JWK.createKey('EC', 'P-384', { alg: 'ES384', use: 'sig', kid: 'downstream-1' });
  const privateKeyFile = join(dir, 'downstream.private.json');
  const jwksFile = join(dir, 'downstream.jwks.json');
  await writeFile(privateKeyFile, JSON.stringify(key.toJSON(true)));
  await writeFile(jwksFile, JSON.stringify({ keys: [key.toJSON()] }));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const gateway = await startNodeGateway(
    { dataDir: dir, databaseUrl: `file:${join(dir, 'upstream.db')}`, keysDir: join(dir, 'keys'), publicUrl: origin, demoData: false, trustedGateway: { clientId: TRUSTED_CLIENT_ID, jwksFile } },
    { log: () => undefined },
  );
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: gateway.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    gateway,
    origin,
    dir,
    upstreamConfig: {
      url: `${origin}/fhir`,
      timeoutMs: options.timeoutMs ?? 10_000,
      credentials: { kind: 'smart', clientId: TRUSTED_CLIENT_ID, tokenUrl: `${origin}/auth/token`, privateKeyFile, scope: 'system/*.cruds' },
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.conn.close?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
