/**
 * worker.ts's startup handling, in Node over a D1-shaped adapter on libSQL (the real workerd run
 * is test/worker.test.ts): a failed build answers 503 OperationOutcome and is retried next request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS_DIR } from '../node-gateway.js';
import type { D1DatabaseLike, D1PreparedStatementLike } from '../storage/d1-connection.js';
import { migrate, openLibsqlConnection } from '../storage/index.js';
import { readMigrationsDir } from '../storage/migrations-dir.js';
import type { SqlConnection, SqlValue } from '../storage/sql-connection.js';
import worker from '../worker.js';

class Statement implements D1PreparedStatementLike {
  constructor(
    private readonly conn: SqlConnection,
    readonly sql: string,
    readonly args: SqlValue[] = [],
  ) {}
  bind(...values: unknown[]): Statement {
    return new Statement(this.conn, this.sql, values as SqlValue[]);
  }
  async all<T>(): Promise<{ results: T[] }> {
    return { results: (await this.conn.query(this.sql, this.args)) as T[] };
  }
  async run(): Promise<unknown> {
    return this.all();
  }
}

function d1Over(conn: SqlConnection): D1DatabaseLike {
  return {
    prepare: (sql) => new Statement(conn, sql),
    batch: async (statements) => {
      await conn.batch((statements as Statement[]).map((s) => ({ sql: s.sql, args: s.args })));
      return [];
    },
  };
}

let dir: string;
let conn: SqlConnection;
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'worker-startup-'));
  conn = await openLibsqlConnection(`file:${join(dir, 'd1.db')}`);
  await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
});

afterAll(async () => {
  await conn?.close?.();
  await rm(dir, { recursive: true, force: true });
});

describe('worker startup', () => {
  it('answers 503 OperationOutcome while GATEWAY_CLIENTS is invalid, then retries the build', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const bad = await worker.fetch(new Request('http://127.0.0.1/healthz'), { DB: d1Over(conn), GATEWAY_CLIENTS: '[{"clientId":' }, ctx);
    expect(bad.status).toBe(503);
    expect(bad.headers.get('content-type')).toContain('application/fhir+json');
    const outcome = (await bad.json()) as { resourceType: string; issue: { details?: { text?: string } }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(outcome)).not.toContain('JSON'); // the cause is logged, not sent
    expect(quiet).toHaveBeenCalled();
    quiet.mockRestore();

    const good = await worker.fetch(new Request('http://127.0.0.1/healthz'), { DB: d1Over(conn), GATEWAY_CLIENTS: '[]' }, ctx);
    expect(good.status).toBe(200);
  });
});
