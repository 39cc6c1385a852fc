import { z } from 'zod';
import type { SqlConnection, SqlRow } from '../storage/sql-connection.js';
import { SECTORS } from './requester.js';
import { parseScopes } from './scopes.js';

// RFC 7518 §6.2.2 / §6.3.2: members that carry private key material. A registered JWKS is
// published trust data; a private member there means someone pasted the wrong file.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const publicJwkSchema = z
  .looseObject({
    // Only asymmetric keys: an `oct` key would be a shared secret, which private_key_jwt excludes.
    kty: z.enum(['RSA', 'EC']),
    kid: z.string().min(1).optional(),
    alg: z.enum(['RS384', 'ES384']).optional(),
    use: z.literal('sig').optional(),
  })
  .superRefine((jwk, ctx) => {
    for (const member of PRIVATE_MEMBERS) {
      if (member in jwk) ctx.addIssue({ code: 'custom', message: `JWK carries private member \`${member}\`; register public keys only` });
    }
  });

/** A client's public keys, as registered (RFC 7517 §5 JWK Set). */
export const publicJwksSchema = z.object({ keys: z.array(publicJwkSchema).min(1) });

/** The client record accepted by {@link registerClient}; zod-validated before anything is stored. */
export const clientRegistrationSchema = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'client id: 1-64 of A-Z a-z 0-9 . _ -'),
  organizationId: z.string().min(1),
  sector: z.enum(SECTORS),
  name: z.string().min(1).optional(),
  jwks: publicJwksSchema,
  scopes: z.string().superRefine((text, ctx) => {
    const parsed = parseScopes(text);
    for (const bad of parsed.invalid) ctx.addIssue({ code: 'custom', message: `scope \`${bad.scope}\`: ${bad.reason}` });
    if (parsed.scopes.length === 0 && parsed.invalid.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one scope' });
  }),
});

/** Input to {@link registerClient}. */
export type ClientRegistration = z.input<typeof clientRegistrationSchema>;

/** A registered client as loaded from storage. */
export interface RegisteredClient {
  readonly clientId: string;
  readonly organizationId: string;
  readonly sector: (typeof SECTORS)[number];
  readonly name: string;
  readonly jwks: z.infer<typeof publicJwksSchema>;
  /** Space-separated SMART scopes: the most a token for this client may be granted. */
  readonly scopes: string;
  readonly createdAt: string;
}

/**
 * Registers a client, or replaces its keys, scopes, sector and organization if it exists
 * (`created_at` is kept). Throws a ZodError for an invalid record, including a JWKS that
 * carries private key members.
 */
export async function registerClient(sql: SqlConnection, input: ClientRegistration, now: Date, options: { trustedGateway?: boolean } = {}): Promise<RegisteredClient> {
  const record = clientRegistrationSchema.parse(input);
  // A `gateway` client sees every record unfiltered: only the explicit configuration path may create one.
  if (record.sector === 'gateway' && !options.trustedGateway) throw new Error('sector `gateway` is registered only through TRUSTED_GATEWAY_CLIENT_ID configuration');
  const name = record.name ?? record.clientId;
  await sql.query(
    `INSERT INTO auth_client (client_id, organization_id, sector, jwks, scopes, name, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (client_id) DO UPDATE SET
       organization_id = excluded.organization_id, sector = excluded.sector, jwks = excluded.jwks,
       scopes = excluded.scopes, name = excluded.name`,
    [record.clientId, record.organizationId, record.sector, JSON.stringify(record.jwks), record.scopes, name, now.toISOString()],
  );
  const stored = await loadClient(sql, record.clientId);
  if (!stored) throw new Error(`client ${record.clientId} vanished right after registration`);
  return stored;
}

/** Loads a registered client, or undefined when none has that id. */
export async function loadClient(sql: SqlConnection, clientId: string): Promise<RegisteredClient | undefined> {
  const rows = await sql.query(
    'SELECT client_id, organization_id, sector, jwks, scopes, name, created_at FROM auth_client WHERE client_id = ?',
    [clientId],
  );
  const row = rows[0];
  return row ? toClient(row) : undefined;
}

// INVARIANT: rows were validated on the way in; re-parsing here still fails closed if someone
// edited the table by hand (a private key or unknown sector never reaches the verifier).
function toClient(row: SqlRow): RegisteredClient {
  const record = clientRegistrationSchema.parse({
    clientId: row.client_id,
    organizationId: row.organization_id,
    sector: row.sector,
    name: row.name,
    jwks: JSON.parse(String(row.jwks)),
    scopes: row.scopes,
  });
  return {
    clientId: record.clientId,
    organizationId: record.organizationId,
    sector: record.sector,
    name: record.name ?? record.clientId,
    jwks: record.jwks,
    scopes: record.scopes,
    createdAt: String(row.created_at),
  };
}
