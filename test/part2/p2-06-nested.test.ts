import type { ConsentProvision } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, expect, it, describe } from 'vitest';
import { resourceClass } from '../../src/consent/fixtures.js';
import { auditAuthority, auditKind, auditedRefs, createPart2World, STORAGE_MODES, expectDeniedRead, expectSearchExcludes, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-06: nested provisions are evaluated recursively; a more specific deny wins; every decision is traced. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterEach(async () => w.retireConsents());
  afterAll(async () => w.close());

  const denyConditions: ConsentProvision = { type: 'deny', class: [resourceClass('Condition')] };

  it('P2-06 a TPO consent with a nested deny for Condition denies the Condition, traced to P2-06', async () => {
    const id = await w.grant(w.consent('tpo', ['class:treating-providers'], { provision: [denyConditions] }));
    const ref = `Condition/${w.records.diagnosis}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${ref}`), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_DENIED_BY_PROVISION');
    expect(auditAuthority(denial).rules).toEqual(expect.arrayContaining(['P2-03', 'P2-06']));
    void id;
  });

  it('P2-06 the same consent still permits the drug test, audited with its consent and trace', async () => {
    const id = await w.grant(w.consent('tpo', ['class:treating-providers'], { provision: [denyConditions] }));
    const mark = await w.auditMark();
    const reply = await w.send('demo-ehr', 'GET', `/fhir/Observation/${w.records.drugTest}`);
    expect(reply.status).toBe(200);
    const [event] = (await w.auditSince(mark)).filter((e) => auditKind(e) === 'disclosure');
    expect(auditedRefs(event!)).toEqual([`Observation/${w.records.drugTest}`]);
    const authority = auditAuthority(event!);
    expect(authority.reference).toBe(`Consent/${id}`);
    expect(authority.rules).toEqual(expect.arrayContaining(['P2-03', 'P2-05']));
  });

  it('P2-06 a search under the nested deny lists every permitted record and no Condition', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers'], { provision: [denyConditions] }));
    const conditions = await w.send('demo-ehr', 'GET', `/fhir/Condition?patient=Patient/${w.patientId}`);
    await expectSearchExcludes(conditions, [`Condition/${w.records.diagnosis}`]);
    expect(conditions.body.total).toBe(0);
    const encounters = await w.send('demo-ehr', 'GET', `/fhir/Encounter?patient=Patient/${w.patientId}`);
    expect(encounters.body.total).toBe(1);
  });

  it('P2-06 a deny in one consent wins over a permit in another', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    await w.grant(w.consent('tpo', ['class:treating-providers'], { provision: [{ type: 'deny', class: [resourceClass('Observation')] }] }));
    const ref = `Observation/${w.records.drugTest}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${ref}`), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_DENIED_BY_PROVISION');
    expect((await w.send('demo-ehr', 'GET', `/fhir/Condition/${w.records.diagnosis}`)).status).toBe(200);
  });

  it('P2-06 a nested deny for one recipient leaves the class permit for others', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers'], { provision: [{ type: 'deny', actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { reference: `Organization/${w.org['demo-ehr']}` } }] }] }));
    const ref = `Observation/${w.records.drugTest}`;
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${ref}`), mark, ref);
  });
});
