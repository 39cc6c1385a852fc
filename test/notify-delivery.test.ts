import type { AuditEvent, OperationOutcome, Parameters, Subscription, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKindOf } from '../src/audit/audit-event.js';
import { createNotifier } from '../src/notify/index.js';
import { createNodeHttpPoster } from '../src/notify/node-http-poster.js';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';
import { startReceiver, verifyNotification, type Receiver } from './support/notify-receiver.js';

/* Issue 6 notifications: R4 rest-hook Subscriptions delivered from the outbox to a real receiver. */

let clock = Date.now();
const now = () => new Date(clock);
/** Past the 5-minute backoff cap, so every pending retry is due. */
const advance = (ms = 6 * 60_000) => {
  clock += ms;
};

let gw: TestGateway;
let receiver: Receiver;
let housingOrg: string;
beforeAll(async () => {
  gw = await createTestGateway({ now });
  receiver = await startReceiver();
  housingOrg = gw.demoOrganizations['demo-housing']!;
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

const token = (client = 'demo-housing') => gw.token(client, { purpose: 'COC' });

function subscription(endpoint: string, criteria = `Task?owner=Organization/${housingOrg}`, extra: Partial<Subscription> = {}): Subscription {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'Tell the housing agency about its tasks',
    criteria,
    channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json', header: ['Authorization: Bearer receiver-secret'] },
    ...extra,
  };
}

async function subscribe(sub: Subscription, client = 'demo-housing'): Promise<string> {
  const res = await gw.fhir('/fhir/Subscription', { method: 'POST', token: await token(client), json: sub });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as Subscription).id!;
}

async function readSubscription(id: string): Promise<Subscription> {
  return (await gw.repo.store.read('Subscription', id))!.resource as Subscription;
}

/** A Task for the housing agency, written by the corrections office (not a Part 2 record). */
async function taskForHousing(note = 'housing intake'): Promise<string> {
  const task: Task = { resourceType: 'Task', status: 'requested', intent: 'order', owner: { reference: `Organization/${housingOrg}` }, description: note };
  const res = await gw.fhir('/fhir/Task', { method: 'POST', token: await gw.token('demo-corrections', { purpose: 'COC' }), json: task });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as Task).id!;
}

