import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { createPart2World, STORAGE_MODES, expectDeniedRead, type Part2World, type Reply } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-17: counts, totals, includes, history and paging never reveal records the requester may not see. */

  let w: Part2World;
  let plain: string[];
  let hidden: string[];
  beforeAll(async () => {
    w = await createPart2World({ mode });
    const subject = { reference: `Patient/${w.patientId}` };
    plain = [];
    for (let i = 0; i < 3; i++) {
      plain.push(await w.create('demo-corrections', { resourceType: 'Observation', status: 'final', code: { text: `Check-in ${i}` }, subject }));
    }
    // Two more Part 2 Observations interleaved with the plain ones, so hidden rows sit between visible ones.
    const extra = await w.create('demo-treatment', { resourceType: 'Observation', status: 'final', code: { text: 'Retention check' }, subject });
    plain.push(await w.create('demo-corrections', { resourceType: 'Observation', status: 'final', code: { text: 'Check-in 3' }, subject }));
    hidden = [w.records.drugTest, extra];
    // Housing may see exactly one of the Part 2 Observations (the drug test) by a data-reference consent.
    await w.grant(w.consent('specific-disclosure', [`Organization/${w.org['demo-housing']}`], { class: undefined, data: [{ meaning: 'instance', reference: { reference: `Observation/${w.records.drugTest}` } }] }));
  });
  afterAll(async () => w.close());

  const ids = (reply: Reply) => (reply.body.entry ?? []).map((e) => e.resource!.id!);
  const asHousing = (path: string) => w.send('demo-housing', 'GET', path, undefined, 'COC');

  it('P2-17 total equals the visible count when some Part 2 rows are denied', async () => {
    const reply = await asHousing(`/fhir/Observation?patient=Patient/${w.patientId}`);
    expect(reply.body.total).toBe(plain.length + 1);
    expect(ids(reply).sort()).toEqual([...plain, w.records.drugTest].sort());
    expect(ids(reply)).not.toContain(hidden[1]);
  });

  it('P2-17 _summary=count matches the visible count', async () => {
    const reply = await asHousing(`/fhir/Observation?patient=Patient/${w.patientId}&_summary=count`);
    expect(reply.status).toBe(200);
    expect(reply.body.total).toBe(plain.length + 1);
    expect(reply.body.entry ?? []).toHaveLength(0);
    const none = await w.send('demo-ehr', 'GET', `/fhir/Condition?patient=Patient/${w.patientId}&_summary=count`);
    expect(none.body.total).toBe(0);
  });

  it('P2-17 paging with _count=1 walks exactly the visible records and no link leads to a hidden one', async () => {
    const seen: string[] = [];
    let path: string | undefined = `/fhir/Observation?patient=Patient/${w.patientId}&_count=1`;
    for (let page = 0; path && page < 20; page++) {
      const reply = await asHousing(path);
      expect(reply.status).toBe(200);
      expect(reply.body.total).toBe(plain.length + 1);
      expect(ids(reply).length).toBeLessThanOrEqual(1);
      seen.push(...ids(reply));
      for (const link of reply.body.link ?? []) expect(link.url).not.toContain(hidden[1]);
      const next = reply.body.link?.find((l) => l.relation === 'next')?.url;
      path = next ? next.replace(/^https?:\/\/[^/]+/, '') : undefined;
    }
    expect(seen.sort()).toEqual([...plain, w.records.drugTest].sort());
  });

  it('P2-17 the last page link points at the last visible record', async () => {
    const first = await asHousing(`/fhir/Observation?patient=Patient/${w.patientId}&_count=2`);
    const last = first.body.link?.find((l) => l.relation === 'last')?.url;
    if (last) {
      const reply = await asHousing(last.replace(/^https?:\/\/[^/]+/, ''));
      expect(ids(reply).length).toBeGreaterThan(0);
    }
    const beyond = await asHousing(`/fhir/Observation?patient=Patient/${w.patientId}&_count=2&_offset=${plain.length + 1}`);
    expect(ids(beyond)).toEqual([]);
    expect(beyond.body.total).toBe(plain.length + 1);
  });

  it('P2-17 history of a hidden record is 404, like a record that does not exist', async () => {
    const ref = `Condition/${w.records.diagnosis}`;
    const mark = await w.auditMark();
    const reply = await asHousing(`/fhir/${ref}/_history`);
    expect(reply.status).toBe(404);
    expect(reply.body.resourceType).toBe('OperationOutcome');
    expect(reply.text).not.toContain('F11.20');
    const missing = await asHousing('/fhir/Condition/does-not-exist/_history');
    expect(missing.status).toBe(404);
    expect(missing.body.issue?.[0]?.code).toBe(reply.body.issue?.[0]?.code);
    expect((await w.gw.auditLog.verify()).ok).toBe(true);
    void mark;
  });

  it('P2-17 vread of a hidden record is 404 and audited as a denial', async () => {
    const ref = `Condition/${w.records.diagnosis}`;
    const mark = await w.auditMark();
    await expectDeniedRead(w, await asHousing(`/fhir/${ref}/_history/1`), mark, ref);
  });

  it('P2-17 type history counts only visible versions', async () => {
    const reply = await asHousing('/fhir/Condition/_history');
    expect(reply.status).toBe(200);
    expect(reply.body.total).toBe((reply.body.entry ?? []).length);
    expect(reply.text).not.toContain(w.records.diagnosis);
    const obs = await asHousing('/fhir/Observation/_history');
    const versions = (obs.body.entry ?? []).map((e) => e.resource?.id ?? e.fullUrl);
    expect(obs.body.total).toBe(versions.length);
    expect(obs.text).not.toContain(hidden[1]);
  });

  it('P2-17 a conditional create does not reveal a hidden match', async () => {
    // An If-None-Exist that only a hidden record matches must behave as "no match".
    const res = await w.gw.fhir('/fhir/Condition', {
      method: 'POST',
      token: await w.token('demo-housing', 'COC'),
      headers: { 'if-none-exist': `_id=${w.records.diagnosis}` },
      json: { resourceType: 'Condition', subject: { reference: `Patient/${w.patientId}` }, code: { text: 'Housing need' } },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string };
    expect(body.id).not.toBe(w.records.diagnosis);
  });
});
