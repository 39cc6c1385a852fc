import { afterAll, afterEach, beforeAll, expect, it, describe } from 'vitest';
import { purpose } from '../../src/consent/fixtures.js';
import { auditAuthority, createPart2World, STORAGE_MODES, expectDeniedRead, expectSearchExcludes, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-14 §2.26: an agreed restriction on TPO disclosures is enforced like a deny provision. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterEach(async () => w.retireConsents());
  afterAll(async () => w.close());

  const drugTest = () => `Observation/${w.records.drugTest}`;
  const ehr = () => [`Organization/${w.org['demo-ehr']}`];

  it('P2-14 a restriction naming the EHR vendor for payment blocks HPAYMT even with a TPO consent', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    await w.grant(w.consent('restriction-2-26', ehr()));
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`, undefined, 'HPAYMT'), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_RESTRICTED');
    expect(auditAuthority(denial).rules).toContain('P2-14');
    const search = await w.send('demo-ehr', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'HPAYMT');
    await expectSearchExcludes(search, [drugTest()]);
    expect(search.body.total).toBe(0);
  });

  it('P2-14 the payment restriction leaves treatment disclosures under the TPO consent', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    await w.grant(w.consent('restriction-2-26', ehr()));
    expect((await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`, undefined, 'TREAT')).status).toBe(200);
  });

  it('P2-14 a restriction of treatment disclosures to the EHR vendor blocks TREAT', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    await w.grant(w.consent('restriction-2-26', ehr(), { purpose: [purpose('TREAT')] }));
    const ref = `Condition/${w.records.diagnosis}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${ref}`, undefined, 'TREAT'), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_RESTRICTED');
  });

  it('P2-14 a restriction only binds the recipient it names', async () => {
    await w.grant(w.consent('specific-disclosure', [`Organization/${w.org['demo-housing']}`]));
    await w.grant(w.consent('restriction-2-26', ehr(), { purpose: [purpose('COC')] }));
    expect((await w.send('demo-housing', 'GET', `/fhir/${drugTest()}`, undefined, 'COC')).status).toBe(200);
  });

  it('P2-14 a restriction naming a non-TPO purpose is refused at intake', async () => {
    const reply = await w.send('demo-treatment', 'POST', '/fhir/Consent', w.consent('restriction-2-26', ehr(), { purpose: [purpose('CJMONITOR')] }));
    expect(reply.status).toBe(422);
  });
});
