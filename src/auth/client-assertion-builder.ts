import jose from 'node-jose';

/** Options for {@link buildClientAssertion}. */
export interface ClientAssertionOptions {
  readonly clientId: string;
  /** The token endpoint URL the assertion is for (its `aud`). */
  readonly tokenUrl: string;
  /** The client's PRIVATE key: a node-jose key or a private JWK object. */
  readonly key: jose.JWK.Key | object;
  /** Defaults to the wall clock. */
  readonly now?: Date;
  /** `exp − iat`; SMART allows at most 300. Defaults to 60. */
  readonly lifetimeSeconds?: number;
  /** Defaults to a random UUID. */
  readonly jti?: string;
  /** Extra or overriding claims (tests use this to build bad assertions). */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Overrides the `alg` header; by default RS384 for RSA keys and ES384 for EC keys. */
  readonly alg?: string;
}

/**
 * Builds a private_key_jwt client assertion (RFC 7523 §3, SMART Backend Services): a compact JWS
 * with `kid` and `typ: JWT`, iss = sub = client id, aud = token URL, iat, exp, jti.
 * Used by `npm run token`, the tests and the benchmark. Throws for an unsupported key type.
 */
export async function buildClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const key = jose.JWK.isKey(options.key) ? options.key : await jose.JWK.asKey(options.key);
  const alg = options.alg ?? algorithmFor(key);
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims = {
    iss: options.clientId,
    sub: options.clientId,
    aud: options.tokenUrl,
    iat,
    exp: iat + (options.lifetimeSeconds ?? 60),
    jti: options.jti ?? crypto.randomUUID(),
    ...options.claims,
  };
  const fields = { alg, kid: key.kid, typ: 'JWT' };
  const signer = jose.JWS.createSign({ format: 'compact', fields }, key);
  // With format 'compact', node-jose resolves to the serialized string (its typings say otherwise).
  return (await signer.update(JSON.stringify(claims), 'utf8').final()) as unknown as string;
}

/** The SMART algorithm for a key: RS384 for RSA, ES384 for EC. */
export function algorithmFor(key: jose.JWK.Key): 'RS384' | 'ES384' {
  if (key.kty === 'RSA') return 'RS384';
  if (key.kty === 'EC') return 'ES384';
  throw new Error(`unsupported key type ${key.kty}: SMART client keys are RSA or EC`);
}
