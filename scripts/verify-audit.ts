/**
 * `npm run verify-audit -- [--db file:./data/gateway.db]`
 *
 * Walks the audit hash chain (P2-13) and prints `audit chain OK: N events`, or the first broken
 * seq and exits 1. Read-only: it never migrates or repairs. Exit 2 for usage errors or a database
 * without the audit table.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AuditLog } from '../src/audit/index.js';
import { openLibsqlConnection } from '../src/storage/libsql-connection.js';

const USAGE = 'usage: npm run verify-audit -- [--db file:./data/gateway.db]';

async function main(): Promise<number> {
  let db: string;
  try {
    const { values } = parseArgs({ options: { db: { type: 'string', default: process.env.DATABASE_URL ?? 'file:./data/gateway.db' } } });
    db = values.db ?? '';
  } catch {
    console.error(USAGE);
    return 2;
  }
  // Opening a missing file would create an empty database and report a vacuous OK.
  if (db.startsWith('file:') && !existsSync(db.startsWith('file://') ? fileURLToPath(db) : db.slice('file:'.length))) {
    console.error(`No database at ${db}.`);
    return 2;
  }
  const conn = await openLibsqlConnection(db);
  try {
    const tables = await conn.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_event'");
    if (tables.length === 0) {
      console.error(`${db} has no audit_event table (start the gateway once so it migrates).`);
      return 2;
    }
    const result = await new AuditLog(conn).verify();
    if (result.ok) {
      console.log(`audit chain OK: ${result.count} events`);
      return 0;
    }
    console.log(`audit chain BROKEN at seq ${result.brokenAt} (${result.count} events verified before it)`);
    return 1;
  } finally {
    await conn.close?.();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`verify-audit failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
