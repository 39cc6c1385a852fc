import type { Resource } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, expect, it, describe } from 'vitest';
import { NOTICE_TAG_SYSTEM } from '../../src/enforcement/obligations.js';
import { createPart2World, STORAGE_MODES, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /*
   * P2-08 a TPO consent covers future TPO to covered entities; P2-16 a non-covered recipient may not
   * redisclose; P2-11 every disclosure carries the §2.32 notice and each resource the refrain label.
   */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterEach(async () => w.retireConsents());
  afterAll(async () => w.close());

  const codes = (r: { meta?: Resource['meta'] } | undefined) => r?.meta?.security?.map((c) => c.code) ?? [];
  const NOTICE = /42 CFR part 2 prohibits unauthorized use or disclosure of these records/i;

  it('P2-08 one TPO consent releases every record type but counseling notes to a covered entity, each with NORDSCLCD', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    for (const [type, id] of [['Observation', w.records.drugTest], ['Condition', w.records.diagnosis], ['Encounter', w.records.attendance], ['Goal', w.records.goal]] as const) {
      const reply = await w.send('demo-ehr', 'GET', `/fhir/${type}/${id}`);
      expect(reply.status, `${type}`).toBe(200);
      expect(codes(reply.body)).toContain('NORDSCLCD');
      expect(codes(reply.body)).not.toContain('NORDSLCD');
      expect(reply.headers.get('x-part2-notice')).toMatch(NOTICE);
    }
  });

  it('P2-08 the TPO consent covers payment and operations purposes too', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    for (const purpose of ['COC', 'HPAYMT', 'HOPERAT']) {
      expect((await w.send('demo-ehr', 'GET', `/fhir/Observation/${w.records.drugTest}`, undefined, purpose)).status, purpose).toBe(200);
    }
  });

  it('P2-16 a specific consent to housing releases a copy labeled NORDSCLCD, with the notice', async () => {
    await w.grant(w.consent('specific-disclosure', [`Organization/${w.org['demo-housing']}`]));
    const reply = await w.send('demo-housing', 'GET', `/fhir/Observation/${w.records.drugTest}`, undefined, 'COC');
    expect(reply.status).toBe(200);
    expect(codes(reply.body)).toEqual(expect.arrayContaining(['R', '42CFRPart2', 'SUD', 'NORDSCLCD']));
    expect(reply.headers.get('x-part2-notice')).toMatch(NOTICE);
  });

  it('P2-16 the stored record is not changed by a disclosure (the label is on the copy)', async () => {
    await w.grant(w.consent('specific-disclosure', [`Organization/${w.org['demo-housing']}`]));
    expect((await w.send('demo-housing', 'GET', `/fhir/Observation/${w.records.drugTest}`, undefined, 'COC')).status).toBe(200);
    const own = await w.send('demo-treatment', 'GET', `/fhir/Observation/${w.records.drugTest}`);
    expect(codes(own.body)).not.toContain('NORDSCLCD');
    expect(own.headers.get('x-part2-notice')).toBeNull();
  });

  it('P2-11 a search releasing Part 2 records carries the header, and each resource the notice tag and refrain label', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    const reply = await w.send('demo-ehr', 'GET', `/fhir/Encounter?patient=Patient/${w.patientId}`);
    expect(reply.status).toBe(200);
    expect(reply.body.total).toBe(1);
    expect(reply.headers.get('x-part2-notice')).toMatch(NOTICE);
    for (const entry of reply.body.entry!) {
      expect(codes(entry.resource)).toContain('NORDSCLCD');
      const tag = entry.resource!.meta?.tag?.find((t) => t.system === NOTICE_TAG_SYSTEM);
      expect(tag?.display).toMatch(NOTICE);
    }
  });

  it('P2-11 a response with no Part 2 record carries no notice', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    const reply = await w.send('demo-ehr', 'GET', `/fhir/Patient/${w.patientId}`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-part2-notice')).toBeNull();
    expect(reply.body.meta?.tag?.some((t) => t.system === NOTICE_TAG_SYSTEM) ?? false).toBe(false);
  });

  it('P2-11 the program reading its own records gets no redisclosure notice (not a disclosure)', async () => {
    const reply = await w.send('demo-treatment', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`);
    expect(reply.body.total).toBeGreaterThan(0);
    expect(reply.headers.get('x-part2-notice')).toBeNull();
  });

  it('P2-11 P2-13 the program reading its own records under a TPO consent naming treating providers is not a disclosure', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    const before = (await w.gw.auditLog.disclosures(w.patientId)).total;
    const reply = await w.send('demo-treatment', 'GET', `/fhir/Condition/${w.records.diagnosis}`);
    expect(reply.status).toBe(200);
    expect(codes(reply.body)).not.toContain('NORDSCLCD');
    expect(reply.headers.get('x-part2-notice')).toBeNull();
    expect((await w.gw.auditLog.disclosures(w.patientId)).total).toBe(before);
  });
});
