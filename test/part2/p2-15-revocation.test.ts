import type { Consent } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { auditAuthority, createPart2World, STORAGE_MODES, expectDeniedRead, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-15: revocation counts on the very next request (no cache); what was disclosed stays in the accounting. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterAll(async () => w.close());

  async function revoke(id: string): Promise<void> {
    const current = (await w.send('demo-treatment', 'GET', `/fhir/Consent/${id}`)).body as unknown as Consent;
    expect((await w.send('demo-treatment', 'PUT', `/fhir/Consent/${id}`, { ...current, status: 'inactive' })).status).toBe(200);
  }

  it('P2-15 permitted, revoked by PUT status inactive, denied on the very next request; the accounting keeps the earlier disclosure', async () => {
    const id = await w.grant(w.consent('specific-disclosure', [`Organization/${w.org['demo-housing']}`]));
    const ref = `Observation/${w.records.drugTest}`;
    // Same token (same client, same purpose) before and after: nothing may be cached on it.
    expect((await w.send('demo-housing', 'GET', `/fhir/${ref}`, undefined, 'COC')).status).toBe(200);
    const before = (await w.gw.auditLog.disclosures(w.patientId)).events.filter((e) => auditAuthority(e).reference === `Consent/${id}`);
    expect(before).toHaveLength(1);

    await revoke(id);
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-housing', 'GET', `/fhir/${ref}`, undefined, 'COC'), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_REVOKED');

    const after = (await w.gw.auditLog.disclosures(w.patientId)).events.filter((e) => auditAuthority(e).reference === `Consent/${id}`);
    expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
  });

  it('P2-15 a search right after revocation reports total 0 and no entries', async () => {
    const id = await w.grant(w.consent('tpo', ['class:treating-providers']));
    const first = await w.send('demo-ehr', 'GET', `/fhir/Condition?patient=Patient/${w.patientId}`);
    expect(first.body.total).toBe(1);
    await revoke(id);
    const second = await w.send('demo-ehr', 'GET', `/fhir/Condition?patient=Patient/${w.patientId}`);
    expect(second.status).toBe(200);
    expect(second.body.total).toBe(0);
    expect(second.body.entry ?? []).toHaveLength(0);
    expect(second.text).not.toContain('F11.20');
  });

  it('P2-15 deleting the consent also ends disclosure on the next request', async () => {
    await w.grant(w.consent('tpo', ['class:treating-providers']));
    expect((await w.send('demo-ehr', 'GET', `/fhir/Goal/${w.records.goal}`)).status).toBe(200);
    await w.retireConsents();
    const mark = await w.auditMark();
    await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/Goal/${w.records.goal}`), mark, `Goal/${w.records.goal}`);
  });
});
