import type { Bundle, Observation } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { createPart2World, STORAGE_MODES, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterAll(async () => w.close());

  it('P2-18 records written by the Part 2 program are labeled; the program reads its own', async () => {
    const { status, body } = await w.get('demo-treatment', `/fhir/Observation/${w.records.drugTest}`);
    expect(status).toBe(200);
    expect((body as unknown as Observation).meta?.security?.map((c) => c.code)).toEqual(expect.arrayContaining(['R', '42CFRPart2', 'SUD']));
  });

  it('P2-01 probation without consent sees nothing; with a §2.35 consent it sees the drug test, redacted', async () => {
    const before = await w.get('demo-corrections', `/fhir/Observation?patient=Patient/${w.patientId}`, 'CJMONITOR');
    expect(before.body.total).toBe(0);
    expect((await w.get('demo-corrections', `/fhir/Observation/${w.records.drugTest}`, 'CJMONITOR')).status).toBe(404);

    await w.create('demo-treatment', w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]));
    const after = await w.get('demo-corrections', `/fhir/Observation?patient=Patient/${w.patientId}`, 'CJMONITOR');
    expect(after.body.total).toBe(1);
    const obs = after.body.entry![0]!.resource as Observation;
    expect(obs.note).toBeUndefined();
    expect(obs.meta?.security?.map((c) => c.code)).toContain('NORDSCLCD');
    expect(after.headers.get('x-part2-notice')).toMatch(/42 CFR part 2/);
    expect((await w.get('demo-corrections', `/fhir/Condition/${w.records.diagnosis}`, 'CJMONITOR')).status).toBe(404);
    const conditions = await w.get('demo-corrections', `/fhir/Condition?patient=Patient/${w.patientId}`, 'CJMONITOR');
    expect(conditions.body.total).toBe(0);
  });

  it('P2-13 disclosures and denials are on the audit chain', async () => {
    const ok = await w.gw.auditLog.verify();
    expect(ok.ok).toBe(true);
    const accounting = await w.gw.auditLog.disclosures(w.patientId);
    expect(accounting.total).toBeGreaterThan(0);
    void (undefined as unknown as Bundle);
  });
});
