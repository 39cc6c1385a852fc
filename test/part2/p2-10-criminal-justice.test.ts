import { afterAll, afterEach, beforeAll, expect, it, describe } from 'vitest';
import { purpose } from '../../src/consent/fixtures.js';
import { MONITORING_CATEGORY_SYSTEM } from '../../src/consent/vocabulary.js';
import { auditAuthority, createPart2World, STORAGE_MODES, expectDeniedRead, expectSearchExcludes, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-10: a §2.35 consent releases to the supervising agency only what monitoring needs, redacted. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterEach(async () => w.retireConsents());
  afterAll(async () => w.close());

  const probation = () => [`Organization/${w.org['demo-corrections']}`];
  const cj = (path: string) => w.send('demo-corrections', 'GET', path, undefined, 'CJMONITOR');
  const codes = (r: { meta?: { security?: { code?: string }[] } }) => r.meta?.security?.map((c) => c.code) ?? [];

  it('P2-10 probation gets the drug test with its clinical note removed and a REDACTED label', async () => {
    await w.grant(w.consent('criminal-justice-2-35', probation()));
    const reply = await cj(`/fhir/Observation/${w.records.drugTest}`);
    expect(reply.status).toBe(200);
    expect(reply.body.note).toBeUndefined();
    expect(reply.text).not.toContain('synthetic clinical note');
    expect(reply.body.valueCodeableConcept?.coding?.[0]?.code).toBe('negative');
    expect(codes(reply.body)).toEqual(expect.arrayContaining(['REDACTED', 'NORDSCLCD']));
    expect(reply.headers.get('x-part2-notice')).toMatch(/42 CFR part 2/);
  });

  it('P2-10 probation gets the attendance Encounter without its reason', async () => {
    await w.grant(w.consent('criminal-justice-2-35', probation()));
    const reply = await cj(`/fhir/Encounter/${w.records.attendance}`);
    expect(reply.status).toBe(200);
    expect(reply.body.reasonCode).toBeUndefined();
    expect(reply.text).not.toContain('synthetic reason');
    expect(reply.body.period?.start).toBe('2026-10-02T15:00:00Z');
    expect(codes(reply.body)).toEqual(expect.arrayContaining(['REDACTED', 'NORDSCLCD']));
  });

  it('P2-10 probation never gets the diagnosis (Condition) under a §2.35 consent', async () => {
    await w.grant(w.consent('criminal-justice-2-35', probation()));
    const ref = `Condition/${w.records.diagnosis}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await cj(`/fhir/${ref}`), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_CJ_NOT_MONITORING_INFO');
    expect(auditAuthority(denial).rules).toContain('P2-10');
    const search = await cj(`/fhir/Condition?patient=Patient/${w.patientId}`);
    await expectSearchExcludes(search, [ref]);
    expect(search.body.total).toBe(0);
  });

  it('P2-10 probation never gets the counseling note under a §2.35 consent', async () => {
    await w.grant(w.consent('criminal-justice-2-35', probation()));
    const ref = `DocumentReference/${w.records.counselingNote}`;
    const mark = await w.auditMark();
    await expectDeniedRead(w, await cj(`/fhir/${ref}`), mark, ref);
    const search = await cj(`/fhir/DocumentReference?patient=Patient/${w.patientId}`);
    expect(search.body.total).toBe(0);
  });

  it('P2-10 an Observation without a monitoring category is not released under a §2.35 consent', async () => {
    await w.grant(w.consent('criminal-justice-2-35', probation()));
    const other = await w.create('demo-treatment', { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '75624-7' }] }, subject: { reference: `Patient/${w.patientId}` } });
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await cj(`/fhir/Observation/${other}`), mark, `Observation/${other}`);
    expect(denial.outcomeDesc).toBe('CONSENT_CJ_NOT_MONITORING_INFO');
    const search = await cj(`/fhir/Observation?patient=Patient/${w.patientId}`);
    expect(search.body.entry!.map((e) => e.resource!.id)).toEqual([w.records.drugTest]);
    expect(search.body.total).toBe(1);
  });

  it('P2-10 progress (a Goal) is released without its notes or what it addresses', async () => {
    await w.grant(w.consent('criminal-justice-2-35', probation()));
    const reply = await cj(`/fhir/Goal/${w.records.goal}`);
    expect(reply.status).toBe(200);
    expect(reply.body.achievementStatus?.coding?.[0]?.code).toBe('improving');
    expect(reply.body.addresses).toBeUndefined();
  });

  it('P2-10 a §2.35 consent naming another agency releases nothing to probation', async () => {
    await w.grant(w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-housing']}`]));
    const ref = `Observation/${w.records.drugTest}`;
    const mark = await w.auditMark();
    await expectDeniedRead(w, await cj(`/fhir/${ref}`), mark, ref);
  });

  it('P2-10 a §2.35 consent naming a purpose other than CJMONITOR is refused at intake', async () => {
    const reply = await w.send('demo-treatment', 'POST', '/fhir/Consent', w.consent('criminal-justice-2-35', probation(), { purpose: [purpose('TREAT')] }));
    expect(reply.status).toBe(422);
    expect(reply.body.issue!.some((i) => i.details?.text?.includes('CJMONITOR'))).toBe(true);
  });

  it('P2-10 a monitoring attendance Observation is released under the §2.35 consent', async () => {
    await w.grant(w.consent('criminal-justice-2-35', probation()));
    const id = await w.create('demo-treatment', {
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: MONITORING_CATEGORY_SYSTEM, code: 'attendance' }] }],
      code: { text: 'Group session attended' },
      subject: { reference: `Patient/${w.patientId}` },
      valueBoolean: true,
    });
    expect((await cj(`/fhir/Observation/${id}`)).status).toBe(200);
  });
});
