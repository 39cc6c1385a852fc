/**
 * `npm run token -- <client-id> [--purpose TREAT] [--scope "system/*.rs"] [--url http://localhost:8787]`
 *
 * Does the real SMART Backend Services flow against a running gateway: reads the demo client's
 * private key from ./data/keys/<client-id>.private.json, signs a client assertion, POSTs it to
 * <url>/auth/token and prints the access token as the LAST line of stdout (ARCHITECTURE §2).
 * A refusal prints the OAuth error on stderr and exits non-zero.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fetchAccessToken } from './fetch-token.js';

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
  const { token, expiresAt } = await fetchAccessToken({
    base,
    clientId,
    keysDir: values.keys ?? '',
    ...(values.scope !== undefined ? { scope: values.scope } : {}),
    ...(values.purpose !== undefined ? { purpose: values.purpose } : {}),
  });
  console.error(`client ${clientId}, purpose ${values.purpose ?? 'TREAT (default)'}, expires in ${Math.round((expiresAt - Date.now()) / 1000)} s`);
  console.log(token);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).message ?? err);
    process.exit(1);
  },
);
