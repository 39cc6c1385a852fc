/**
 * How the gateway authenticates to the upstream FHIR server: a fixed bearer token, or SMART
 * Backend Services (client_credentials with a private_key_jwt assertion built by the same code the
 * tests and `npm run token` use). Tokens are cached until shortly before they expire.
 */
import { z } from 'zod';
import { buildClientAssertion } from '../../auth/client-assertion-builder.js';
import { upstreamBadResponse, upstreamUnavailable } from './upstream-errors.js';

export interface UpstreamToken {
  /** The bearer to send, or undefined for an open server; `refresh` forces a new one. */
  get(refresh: boolean): Promise<string | undefined>;
}

export type UpstreamCredentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'smart'; readonly clientId: string; readonly tokenUrl: string; readonly privateJwk: object; readonly scope: string };

const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });

export function createUpstreamToken(credentials: UpstreamCredentials, now: () => Date = () => new Date()): UpstreamToken {
  if (credentials.kind === 'none') return { get: async () => undefined };
  if (credentials.kind === 'bearer') return { get: async () => credentials.token };
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    const assertion = await buildClientAssertion({ clientId: credentials.clientId, tokenUrl: credentials.tokenUrl, key: credentials.privateJwk, now: now() });
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: credentials.scope,
    });
    let res: Response;
    try {
      res = await fetch(credentials.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw upstreamUnavailable(undefined, err);
    }
    const parsed = tokenResponse.safeParse(await res.json().catch(() => undefined));
    if (!res.ok || !parsed.success) throw upstreamBadResponse(new Error(`upstream token endpoint answered ${res.status}`));
    // Renew 30 s early so a token never expires in flight.
    cached = { token: parsed.data.access_token, expiresAt: now().getTime() + ((parsed.data.expires_in ?? 300) - 30) * 1000 };
    return cached.token;
  };
  return {
    async get(refresh) {
      if (!refresh && cached && cached.expiresAt > now().getTime()) return cached.token;
      pending ??= fetchToken().finally(() => (pending = undefined));
      return pending;
    },
  };
}
