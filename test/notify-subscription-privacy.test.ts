import type { Subscription } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPart2World, type Part2World } from './support/part2-world.js';

/*
 * A Subscription's channel carries the receiver's endpoint and credentials (channel.header): only
 * the organization that owns it may read, search, update or delete it — anyone else gets exactly
 * what a missing record gets (404, not counted), so even its existence stays private.
 */

let w: Part2World;
let subscriptionId: string;
const SECRET = 'Bearer receiver-secret-synthetic';

beforeAll(async () => {
  w = await createPart2World();
  const sub: Subscription = {
    resourceType: 'Subscription', status: 'requested', reason: 'inbox', criteria: `Task?owner=Organization/${w.org['demo-housing']}`,
    channel: { type: 'rest-hook', endpoint: 'https://receiver.example.org/hook', payload: 'application/fhir+json', header: [`Authorization: ${SECRET}`] },
  };
  const res = await w.send('demo-housing', 'POST', '/fhir/Subscription', sub, 'COC');
  expect(res.status, res.text).toBe(201);
  subscriptionId = res.body.id as string;
});
afterAll(async () => w.close());

it('the owner reads, searches and updates its own Subscription', async () => {
  const read = await w.send('demo-housing', 'GET', `/fhir/Subscription/${subscriptionId}`, undefined, 'COC');
  expect(read.status, read.text).toBe(200);
  expect(read.text).toContain(SECRET);
  expect(read.headers.get('x-part2-notice')).toBeNull();
  const search = await w.send('demo-housing', 'GET', '/fhir/Subscription?_total=accurate', undefined, 'COC');
  expect(search.body.entry?.map((e) => e.resource?.id)).toContain(subscriptionId);
  const { meta: _meta, ...body } = read.body;
  const updated = await w.send('demo-housing', 'PUT', `/fhir/Subscription/${subscriptionId}`, { ...body, reason: 'housing inbox' }, 'COC');
  expect(updated.status, updated.text).toBe(200);
});

it('every other client (admin included) finds nothing: no read, no search hit, no count, no history, no update, no delete', async () => {
  for (const client of ['demo-corrections', 'demo-treatment', 'demo-ehr', 'demo-admin'] as const) {
    const read = await w.send(client, 'GET', `/fhir/Subscription/${subscriptionId}`);
    expect(read.status, `${client} read`).toBe(404);
    expect(read.text).not.toContain(SECRET);
    const search = await w.send(client, 'GET', '/fhir/Subscription?_total=accurate');
    expect(search.status).toBe(200);
    expect(search.body.total, `${client} count`).toBe(0);
    const history = await w.send(client, 'GET', '/fhir/Subscription/_history');
    expect(history.text, `${client} history`).not.toContain(SECRET);
    expect(history.body.total ?? 0).toBe(0);
    const put = await w.send(client, 'PUT', `/fhir/Subscription/${subscriptionId}`, { resourceType: 'Subscription', id: subscriptionId, status: 'off', reason: 'x', criteria: 'Task?status=requested', channel: { type: 'rest-hook', endpoint: 'https://attacker.example.org/' } });
    expect(put.status, `${client} update`).toBe(404);
    const del = await w.send(client, 'DELETE', `/fhir/Subscription/${subscriptionId}`);
    expect(del.status, `${client} delete`).toBe(404);
  }
  const still = await w.send('demo-housing', 'GET', `/fhir/Subscription/${subscriptionId}`, undefined, 'COC');
  expect(still.status).toBe(200);
  expect(still.body.channel.endpoint).toBe('https://receiver.example.org/hook');
});

it('the gateway’s own delivery-state writes keep the owner', async () => {
  await w.gw.notifier.drain();
  const stored = await w.gw.repo.store.read('Subscription', subscriptionId);
  expect(stored!.disclosure.holderOrg).toBe(w.org['demo-housing']);
  expect((await w.send('demo-corrections', 'GET', `/fhir/Subscription/${subscriptionId}`)).status).toBe(404);
});
