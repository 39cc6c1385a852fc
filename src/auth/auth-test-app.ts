/**
 * Test harness for src/auth tests (not used by the gateway): a real libSQL file database in a
 * temp directory with 0002_auth.sql applied, an AuthService on a movable clock, and a real Hono
 * app with the auth routes, a protected dummy route and a minimal onError (GatewayError → status).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import jose from 'node-jose';
import { GatewayError } from '../outcomes/index.js';
import { openLibsqlConnection } from '../storage/libsql-connection.js';
import { migrate } from '../storage/migrate.js';
import type { SqlConnection } from '../storage/sql-connection.js';
import { createAuthService, type AuthService } from './auth-service.js';
import { buildClientAssertion, type ClientAssertionOptions } from './client-assertion-builder.js';
import { createAuthRoutes } from './routes.js';
import { requireAuth } from './require-auth.js';
import { formatScopes } from './scopes.js';

/** The origin `app.request()` uses for relative paths. */
export const TEST_ORIGIN = 'http://localhost';
export const TEST_TOKEN_URL = `${TEST_ORIGIN}/auth/token`;
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A running test setup; call `close()` in afterEach/afterAll. */
export interface AuthTestApp {
  readonly app: Hono;
  readonly auth: AuthService;
  readonly sql: SqlConnection;
  readonly dir: string;
  /** Moves the injected clock forward (seconds). */
  advance(seconds: number): void;
  now(): Date;
  close(): Promise<void>;
}

/** Opens a fresh temp database with the auth migration applied. */
export async function openTestDatabase(): Promise<{ sql: SqlConnection; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-auth-'));
  const sql = await openLibsqlConnection(`file:${join(dir, 'auth.db')}`);
  const migration = await readFile(new URL('../../migrations/0002_auth.sql', import.meta.url), 'utf8');
  await migrate(sql, [{ name: '0002_auth.sql', sql: migration }]);
  return { sql, dir };
}

/** Builds the app over a fresh database; pass `sql` to share one database between two services. */
export async function createAuthTestApp(options: { sql?: SqlConnection; issuer?: string } = {}): Promise<AuthTestApp> {
  const opened = options.sql ? { sql: options.sql, dir: '' } : await openTestDatabase();
  let clock = Date.now();
  const now = () => new Date(clock);
  const auth = createAuthService({ sql: opened.sql, now, ...(options.issuer ? { issuer: options.issuer } : {}) });

  const app = new Hono();
  app.route('/', createAuthRoutes(auth));
  app.get('/fhir/Patient', requireAuth(auth), (c) => {
    const requester = c.get('requester');
    return c.json({ ...requester, scopes: formatScopes(requester.scopes) });
  });
  app.onError((err, c) => {
    if (!(err instanceof GatewayError)) return c.json({ code: 'INTERNAL', message: String(err) }, 500);
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json({ resourceType: 'OperationOutcome', code: err.code, issue: err.issues }, err.status);
  });

  return {
    app,
    auth,
    sql: opened.sql,
    dir: opened.dir,
    advance(seconds) {
      clock += seconds * 1000;
    },
    now,
    async close() {
      if (!options.sql) {
        await opened.sql.close?.();
        await rm(opened.dir, { recursive: true, force: true });
      }
    },
  };
}

/** Generates a client key pair: ES384 (P-384) or RS384 (RSA 2048). */
export async function generateClientKey(alg: 'ES384' | 'RS384', kid?: string): Promise<jose.JWK.Key> {
  const keystore = jose.JWK.createKeyStore();
  const props = { alg, use: 'sig', ...(kid ? { kid } : {}) };
  return alg === 'RS384' ? keystore.generate('RSA', 2048, props) : keystore.generate('EC', 'P-384', props);
}

/** Registers `clientId` with the public half of `key`. */
export async function registerTestClient(auth: AuthService, clientId: string, key: jose.JWK.Key, scopes = 'system/*.rs system/Patient.cruds'): Promise<void> {
  await auth.registerClient({
    clientId,
    organizationId: `org-${clientId}`,
    sector: 'treatment',
    jwks: { keys: [key.toJSON(false) as { kty: 'EC' | 'RSA' }] },
    scopes,
  });
}

/** Form fields of a token request; values override the defaults, `undefined` drops a field. */
export type TokenForm = Record<string, string | undefined>;

/** POSTs a token request built from an assertion for `clientId` signed with `key`. */
export async function requestToken(
  test: AuthTestApp,
  assertion: Partial<ClientAssertionOptions> & { clientId: string; key: jose.JWK.Key | object },
  form: TokenForm = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const clientAssertion = await buildClientAssertion({ tokenUrl: TEST_TOKEN_URL, now: test.now(), ...assertion });
  return postTokenForm(test, { client_assertion: clientAssertion, ...form });
}

/** POSTs raw token form fields (defaults for grant and assertion type). */
export async function postTokenForm(test: AuthTestApp, form: TokenForm): Promise<{ status: number; body: Record<string, unknown> }> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, ...form })) {
    if (value !== undefined) fields[name] = value;
  }
  const response = await test.app.request('/auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Calls the protected dummy route with `Authorization` set to `authorization` (if given). */
export function callProtected(test: AuthTestApp, authorization?: string): Promise<Response> {
  return Promise.resolve(test.app.request('/fhir/Patient', authorization === undefined ? {} : { headers: { Authorization: authorization } }));
}
