/**
 * Node-only: reads migration files from disk. Kept out of storage/index.ts so the Worker bundle
 * never pulls in node:fs (the Worker ships its migrations through wrangler or bundled text).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Migration } from './migrate.js';

/** Every `NNNN_name.sql` file in `dir`, sorted by name; other files are ignored. */
export async function readMigrationsDir(dir: string): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })));
}
