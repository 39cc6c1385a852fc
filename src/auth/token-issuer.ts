import type { SqlConnection } from '../storage/sql-connection.js';
import { ACCESS_TOKEN_LIFETIME_SECONDS, fhirBaseFor, signAccessToken } from './access-token.js';
import { verifyClientAssertion } from './client-assertion.js';
import type { RegisteredClient } from './client-registry.js';
import type { GatewayKeys } from './gateway-keys.js';
import { OAuthError } from './oauth-error.js';
import { KNOWN_PURPOSES, resolvePurposeOfUse } from './purpose-of-use.js';
import type { GrantedScope } from './requester.js';
import { formatScopes, isCoveredBy, parseScopes } from './scopes.js';

/** RFC 7523 §2.2: the only client assertion type accepted. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The token request's form parameters (already read from `application/x-www-form-urlencoded`). */
export interface TokenRequest {
  readonly grant_type: string;
  readonly client_assertion_type: string;
  readonly client_assertion: string;
  readonly scope?: string;
  readonly purpose_of_use?: string;
  readonly client_id?: string;
}

/** The RFC 6749 §5.1 success body, plus the purpose of use bound into the token. */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'bearer';
  readonly expires_in: number;
  readonly scope: string;
  readonly purpose_of_use: string;
}

/** Where the request came in: needed for `aud` checks and the token's `iss`/`aud`. */
export interface TokenEndpointLocation {
  /** The token endpoint URL the client called (origin + path, no query). */
  readonly calledUrl: string;
  /** The origin the client called, used as issuer when none is configured. */
  readonly origin: string;
}

/** Everything {@link issueToken} depends on. */
export interface TokenIssuerDeps {
  readonly sql: SqlConnection;
  readonly keys: GatewayKeys;
  readonly now: () => Date;
  readonly issuer?: string;
  loadClient(clientId: string): Promise<RegisteredClient | undefined>;
}

/**
 * SMART Backend Services client_credentials grant: authenticates the client by its assertion,
 * grants the requested scopes if the client's registration covers every one of them (absent
 * `scope` = the registered defaults), binds a known purpose of use (default TREAT) and signs a
 * 300-second access token. Throws OAuthError for every refusal.
 */
export async function issueToken(deps: TokenIssuerDeps, request: TokenRequest, location: TokenEndpointLocation): Promise<TokenResponse> {
  if (request.grant_type !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'grant_type must be `client_credentials`');
  }
  if (request.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) {
    throw new OAuthError('invalid_client', `client_assertion_type must be \`${JWT_BEARER_ASSERTION_TYPE}\``);
  }
  // Checked before authentication so a bad purpose never burns the assertion's jti.
  const purpose = resolvePurposeOfUse(request.purpose_of_use);
  if (!purpose) {
    const known = KNOWN_PURPOSES.map((p) => p.code).join(', ');
    throw new OAuthError('invalid_request', `purpose_of_use \`${request.purpose_of_use ?? ''}\` is not a known code (${known})`);
  }
  const requested = request.scope === undefined ? undefined : parseRequestedScopes(request.scope);

  const issuer = (deps.issuer ?? location.origin).replace(/\/+$/, '');
  const audiences = [location.calledUrl];
  if (deps.issuer !== undefined) audiences.push(`${issuer}/auth/token`);
  const now = deps.now();
  const { client } = await verifyClientAssertion(request.client_assertion, {
    sql: deps.sql,
    now,
    audiences,
    ...(request.client_id === undefined ? {} : { clientId: request.client_id }),
    loadClient: deps.loadClient,
  });

  const granted = grantScopes(requested, client);
  const iat = Math.floor(now.getTime() / 1000);
  const scope = formatScopes(granted);
  const accessToken = await signAccessToken(deps.keys, {
    iss: issuer,
    sub: client.clientId,
    // RFC 9068 §2.2: an at+jwt names the client it was issued to (MedplumClient checks it).
    client_id: client.clientId,
    aud: fhirBaseFor(issuer),
    exp: iat + ACCESS_TOKEN_LIFETIME_SECONDS,
    iat,
    jti: crypto.randomUUID(),
    scope,
    purpose_of_use: purpose.code,
    org: client.organizationId,
    sector: client.sector,
  });
  return { access_token: accessToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_LIFETIME_SECONDS, scope, purpose_of_use: purpose.code };
}

function parseRequestedScopes(text: string): GrantedScope[] {
  const parsed = parseScopes(text);
  const first = parsed.invalid[0];
  if (first) throw new OAuthError('invalid_scope', `scope \`${first.scope}\` is refused: ${first.reason}`);
  if (parsed.scopes.length === 0) throw new OAuthError('invalid_scope', 'scope is empty');
  return parsed.scopes;
}

// Every requested scope must be covered by the registration; asking for more is refused rather
// than silently narrowed, so a client never believes it holds access it doesn't have.
function grantScopes(requested: GrantedScope[] | undefined, client: RegisteredClient): GrantedScope[] {
  const registered = parseScopes(client.scopes).scopes;
  if (requested === undefined) return registered;
  const lacking = requested.find((scope) => !isCoveredBy(scope, registered));
  if (lacking) {
    throw new OAuthError('invalid_scope', `scope \`${formatScopes([lacking])}\` exceeds what client \`${client.clientId}\` is registered for`);
  }
  return requested;
}
