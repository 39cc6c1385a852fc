import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthTestApp, requestToken, type AuthTestApp } from './auth-test-app.js';
import { SECTOR_DEFAULT_SCOPES } from './client-defaults.js';
import { DEMO_CLIENTS, ensureDemoClients } from './demo-clients.js';

let test: AuthTestApp;
let keysDir: string;
const orgIds = Object.fromEntries(DEMO_CLIENTS.map((demo) => [demo.clientId, `org-${demo.clientId}`]));

beforeAll(async () => {
  test = await createAuthTestApp();
  keysDir = join(test.dir, 'keys');
});
afterAll(async () => {
  await rm(keysDir, { recursive: true, force: true });
  await test.close();
});

describe('ensureDemoClients', () => {
  it('generates private keys (0600), registers public keys, and each demo client gets a token', async () => {
    const results = await ensureDemoClients(test.auth, keysDir, orgIds);
    expect(results.map((r) => r.clientId)).toEqual(['demo-corrections', 'demo-treatment', 'demo-housing', 'demo-ehr', 'demo-admin']);
    expect(results.every((r) => r.generated)).toBe(true);

    for (const demo of DEMO_CLIENTS) {
      const file = join(keysDir, `${demo.clientId}.private.json`);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const privateJwk = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(privateJwk).toHaveProperty('d');
      expect(privateJwk.kty).toBe(demo.alg === 'RS384' ? 'RSA' : 'EC');

      const client = await test.auth.getClient(demo.clientId);
      expect(client).toMatchObject({ sector: demo.sector, organizationId: `org-${demo.clientId}`, scopes: SECTOR_DEFAULT_SCOPES[demo.sector] });
      expect(client?.jwks.keys[0]).not.toHaveProperty('d');

      const token = await requestToken(test, { clientId: demo.clientId, key: privateJwk }, { purpose_of_use: 'CJMONITOR' });
      expect(token.status).toBe(200);
    }
  });

  it('reuses existing key files on a later start', async () => {
    const before = await readFile(join(keysDir, 'demo-ehr.private.json'), 'utf8');
    const results = await ensureDemoClients(test.auth, keysDir, orgIds);
    expect(results.every((r) => !r.generated)).toBe(true);
    expect(await readFile(join(keysDir, 'demo-ehr.private.json'), 'utf8')).toBe(before);
  });

  it('throws when an Organization id is missing', async () => {
    await expect(ensureDemoClients(test.auth, keysDir, {})).rejects.toThrow(/Organization id/);
  });
});
