import type { Consent, EpisodeOfCare, Extension } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXT_IRREVOCABLE_UNTIL } from '../../src/consent/vocabulary.js';
import { auditAuthority, createPart2World, STORAGE_MODES, expectDeniedRead, type Client, type Part2World, type Reply } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-03: a consent permits only while in force — active, within its period, not revoked, before its expiry event. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterEach(async () => w.retireConsents());
  afterAll(async () => w.close());

  const TPO = ['class:treating-providers'];
  const drugTest = () => `Observation/${w.records.drugTest}`;

  /** The §2.35 consent with its irrevocability replaced (until a time, and until the supervision ends). */
  function irrevocableUntil(consent: Consent, dateTime: string): Consent {
    const ext = (consent.extension ?? []).filter((e) => e.url !== EXT_IRREVOCABLE_UNTIL);
    const until: Extension = { url: EXT_IRREVOCABLE_UNTIL, extension: [{ url: 'dateTime', valueDateTime: dateTime }, { url: 'event', valueReference: { reference: `EpisodeOfCare/${w.supervisionId}` } }, { url: 'eventKind', valueCode: 'case-disposition' }] };
    return { ...consent, extension: [...ext, until] };
  }

  async function setStatus(id: string, status: Consent['status']): Promise<void> {
    const current = (await w.send('demo-treatment', 'GET', `/fhir/Consent/${id}`)).body as unknown as Consent;
    const reply = await w.send('demo-treatment', 'PUT', `/fhir/Consent/${id}`, { ...current, status });
    expect(reply.status, reply.text).toBe(200);
  }

  it('P2-03 a revoked TPO consent (status inactive) no longer releases anything', async () => {
    const id = await w.grant(w.consent('tpo', TPO));
    expect((await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`)).status).toBe(200);
    await setStatus(id, 'inactive');
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_REVOKED');
    expect(auditAuthority(denial).rules).toContain('P2-03');
  });

  it('P2-03 a consent whose provision.period ended is expired', async () => {
    await w.grant(w.consent('tpo', TPO, { period: { start: '2025-01-01', end: '2025-12-31' } }));
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_EXPIRED');
    const search = await w.send('demo-ehr', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`);
    expect(search.body.total).toBe(0);
  });

  it('P2-03 a consent whose period has not started yet does not release', async () => {
    await w.grant(w.consent('tpo', TPO, { period: { start: '2030-01-01', end: '2031-01-01' } }));
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_NOT_ACTIVE');
  });

  it('P2-03 a draft (not yet active) consent does not release', async () => {
    await w.grant({ ...w.consent('tpo', TPO), status: 'draft' });
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${drugTest()}`), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_NOT_ACTIVE');
  });

  it('P2-03 an irrevocable §2.35 consent revoked early is still honoured until its irrevocable-until', async () => {
    const id = await w.grant(irrevocableUntil(w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]), '2099-06-30'));
    await setStatus(id, 'inactive');
    const reply = await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'CJMONITOR');
    expect(reply.status).toBe(200);
    expect(reply.body.meta?.security?.map((c) => c.code)).toContain('NORDSCLCD');
    const events = await w.gw.auditLog.disclosures(w.patientId);
    expect(events.events.some((e) => auditAuthority(e).reference === `Consent/${id}`)).toBe(true);
  });

  it('P2-03 a revoked §2.35 consent whose irrevocability has passed is revoked', async () => {
    const id = await w.grant(irrevocableUntil(w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]), '2026-02-01'));
    expect((await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'CJMONITOR')).status).toBe(200);
    await setStatus(id, 'inactive');
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'CJMONITOR'), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_REVOKED');
  });

  // Ends the supervision episode, so it runs last in this file.
  it('P2-03 P2-15 ending the supervision (the §2.35 expiry event) stops releasing on the very next request', async () => {
    await w.grant(w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]));
    expect((await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'CJMONITOR')).status).toBe(200);

    const episode = (await w.send('demo-corrections', 'GET', `/fhir/EpisodeOfCare/${w.supervisionId}`)).body as unknown as EpisodeOfCare;
    const ended = { ...episode, status: 'finished', period: { ...episode.period, end: new Date(Date.now() - 60_000).toISOString() } };
    expect((await w.send('demo-corrections', 'PUT', `/fhir/EpisodeOfCare/${w.supervisionId}`, ended)).status).toBe(200);

    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-corrections', 'GET', `/fhir/${drugTest()}`, undefined, 'CJMONITOR'), mark, drugTest());
    expect(denial.outcomeDesc).toBe('CONSENT_EXPIRED');
    const search = await w.send('demo-corrections', 'GET', `/fhir/Encounter?patient=Patient/${w.patientId}`, undefined, 'CJMONITOR');
    expect(search.body.total).toBe(0);
  });

  describe('with a movable clock', () => {
    let clock = new Date('2026-11-20T12:00:00Z');
    let cw: Part2World;
    beforeAll(async () => {
      cw = await createPart2World({ mode, now: () => clock });
    });
    afterAll(async () => cw.close());
    /** A fresh token at the current clock (cached ones would expire when the clock moves). */
    const ask = async (client: Client, path: string, purpose = 'TREAT'): Promise<Reply> => {
      const res = await cw.gw.fhir(path, { token: await cw.gw.token(client, { purpose }) });
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text), text, headers: res.headers };
    };

    it('P2-03 a consent releases until provision.period.end and not a moment after', async () => {
      await cw.grant(cw.consent('tpo', TPO, { period: { start: '2026-01-10', end: '2026-12-31T23:59:59Z' } }));
      expect((await ask('demo-ehr', `/fhir/Observation/${cw.records.drugTest}`)).status).toBe(200);
      clock = new Date('2027-01-01T00:00:01Z');
      const mark = await cw.auditMark();
      const denial = await expectDeniedRead(cw, await ask('demo-ehr', `/fhir/Observation/${cw.records.drugTest}`), mark, `Observation/${cw.records.drugTest}`);
      expect(denial.outcomeDesc).toBe('CONSENT_EXPIRED');
    });
  });
});
