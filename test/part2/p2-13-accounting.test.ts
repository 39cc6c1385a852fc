import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { auditAuthority, auditKind, auditedRefs, createPart2World, STORAGE_MODES, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-13 §2.24/§2.25: every disclosure (and denial) is recorded on the chain; the patient gets an accounting. */

  let w: Part2World;
  let tpo: string;
  beforeAll(async () => {
    w = await createPart2World({ mode });
    tpo = await w.grant(w.consent('tpo', ['class:treating-providers']));
  });
  afterAll(async () => w.close());

  it('P2-13 a disclosure names recipient, purpose, resources with versions and labels, the patient and the consent', async () => {
    const mark = await w.auditMark();
    expect((await w.send('demo-ehr', 'GET', `/fhir/Observation/${w.records.drugTest}`, undefined, 'COC')).status).toBe(200);
    const events = (await w.auditSince(mark)).filter((e) => auditKind(e) === 'disclosure');
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.outcome).toBe('0');
    expect(event.agent?.[0]?.who?.reference).toBe(`Organization/${w.org['demo-ehr']}`);
    expect(event.agent?.[0]?.who?.identifier?.value).toBe('demo-ehr');
    expect(event.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('COC');
    expect(auditedRefs(event)).toEqual([`Observation/${w.records.drugTest}`]);
    const entity = event.entity!.find((e) => e.what?.reference?.startsWith(`Observation/${w.records.drugTest}/_history/`));
    expect(entity?.securityLabel?.map((c) => c.code)).toContain('42CFRPart2');
    expect(event.entity!.some((e) => e.what?.reference === `Patient/${w.patientId}`)).toBe(true);
    expect(auditAuthority(event).reference).toBe(`Consent/${tpo}`);
    expect(Date.parse(event.recorded)).not.toBeNaN();
  });

  it('P2-13 a search discloses every released record in one event per patient and consent', async () => {
    const mark = await w.auditMark();
    const reply = await w.send('demo-ehr', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`);
    const released = reply.body.entry!.map((e) => `Observation/${e.resource!.id}`);
    const events = (await w.auditSince(mark)).filter((e) => auditKind(e) === 'disclosure');
    expect(events).toHaveLength(1);
    expect(auditedRefs(events[0]!).sort()).toEqual(released.sort());
  });

  it('P2-13 a denial is recorded with requester, purpose, resource and reason', async () => {
    const mark = await w.auditMark();
    const ref = `DocumentReference/${w.records.counselingNote}`;
    expect((await w.send('demo-ehr', 'GET', `/fhir/${ref}`)).status).toBe(404);
    const [denial] = (await w.auditSince(mark)).filter((e) => auditKind(e) === 'denial');
    expect(denial!.outcome).toBe('4');
    expect(denial!.outcomeDesc).toBe('CONSENT_PSYTHPN_REQUIRES_SPECIFIC');
    expect(denial!.agent?.[0]?.who?.reference).toBe(`Organization/${w.org['demo-ehr']}`);
    expect(denial!.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('TREAT');
    expect(auditedRefs(denial!)).toEqual([ref]);
  });

  it('P2-13 the accounting for the patient lists disclosures only, newest first, and never denials', async () => {
    const accounting = await w.gw.auditLog.disclosures(w.patientId);
    expect(accounting.total).toBeGreaterThanOrEqual(2);
    expect(accounting.events.every((e) => ['disclosure', 'emergency'].includes(auditKind(e)!))).toBe(true);
    const times = accounting.events.map((e) => Date.parse(e.recorded));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('P2-13 the program reading its own records is not in the accounting', async () => {
    const before = (await w.gw.auditLog.disclosures(w.patientId)).total;
    expect((await w.send('demo-treatment', 'GET', `/fhir/Condition/${w.records.diagnosis}`)).status).toBe(200);
    expect((await w.gw.auditLog.disclosures(w.patientId)).total).toBe(before);
  });

  it('P2-13 the chain stays unbroken across disclosures, denials and emergencies', async () => {
    await w.send('demo-ehr', 'GET', `/fhir/Goal/${w.records.goal}`, undefined, 'ETREAT');
    await w.send('demo-housing', 'GET', `/fhir/Goal/${w.records.goal}`, undefined, 'COC');
    const verified = await w.gw.auditLog.verify();
    expect(verified.ok).toBe(true);
    expect(verified.count).toBe(await w.auditMark());
  });
});
