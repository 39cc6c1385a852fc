import type { Context } from 'hono';
import { notAcceptable } from '../outcomes/index.js';

const ACCEPTABLE = /(^|[\s,])(\*\/\*|application\/\*|application\/(fhir\+)?json|application\/json\+fhir)(\s*;[^,]*)?(?=,|$)/i;

/** 406 when the client accepts only formats the gateway cannot produce (e.g. fhir+xml). */
export function assertAcceptsJson(c: Context): void {
  const accept = c.req.header('accept');
  if (accept && accept.trim() !== '' && !ACCEPTABLE.test(accept)) {
    throw notAcceptable(`Only \`application/fhir+json\` is served; \`Accept: ${accept.slice(0, 80)}\` cannot be met.`);
  }
}

/** The directives of the `Prefer` header (RFC 7240), e.g. `handling=strict`, `return=minimal`. */
export function preferences(c: Context): { strict: boolean; returnPreference: 'minimal' | 'representation' | 'OperationOutcome' } {
  const prefer = c.req.header('prefer') ?? '';
  const strict = /(^|[;,\s])handling\s*=\s*"?strict"?/i.test(prefer);
  const ret = /(^|[;,\s])return\s*=\s*"?(minimal|representation|OperationOutcome)"?/i.exec(prefer)?.[2];
  return { strict, returnPreference: (ret as 'minimal' | 'representation' | 'OperationOutcome' | undefined) ?? 'representation' };
}

/** The query parameters of the request, in order, repeated names kept. */
export function queryParams(c: Context): URLSearchParams {
  return new URL(c.req.url).searchParams;
}
