import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ensureDemoClients } from './auth/demo-clients.js';
import { seedDemoData } from './demo/seed-demo.js';
import { buildGateway, type Gateway } from './gateway.js';
import { ensureIndicatorMeasures } from './indicators/index.js';
import type { ErrorLogger } from './http/on-error.js';
import type { NodeConfig } from './node-config.js';
import type { NotifierOptions } from './notify/index.js';
import { createNodeHttpPoster } from './notify/node-http-poster.js';
import { migrate, openLibsqlConnection } from './storage/index.js';
import { readMigrationsDir } from './storage/migrations-dir.js';
import type { SqlConnection } from './storage/sql-connection.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface NodeGateway extends Gateway {
  readonly conn: SqlConnection;
  /** Organization id of each demo client (empty when demo data is off). */
  readonly demoOrganizations: Record<string, string>;
}

/**
 * Opens (creating and migrating) the libSQL database, builds the gateway, and loads the
 * synthetic demo world and demo clients. Shared by `npm start`, the tests and the benchmarks.
 */
export async function startNodeGateway(config: Pick<NodeConfig, 'dataDir' | 'databaseUrl' | 'keysDir' | 'publicUrl' | 'demoData' | 'upstream' | 'trustedGateway'>, options: { now?: () => Date; log?: ErrorLogger; notify?: NotifierOptions } = {}): Promise<NodeGateway> {
  await mkdir(config.dataDir, { recursive: true });
  const conn = await openLibsqlConnection(config.databaseUrl);
  await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
  // Upstream mode: resources on the configured FHIR server, this database keeps the gateway's state.
  // Its tokens use the wall clock: the upstream checks assertions against its own.
  // Loaded only when configured: most deployments never need fhir-kit-client, and every module
  // loaded is start-up time.
  const upstream = config.upstream || config.trustedGateway ? await import('./storage/upstream/node-upstream.js') : undefined;
  const store = config.upstream ? await upstream!.createNodeUpstreamStore(conn, config.upstream) : undefined;
  // Notifications POST through node:http keep-alive agents on Node (src/notify/node-http-poster.ts).
  const gateway = await buildGateway({ conn, issuer: config.publicUrl, ...options, notify: { post: createNodeHttpPoster(), ...options.notify }, ...(store ? { store } : {}) });
  await ensureIndicatorMeasures(gateway.repo);
  if (config.trustedGateway) await upstream!.registerTrustedGatewayFromFile(conn, config.trustedGateway, (options.now ?? (() => new Date()))());
  let demoOrganizations: Record<string, string> = {};
  if (config.demoData) {
    demoOrganizations = await seedDemoData(gateway.repo, `${config.publicUrl}/fhir`);
    await ensureDemoClients(gateway.auth, config.keysDir, demoOrganizations);
  }
  return { ...gateway, conn, demoOrganizations };
}
