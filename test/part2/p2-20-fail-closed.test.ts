import type { Consent, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { EXT_SIGNATURE } from '../../src/consent/vocabulary.js';
import { withMeta } from '../../src/fhir/resource-meta.js';
import type { DisclosureColumns } from '../../src/storage/store.js';
import { auditAuthority, createPart2World, STORAGE_MODES, expectDeniedRead, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /*
   * P2-20: when the gateway cannot decide (a consent it cannot interpret, a record without labels) it
   * denies and never fails open. Intake refuses such data over HTTP, so it is written straight to the
   * store as a ResourceWrite, the way src/fhir/repository.ts does after validation.
   */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterAll(async () => w.close());

  async function writeRaw(resource: Resource & { id: string }, disclosure?: DisclosureColumns): Promise<void> {
    const lastUpdated = new Date().toISOString();
    // In upstream mode this lands on the upstream behind the gateway's back: its index does not vouch for it.
    await w.rawStore.write([{ op: 'create', resource: withMeta(resource, 1, lastUpdated), versionId: 1, lastUpdated, expectedVersion: 0, ...(disclosure ? { disclosure } : {}) }]);
  }

  it('P2-20 a record without any confidentiality label is denied to a non-holder, saying why', async () => {
    const id = 'p2-20-unlabeled';
    await writeRaw({ resourceType: 'Encounter', id, status: 'finished', class: { code: 'AMB' }, reasonCode: [{ text: 'Unlabeled synthetic clinical note' }], subject: { reference: `Patient/${w.patientId}` } } as Resource & { id: string });
    for (const client of ['demo-housing', 'demo-ehr', 'demo-corrections'] as const) {
      const mark = await w.auditMark();
      const denial = await expectDeniedRead(w, await w.send(client, 'GET', `/fhir/Encounter/${id}`, undefined, client === 'demo-corrections' ? 'CJMONITOR' : 'TREAT'), mark, `Encounter/${id}`);
      expect(denial.outcomeDesc).toBe('LABELS_MISSING');
      expect(auditAuthority(denial).rules).toContain('P2-20');
    }
  });

  it('P2-20 an unlabeled record is not in a non-holder\'s search results', async () => {
    const reply = await w.send('demo-housing', 'GET', `/fhir/Encounter?patient=Patient/${w.patientId}`, undefined, 'COC');
    expect(reply.status).toBe(200);
    expect((reply.body.entry ?? []).map((e) => e.resource!.id)).not.toContain('p2-20-unlabeled');
    expect(reply.text).not.toContain('Unlabeled synthetic');
  });

  // A write that bypasses the repository and says nothing about disclosure is stored restricted
  // (src/storage/write-sql.ts), so no search counts it (P2-17).
  it('P2-17 P2-20 a search total does not count an unlabeled record the requester cannot see', async () => {
    const reply = await w.send('demo-housing', 'GET', `/fhir/Encounter?patient=Patient/${w.patientId}`, undefined, 'COC');
    expect(reply.body.total).toBe((reply.body.entry ?? []).length);
  });

  it('P2-20 a stored consent that cannot be interpreted denies, even beside a valid permitting consent', async () => {
    const valid = await w.grant(w.consent('tpo', ['class:treating-providers']));
    expect((await w.send('demo-ehr', 'GET', `/fhir/Observation/${w.records.drugTest}`)).status).toBe(200);

    const broken = w.consent('tpo', ['class:treating-providers']);
    const unsigned: Consent & { id: string } = { ...broken, id: 'p2-20-unsigned', extension: (broken.extension ?? []).filter((e) => e.url !== EXT_SIGNATURE) };
    await writeRaw(unsigned, { part2: false });

    const ref = `Observation/${w.records.drugTest}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${ref}`), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_UNPARSEABLE');
    expect(auditAuthority(denial).rules).toContain('P2-20');
    const search = await w.send('demo-ehr', 'GET', `/fhir/Observation?patient=Patient/${w.patientId}`);
    expect(search.body.entry?.map((e) => e.resource!.id) ?? []).not.toContain(w.records.drugTest);
    expect(search.body.total).toBe((search.body.entry ?? []).length);
    void valid;
  });

  it('P2-20 a stored consent with a modifierExtension the gateway does not understand denies', async () => {
    // Removes the unsigned one so only this problem is in play.
    // In upstream mode this lands on the upstream behind the gateway's back: its index does not vouch for it.
    await w.rawStore.write([{ op: 'delete', resource: withMeta({ resourceType: 'Consent', id: 'p2-20-unsigned' } as Resource & { id: string }, 2, new Date().toISOString()), versionId: 2, lastUpdated: new Date().toISOString(), expectedVersion: 1, disclosure: { part2: false } }]);
    expect((await w.send('demo-ehr', 'GET', `/fhir/Goal/${w.records.goal}`)).status).toBe(200);
    const odd: Consent & { id: string } = { ...w.consent('tpo', ['class:treating-providers']), id: 'p2-20-modifier', modifierExtension: [{ url: 'https://example.org/unknown-modifier', valueBoolean: true }] };
    await writeRaw(odd, { part2: false });
    const ref = `Goal/${w.records.goal}`;
    const mark = await w.auditMark();
    const denial = await expectDeniedRead(w, await w.send('demo-ehr', 'GET', `/fhir/${ref}`), mark, ref);
    expect(denial.outcomeDesc).toBe('CONSENT_UNPARSEABLE');
  });

  it('P2-20 the program still reads its own records while a consent is unparseable', async () => {
    expect((await w.send('demo-treatment', 'GET', `/fhir/Goal/${w.records.goal}`)).status).toBe(200);
  });
});
