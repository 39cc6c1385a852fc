import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPart2World, STORAGE_MODES, expectDeniedRead, expectSearchExcludes, type Client, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-01: without a consent (or another rule) nothing labeled Part 2 leaves the gateway; records that are not Part 2 still do. */

  let w: Part2World;
  let plainObservation: string;
  let careTeam: string;
  let part2Refs: string[];
  beforeAll(async () => {
    w = await createPart2World({ mode });
    plainObservation = await w.create('demo-corrections', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'Check-in with probation officer' },
      subject: { reference: `Patient/${w.patientId}` },
      effectiveDateTime: '2026-10-03T09:00:00Z',
    });
    careTeam = (await w.get('demo-admin', `/fhir/CareTeam?subject=Patient/${w.patientId}`)).body.entry![0]!.resource!.id!;
    const r = w.records;
    part2Refs = [`Observation/${r.drugTest}`, `Condition/${r.diagnosis}`, `Encounter/${r.attendance}`, `DocumentReference/${r.counselingNote}`, `Goal/${r.goal}`];
  });
  afterAll(async () => w.close());

  describe.each<[Client, string]>([
    ['demo-ehr', 'TREAT'],
    ['demo-housing', 'COC'],
  ])('%s without a consent', (client, purpose) => {
    it.each(['drugTest', 'diagnosis', 'attendance', 'counselingNote', 'goal'] as const)(`P2-01 ${client} cannot read the Part 2 %s (404, denial audited)`, async (name) => {
      const ref = part2Refs[['drugTest', 'diagnosis', 'attendance', 'counselingNote', 'goal'].indexOf(name)]!;
      const mark = await w.auditMark();
      const reply = await w.send(client, 'GET', `/fhir/${ref}`, undefined, purpose);
      const denial = await expectDeniedRead(w, reply, mark, ref);
      expect(denial.outcomeDesc).toBe('NO_CONSENT');
      expect(denial.agent?.[0]?.who?.reference).toBe(`Organization/${w.org[client]}`);
    });

    it(`P2-01 ${client} searching the patient's Observations gets only the non-Part 2 one, total included`, async () => {
      const reply = await w.send(client, 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, purpose);
      await expectSearchExcludes(reply, part2Refs);
      expect(reply.body.total).toBe(1);
      expect(reply.body.entry!.map((e) => e.resource!.id)).toEqual([plainObservation]);
      expect(reply.headers.get('x-part2-notice')).toBeNull();
    });

    it(`P2-01 ${client} gets no Part 2 Condition, Encounter, DocumentReference or Goal by search`, async () => {
      for (const type of ['Condition', 'Encounter', 'DocumentReference', 'Goal']) {
        const reply = await w.send(client, 'GET', `/fhir/${type}?patient=Patient/${w.patientId}`, undefined, purpose);
        await expectSearchExcludes(reply, part2Refs);
        expect(reply.body.total).toBe(0);
      }
    });

    it(`P2-01 ${client} _revinclude from the Patient brings no Part 2 record`, async () => {
      const reply = await w.send(
        client,
        'GET',
        `/fhir/Patient?_id=${w.patientId}&_revinclude=Observation:subject&_revinclude=Condition:subject&_revinclude=Encounter:subject&_revinclude=Goal:subject`,
        undefined,
        purpose,
      );
      expect(reply.status).toBe(200);
      const refs = reply.body.entry!.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);
      expect(refs).toEqual(expect.arrayContaining([`Patient/${w.patientId}`, `Observation/${plainObservation}`]));
      for (const ref of part2Refs) expect(refs).not.toContain(ref);
      expect(reply.body.total).toBe(1);
      for (const marker of ['F11.20', 'synthetic', 'Stay in outpatient']) expect(reply.text).not.toContain(marker);
    });

    it(`P2-01 ${client} still reads records that are not Part 2 (the demo CareTeam, corrections' Observation)`, async () => {
      const team = await w.send(client, 'GET', `/fhir/CareTeam/${careTeam}`, undefined, purpose);
      expect(team.status).toBe(200);
      expect(team.body.meta?.security?.map((c) => c.code)).not.toContain('42CFRPart2');
      const obs = await w.send(client, 'GET', `/fhir/Observation/${plainObservation}`, undefined, purpose);
      expect(obs.status).toBe(200);
      expect(obs.headers.get('x-part2-notice')).toBeNull();
    });
  });

  it('P2-01 _include of a Part 2 target from a non-Part 2 source leaves the target out', async () => {
    // The source is written before its target exists, so it inherits no label; the target is Part 2.
    const targetId = 'p2-01-include-target';
    const sourceId = 'p2-01-include-source';
    const put = await w.send('demo-corrections', 'PUT', `/fhir/Observation/${sourceId}`, {
      resourceType: 'Observation',
      id: sourceId,
      status: 'final',
      code: { text: 'Officer summary' },
      subject: { reference: `Patient/${w.patientId}` },
      derivedFrom: [{ reference: `Observation/${targetId}` }],
    });
    expect(put.status).toBe(201);
    expect(put.body.meta?.security?.map((c) => c.code)).not.toContain('42CFRPart2');
    const target = await w.send('demo-treatment', 'PUT', `/fhir/Observation/${targetId}`, {
      resourceType: 'Observation',
      id: targetId,
      status: 'final',
      code: { text: 'Urine drug screen' },
      subject: { reference: `Patient/${w.patientId}` },
    });
    expect(target.status).toBe(201);
    expect(target.body.meta?.security?.map((c) => c.code)).toContain('42CFRPart2');

    const reply = await w.send('demo-housing', 'GET', `/fhir/Observation?_id=${sourceId}&_include=Observation:derived-from`, undefined, 'COC');
    expect(reply.status).toBe(200);
    const refs = reply.body.entry!.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);
    expect(refs).toEqual([`Observation/${sourceId}`]);
    expect(reply.body.total).toBe(1);
    expect(reply.text).not.toContain('Urine drug screen');
  });
});
