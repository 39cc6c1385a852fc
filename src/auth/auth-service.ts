import type { SqlConnection } from '../storage/sql-connection.js';
import { verifyAccessTokenWithExpiry } from './access-token.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import { loadClient, registerClient, type ClientRegistration, type RegisteredClient } from './client-registry.js';
import { createGatewayKeys, type SignOptions, type VerifiedJws } from './gateway-keys.js';
import type { Requester } from './requester.js';
import { issueToken, type TokenEndpointLocation, type TokenRequest, type TokenResponse } from './token-issuer.js';

/** Options for {@link createAuthService}. */
export interface AuthServiceOptions {
  /** Storage for clients, the jti ledger and the gateway key (migration 0002_auth.sql applied). */
  readonly sql: SqlConnection;
  /** Injectable clock so tests can move time; defaults to the wall clock. */
  readonly now?: () => Date;
  /**
   * Public base URL of the gateway (e.g. `https://gw.example.org`). When set, tokens carry it as
   * `iss` (and `<issuer>/fhir` as `aud`) and assertions may name `<issuer>/auth/token` as `aud`.
   * When absent, the origin the client called is used.
   */
  readonly issuer?: string;
}

/** SMART Backend Services for one gateway instance. */
export interface AuthService {
  /** Runs the client_credentials grant; throws OAuthError (see token-issuer.ts) on refusal. */
  issueToken(request: TokenRequest, location: TokenEndpointLocation): Promise<TokenResponse>;
  /** Verifies a bearer token; throws 401 `AUTH_INVALID_TOKEN` GatewayError when it is not valid now. */
  verifyAccessToken(token: string): Promise<Requester>;
  /** Registers (or updates) a client; throws ZodError for an invalid record or private keys in the JWKS. */
  registerClient(registration: ClientRegistration): Promise<RegisteredClient>;
  /** Loads a registered client, or undefined. */
  getClient(clientId: string): Promise<RegisteredClient | undefined>;
  /** The gateway's public signing keys as a JWK Set. */
  publicJwks(): Promise<{ keys: object[] }>;
  /** Signs a payload as a compact ES384 JWS with the gateway key (tokens, summaries, notifications). */
  signJws(payload: string | object, options?: SignOptions): Promise<string>;
  /** {@link signJws} for many texts at once, signed in parallel (notification outbox). */
  signJwsMany(payloads: readonly string[], options?: SignOptions): Promise<string[]>;
  /** Verifies a JWS signed by {@link signJws}; throws a plain Error when it does not verify. */
  verifyJws(jws: string): Promise<VerifiedJws>;
  /** The clock this service reads (shared so callers agree with token expiry). */
  readonly now: () => Date;
}

/**
 * Creates the auth service over a SQL connection. The gateway key is created lazily on first
 * use and cached for the life of this service object.
 */
export function createAuthService(options: AuthServiceOptions): AuthService {
  const { sql } = options;
  const now = options.now ?? (() => new Date());
  const issuer = options.issuer?.replace(/\/+$/, '');
  const keys = createGatewayKeys(sql, now);
  const getClient = (clientId: string) => loadClient(sql, clientId);
  const verified = new VerifiedTokenCache();

  return {
    now,
    issueToken: (request, location) =>
      issueToken({ sql, keys, now, loadClient: getClient, ...(issuer === undefined ? {} : { issuer }) }, request, location),
    async verifyAccessToken(token) {
      const at = now();
      const cached = verified.get(token, at.getTime());
      if (cached) return cached;
      const { requester, expiresAtMs } = await verifyAccessTokenWithExpiry(keys, token, { now: at, ...(issuer === undefined ? {} : { issuer }) });
      verified.set(token, requester, expiresAtMs);
      return requester;
    },
    registerClient: (registration) => registerClient(sql, registration, now()),
    getClient,
    publicJwks: () => keys.publicJwks(),
    signJws: (payload, signOptions) => keys.signJws(payload, signOptions),
    signJwsMany: (payloads, signOptions) => keys.signJwsMany(payloads, signOptions),
    verifyJws: (jws) => keys.verifyJws(jws),
  };
}
