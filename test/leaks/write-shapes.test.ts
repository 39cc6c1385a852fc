import type { Resource } from '@medplum/fhirtypes';
import { afterAll, describe, expect, it } from 'vitest';
import { checkShape, type Shape } from './support/leak-checks.js';
import { createLeakWorld, LEAK_IDENTIFIER, REQUESTERS, type HiddenRecord, type LeakWorld } from './support/leak-world.js';

// Writes get their own world: what they create must not disturb the read suites' counts.
const lw = await createLeakWorld();
afterAll(() => lw.close());
const subject = { reference: `Patient/${lw.patientId}` };

/** A valid, innocuous resource of `type` (no Part 2 content, no reference to a hidden record). */
function innocuous(type: string): Record<string, unknown> {
  const bodies: Record<string, Record<string, unknown>> = {
    Observation: { status: 'final', code: { text: 'leak probe' } },
    Condition: { subject, code: { text: 'leak probe' } },
    Encounter: { status: 'planned', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' } },
    DocumentReference: { status: 'current', content: [{ attachment: { contentType: 'text/plain', data: 'cHJvYmU=' } }] },
    Goal: { lifecycleStatus: 'proposed', description: { text: 'leak probe' }, subject },
    ServiceRequest: { status: 'draft', intent: 'proposal', subject },
    Task: { status: 'draft', intent: 'proposal' },
    CarePlan: { status: 'draft', intent: 'proposal', subject },
    EpisodeOfCare: { status: 'planned', patient: subject },
    Provenance: { target: [subject], recorded: '2026-10-01T00:00:00Z', agent: [{ who: subject }] },
  };
  return { resourceType: type, ...bodies[type]! };
}

/** Shapes that try to create over, change or delete hidden record `h` (or reveal it while trying). */
function writeShapes(h: HiddenRecord): Shape[] {
  const at = `${h.type}/${h.id}`;
  const label = `${h.type}/<hidden${h.deleted ? ', deleted' : ''}>`;
  const changed = { ...h.resource, meta: undefined, language: 'es' } as Resource;
  const w = (name: string, req: Shape['req'], expectStatus: number[]): Shape => ({ name, req, kind: 'other', expectStatus, noTwin: true });
  const bundle = (type: string, entry: unknown[]) => ({ method: 'POST', path: '/fhir', body: { resourceType: 'Bundle', type, entry } });
  const identifier = (h.resource as { identifier?: { value?: string }[] }).identifier?.[0]?.value;
  return [
    w(`PUT ${label}`, { method: 'PUT', path: `/fhir/${at}`, body: changed }, h.deleted ? [201] : [404]),
    w(`PUT ${label} If-Match W/"${h.versionId}"`, { method: 'PUT', path: `/fhir/${at}`, body: changed, headers: { 'if-match': `W/"${h.versionId}"` } }, [404, 412]),
    w(`DELETE ${label}`, { method: 'DELETE', path: `/fhir/${at}` }, [404]),
    w(`conditional DELETE ${h.type}?_id=<hidden>`, { method: 'DELETE', path: `/fhir/${h.type}?_id=${h.id}` }, [200]),
    w(`conditional PUT ${h.type}?_id=<hidden>`, { method: 'PUT', path: `/fhir/${h.type}?_id=${h.id}`, body: innocuous(h.type) }, [201]),
    w(`conditional create If-None-Exist _id=<hidden> ${h.type}`, { method: 'POST', path: `/fhir/${h.type}`, body: innocuous(h.type), headers: { 'if-none-exist': `_id=${h.id}` } }, [201]),
    w(`POST ${h.type} carrying the hidden id`, { method: 'POST', path: `/fhir/${h.type}`, body: { ...innocuous(h.type), id: h.id } }, [201]),
    ...(identifier
      ? [
          w(`conditional DELETE ${h.type}?identifier=<hidden>`, { method: 'DELETE', path: `/fhir/${h.type}?identifier=${LEAK_IDENTIFIER}|${identifier}` }, [200]),
          w(`conditional create If-None-Exist identifier=<hidden> ${h.type}`, { method: 'POST', path: `/fhir/${h.type}`, body: innocuous(h.type), headers: { 'if-none-exist': `identifier=${LEAK_IDENTIFIER}|${identifier}` } }, [201]),
        ]
      : []),
    w(`batch PUT, DELETE, conditional create on ${label}`, bundle('batch', [
      { resource: changed, request: { method: 'PUT', url: at } },
      { request: { method: 'DELETE', url: at } },
      { resource: innocuous(h.type), request: { method: 'POST', url: h.type, ifNoneExist: `_id=${h.id}` } },
      { resource: innocuous(h.type), request: { method: 'PUT', url: `${h.type}?_id=${h.id}` } },
      { request: { method: 'DELETE', url: `${h.type}?_id=${h.id}` } },
    ]), [200]),
    w(`transaction PUT ${label}`, bundle('transaction', [{ resource: changed, request: { method: 'PUT', url: at } }]), h.deleted ? [200] : [404]),
    w(`transaction DELETE ${label}`, bundle('transaction', [{ request: { method: 'DELETE', url: at } }]), [404]),
    w(`transaction conditional create and update on ${label}`, bundle('transaction', [
      { resource: innocuous(h.type), request: { method: 'POST', url: h.type, ifNoneExist: `_id=${h.id}` } },
      { resource: innocuous(h.type), request: { method: 'PUT', url: `${h.type}?_id=${h.id}` } },
      { request: { method: 'DELETE', url: `${h.type}?_id=${h.id}` } },
    ]), [200]),
  ];
}

async function expectUntouched(world: LeakWorld, h: HiddenRecord): Promise<void> {
  const history = await world.probe({ client: 'demo-treatment', purpose: 'TREAT' }, { path: `/fhir/${h.type}/${h.id}/_history` });
  expect(history.status).toBe(200);
  expect(history.json.total, `${h.type}/${h.id} gained a version`).toBe(Number(h.versionId));
  const current = await world.holderRead(h.type, h.id);
  if (h.deleted) expect(current.status).toBe(410);
  else {
    expect(current.status).toBe(200);
    expect(current.json).toEqual(h.resource);
  }
}

// The deleted record: PUT to its id would create a fresh resource (update-as-create) and so
// reveal nothing only if the gateway treats the tombstone as absent — but the hidden tombstone
// is the holder's; PUT and transaction PUT are expected to refuse like any hidden id.
const records = [...lw.hidden.values()];

describe.each(REQUESTERS)('P2-01 P2-17 writes as $client ($purpose) never touch or reveal Part 2 records', (who) => {
  for (const h of records) {
    for (const shape of writeShapes(h)) {
      const fixed = h.deleted && /^(PUT|transaction PUT)/.test(shape.name) ? { ...shape, expectStatus: [404] } : shape;
      it(fixed.name, async () => {
        const res = await checkShape(lw, who, fixed);
        if (res.json?.type === 'batch-response') {
          const statuses = (res.json.entry as { response: { status: string } }[]).map((e) => e.response.status.slice(0, 3));
          expect(statuses.slice(0, 2)).toEqual(['404', '404']);
          for (const s of statuses) expect(s).not.toMatch(/^5/);
        }
        if (res.status === 201) expect(res.json?.id).not.toBe(h.id);
        await expectUntouched(lw, h);
      });
    }
  }
});

describe('control: the holder can write the same records', () => {
  it('PUT by the holder changes a hidden record (so the untouched check can fail)', async () => {
    const h = records.find((r) => r.type === 'Goal')!;
    const res = await lw.probe({ client: 'demo-treatment', purpose: 'TREAT' }, { method: 'PUT', path: `/fhir/Goal/${h.id}`, body: { ...h.resource, meta: undefined, language: 'es' } });
    expect(res.status).toBe(200);
    await expect(expectUntouched(lw, h)).rejects.toThrow();
  });
});
