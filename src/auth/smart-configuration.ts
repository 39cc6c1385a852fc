import type { Context } from 'hono';
import type { AuthService } from './auth-service.js';
import { ASSERTION_ALGORITHMS } from './client-assertion.js';

/**
 * Scopes advertised to clients. Wildcards only: any `system/<Type>.<cruds>` over a served type is
 * accepted too, and listing every combination would add nothing (the field is RECOMMENDED, not exhaustive).
 */
export const ADVERTISED_SCOPES = ['system/*.cruds', 'system/*.rs', 'system/*.cud', 'system/*.read', 'system/*.write'] as const;

/**
 * The SMART configuration document (SMART App Launch 2.x §"Conformance", Backend Services subset).
 * URLs are absolute, built from the origin the client called, so the same document works behind
 * any host name.
 */
export function smartConfiguration(origin: string) {
  return {
    token_endpoint: `${origin}/auth/token`,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    grant_types_supported: ['client_credentials'],
    scopes_supported: [...ADVERTISED_SCOPES],
    capabilities: ['client-confidential-asymmetric', 'permission-v2'],
    jwks_uri: `${origin}/.well-known/jwks.json`,
  };
}

/** Handler for `GET /.well-known/smart-configuration` (and its `/fhir/` twin). No auth. */
export function smartConfigurationHandler(c: Context): Response {
  return c.json(smartConfiguration(new URL(c.req.url).origin));
}

/** Creates the handler for `GET /.well-known/jwks.json`: the gateway's public signing keys. No auth. */
export function createJwksHandler(auth: AuthService) {
  return async function jwksHandler(c: Context): Promise<Response> {
    return c.json(await auth.publicJwks(), 200, { 'Content-Type': 'application/jwk-set+json' });
  };
}
