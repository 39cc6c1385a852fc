import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClientAssertion } from '../../src/auth/client-assertion-builder.js';
import { startNodeGateway, type NodeGateway } from '../../src/node-gateway.js';
import type { UpstreamConfig } from '../../src/node-config.js';

export const BASE = 'http://localhost:8787';

export interface TokenOptions {
  readonly scope?: string;
  readonly purpose?: string;
}

export interface TestGateway extends NodeGateway {
  readonly dir: string;
  /** A real access token for a demo client, via private_key_jwt against `/auth/token`. */
  token(clientId: string, options?: TokenOptions): Promise<string>;
  /** `app.request` against the gateway with a bearer token and FHIR JSON defaults. */
  fhir(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real gateway (libSQL file in a temp dir, real validator, real node-jose keys, demo data)
 * for one test file. Nothing is mocked.
 */
export async function createTestGateway(options: { now?: () => Date; upstream?: UpstreamConfig } = {}): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-test-'));
  const gateway = await startNodeGateway(
    { dataDir: dir, databaseUrl: `file:${join(dir, 'gateway.db')}`, keysDir: join(dir, 'keys'), publicUrl: BASE, demoData: true, ...(options.upstream ? { upstream: options.upstream } : {}) },
    { log: () => undefined, ...(options.now ? { now: options.now } : {}) },
  );
  const token = async (clientId: string, opts: TokenOptions = {}): Promise<string> => {
    const key = JSON.parse(await readFile(join(dir, 'keys', `${clientId}.private.json`), 'utf8')) as object;
    const assertion = await buildClientAssertion({ clientId, tokenUrl: `${BASE}/auth/token`, key, ...(options.now ? { now: options.now() } : {}) });
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: opts.scope ?? 'system/*.cruds',
      ...(opts.purpose ? { purpose_of_use: opts.purpose } : {}),
    });
    const res = await gateway.app.request(`${BASE}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const body = (await res.json()) as { access_token?: string; error_description?: string };
    if (!res.ok || !body.access_token) throw new Error(`token refused for ${clientId}: ${res.status} ${body.error_description ?? ''}`);
    return body.access_token;
  };
  const fhir = async (path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> => {
    const { token: bearer, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (bearer) headers.set('authorization', `Bearer ${bearer}`);
    if (json !== undefined) headers.set('content-type', 'application/fhir+json');
    return gateway.app.request(`${BASE}${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  };
  const close = async (): Promise<void> => {
    await gateway.conn.close?.();
    await rm(dir, { recursive: true, force: true });
  };
  return { ...gateway, dir, token, fhir, close };
}
