import type { Consent, Subscription, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dispatchChanges } from '../src/notify/dispatcher.js';
import { auditAuthority, createPart2World, PART2_CONTENT, type Client, type Part2World } from './support/part2-world.js';
import { startReceiver, type Receiver } from './support/notify-receiver.js';

/*
 * Issue 6: payloads obey consent — a receiver never gets what its owner may not read (P2-01,
 * P2-17: not even that a hidden record changed), and consent is decided again at delivery (P2-15).
 */

let w: Part2World;
let receiver: Receiver;
beforeAll(async () => {
  w = await createPart2World();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await w.close();
});

async function subscribe(client: Client, criteria: string, purpose?: string): Promise<string> {
  const sub: Subscription = { resourceType: 'Subscription', status: 'requested', reason: 'watch', criteria, channel: { type: 'rest-hook', endpoint: receiver.url, payload: 'application/fhir+json' } };
  const res = await w.send(client, 'POST', '/fhir/Subscription', sub, purpose);
  expect(res.status, res.text).toBe(201);
  await w.gw.notifier.drain();
  return res.body.id as string;
}

const outbox = (subscriptionId: string) => w.gw.conn.query('SELECT resource_id, status, last_error FROM notification_outbox WHERE subscription_id = ? ORDER BY id', [subscriptionId]);

it('P2-01/P2-17 a Part 2 Task the owner may not read produces no notification at all; an ordinary one does', async () => {
  const housingOrg = w.org['demo-housing'];
  const subId = await subscribe('demo-housing', `Task?owner=Organization/${housingOrg}`, 'COC');
  const before = receiver.received.length;
  const part2Task = await w.create('demo-treatment', {
    resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: `Patient/${w.patientId}` }, owner: { reference: `Organization/${housingOrg}` }, description: 'synthetic clinical note',
  } as Task);
  expect((await w.gw.repo.store.read('Task', part2Task))!.disclosure.part2).toBe(true);
  const ordinary = await w.create('demo-corrections', { resourceType: 'Task', status: 'requested', intent: 'order', owner: { reference: `Organization/${housingOrg}` }, description: 'bus pass' } as Task);
  await w.gw.notifier.drain();

  const got = receiver.received.slice(before);
  expect(got.map((n) => (JSON.parse(n.body) as Task).id)).toEqual([ordinary]);
  for (const n of got) for (const text of PART2_CONTENT) expect(n.body).not.toContain(text);
  // Not even queued: the outbox never learns of the hidden record.
  expect((await outbox(subId)).map((r) => r['resource_id'])).toEqual([ordinary]);
});

it('P2-15 consent revoked between match and delivery: the notification is dropped, never sent', async () => {
  const consentId = await w.grant(w.consent('tpo', ['class:treating-providers']));
  const subId = await subscribe('demo-ehr', `Condition?patient=Patient/${w.patientId}`);
  const before = receiver.received.length;
  const condition = {
    resourceType: 'Condition',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F11.20' }] },
    subject: { reference: `Patient/${w.patientId}` },
  };

  // In force: delivered, audited under the consent, with the redisclosure label (P2-11).
  const mark = await w.auditMark();
  const permitted = await w.create('demo-treatment', condition as never);
  await w.gw.notifier.drain();
  const delivered = receiver.received.slice(before);
  expect(delivered.map((n) => (JSON.parse(n.body) as { id: string }).id)).toEqual([permitted]);
  expect(delivered[0]!.body).toContain('NORDSCLCD');
  const events = await w.auditSince(mark);
  expect(events.some((e) => auditAuthority(e).reference === `Consent/${consentId}` && JSON.stringify(e.entity).includes(`Condition/${permitted}`))).toBe(true);

  // Matched (queued) while the consent is in force...
  const later = await w.create('demo-treatment', condition as never);
  const deps = { store: w.gw.repo.store, conn: w.gw.conn, auth: w.gw.auth, now: () => new Date() };
  while ((await dispatchChanges(deps, 100)) > 0);
  expect((await outbox(subId)).find((r) => r['resource_id'] === later)).toMatchObject({ status: 'pending' });
  // ...then revoked before the worker runs.
  const current = (await w.send('demo-treatment', 'GET', `/fhir/Consent/${consentId}`)).body as unknown as Consent;
  expect((await w.send('demo-treatment', 'PUT', `/fhir/Consent/${consentId}`, { ...current, status: 'inactive' })).status).toBe(200);
  await w.gw.notifier.drain();

  expect(receiver.received.length).toBe(before + 1);
  expect((await outbox(subId)).find((r) => r['resource_id'] === later)).toMatchObject({ status: 'dropped', last_error: 'Consent no longer permits this disclosure.' });
});
