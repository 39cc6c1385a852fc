/**
 * Node-only (node:fs): not re-exported from src/auth/index.ts so Workers never bundle it.
 * Import it from its own path in src/node.ts.
 */
import { SECTOR_DEFAULT_SCOPES } from './client-defaults.js';
import { generateKeyPair } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import jose from 'node-jose';
import type { AuthService } from './auth-service.js';
import type { Sector } from './requester.js';

/** One demo client of ARCHITECTURE §2. */
export interface DemoClient {
  readonly clientId: string;
  readonly name: string;
  readonly sector: Sector;
  /** RS384 for one client so both SMART algorithms are exercised end to end. */
  readonly alg: 'ES384' | 'RS384';
}

/** The demo clients present after `npm start` on an empty database (ARCHITECTURE §2). */
export const DEMO_CLIENTS: readonly DemoClient[] = [
  { clientId: 'demo-corrections', name: 'Demo probation & parole office', sector: 'corrections', alg: 'ES384' },
  { clientId: 'demo-treatment', name: 'Demo Part 2 SUD treatment program', sector: 'treatment', alg: 'ES384' },
  { clientId: 'demo-housing', name: 'Demo social services (housing)', sector: 'social-services', alg: 'ES384' },
  { clientId: 'demo-ehr', name: 'Demo EHR vendor', sector: 'ehr', alg: 'RS384' },
  { clientId: 'demo-admin', name: 'Demo administrator', sector: 'admin', alg: 'ES384' },
];


/** What {@link ensureDemoClients} did for one client. */
export interface DemoClientResult {
  readonly clientId: string;
  readonly keyFile: string;
  /** True when a new key pair was generated on this call. */
  readonly generated: boolean;
}

/**
 * Makes sure every demo client exists: generates a key pair the first time (the PRIVATE JWK is
 * written to `<keysDir>/<client-id>.private.json`, mode 0600, never shipped in the repo) and
 * registers the PUBLIC JWKS with its sector's default scopes. An existing key file is reused and
 * re-registered, so a fresh database still matches keys already handed out.
 * `orgIds` maps each client id to its Organization id; a missing entry throws (startup bug).
 */
export async function ensureDemoClients(
  auth: AuthService,
  keysDir: string,
  orgIds: Readonly<Record<string, string>>,
): Promise<DemoClientResult[]> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const results: DemoClientResult[] = [];
  // Key generation runs on libuv's pool: all five at once, not one after another (first start).
  const keys = await Promise.all(DEMO_CLIENTS.map((demo) => loadOrCreateKey(join(keysDir, `${demo.clientId}.private.json`), demo.alg)));
  for (const [i, demo] of DEMO_CLIENTS.entries()) {
    const organizationId = orgIds[demo.clientId];
    if (!organizationId) throw new Error(`ensureDemoClients: no Organization id for ${demo.clientId}`);
    const keyFile = join(keysDir, `${demo.clientId}.private.json`);
    const { key, generated } = keys[i]!;
    await auth.registerClient({
      clientId: demo.clientId,
      organizationId,
      sector: demo.sector,
      name: demo.name,
      jwks: { keys: [key.toJSON(false) as { kty: 'RSA' | 'EC' }] },
      scopes: SECTOR_DEFAULT_SCOPES[demo.sector],
    });
    results.push({ clientId: demo.clientId, keyFile, generated });
  }
  return results;
}

const generatePair = promisify(generateKeyPair) as (type: 'rsa' | 'ec', options: { modulusLength: number } | { namedCurve: string }) => Promise<{ privateKey: import('node:crypto').KeyObject }>;

async function loadOrCreateKey(keyFile: string, alg: DemoClient['alg']): Promise<{ key: jose.JWK.Key; generated: boolean }> {
  const existing = await readFile(keyFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing !== undefined) return { key: await jose.JWK.asKey(existing, 'json'), generated: false };

  // Node's native generator (node-jose's RSA generation costs ~0.5 s of main-thread CPU at start);
  // the kid is the RFC 7638 thumbprint, as node-jose would derive for a key without one.
  const { privateKey } = alg === 'RS384' ? await generatePair('rsa', { modulusLength: 2048 }) : await generatePair('ec', { namedCurve: 'P-384' });
  const jwk = { ...(privateKey.export({ format: 'jwk' }) as object), alg, use: 'sig' };
  const kid = jose.util.base64url.encode(await (await jose.JWK.asKey(jwk)).thumbprint('SHA-256'));
  const key = await jose.JWK.asKey({ ...jwk, kid });
  // 'wx' refuses to overwrite: if two starts race, the loser fails loudly instead of
  // silently replacing a key the winner already registered.
  await writeFile(keyFile, `${JSON.stringify(key.toJSON(true), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { key, generated: true };
}
