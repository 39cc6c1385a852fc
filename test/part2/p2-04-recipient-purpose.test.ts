import { afterAll, afterEach, beforeAll, expect, it, describe } from 'vitest';
import { auditAuthority, createPart2World, STORAGE_MODES, expectDeniedRead, expectSearchExcludes, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-04: the requester must be a recipient of the consent and its token's purpose a permitted one. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterEach(async () => w.retireConsents());
  afterAll(async () => w.close());

  const drugTest = () => `Observation/${w.records.drugTest}`;

  it('P2-04 a consent naming the housing agency releases nothing to the EHR vendor (wrong recipient)', async () => {
    await w.grant(w.consent('specific-disclosure', [`Organization/${w.org['demo-housing']}`]));
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`, undefined, 'COC'), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_NO_MATCHING_RECIPIENT');
    expect(auditAuthority(denial).rules).toContain('P2-04');
    await expectSearchExcludes(await w.send('demo-ehr', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'COC'), [drugTest()]);
    // …while the named recipient gets it.
    expect((await w.send('demo-housing', 'GET', `/fhir/${drugTest()}`, undefined, 'COC')).status).toBe(200);
  });

  it('P2-04 a §2.35 consent for CJMONITOR releases nothing to probation asking for TREAT (wrong purpose)', async () => {
    await w.grant(w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]));
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'TREAT'), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_PURPOSE_MISMATCH');
    expect(auditAuthority(denial).rules).toContain('P2-04');
    const search = await w.send('demo-corrections', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'TREAT');
    await expectSearchExcludes(search, [drugTest()]);
    expect((await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'CJMONITOR')).status).toBe(200);
  });

  it('P2-04 a specific consent for COC does not release to the same recipient asking for HPAYMT', async () => {
    await w.grant(w.consent('specific-disclosure', [`Organization/${w.org['demo-housing']}`]));
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/${drugTest()}`, undefined, 'HPAYMT'), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_PURPOSE_MISMATCH');
  });

  it('P2-04 P2-08 the TPO class treating-providers covers the EHR vendor (a covered entity)', async () => {
    const id = await w.grant(w.consent('tpo', ['class:treating-providers']));
    const reply = await w.send('demo-ehr', 'GET', `/fhir/Condition/${w.records.diagnosis}`, undefined, 'TREAT');
    expect(reply.status).toBe(200);
    const [event] = (await w.gw.auditLog.disclosures(w.patientId)).events;
    expect(auditAuthority(event!).reference).toBe(`Consent/${id}`);
    const search = await w.send('demo-ehr', 'GET', `/fhir/Condition?patient=Patient/${w.patientId}`, undefined, 'HOPERAT');
    expect(search.body.total).toBe(1);
  });

  it('P2-04 the TPO class treating-providers never covers the housing agency', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/${drugTest()}`, undefined, 'TREAT'), mark, drugTest());
    expect(['NO_CONSENT', 'CONSENT_NO_MATCHING_RECIPIENT']).toContain(denial.outcomeDesc);
    const search = await w.send('demo-housing', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'TREAT');
    await expectSearchExcludes(search, [drugTest()]);
    expect(search.body.total).toBe(0);
  });

  it('P2-04 the TPO class never covers probation, whatever the purpose', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    for (const purpose of ['TREAT', 'CJMONITOR']) {
      const mark = await w.auditMark();
      await expectDeniedRead(w, await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, purpose), mark, drugTest());
    }
  });

  it('P2-04 a consent naming a CareTeam releases to an organization that belongs to it', async () => {
    const team = (await w.get('demo-admin', `/fhir/CareTeam?subject=Patient/${w.patientId}`)).body.entry![0]!.resource!.id!;
    await w.grant(w.consent('specific-disclosure', [`CareTeam/${team}`]));
    const reply = await w.send('demo-housing', 'GET', `/fhir/${drugTest()}`, undefined, 'COC');
    expect(reply.status).toBe(200);
    expect(reply.body.meta?.security?.map((c) => c.code)).toContain('NORDSCLCD');
  });
});
