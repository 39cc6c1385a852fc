/**
 * Child process of the HTTP benchmark: starts (a) the real gateway over a temp libSQL file with
 * demo data and (b) a bare Hono app reading the same file, seeds data, then prints one JSON line
 * ({@link ServersInfo}) on stdout and serves until SIGTERM. A separate process so autocannon in
 * the parent does not share this event loop (2 cores: one for load, one for the servers).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { startNodeGateway } from '../src/node-gateway.js';
import { openLibsqlConnection } from '../src/storage/libsql-connection.js';
import { fetchToken, seedWorld, type SeededWorld } from './seed.js';
import { freePort } from './util.js';

/** The JSON line this process prints once both servers are ready. */
export interface ServersInfo extends SeededWorld {
  readonly gatewayUrl: string;
  readonly bareUrl: string;
  readonly token: string;
  readonly seedMs: number;
}

/**
 * The baseline: one indexed libSQL query per request and a JSON answer, no auth, no consent,
 * no FHIR envelope beyond a minimal searchset. The search SQL mirrors what src/storage/search-sql.ts
 * builds for `patient=Patient/{id}` (reference index drives, CROSS JOIN, last_updated DESC).
 */
function bareApp(conn: Awaited<ReturnType<typeof openLibsqlConnection>>): Hono {
  const app = new Hono();
  app.get('/fhir/:type/:id', async (c) => {
    const rows = await conn.query('SELECT content FROM resource_current WHERE resource_type = ? AND id = ? AND deleted = 0', [c.req.param('type'), c.req.param('id')]);
    const row = rows[0];
    if (!row) return c.json({ resourceType: 'OperationOutcome' }, 404);
    return c.json(JSON.parse(String(row.content)) as object);
  });
  app.get('/fhir/Observation', async (c) => {
    const [type, id] = (c.req.query('patient') ?? '').split('/');
    const count = Number(c.req.query('_count') ?? 20);
    const rows = await conn.query(
      `SELECT c.id, c.content FROM (SELECT DISTINCT s.id FROM search_reference s WHERE s.resource_type = 'Observation' AND s.param = 'patient' AND s.target_id = ? AND s.target_type = ?) f
       CROSS JOIN resource_current c ON c.resource_type = 'Observation' AND c.id = f.id
       WHERE c.deleted = 0 ORDER BY c.last_updated DESC, c.id LIMIT ?`,
      [id ?? '', type ?? '', count],
    );
    const entry = rows.map((r) => ({ resource: JSON.parse(String(r.content)) as object, search: { mode: 'match' } }));
    return c.json({ resourceType: 'Bundle', type: 'searchset', entry });
  });
  return app;
}

async function main(): Promise<void> {
  const patients = Number(process.argv[2] ?? 200);
  const dir = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  const [gatewayPort, barePort] = [await freePort(), await freePort()];
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const databaseUrl = `file:${join(dir, 'gateway.db')}`;
  const keysDir = join(dir, 'keys');
  const gw = await startNodeGateway({ dataDir: dir, databaseUrl, keysDir, publicUrl: gatewayUrl, demoData: true }, { log: () => undefined });
  const gwServer = serve({ fetch: gw.app.fetch, port: gatewayPort, hostname: '127.0.0.1' });
  // Its own connection to the same file, as a second process/handler would have.
  const bareConn = await openLibsqlConnection(databaseUrl);
  const bareServer = serve({ fetch: bareApp(bareConn).fetch, port: barePort, hostname: '127.0.0.1' });

  const token = await fetchToken(gatewayUrl, keysDir, 'demo-admin');
  const seedStart = performance.now();
  const world = await seedWorld(`${gatewayUrl}/fhir`, token, patients);
  const info: ServersInfo = { gatewayUrl, bareUrl, token, seedMs: performance.now() - seedStart, ...world };
  process.stdout.write(`${JSON.stringify(info)}\n`);

  const shutdown = (): void => {
    gwServer.close();
    bareServer.close();
    void Promise.allSettled([gw.conn.close?.(), bareConn.close?.()])
      .then(() => rm(dir, { recursive: true, force: true }))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error('bench servers failed:', err);
  process.exit(1);
});
