import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^(file:|libsql:|https?:)/, 'must be a libSQL URL such as file:./data/gateway.db').optional(),
  PUBLIC_URL: z.url().optional(),
  DEMO_DATA: z.enum(['true', 'false']).default('true'),
  // Upstream mode (see src/storage/upstream/): resources live on this FHIR server.
  UPSTREAM_FHIR_URL: z.url().optional(),
  UPSTREAM_BEARER_TOKEN: z.string().min(1).optional(),
  UPSTREAM_CLIENT_ID: z.string().min(1).optional(),
  UPSTREAM_TOKEN_URL: z.url().optional(),
  UPSTREAM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  UPSTREAM_SCOPE: z.string().min(1).default('system/*.cruds'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // Own-store mode serving as another gateway's upstream: the one client given storage access.
  TRUSTED_GATEWAY_CLIENT_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  TRUSTED_GATEWAY_JWKS_FILE: z.string().min(1).optional(),
});

export interface NodeConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly keysDir: string;
  readonly publicUrl: string;
  readonly demoData: boolean;
  /** Set in upstream mode; absent = the gateway's own store. */
  readonly upstream?: UpstreamConfig;
  /** Set when this instance is another gateway's upstream (explicit opt-in). */
  readonly trustedGateway?: { readonly clientId: string; readonly jwksFile: string };
}

export interface UpstreamConfig {
  readonly url: string;
  readonly timeoutMs: number;
  /** Fault-handling tuning (defaults in src/storage/upstream/upstream-http.ts); not read from env. */
  readonly tuning?: { readonly retries?: number; readonly backoffMs?: number; readonly maxRetryAfterMs?: number; readonly breakerFailures?: number; readonly breakerOpenMs?: number };
  readonly credentials:
    | { readonly kind: 'none' }
    | { readonly kind: 'bearer'; readonly token: string }
    | { readonly kind: 'smart'; readonly clientId: string; readonly tokenUrl: string; readonly privateKeyFile: string; readonly scope: string };
}

/** Reads configuration from the environment; a bad value stops startup with the variable named. */
export function readNodeConfig(env: Record<string, string | undefined>): NodeConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration ${String(issue.path[0])}: ${issue.message}`);
  }
  const c = parsed.data;
  const upstream = upstreamConfig(c);
  if (c.TRUSTED_GATEWAY_CLIENT_ID && !c.TRUSTED_GATEWAY_JWKS_FILE) throw new Error('Invalid configuration TRUSTED_GATEWAY_JWKS_FILE: required with TRUSTED_GATEWAY_CLIENT_ID');
  return {
    ...(upstream ? { upstream } : {}),
    ...(c.TRUSTED_GATEWAY_CLIENT_ID && c.TRUSTED_GATEWAY_JWKS_FILE ? { trustedGateway: { clientId: c.TRUSTED_GATEWAY_CLIENT_ID, jwksFile: c.TRUSTED_GATEWAY_JWKS_FILE } } : {}),
    port: c.PORT,
    host: c.HOST,
    dataDir: c.DATA_DIR,
    databaseUrl: c.DATABASE_URL ?? `file:${c.DATA_DIR}/gateway.db`,
    keysDir: `${c.DATA_DIR}/keys`,
    publicUrl: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
    demoData: c.DEMO_DATA === 'true',
  };
}

/** Bearer token, or SMART Backend Services (all three of client id, token URL, key file), or neither. */
function upstreamConfig(c: z.infer<typeof schema>): UpstreamConfig | undefined {
  if (!c.UPSTREAM_FHIR_URL) return undefined;
  const smart = [c.UPSTREAM_CLIENT_ID, c.UPSTREAM_TOKEN_URL, c.UPSTREAM_PRIVATE_KEY_FILE];
  if (c.UPSTREAM_BEARER_TOKEN && smart.some(Boolean)) throw new Error('Invalid configuration UPSTREAM_BEARER_TOKEN: set either a bearer token or UPSTREAM_CLIENT_ID/UPSTREAM_TOKEN_URL/UPSTREAM_PRIVATE_KEY_FILE, not both');
  if (smart.some(Boolean) && !smart.every(Boolean)) throw new Error('Invalid configuration UPSTREAM_CLIENT_ID: SMART credentials need UPSTREAM_CLIENT_ID, UPSTREAM_TOKEN_URL and UPSTREAM_PRIVATE_KEY_FILE together');
  const credentials: UpstreamConfig['credentials'] = c.UPSTREAM_BEARER_TOKEN
    ? { kind: 'bearer', token: c.UPSTREAM_BEARER_TOKEN }
    : c.UPSTREAM_CLIENT_ID
      ? { kind: 'smart', clientId: c.UPSTREAM_CLIENT_ID, tokenUrl: c.UPSTREAM_TOKEN_URL!, privateKeyFile: c.UPSTREAM_PRIVATE_KEY_FILE!, scope: c.UPSTREAM_SCOPE }
      : { kind: 'none' };
  return { url: c.UPSTREAM_FHIR_URL.replace(/\/$/, ''), timeoutMs: c.UPSTREAM_TIMEOUT_MS, credentials };
}
