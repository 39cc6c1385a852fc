import { z } from 'zod';
import { unauthorized } from '../outcomes/index.js';
import type { GatewayKeys } from './gateway-keys.js';
import { isKnownPurpose } from './purpose-of-use.js';
import { SECTORS, type Requester } from './requester.js';
import { parseScopes } from './scopes.js';

/** Access tokens live five minutes (ARCHITECTURE §2: `expires_in` ≤ 300). */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 300;

// RFC 9068 §2.1: the `typ` header marks a JWS as an access token. The gateway key also signs
// summaries and notifications; this header (checked on the way in) keeps those from passing as tokens.
const ACCESS_TOKEN_TYP = 'at+jwt';

const claimsSchema = z.object({
  iss: z.string().min(1),
  sub: z.string().min(1),
  client_id: z.string().min(1),
  aud: z.string().min(1),
  exp: z.number().int(),
  iat: z.number().int(),
  jti: z.string().min(1),
  scope: z.string(),
  purpose_of_use: z.string().refine(isKnownPurpose),
  org: z.string().min(1),
  sector: z.enum(SECTORS),
});

/** The claims of a gateway access token. */
export type AccessTokenClaims = z.infer<typeof claimsSchema>;

/** The FHIR base a token is issued for: its `aud`. */
export function fhirBaseFor(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/fhir`;
}

/** Signs an access token (compact ES384 JWS with `typ: at+jwt`) with the gateway key. */
export function signAccessToken(keys: GatewayKeys, claims: AccessTokenClaims): Promise<string> {
  return keys.signJws(claims, { typ: ACCESS_TOKEN_TYP });
}

/** What {@link verifyAccessToken} checks a token against. */
export interface AccessTokenCheck {
  readonly now: Date;
  /** The configured issuer; when absent the token's own `iss` is taken as long as `aud` is its FHIR base. */
  readonly issuer?: string;
}

/**
 * Verifies a bearer token and returns the requester it names: gateway signature (ES384),
 * `typ`, issuer, audience (the FHIR base), expiry, and well-formed claims.
 * Throws 401 `AUTH_INVALID_TOKEN` for any failure, with one fixed-shape message per cause
 * and nothing from the token echoed back.
 */
export async function verifyAccessToken(keys: GatewayKeys, token: string, check: AccessTokenCheck): Promise<Requester> {
  return (await verifyAccessTokenWithExpiry(keys, token, check)).requester;
}

/** {@link verifyAccessToken}, also returning the token's expiry (epoch ms) for caching. */
export async function verifyAccessTokenWithExpiry(keys: GatewayKeys, token: string, check: AccessTokenCheck): Promise<{ requester: Requester; expiresAtMs: number }> {
  let verified: { header: Record<string, unknown>; payload: string };
  try {
    verified = await keys.verifyJws(token);
  } catch {
    throw invalid('The access token signature is not valid.');
  }
  if (verified.header.typ !== ACCESS_TOKEN_TYP) throw invalid('The bearer token is not an access token.');
  const claims = parseClaims(verified.payload);
  if (check.issuer !== undefined && claims.iss !== check.issuer.replace(/\/+$/, '')) throw invalid('The access token was issued by another issuer.');
  if (claims.aud !== fhirBaseFor(claims.iss)) throw invalid('The access token is not meant for this FHIR server.');
  if (claims.exp <= Math.floor(check.now.getTime() / 1000)) throw invalid('The access token has expired.');
  if (claims.client_id !== claims.sub) throw invalid('The access token claims are malformed.');
  const scopes = parseScopes(claims.scope);
  // INVARIANT: the gateway only signs scopes it parsed; an unparsable one means the token is not ours.
  if (scopes.invalid.length > 0) throw invalid('The access token carries an invalid scope.');
  const requester: Requester = {
    clientId: claims.sub,
    organizationId: claims.org,
    sector: claims.sector,
    scopes: scopes.scopes,
    purposeOfUse: claims.purpose_of_use,
    tokenId: claims.jti,
  };
  return { requester, expiresAtMs: claims.exp * 1000 };
}

function parseClaims(payload: string): AccessTokenClaims {
  try {
    return claimsSchema.parse(JSON.parse(payload));
  } catch {
    throw invalid('The access token claims are malformed.');
  }
}

function invalid(text: string) {
  return unauthorized(text, 'AUTH_INVALID_TOKEN');
}
