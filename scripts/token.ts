/**
 * `npm run token -- <client-id> [--purpose TREAT] [--scope "system/*.rs"] [--url http://localhost:8787]`
 *
 * Does the real SMART Backend Services flow against a running gateway: reads the demo client's
 * private key from ./data/keys/<client-id>.private.json, signs a client assertion, POSTs it to
 * <url>/auth/token and prints the access token as the LAST line of stdout (ARCHITECTURE §2).
 * A refusal prints the OAuth error on stderr and exits non-zero.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildClientAssertion } from '../src/auth/client-assertion-builder.js';

const USAGE = 'usage: npm run token -- <client-id> [--purpose TREAT] [--scope "system/*.rs"] [--url http://localhost:8787] [--keys data/keys]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      purpose: { type: 'string' },
      scope: { type: 'string' },
      url: { type: 'string', default: process.env.GATEWAY_URL ?? `http://localhost:${process.env.PORT ?? '8787'}` },
      keys: { type: 'string', default: join('data', 'keys') },
    },
  });
  const clientId = positionals[0];
  if (!clientId || positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const base = (values.url ?? '').replace(/\/+$/, '');
  const keyFile = join(values.keys ?? '', `${clientId}.private.json`);
  const privateJwk = await readFile(keyFile, 'utf8').catch(() => undefined);
  if (privateJwk === undefined) {
    console.error(`No private key at ${keyFile}: start the gateway once (npm start) so it creates the demo clients' keys.`);
    return 1;
  }

  const tokenUrl = `${base}/auth/token`;
  const assertion = await buildClientAssertion({ clientId, tokenUrl, key: JSON.parse(privateJwk) as object });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });
  if (values.scope !== undefined) form.set('scope', values.scope);
  if (values.purpose !== undefined) form.set('purpose_of_use', values.purpose);

  let response: Response;
  try {
    response = await fetch(tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
  } catch (err) {
    console.error(`Could not reach ${tokenUrl}: ${(err as Error).message}`);
    return 1;
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    console.error(`Token refused (${response.status}): ${String(body.error ?? 'unknown_error')}: ${String(body.error_description ?? '')}`);
    return 1;
  }
  console.error(`client ${clientId}, scope ${String(body.scope)}, purpose ${String(body.purpose_of_use)}, expires in ${String(body.expires_in)} s`);
  console.log(body.access_token);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).message ?? err);
    process.exit(1);
  },
);
