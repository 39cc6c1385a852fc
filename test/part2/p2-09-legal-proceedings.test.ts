import { afterAll, afterEach, beforeAll, expect, it, describe } from 'vitest';
import { purpose } from '../../src/consent/fixtures.js';
import { auditAuthority, auditKind, createPart2World, STORAGE_MODES, expectDeniedRead, expectSearchExcludes, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-09: HLEGAL (use in a proceeding against the patient) needs a court order or a consent for that use alone. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterEach(async () => w.retireConsents());
  afterAll(async () => w.close());

  const court = () => [`Organization/${w.org['demo-corrections']}`];
  const drugTest = () => `Observation/${w.records.drugTest}`;

  it('P2-09 HLEGAL without a court order is denied even with a TPO consent', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    expect((await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`, undefined, 'TREAT')).status).toBe(200);
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`, undefined, 'HLEGAL'), mark, drugTest());
    expect(denial.outcomeDesc).toBe('LEGAL_PROCEEDING_NEEDS_COURT_ORDER');
    expect(auditAuthority(denial).rules).toContain('P2-09');
    expect(denial.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('HLEGAL');
  });

  it('P2-09 HLEGAL is denied even with a §2.35 consent to the same agency', async () => {
    await w.grant(w.consent('criminal-justice-2-35', court()));
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'HLEGAL'), mark, drugTest());
    expect(denial.outcomeDesc).toBe('LEGAL_PROCEEDING_NEEDS_COURT_ORDER');
    const search = await w.send('demo-corrections', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`, undefined, 'HLEGAL');
    await expectSearchExcludes(search, [drugTest()]);
  });

  it('P2-09 a court-order consent permits HLEGAL for what it covers (Observations), audited as a court order', async () => {
    const id = await w.grant(w.consent('court-order', court()));
    const mark = await w.auditMark();
    const reply = await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'HLEGAL');
    expect(reply.status).toBe(200);
    expect(reply.body.meta?.security?.map((c) => c.code)).toContain('NORDSCLCD');
    const [event] = (await w.auditSince(mark)).filter((e) => auditKind(e) === 'disclosure');
    expect(event).toBeDefined();
    expect(auditAuthority(event!).name).toBe('court-order');
    // P2-13: the accounting names the authorizing consent (the court order on file).
    expect(auditAuthority(event!).reference).toBe(`Consent/${id}`);
  });

  it('P2-09 a court-order consent does not release what it does not cover (the Condition)', async () => {
    await w.grant(w.consent('court-order', court()));
    const ref = `Condition/${w.records.diagnosis}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-corrections', 'GET', `/fhir/${ref}`, undefined, 'HLEGAL'), mark, ref);
    expect(denial.outcomeDesc).toBe('LEGAL_PROCEEDING_NEEDS_COURT_ORDER');
  });

  it('P2-09 a legal-proceeding consent does not release for other purposes', async () => {
    await w.grant(w.consent('legal-proceeding', court()));
    expect((await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'HLEGAL')).status).toBe(200);
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'CJMONITOR'), mark, drugTest());
  });

  it('P2-09 a consent combining HLEGAL with TREAT is refused at intake', async () => {
    const reply = await w.send('demo-treatment', 'POST', '/fhir/Consent', w.consent('legal-proceeding', court(), { purpose: [purpose('HLEGAL'), purpose('TREAT')] }));
    expect(reply.status).toBe(422);
    // The Part2Consent profile (p2c-11) or the intake check answers; either names the purpose rule.
    expect(reply.body.issue!.some((i) => /legal proceedings may not be combined/i.test(i.details?.text ?? '') && /purpose/.test([...(i.expression ?? []), i.diagnostics ?? ''].join(' ')))).toBe(true);
  });

  it('P2-09 a TPO consent that adds HLEGAL is refused at intake', async () => {
    const tpo = w.consent('tpo', ['class:treating-providers']);
    const reply = await w.send('demo-treatment', 'POST', '/fhir/Consent', { ...tpo, provision: { ...tpo.provision, purpose: [...tpo.provision!.purpose!, purpose('HLEGAL')] } });
    expect(reply.status).toBe(422);
    expect(reply.body.issue!.some((i) => /legal/i.test(i.details?.text ?? ''))).toBe(true);
  });
});
