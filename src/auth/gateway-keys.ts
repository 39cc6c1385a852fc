import jose from 'node-jose';
import type { SqlConnection } from '../storage/sql-connection.js';

/** The one algorithm the gateway signs with: ES384 (P-384), as SMART recommends alongside RS384. */
export const GATEWAY_SIGNING_ALG = 'ES384';

/** A verified JWS: its protected header and decoded payload bytes as text. */
export interface VerifiedJws {
  readonly header: Record<string, unknown>;
  readonly payload: string;
}

/** Options for {@link GatewayKeys.signJws}. */
export interface SignOptions {
  /** JOSE `typ` header, e.g. `at+jwt` for access tokens (RFC 9068 §2.1), so one kind of JWS can't pass for another. */
  readonly typ?: string;
}

/** The gateway's own signing keys: used for access tokens now, signed summaries and notifications later. */
export interface GatewayKeys {
  /** The public half of every gateway key, as a JWK Set (served at `/.well-known/jwks.json`). */
  publicJwks(): Promise<{ keys: object[] }>;
  /** Signs `payload` (objects are JSON-encoded) as a compact ES384 JWS with the current key's `kid`. */
  signJws(payload: string | object, options?: SignOptions): Promise<string>;
  /**
   * The same compact ES384 JWS as {@link signJws} for each text, signed with WebCrypto so a batch
   * is signed in parallel off the main thread (node-jose signs one at a time at a few hundred per
   * second on P-384; the notification outbox needs more).
   */
  signJwsMany(payloads: readonly string[], options?: SignOptions): Promise<string[]>;
  /**
   * Verifies a compact JWS against the gateway's keys (ES384 only). Throws a plain Error when the
   * signature, algorithm or key doesn't check out; callers turn that into their own outcome.
   */
  verifyJws(jws: string): Promise<VerifiedJws>;
}

const RELOAD_INTERVAL_MS = 60_000;

interface KeyState {
  readonly keystore: jose.JWK.KeyStore;
  /** The key new signatures use: the oldest row, so every instance picks the same one. */
  readonly signingKey: jose.JWK.Key;
  /** The signing key imported into WebCrypto, on first use of signJwsMany. */
  webCryptoKey?: Promise<CryptoKey>;
}

/**
 * Creates the key holder over `auth_signing_key`. The key is generated and stored on first
 * use; the keystore is then cached in memory for this instance (keys never change once created).
 */
export function createGatewayKeys(sql: SqlConnection, now: () => Date): GatewayKeys {
  let state: Promise<KeyState> | undefined;
  let lastReload = 0;

  function current(): Promise<KeyState> {
    // A failed load must not be cached forever: the next call retries.
    state ??= loadOrCreate(sql, now).catch((err: unknown) => {
      state = undefined;
      throw err;
    });
    return state;
  }

  return {
    async publicJwks() {
      const { keystore } = await current();
      return keystore.toJSON(false) as { keys: object[] };
    },

    async signJws(payload, options = {}) {
      const { signingKey } = await current();
      const fields: Record<string, string> = { alg: GATEWAY_SIGNING_ALG, kid: signingKey.kid };
      if (options.typ) fields.typ = options.typ;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const signer = jose.JWS.createSign({ format: 'compact', fields }, signingKey);
      // With format 'compact', node-jose resolves to the serialized string (its typings say otherwise).
      return (await signer.update(text, 'utf8').final()) as unknown as string;
    },

    async signJwsMany(payloads, options = {}) {
      const state = await current();
      const { signingKey } = state;
      state.webCryptoKey ??= crypto.subtle.importKey('jwk', signingKey.toJSON(true) as JsonWebKey, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign']);
      const key = await state.webCryptoKey;
      const fields: Record<string, string> = { alg: GATEWAY_SIGNING_ALG, kid: signingKey.kid };
      if (options.typ) fields.typ = options.typ;
      const header = Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
      return Promise.all(
        payloads.map(async (text) => {
          const input = `${header}.${Buffer.from(text, 'utf8').toString('base64url')}`;
          // WebCrypto's ECDSA signature is r||s, exactly the JWS (RFC 7518 §3.4) form.
          const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, key, Buffer.from(input, 'utf8'));
          return `${input}.${Buffer.from(signature).toString('base64url')}`;
        }),
      );
    },

    async verifyJws(jws) {
      let { keystore } = await current();
      const kid = readKid(jws);
      if (kid !== undefined && !keystore.get(kid) && now().getTime() - lastReload > RELOAD_INTERVAL_MS) {
        // Another instance may have created the first key concurrently; look once more before
        // refusing — at most once a minute, so random kids can't turn every request into a query.
        lastReload = now().getTime();
        state = undefined;
        ({ keystore } = await current());
      }
      const result = await jose.JWS.createVerify(keystore, { algorithms: [GATEWAY_SIGNING_ALG] }).verify(jws);
      return { header: result.header as Record<string, unknown>, payload: result.payload.toString('utf8') };
    },
  };
}

async function loadOrCreate(sql: SqlConnection, now: () => Date): Promise<KeyState> {
  const existing = await loadKeystore(sql);
  if (existing) return existing;
  const keystore = jose.JWK.createKeyStore();
  const key = await keystore.generate('EC', 'P-384', { alg: GATEWAY_SIGNING_ALG, use: 'sig' });
  // The kid is random (node-jose), so concurrent creators never collide; both rows stay valid.
  await sql.query('INSERT INTO auth_signing_key (kid, jwk_private, created_at) VALUES (?, ?, ?)', [
    key.kid,
    JSON.stringify(key.toJSON(true)),
    now().toISOString(),
  ]);
  const stored = await loadKeystore(sql);
  if (!stored) throw new Error('gateway signing key was not stored');
  return stored;
}

async function loadKeystore(sql: SqlConnection): Promise<KeyState | undefined> {
  const rows = await sql.query('SELECT kid, jwk_private FROM auth_signing_key ORDER BY created_at, kid');
  if (rows.length === 0) return undefined;
  const keystore = jose.JWK.createKeyStore();
  let signingKey: jose.JWK.Key | undefined;
  for (const row of rows) {
    const key = await keystore.add(JSON.parse(String(row.jwk_private)) as object);
    signingKey ??= key;
  }
  if (!signingKey) throw new Error('gateway keystore is empty');
  return { keystore, signingKey };
}

function readKid(jws: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && typeof (header as { kid?: unknown }).kid === 'string'
      ? (header as { kid: string }).kid
      : undefined;
  } catch {
    return undefined;
  }
}
