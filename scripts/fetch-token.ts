/**
 * The SMART Backend Services token flow for scripts: sign a private_key_jwt client assertion with
 * the demo client's key from <keys>/<client-id>.private.json and POST it to <base>/auth/token.
 * Shared by scripts/ingest.ts (and usable by scripts/token.ts, which predates it).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildClientAssertion } from '../src/auth/client-assertion-builder.js';

/** What {@link fetchAccessToken} needs. */
export interface TokenRequest {
  readonly base: string;
  readonly clientId: string;
  readonly keysDir: string;
  readonly scope?: string;
  readonly purpose?: string;
}

/** A granted token and when to stop using it. */
export interface AccessToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** Does the real flow; throws an Error with the OAuth error text when the key is missing or the token is refused. */
export async function fetchAccessToken(request: TokenRequest): Promise<AccessToken> {
  const keyFile = join(request.keysDir, `${request.clientId}.private.json`);
  const privateJwk = await readFile(keyFile, 'utf8').catch(() => undefined);
  if (privateJwk === undefined) throw new Error(`No private key at ${keyFile}: start the gateway once (npm start) so it creates the demo clients' keys.`);
  const tokenUrl = `${request.base}/auth/token`;
  const assertion = await buildClientAssertion({ clientId: request.clientId, tokenUrl, key: JSON.parse(privateJwk) as object });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });
  if (request.scope !== undefined) form.set('scope', request.scope);
  if (request.purpose !== undefined) form.set('purpose_of_use', request.purpose);
  const response = await fetch(tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`Token refused (${response.status}): ${String(body.error ?? 'unknown_error')}: ${String(body.error_description ?? '')}`);
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 60;
  return { token: body.access_token, expiresAt: Date.now() + expiresIn * 1000 };
}
