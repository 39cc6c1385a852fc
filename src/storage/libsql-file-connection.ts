/**
 * SqlConnection for a local database file through `libsql` (the engine under @libsql/client)
 * directly, with a cache of prepared statements. @libsql/client prepares every statement on
 * every call, which was ≈8% of a FHIR search's CPU here; the gateway repeats a small set of
 * statement shapes, so each is prepared once.
 */
import Database from 'libsql';
import type { SqlConnection, SqlRow, SqlStatement, SqlValue } from './sql-connection.js';

/** How long a writer waits for the lock before failing (ms), as @libsql/client's `timeout`. */
const BUSY_TIMEOUT_MS = 5000;
/** Distinct statement texts kept prepared; IN-lists of varying length make texts vary. */
const MAX_PREPARED = 500;

type Statement = ReturnType<InstanceType<typeof Database>['prepare']>;

/** Opens `path` (created if absent) in WAL mode with synchronous=NORMAL and a busy timeout. */
export function openLibsqlFile(path: string): SqlConnection {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  db.exec('PRAGMA journal_mode=WAL');
  db.exec(`PRAGMA busy_timeout=${BUSY_TIMEOUT_MS}`);
  // WAL + NORMAL is SQLite's recommended pairing: no corruption on any crash, and a process crash
  // loses nothing; only the last commits before a power failure may be lost. FULL fsyncs every
  // commit, and every audited read commits.
  db.exec('PRAGMA synchronous=NORMAL');
  const prepared = new Map<string, Statement>();
  const statement = (sql: string): Statement => {
    let st = prepared.get(sql);
    if (!st) {
      if (prepared.size >= MAX_PREPARED) prepared.delete(prepared.keys().next().value!);
      st = db.prepare(sql);
      prepared.set(sql, st);
    }
    return st;
  };
  const run = (s: SqlStatement): void => {
    statement(s.sql).run(s.args as SqlValue[]);
  };
  return {
    async query(sql, args = []) {
      const st = statement(sql);
      if (!st.reader) {
        st.run(args as SqlValue[]);
        return [];
      }
      return st.all(args as SqlValue[]) as SqlRow[];
    },
    async batch(statements) {
      if (statements.length === 0) return;
      // One IMMEDIATE transaction: all statements commit or none do (the Store's atomicity).
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const s of statements) run(s);
        db.exec('COMMIT');
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    },
    async close() {
      prepared.clear();
      db.close();
    },
  };
}
