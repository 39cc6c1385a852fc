import type { Resource } from '@medplum/fhirtypes';
import { afterAll, expect, it } from 'vitest';
import { expectNoHiddenIds } from './support/leak-checks.js';
import { createLeakWorld, HOLDER } from './support/leak-world.js';

// Own world: these probes leave records behind that would disturb the other suites' counts.
const lw = await createLeakWorld();
afterAll(() => lw.close());
const ehr = { client: 'demo-ehr', purpose: 'TREAT' } as const;
const housing = { client: 'demo-housing', purpose: 'COC' } as const;
const subject = { reference: `Patient/${lw.patientId}` };

/** The EHR refers the patient with a Task; the Part 2 program accepts it and links its visit. */
async function referralUpdatedByProgram(): Promise<string> {
  const created = await lw.probe(ehr, { method: 'POST', path: '/fhir/Task', body: { resourceType: 'Task', status: 'requested', intent: 'order', for: subject, description: 'referral' } });
  expect(created.status).toBe(201);
  const task = created.json as Resource & Record<string, unknown>;
  const updated = await lw.probe(HOLDER, {
    method: 'PUT', path: `/fhir/Task/${task.id}`,
    body: { ...task, meta: undefined, status: 'in-progress', output: [{ type: { text: 'attendance' }, valueReference: { reference: `Encounter/${lw.ids['attendance']}` } }] },
  });
  expect(updated.status).toBe(200);
  expect((updated.json as Resource).meta?.security?.map((c) => c.code)).toContain('42CFRPart2');
  return task.id!;
}

// Regression (found by this suite): a record first written by a non-Part 2 client and then
// updated by the Part 2 program is Part 2, and the program becomes its holder; the first writer
// no longer reads the program's version as its "own copy" (P2-01, P2-17).
it('P2-01 the EHR does not get the Part 2 program\'s update of the EHR\'s own referral Task', async () => {
  const id = await referralUpdatedByProgram();
  for (const path of [`/fhir/Task/${id}`, `/fhir/Task?_id=${id}`, `/fhir/Task/${id}/_history/2`, '/fhir/Task/_history']) {
    const res = await lw.probe(ehr, { path });
    expectNoHiddenIds(lw, res, []);
  }
});

it('P2-01 other requesters see neither the program\'s version nor its reference', async () => {
  const id = await referralUpdatedByProgram();
  expect((await lw.probe(housing, { path: `/fhir/Task/${id}` })).status).toBe(404);
  for (const path of [`/fhir/Task?_id=${id}`, '/fhir/Task/_history', '/fhir/_history?_count=1000']) expectNoHiddenIds(lw, await lw.probe(housing, { path }), []);
});

// Decided trade-off (README, Part 2 section): labels propagate from every existing referenced
// record (P2-18), so a writer referencing a hidden record gets its write back labeled Part 2 —
// which tells it only that an id it already holds (ids are random UUIDs) is Part 2. What must
// never happen is the reverse: the derived record escaping unlabeled to others.
it('P2-18 writing a reference to a hidden record labels the write Part 2 and hides it from others', async () => {
  const body = (ref: string) => ({ resourceType: 'Observation', status: 'final', code: { text: 'probe' }, derivedFrom: [{ reference: ref }] });
  const hidden = await lw.probe(ehr, { method: 'POST', path: '/fhir/Observation', body: body(`Observation/${lw.ids['drugTest']}`) });
  expect(hidden.status).toBe(201);
  expect(JSON.stringify(hidden.json.meta.security)).toContain('42CFRPart2');
  expect((await lw.probe(housing, { path: `/fhir/Observation/${hidden.json.id}` })).status).toBe(404);
});
