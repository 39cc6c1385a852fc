import { afterAll, afterEach, beforeAll, expect, it, describe } from 'vitest';
import { actCode } from '../../src/consent/labels.js';
import { auditAuthority, createPart2World, STORAGE_MODES, expectDeniedRead, expectSearchExcludes, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-07: SUD counseling notes (PSYTHPN) need their own consent; a general or TPO consent never releases them. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterEach(async () => w.retireConsents());
  afterAll(async () => w.close());

  const note = () => `DocumentReference/${w.records.counselingNote}`;

  it('P2-07 the program labels its counseling note PSYTHPN', async () => {
    const reply = await w.send('demo-treatment', 'GET', `/fhir/${note()}`);
    expect(reply.status).toBe(200);
    expect(reply.body.meta?.security?.map((c) => c.code)).toEqual(expect.arrayContaining(['R', '42CFRPart2', 'PSYTHPN']));
  });

  it('P2-07 a TPO consent never releases counseling notes', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${note()}`), mark, note());
    expect(denial.outcomeDesc).toBe('CONSENT_PSYTHPN_REQUIRES_SPECIFIC');
    expect(auditAuthority(denial).rules).toContain('P2-07');
    const search = await w.send('demo-ehr', 'GET', `/fhir/DocumentReference?patient=Patient/${w.patientId}`);
    await expectSearchExcludes(search, [note()]);
    expect(search.body.total).toBe(0);
    // The same consent does release the rest.
    expect((await w.send('demo-ehr', 'GET', `/fhir/Observation/${w.records.drugTest}`)).status).toBe(200);
  });

  it('P2-07 a counseling-notes consent naming the requester releases the note, labeled and with the notice', async () => {
    await w.grant(w.consent('counseling-notes', [`Organization/${w.org['demo-ehr']}`]));
    const reply = await w.send('demo-ehr', 'GET', `/fhir/${note()}`);
    expect(reply.status).toBe(200);
    expect(reply.body.meta?.security?.map((c) => c.code)).toEqual(expect.arrayContaining(['PSYTHPN', 'NORDSCLCD']));
    expect(reply.headers.get('x-part2-notice')).toMatch(/42 CFR part 2/);
  });

  it('P2-07 a counseling-notes consent releases nothing but counseling notes', async () => {
    await w.grant(w.consent('counseling-notes', [`Organization/${w.org['demo-ehr']}`]));
    const ref = `Observation/${w.records.drugTest}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${ref}`), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_INFORMATION_NOT_COVERED');
  });

  it('P2-07 a counseling-notes consent naming someone else does not release the note', async () => {
    await w.grant(w.consent('counseling-notes', [`Organization/${w.org['demo-housing']}`]));
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${note()}`), mark, note());
  });

  it('P2-07 a TPO consent that names PSYTHPN is refused at intake', async () => {
    const reply = await w.send('demo-treatment', 'POST', '/fhir/Consent', w.consent('tpo', ['class:treating-providers'], { securityLabel: [actCode('PSYTHPN')] }));
    expect(reply.status).toBe(422);
    expect(reply.body.issue!.some((i) => /counseling/i.test(i.details?.text ?? ''))).toBe(true);
  });
});
