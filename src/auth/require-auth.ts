import type { Context, Next } from 'hono';
import { unauthorized } from '../outcomes/index.js';
import type { AuthService } from './auth-service.js';

// RFC 6750 §2.1: `Bearer` is case-insensitive; the token is b64token characters.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Middleware factory: requires a valid gateway access token and puts its requester in the
 * context (`c.get('requester')`). No `Authorization` header → 401 `AUTH_MISSING_TOKEN`; a
 * header that is not `Bearer <token>`, or a token that fails verification → 401
 * `AUTH_INVALID_TOKEN`. Both carry
 * `WWW-Authenticate`. It throws GatewayErrors; the root app's onError writes the response.
 */
export function requireAuth(auth: AuthService) {
  // Bad configuration stops startup (STYLE: check options once, at construction).
  if (!auth || typeof auth.verifyAccessToken !== 'function') throw new Error('requireAuth needs an AuthService');

  return async function requireAuth(c: Context, next: Next): Promise<void> {
    const header = c.req.header('Authorization');
    if (!header) throw unauthorized();
    const match = BEARER.exec(header.trim());
    if (!match?.[1]) {
      // RFC 6750 §3.1: a malformed Authorization header is an invalid request, not a missing token.
      throw unauthorized('The Authorization header must be `Bearer <token>`.', 'AUTH_INVALID_TOKEN');
    }
    c.set('requester', await auth.verifyAccessToken(match[1]));
    await next();
  };
}
