import { afterAll, afterEach, beforeAll, expect, it, describe } from 'vitest';
import { actCode } from '../../src/consent/labels.js';
import { resourceClass } from '../../src/consent/fixtures.js';
import { auditAuthority, createPart2World, STORAGE_MODES, expectDeniedRead, expectSearchExcludes, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-05: only the information the consent describes is released (types, classes, codes, labels, instances). */

  let w: Part2World;
  let alcoholScreen: string;
  beforeAll(async () => {
    w = await createPart2World({ mode });
    // A second Part 2 Observation of the program, with a different code and an extra sensitivity label.
    alcoholScreen = await w.create('demo-treatment', {
      resourceType: 'Observation',
      status: 'final',
      meta: { security: [actCode('ETHUD')] },
      code: { coding: [{ system: 'http://loinc.org', code: '75624-7' }] },
      subject: { reference: `Patient/${w.patientId}` },
      valueInteger: 3,
    });
  });
  afterEach(async () => w.retireConsents());
  afterAll(async () => w.close());

  const housing = () => [`Organization/${w.org['demo-housing']}`];

  it('P2-05 a specific consent for Observations releases the drug test to housing but not the Condition', async () => {
    await w.grant(w.consent('specific-disclosure', housing(), { class: [resourceClass('Observation')] }));
    expect((await w.send('demo-housing', 'GET', `/fhir/Observation/${w.records.drugTest}`, undefined, 'COC')).status).toBe(200);
    const ref = `Condition/${w.records.diagnosis}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/${ref}`, undefined, 'COC'), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_INFORMATION_NOT_COVERED');
    expect(auditAuthority(denial).rules).toContain('P2-05');
    const search = await w.send('demo-housing', 'GET', `/fhir/Condition?patient=Patient/${w.patientId}`, undefined, 'COC');
    await expectSearchExcludes(search, [ref]);
    expect(search.body.total).toBe(0);
  });

  it('P2-05 a consent restricted to a code releases only Observations with that code', async () => {
    await w.grant(w.consent('specific-disclosure', housing(), { class: undefined, code: [{ coding: [{ system: 'http://loinc.org', code: '19295-5' }] }] }));
    const search = await w.send('demo-housing', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'COC');
    expect(search.body.entry!.map((e) => e.resource!.id)).toEqual([w.records.drugTest]);
    expect(search.body.total).toBe(1);
    const ref = `Observation/${alcoholScreen}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/${ref}`, undefined, 'COC'), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_INFORMATION_NOT_COVERED');
  });

  it('P2-05 a consent restricted to a security label releases only records carrying it', async () => {
    await w.grant(w.consent('specific-disclosure', housing(), { class: undefined, securityLabel: [actCode('ETHUD')] }));
    expect((await w.send('demo-housing', 'GET', `/fhir/Observation/${alcoholScreen}`, undefined, 'COC')).status).toBe(200);
    const ref = `Observation/${w.records.drugTest}`;
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/${ref}`, undefined, 'COC'), mark, ref);
    const search = await w.send('demo-housing', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'COC');
    await expectSearchExcludes(search, [ref]);
    expect(search.body.total).toBe(1);
  });

  it('P2-05 a consent naming one record (provision.data) releases that record only', async () => {
    await w.grant(w.consent('specific-disclosure', housing(), { class: undefined, data: [{ meaning: 'instance', reference: { reference: `Goal/${w.records.goal}` } }] }));
    const goal = await w.send('demo-housing', 'GET', `/fhir/Goal/${w.records.goal}`, undefined, 'COC');
    expect(goal.status).toBe(200);
    expect(goal.body.meta?.security?.map((c) => c.code)).toContain('NORDSCLCD');
    for (const ref of [`Observation/${w.records.drugTest}`, `Encounter/${w.records.attendance}`]) {
      const mark = await w.auditMark();
      await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/${ref}`, undefined, 'COC'), mark, ref);
    }
  });

  it('P2-05 a consent for CarePlans and Observations releases neither Encounters nor Goals', async () => {
    await w.grant(w.consent('specific-disclosure', housing()));
    for (const type of ['Encounter', 'Goal', 'Condition', 'DocumentReference']) {
      const search = await w.send('demo-housing', 'GET', `/fhir/${type}?patient=Patient/${w.patientId}`, undefined, 'COC');
      expect(search.status).toBe(200);
      expect(search.body.total).toBe(0);
      for (const marker of ['F11.20', 'synthetic reason', 'Stay in outpatient']) expect(search.text).not.toContain(marker);
    }
    const observations = await w.send('demo-housing', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'COC');
    expect(observations.body.total).toBe(2);
  });
});
