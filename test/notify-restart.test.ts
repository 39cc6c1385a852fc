import type { Subscription, Task } from '@medplum/fhirtypes';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startNodeGateway } from '../src/node-gateway.js';
import { BASE, createTestGateway } from './support/test-gateway.js';
import { startReceiver, type Receiver } from './support/notify-receiver.js';

/*
 * Issue 6: the outbox survives a restart of the gateway mid-retry — nothing lost, and a receiver
 * that acknowledged gets nothing twice. The second gateway is built on the SAME database file.
 */

let clock = Date.now();
const now = () => new Date(clock);
const receivers: Receiver[] = [];
let dir: string | undefined;
afterAll(async () => {
  for (const r of receivers) await r.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('restart mid-retry: the pending notification and an undispatched change are delivered once; the acknowledged one is not resent', async () => {
  const first = await createTestGateway({ now });
  dir = first.dir;
  const up = await startReceiver('/up');
  const flaky = await startReceiver('/flaky');
  receivers.push(up, flaky);
  const housingOrg = first.demoOrganizations['demo-housing']!;
  const housing = await first.token('demo-housing', { purpose: 'COC' });
  const subscribe = async (endpoint: string): Promise<string> => {
    const sub: Subscription = {
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'housing tasks',
      criteria: `Task?owner=Organization/${housingOrg}`,
      channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json' },
    };
    const res = await first.fhir('/fhir/Subscription', { method: 'POST', token: housing, json: sub });
    expect(res.status).toBe(201);
    return ((await res.json()) as Subscription).id!;
  };
  const upSub = await subscribe(up.url);
  const flakySub = await subscribe(flaky.url);
  await first.notifier.drain();

  const corrections = await first.token('demo-corrections', { purpose: 'COC' });
  const createTask = async (description: string): Promise<string> => {
    const task: Task = { resourceType: 'Task', status: 'requested', intent: 'order', owner: { reference: `Organization/${housingOrg}` }, description };
    const res = await first.fhir('/fhir/Task', { method: 'POST', token: corrections, json: task });
    expect(res.status).toBe(201);
    return ((await res.json()) as Task).id!;
  };
  await flaky.down();
  const t1 = await createTask('before restart');
  await first.notifier.drain();
  expect(up.acknowledged()).toHaveLength(1);
  const rows = await first.conn.query('SELECT subscription_id, status, attempts FROM notification_outbox WHERE resource_id = ?', [t1]);
  expect(rows).toEqual(expect.arrayContaining([
    expect.objectContaining({ subscription_id: upSub, status: 'delivered' }),
    expect.objectContaining({ subscription_id: flakySub, status: 'pending', attempts: 1 }),
  ]));
  // Written but never dispatched before the "crash".
  const t2 = await createTask('written just before restart');
  await first.conn.close?.();

  const second = await startNodeGateway(
    { dataDir: dir, databaseUrl: `file:${join(dir, 'gateway.db')}`, keysDir: join(dir, 'keys'), publicUrl: BASE, demoData: false },
    { log: () => undefined, now },
  );
  try {
    await flaky.up();
    clock += 6 * 60_000;
    await second.notifier.drain();
    await second.notifier.drain();
    const ids = (r: Receiver) => r.acknowledged().map((n) => (JSON.parse(n.body) as Task).id);
    expect(ids(up)).toEqual([t1, t2]);
    expect(ids(flaky).sort()).toEqual([t1, t2].sort());
    const after = await second.conn.query("SELECT COUNT(*) AS n FROM notification_outbox WHERE status <> 'delivered'");
    expect(Number(after[0]!['n'])).toBe(0);
  } finally {
    await second.conn.close?.();
  }
});
