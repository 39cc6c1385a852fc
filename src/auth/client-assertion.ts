import jose from 'node-jose';
import { z } from 'zod';
import type { SqlConnection } from '../storage/sql-connection.js';
import type { RegisteredClient } from './client-registry.js';
import { OAuthError } from './oauth-error.js';

/** SMART Backend Services: client assertions are signed with RS384 or ES384, nothing else. */
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'] as const;

/** SMART Backend Services: an assertion may live at most five minutes (exp − iat). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

// Tolerated clock difference for claims that must not lie in the future (iat, nbf). exp gets no
// leeway: the replay ledger only remembers a jti until its exp.
const CLOCK_SKEW_SECONDS = 30;

const headerSchema = z.looseObject({ alg: z.enum(ASSERTION_ALGORITHMS), kid: z.string().optional() });

const claimsSchema = z.looseObject({
  iss: z.string().min(1),
  sub: z.string().min(1),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number().finite(),
  iat: z.number().finite().optional(),
  nbf: z.number().finite().optional(),
  jti: z.string().min(1).max(256),
});

/** The verified claims of a client assertion. */
export type AssertionClaims = z.infer<typeof claimsSchema>;

/** What {@link verifyClientAssertion} needs from its caller. */
export interface AssertionContext {
  readonly sql: SqlConnection;
  readonly now: Date;
  /** Token endpoint URLs the assertion's `aud` may name (the one called and the configured one). */
  readonly audiences: readonly string[];
  /** The `client_id` form parameter, when the client sent one (it must then match `iss`). */
  readonly clientId?: string;
  loadClient(clientId: string): Promise<RegisteredClient | undefined>;
}

/**
 * Authenticates a client by its private_key_jwt assertion (RFC 7523 §3, SMART Backend Services):
 * signature by a registered key (by `kid` when present), iss = sub = client id, `aud` = this
 * token endpoint, unexpired, lifetime ≤ 300 s, `nbf` honoured, `jti` never seen before.
 * Every failure throws OAuthError `invalid_client` (SMART: authentication errors use it).
 * The jti is recorded only after everything else passed, so unsigned junk can't fill the ledger.
 */
export async function verifyClientAssertion(assertion: string, context: AssertionContext): Promise<{ client: RegisteredClient; claims: AssertionClaims }> {
  const { header, claims: unverified } = decodeUnverified(assertion);
  if (unverified.iss !== unverified.sub) throw refuse('assertion iss and sub must both be the client id');
  if (context.clientId !== undefined && context.clientId !== unverified.iss) throw refuse('client_id does not match the assertion issuer');

  const client = await context.loadClient(unverified.iss);
  if (!client) throw refuse(`unknown client \`${unverified.iss}\``);

  const payload = await verifySignature(assertion, header, client);
  // Claims are read again from the verified bytes, never from the unverified decode.
  const claims = parseClaims(payload);
  if (claims.iss !== client.clientId || claims.sub !== client.clientId) throw refuse('assertion iss and sub must both be the client id');
  checkTimes(claims, context.now);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => context.audiences.includes(aud))) {
    throw refuse(`assertion aud must be the token endpoint URL \`${context.audiences[0] ?? ''}\``);
  }
  await consumeJti(context.sql, claims.jti, client.clientId, claims.exp, context.now);
  return { client, claims };
}

function refuse(description: string): OAuthError {
  return new OAuthError('invalid_client', description);
}

function decodeUnverified(assertion: string): { header: z.infer<typeof headerSchema>; claims: AssertionClaims } {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw refuse('client_assertion is not a compact JWS');
  const header = headerSchema.safeParse(decodeSegment(parts[0] ?? ''));
  if (!header.success) throw refuse('client_assertion must be signed with RS384 or ES384');
  return { header: header.data, claims: parseClaims(decodeSegment(parts[1] ?? '')) };
}

function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw refuse('client_assertion is not a compact JWS');
  }
}

function parseClaims(value: unknown): AssertionClaims {
  const parsed = claimsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path.join('.') || 'claims';
  throw refuse(`assertion claim \`${field}\` is missing or malformed (iss, sub, aud, exp and jti are required)`);
}

async function verifySignature(assertion: string, header: z.infer<typeof headerSchema>, client: RegisteredClient): Promise<unknown> {
  // With a kid only that key is tried (SMART: select by kid); without one, each registered key is.
  const candidates = client.jwks.keys.filter((jwk) => header.kid === undefined || jwk.kid === header.kid);
  for (const jwk of candidates) {
    // A key pinned to another algorithm must not verify this one (no algorithm substitution).
    if (jwk.alg !== undefined && jwk.alg !== header.alg) continue;
    try {
      const key = await jose.JWK.asKey(jwk);
      const result = await jose.JWS.createVerify(key, { algorithms: [header.alg], allowEmbeddedKey: false }).verify(assertion);
      return JSON.parse(result.payload.toString('utf8'));
    } catch {
      // Try the next key; a refusal is reported once none verified.
    }
  }
  throw refuse('client_assertion signature does not verify with any registered key of the client');
}

function checkTimes(claims: AssertionClaims, now: Date): void {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (claims.exp <= nowSeconds) throw refuse('client_assertion has expired');
  if (claims.iat !== undefined && claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw refuse('client_assertion iat lies in the future');
  if (claims.nbf !== undefined && claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS) throw refuse('client_assertion is not valid yet (nbf)');
  const issuedAt = claims.iat ?? nowSeconds;
  if (claims.exp - issuedAt > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw refuse(`client_assertion lifetime exceeds ${MAX_ASSERTION_LIFETIME_SECONDS} seconds`);
  }
}

/**
 * Records a jti as used; throws `invalid_client` when it was used before (replay).
 * Expired rows are pruned first: once its exp has passed an assertion is refused anyway.
 */
export async function consumeJti(sql: SqlConnection, jti: string, clientId: string, expiresAt: number, now: Date): Promise<void> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  await sql.query('DELETE FROM auth_assertion_jti WHERE expires_at < ?', [nowSeconds]);
  // ON CONFLICT … RETURNING makes check-and-insert one atomic statement: two concurrent
  // requests with the same jti can't both see "unused".
  const inserted = await sql.query(
    'INSERT INTO auth_assertion_jti (jti, client_id, expires_at) VALUES (?, ?, ?) ON CONFLICT (jti) DO NOTHING RETURNING jti',
    [jti, clientId, Math.ceil(expiresAt)],
  );
  if (inserted.length === 0) throw refuse('assertion jti already used');
}