async function statusOf(id: string, client = 'demo-housing'): Promise<Record<string, unknown>> {
  const res = await gw.fhir(`/fhir/Subscription/${id}/$status`, { token: await token(client) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Parameters;
  return Object.fromEntries((body.parameter ?? []).map((p) => [p.name, p.valueInteger ?? p.valueString ?? p.valueCode ?? p.valueReference?.reference]));
}

async function outboxRows(subscriptionId: string) {
  return gw.conn.query('SELECT resource_id, status, attempts, next_attempt_at, last_error FROM notification_outbox WHERE subscription_id = ? ORDER BY id', [subscriptionId]);
}

describe('creating a Subscription', () => {
  it.each([
    ['channel.type', { channel: { type: 'email', endpoint: 'mailto:x@example.org' } }, 'Subscription.channel.type'],
    ['endpoint', { channel: { type: 'rest-hook', endpoint: 'ftp://example.org/hook' } }, 'Subscription.channel.endpoint'],
    ['payload', { channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1/x', payload: 'text/plain' } }, 'Subscription.channel.payload'],
    ['header', { channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1/x', header: ['X-Signature: forged'] } }, 'Subscription.channel.header'],
    ['unknown type', { criteria: 'Spaceship?name=x' }, 'Subscription.criteria'],
    ['unknown parameter', { criteria: 'Task?flavour=sweet' }, 'Subscription.criteria'],
    ['chained criteria', { criteria: 'Task?owner.name=x' }, 'Subscription.criteria'],
    ['status active', { status: 'active' }, 'Subscription.status'],
  ] as const)('refuses a bad %s with a 422 naming the element', async (_name, patch, expression) => {
    const res = await gw.fhir('/fhir/Subscription', { method: 'POST', token: await token(), json: { ...subscription(receiver.url), ...patch } });
    expect(res.status).toBe(422);
    const outcome = (await res.json()) as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue.flatMap((i) => i.expression ?? [])).toContain(expression);
  });

  it('applies the same checks and owner to a Subscription written in a transaction', async () => {
    const bundle = (resource: Subscription) => ({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource, request: { method: 'POST', url: 'Subscription' } }] });
    const bad = await gw.fhir('/fhir', { method: 'POST', token: await token(), json: bundle(subscription('ftp://example.org/x')) });
    expect(bad.status).toBe(422);
    const good = await gw.fhir('/fhir', { method: 'POST', token: await token(), json: bundle(subscription(receiver.url)) });
    expect(good.status).toBe(200);
    const location = ((await good.json()) as { entry: { response: { location: string } }[] }).entry[0]!.response.location;
    const id = location.split('/')[1]!;
    expect((await readSubscription(id)).extension?.[0]?.extension?.[0]).toEqual({ url: 'client', valueString: 'demo-housing' });
    await gw.fhir(`/fhir/Subscription/${id}`, { method: 'DELETE', token: await token() });
  });

  it('refuses criteria over a type the token may not search (403)', async () => {
    const narrow = await gw.token('demo-housing', { purpose: 'COC', scope: 'system/Subscription.cruds' });
    const res = await gw.fhir('/fhir/Subscription', { method: 'POST', token: narrow, json: subscription(receiver.url) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as OperationOutcome).issue[0]?.details?.text).toContain('`Task`');
  });

  it('records the owner from the token, ignores a forged one, and lets no other client change it', async () => {
    const forged = subscription(receiver.url, undefined, {
      extension: [{ url: 'https://reentry-gateway.example.org/fhir/StructureDefinition/subscription-owner', extension: [{ url: 'client', valueString: 'demo-admin' }, { url: 'purposeOfUse', valueCode: 'TREAT' }] }],
    });
    const id = await subscribe(forged);
    const owner = (await readSubscription(id)).extension?.[0]?.extension;
    expect(owner).toEqual([{ url: 'client', valueString: 'demo-housing' }, { url: 'purposeOfUse', valueCode: 'COC' }]);
    const current = await readSubscription(id);
    const res = await gw.fhir(`/fhir/Subscription/${id}`, { method: 'PUT', token: await gw.token('demo-ehr'), json: { ...current, channel: { ...current.channel, endpoint: 'http://127.0.0.1:9/steal' } } });
    // Private to its owner: another client finds nothing there at all (src/enforcement/owner-private.ts).
    expect(res.status).toBe(404);
    expect((await gw.fhir(`/fhir/Subscription/${id}/$status`, { token: await gw.token('demo-ehr') })).status).toBe(404);
    await gw.fhir(`/fhir/Subscription/${id}`, { method: 'DELETE', token: await token() });
  });
});

describe('delivery', () => {
  it('activates a requested Subscription and delivers a signed, audited notification', async () => {
    const id = await subscribe(subscription(receiver.url));
    await gw.notifier.drain();
    expect((await readSubscription(id)).status).toBe('active');

    const before = receiver.received.length;
    const taskId = await taskForHousing();
    await gw.notifier.drain();
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(1);
    const [notification] = got;
    expect(notification!.headers['authorization']).toBe('Bearer receiver-secret');
    expect(notification!.headers['content-type']).toContain('application/fhir+json');
    const body = JSON.parse(notification!.body) as Task;
    expect(body.id).toBe(taskId);
    const jwks = (await (await gw.app.request('http://localhost:8787/.well-known/jwks.json')).json()) as { keys: object[] };
    const header = await verifyNotification(jwks, notification!);
    expect(header['alg']).toBe('ES384');
    // A tampered body no longer verifies.
    await expect(verifyNotification(jwks, { ...notification!, body: notification!.body.replace('housing intake', 'housing outtake') })).rejects.toThrow();

    const audited = (await gw.conn.query('SELECT content FROM audit_event ORDER BY seq DESC LIMIT 20')).map((r) => JSON.parse(String(r['content'])) as AuditEvent);
    // The delivery itself, not the write that created the Task (both name the Task).
    expect(audited.some((e) => auditKindOf(e) !== 'write' && JSON.stringify(e.entity ?? []).includes(`Task/${taskId}`) && JSON.stringify(e.agent).includes('demo-housing'))).toBe(true);

    expect(await statusOf(id)).toMatchObject({ status: 'active', pending: 0, delivered: 1, dead: 0 });
    // A later tick sends nothing again.
    await gw.notifier.drain();
    expect(receiver.received.length).toBe(before + 1);

    // A Task for someone else does not match the criteria.
    const other: Task = { resourceType: 'Task', status: 'requested', intent: 'order', owner: { reference: `Organization/${gw.demoOrganizations['demo-ehr']}` } };
    expect((await gw.fhir('/fhir/Task', { method: 'POST', token: await gw.token('demo-corrections', { purpose: 'COC' }), json: other })).status).toBe(201);
    await gw.notifier.drain();
    expect(receiver.received.length).toBe(before + 1);

    // `off` stops delivery.
    const current = await readSubscription(id);
    expect((await gw.fhir(`/fhir/Subscription/${id}`, { method: 'PUT', token: await token(), json: { ...current, status: 'off' } })).status).toBe(200);
    await taskForHousing('after off');
    await gw.notifier.drain();
    expect(receiver.received.length).toBe(before + 1);
  });

  it('retries with growing backoff while the receiver is down, then delivers once it is up', async () => {
    const flaky = await startReceiver();
    try {
      const id = await subscribe(subscription(flaky.url));
      await gw.notifier.drain();
      await flaky.down();
      const taskId = await taskForHousing('retry me');
      await gw.notifier.drain();
      let [row] = await outboxRows(id);
      expect(row).toMatchObject({ resource_id: taskId, status: 'pending', attempts: 1 });
      expect(String(row!['last_error'])).toContain('could not be reached');
      const sub = await readSubscription(id);
      expect(sub.status).toBe('error');
      expect(sub.error).toContain('could not be reached');
      expect(sub.error).not.toContain('receiver-secret');
      expect(sub.error).not.toContain('127.0.0.1');

      // Nothing is due before the backoff ends.
      expect((await gw.notifier.tick()).handled).toBe(0);
      const delays: number[] = [Number(row!['next_attempt_at']) - clock];
      for (let attempt = 2; attempt <= 4; attempt++) {
        advance();
        await gw.notifier.drain();
        [row] = await outboxRows(id);
        expect(row).toMatchObject({ status: 'pending', attempts: attempt });
        delays.push(Number(row!['next_attempt_at']) - clock);
      }
      // Equal jitter: the delay after attempt n+1 is at least the most attempt n could wait.
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]! * 1);
      expect(delays[3]).toBeGreaterThan(delays[0]!);

      await flaky.up();
      advance();
      await gw.notifier.drain();
      [row] = await outboxRows(id);
      expect(row).toMatchObject({ status: 'delivered', attempts: 5 });
      expect(flaky.acknowledged()).toHaveLength(1);
      expect((JSON.parse(flaky.acknowledged()[0]!.body) as Task).id).toBe(taskId);
      const recovered = await readSubscription(id);
      expect(recovered.status).toBe('active');
      expect(recovered.error).toBeUndefined();
      await gw.fhir(`/fhir/Subscription/${id}`, { method: 'DELETE', token: await token() });
    } finally {
      await flaky.close();
    }
  });

  it('turns a notification into a dead letter after 8 failed attempts and says so on the Subscription', async () => {
    const failing = await startReceiver();
    failing.answer(500);
    try {
      const id = await subscribe(subscription(failing.url));
      await gw.notifier.drain();
      await taskForHousing('never acknowledged');
      await gw.notifier.drain();
      for (let i = 0; i < 10; i++) {
        advance();
        await gw.notifier.drain();
      }
      const [row] = await outboxRows(id);
      expect(row).toMatchObject({ status: 'dead', attempts: 8 });
      expect(failing.received).toHaveLength(8);
      const sub = await readSubscription(id);
      expect(sub.status).toBe('error');
      expect(sub.error).toContain('HTTP 500');
      const status = await statusOf(id);
      expect(status).toMatchObject({ status: 'error', pending: 0, delivered: 0, dead: 1 });
      expect(String(status['lastError'])).toContain('Gave up after 8 attempts');
      await gw.fhir(`/fhir/Subscription/${id}`, { method: 'DELETE', token: await token() });
    } finally {
      await failing.close();
    }
  });

  it('drops what is queued for a deleted Subscription instead of sending it', async () => {
    const r = await startReceiver();
    try {
      const id = await subscribe(subscription(r.url));
      await gw.notifier.drain();
      await r.down();
      await taskForHousing('queued');
      await gw.notifier.drain();
      expect((await outboxRows(id))[0]).toMatchObject({ status: 'pending', attempts: 1 });
      await r.up();
      expect((await gw.fhir(`/fhir/Subscription/${id}`, { method: 'DELETE', token: await token() })).status).toBe(200);
      advance();
      await gw.notifier.drain();
      expect((await outboxRows(id))[0]).toMatchObject({ status: 'dropped' });
      expect(r.received).toHaveLength(0);
    } finally {
      await r.close();
    }
  });
});

it('gives up on a receiver that does not answer within the delivery timeout and retries later', async () => {
  const hung = await startReceiver();
  hung.hang();
  try {
    const id = await subscribe(subscription(hung.url));
    // The same gateway parts with a short per-request timeout (the default is 10 s).
    const notifier = createNotifier({ repo: gw.repo, conn: gw.conn, auth: gw.auth, auditLog: gw.auditLog, now }, { timeoutMs: 300, post: createNodeHttpPoster() });
    await notifier.drain();
    await taskForHousing('nobody answers');
    await notifier.drain();
    expect(hung.received).toHaveLength(1);
    expect((await outboxRows(id))[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'The endpoint did not answer within 300 ms.' });
    expect((await readSubscription(id)).error).toBe('The endpoint did not answer within 300 ms.');
    await gw.fhir(`/fhir/Subscription/${id}`, { method: 'DELETE', token: await token() });
  } finally {
    await hung.close();
  }
});

it('the in-process worker loop (what `npm start` runs) delivers without anyone calling tick, and stops', async () => {
  const r = await startReceiver();
  try {
    const id = await subscribe(subscription(r.url));
    gw.notifier.start();
    const taskId = await taskForHousing('loop');
    const deadline = Date.now() + 20_000;
    while (r.acknowledged().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await gw.notifier.stop();
    expect(r.acknowledged().map((n) => (JSON.parse(n.body) as Task).id)).toEqual([taskId]);
    const after = r.received.length;
    await taskForHousing('after stop');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(r.received.length).toBe(after);
    await gw.fhir(`/fhir/Subscription/${id}`, { method: 'DELETE', token: await token() });
  } finally {
    await gw.notifier.stop();
    await r.close();
  }
});

it('sends nothing while the audit cannot be written, and delivers once it can (P2-13)', async () => {
  const r = await startReceiver();
  try {
    const id = await subscribe(subscription(r.url));
    await gw.notifier.drain();
    // (Changes the dispatcher had not reached yet may match a brand-new Subscription too.)
    const before = r.received.length;
    const taskId = await taskForHousing('audit first');
    // A real failure of the audit store: its table is gone for a moment.
    await gw.conn.query('ALTER TABLE audit_event RENAME TO audit_event_away');
    try {
      await gw.notifier.tick();
    } finally {
      await gw.conn.query('ALTER TABLE audit_event_away RENAME TO audit_event');
    }
    expect(r.received).toHaveLength(before);
    expect((await outboxRows(id)).find((row) => row['resource_id'] === taskId)).toMatchObject({ status: 'pending', attempts: 0 });
    advance();
    await gw.notifier.drain();
    expect(r.acknowledged().slice(before).map((n) => (JSON.parse(n.body) as Task).id)).toEqual([taskId]);
    await gw.fhir(`/fhir/Subscription/${id}`, { method: 'DELETE', token: await token() });
  } finally {
    await r.close();
  }
});
