import { serve, type ServerType } from '@hono/node-server';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchAccessToken } from '../../../scripts/fetch-token.js';
import { startNodeGateway, type NodeGateway } from '../../../src/node-gateway.js';
import { freePort } from '../../support/processes.js';

/** Demo client ids (ARCHITECTURE §2). */
export type DemoClient = 'demo-corrections' | 'demo-treatment' | 'demo-housing' | 'demo-ehr' | 'demo-admin';

/**
 * The real gateway listening on a real TCP port (as `npm start` runs it: startNodeGateway +
 * @hono/node-server), on a temp data directory, so third-party clients talk real HTTP to it.
 */
export interface LiveGateway {
  /** `http://localhost:<port>` — the public URL (no trailing slash). */
  readonly base: string;
  /** `<base>/fhir`. */
  readonly fhirBase: string;
  readonly keysDir: string;
  readonly gateway: NodeGateway;
  /** A real access token via the private_key_jwt flow over HTTP (scripts/fetch-token.ts). */
  token(clientId: DemoClient, options?: { purpose?: string; scope?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startLiveGateway(): Promise<LiveGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-interop-'));
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const keysDir = join(dir, 'keys');
  const gateway = await startNodeGateway(
    { dataDir: dir, databaseUrl: `file:${join(dir, 'gateway.db')}`, keysDir, publicUrl: base, demoData: true },
    { log: () => undefined },
  );
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: gateway.app.fetch, port }, () => resolve(s));
  });
  const tokens = new Map<string, string>();
  const token = async (clientId: DemoClient, options: { purpose?: string; scope?: string } = {}): Promise<string> => {
    const key = `${clientId}|${options.purpose ?? ''}|${options.scope ?? ''}`;
    if (!tokens.has(key)) tokens.set(key, (await fetchAccessToken({ base, clientId, keysDir, ...options })).token);
    return tokens.get(key)!;
  };
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gateway.conn.close?.();
    await rm(dir, { recursive: true, force: true });
  };
  return { base, fhirBase: `${base}/fhir`, keysDir, gateway, token, close };
}

/** The demo participant's identifier in the seeded world. */
export const DEMO_PARTICIPANT = 'urn:gateway:demo:doc-number|DEMO-100001';

/** The HTTP status and body fhir-kit-client attaches to the error it throws for a non-2xx reply. */
export function httpError(err: unknown): { status: number; data: Record<string, unknown> & { resourceType?: string; issue?: { severity?: string; code?: string; expression?: string[]; diagnostics?: string; details?: { text?: string } }[] } } {
  const response = (err as { response?: { status: number; data: unknown } }).response;
  if (!response) throw err;
  return { status: response.status, data: response.data as never };
}

/** Runs `fn` and returns the fhir-kit-client error it throws; fails when it does not throw. */
export async function rejection(fn: () => Promise<unknown>): Promise<ReturnType<typeof httpError>> {
  try {
    await fn();
  } catch (err) {
    return httpError(err);
  }
  throw new Error('expected the request to fail');
}
