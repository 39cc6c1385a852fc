import type { Context } from 'hono';
import { z } from 'zod';
import type { AuthService } from './auth-service.js';
import { OAuthError } from './oauth-error.js';

// A client assertion is a few KB at most; anything far larger is not a token request.
const MAX_FORM_BYTES = 64 * 1024;

const formSchema = z.object({
  grant_type: z.string().min(1),
  client_assertion_type: z.string().min(1),
  client_assertion: z.string().min(1),
  scope: z.string().optional(),
  purpose_of_use: z.string().optional(),
  client_id: z.string().optional(),
});

// RFC 6749 §5.1: token responses (and errors) must not be cached.
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * Creates the `POST /auth/token` handler. It never throws: every refusal is answered the OAuth
 * way (RFC 6749 §5.2 `{error, error_description}`, 401 for `invalid_client`, else 400), and an
 * unexpected fault becomes a bare `server_error` 500 — the root onError's OperationOutcome
 * would be the wrong shape for OAuth clients (ARCHITECTURE §2).
 */
export function createTokenEndpoint(auth: AuthService) {
  return async function tokenEndpoint(c: Context): Promise<Response> {
    try {
      const request = await readForm(c);
      const url = new URL(c.req.url);
      const response = await auth.issueToken(request, { calledUrl: `${url.origin}${url.pathname}`, origin: url.origin });
      return c.json(response, 200, NO_STORE);
    } catch (err) {
      const oauth = err instanceof OAuthError ? err : new OAuthError('server_error', 'internal error');
      if (!(err instanceof OAuthError)) console.error('[auth] token endpoint fault', err);
      return c.json(oauth.toJSON(), oauth.status, NO_STORE);
    }
  };
}

async function readForm(c: Context): Promise<z.infer<typeof formSchema>> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'the token request must be `application/x-www-form-urlencoded`');
  }
  const length = Number(c.req.header('content-length') ?? '0');
  if (length > MAX_FORM_BYTES) throw new OAuthError('invalid_request', 'the token request is too large');
  const text = await c.req.text();
  if (text.length > MAX_FORM_BYTES) throw new OAuthError('invalid_request', 'the token request is too large');

  const params = new URLSearchParams(text);
  const form: Record<string, string> = {};
  for (const [name, value] of params) {
    // RFC 6749 §3.2: request parameters must not be included more than once.
    if (name in form) throw new OAuthError('invalid_request', `parameter \`${name}\` is repeated`);
    form[name] = value;
  }
  const parsed = formSchema.safeParse(form);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? 'form';
    throw new OAuthError('invalid_request', `parameter \`${field}\` is missing or empty`);
  }
  return parsed.data;
}
