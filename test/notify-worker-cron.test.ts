/**
 * The Workers runtime of notifications: src/worker.ts's `scheduled()` (the Cron Trigger in
 * wrangler.toml) runs one tick that activates, dispatches and delivers with fetch. Run in Node
 * over a D1-shaped adapter on libSQL, with a real HTTP receiver; the workerd run of the HTTP
 * side is test/worker.test.ts.
 */
import type { Subscription, Task } from '@medplum/fhirtypes';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'hono';
import jose from 'node-jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClientAssertion } from '../src/auth/client-assertion-builder.js';
import { MIGRATIONS_DIR } from '../src/node-gateway.js';
import type { D1DatabaseLike, D1PreparedStatementLike } from '../src/storage/d1-connection.js';
import { migrate, openLibsqlConnection } from '../src/storage/index.js';
import { readMigrationsDir } from '../src/storage/migrations-dir.js';
import type { SqlConnection, SqlValue } from '../src/storage/sql-connection.js';
import worker, { type WorkerEnv } from '../src/worker.js';
import { startReceiver, type Receiver } from './support/notify-receiver.js';

class Statement implements D1PreparedStatementLike {
  constructor(private readonly conn: SqlConnection, readonly sql: string, readonly args: SqlValue[] = []) {}
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

const BASE = 'http://127.0.0.1:8787';
const CLIENT_ID = 'cron-test-ehr';
let dir: string;
let conn: SqlConnection;
let env: WorkerEnv;
let key: jose.JWK.Key;
let receiver: Receiver;
const pending: Promise<unknown>[] = [];
const ctx = { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'notify-cron-'));
  conn = await openLibsqlConnection(`file:${join(dir, 'd1.db')}`);
  await migrate(conn, await readMigrationsDir(MIGRATIONS_DIR));
  const db: D1DatabaseLike = {
    prepare: (sql) => new Statement(conn, sql),
    batch: async (statements) => {
      await conn.batch((statements as Statement[]).map((s) => ({ sql: s.sql, args: s.args })));
      return [];
    },
  };
  key = await jose.JWK.createKeyStore().generate('EC', 'P-384', { alg: 'ES384', use: 'sig' });
  env = { DB: db, PUBLIC_URL: BASE, GATEWAY_CLIENTS: JSON.stringify([{ clientId: CLIENT_ID, sector: 'ehr', name: 'Cron test EHR', jwks: { keys: [key.toJSON(false)] } }]) };
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await conn?.close?.();
  await rm(dir, { recursive: true, force: true });
});

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  return worker.fetch(new Request(`${BASE}${path}`, init), env, ctx);
}

it('a Cron Trigger tick activates the Subscription and delivers the matching Task, once', async () => {
  const assertion = await buildClientAssertion({ clientId: CLIENT_ID, tokenUrl: `${BASE}/auth/token`, key });
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, scope: 'system/*.cruds' });
  const tokenRes = await call('/auth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const { access_token: token } = (await tokenRes.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' };
  const sub: Subscription = { resourceType: 'Subscription', status: 'requested', reason: 'cron', criteria: 'Task?status=requested', channel: { type: 'rest-hook', endpoint: receiver.url, payload: 'application/fhir+json' } };
  const created = await call('/fhir/Subscription', { method: 'POST', headers, body: JSON.stringify(sub) });
  expect(created.status).toBe(201);
  const subId = ((await created.json()) as Subscription).id!;
  const task: Task = { resourceType: 'Task', status: 'requested', intent: 'order', description: 'from the worker' };
  const taskRes = await call('/fhir/Task', { method: 'POST', headers, body: JSON.stringify(task) });
  expect(taskRes.status).toBe(201);
  const taskId = ((await taskRes.json()) as Task).id!;

  await worker.scheduled({}, env, ctx);
  await Promise.all(pending.splice(0));
  expect(receiver.acknowledged().map((n) => (JSON.parse(n.body) as Task).id)).toEqual([taskId]);
  const read = (await (await call(`/fhir/Subscription/${subId}`, { headers })).json()) as Subscription;
  expect(read.status).toBe('active');

  await worker.scheduled({}, env, ctx);
  await Promise.all(pending.splice(0));
  expect(receiver.received).toHaveLength(1);
});
