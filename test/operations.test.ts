import type { AuditEvent, Bundle, Composition, Consent, Resource } from '@medplum/fhirtypes';
import jose from 'node-jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedContent, verifySummary } from '../src/operations/summary-signature.js';
import { createPart2World, type Part2World } from './support/part2-world.js';

let w: Part2World;
let cjConsentId: string;

beforeAll(async () => {
  w = await createPart2World();
  cjConsentId = await w.create('demo-treatment', w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]));
});
afterAll(async () => w.close());

const ids = (bundle: Bundle): string[] => (bundle.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);

describe('$summary', () => {
  it('P2-10 probation gets a signed document with monitoring data only', async () => {
    const { status, body } = await w.get('demo-corrections', `/fhir/Patient/${w.patientId}/$summary`, 'CJMONITOR');
    expect(status).toBe(200);
    const doc = body as Bundle;
    expect(doc.type).toBe('document');
    expect(doc.entry?.[0]?.resource?.resourceType).toBe('Composition');
    expect(doc.entry?.at(-1)?.resource?.resourceType).toBe('Provenance');
    const present = ids(doc);
    expect(present).toContain(`Observation/${w.records.drugTest}`);
    expect(present).toContain(`Encounter/${w.records.attendance}`);
    expect(present).not.toContain(`Condition/${w.records.diagnosis}`);
    expect(present).not.toContain(`DocumentReference/${w.records.counselingNote}`);
    expect(JSON.stringify(doc)).not.toContain(w.records.diagnosis);
    const composition = doc.entry![0]!.resource as Composition;
    expect(composition.subject?.reference).toBe(`Patient/${w.patientId}`);
    expect(doc.meta?.security?.map((c) => c.code)).toContain('NORDSCLCD');
  });

  it('is signed with the published gateway key; any change breaks the signature', async () => {
    const doc = (await w.get('demo-corrections', `/fhir/Patient/${w.patientId}/$summary`, 'CJMONITOR')).body as Bundle;
    expect(doc.signature?.sigFormat).toBe('application/jose');
    expect(await verifySummary(w.gw.auth, doc)).toBe(true);
    // Independently, with node-jose and the JWKS the gateway publishes.
    const jwks = (await (await w.gw.fhir('/.well-known/jwks.json')).json()) as object;
    const verified = await jose.JWS.createVerify(await jose.JWK.asKeyStore(jwks)).verify(Buffer.from(doc.signature!.data!, 'base64').toString('utf8'));
    expect(verified.payload.toString('utf8')).toBe(signedContent(doc));
    const tampered: Bundle = { ...doc, entry: doc.entry!.slice(0, -2).concat(doc.entry!.slice(-1)) };
    expect(await verifySummary(w.gw.auth, tampered)).toBe(false);
  });

  it('P2-01 a housing agency without consent gets no Part 2 record in its summary', async () => {
    const doc = (await w.get('demo-housing', `/fhir/Patient/${w.patientId}/$summary`, 'COC')).body as Bundle;
    const text = JSON.stringify(doc);
    for (const id of Object.values(w.records)) expect(text).not.toContain(id);
    expect(ids(doc)).toContain(`Patient/${w.patientId}`);
  });

  it('answers 404 for an unknown patient, also with the percent-encoded operation name', async () => {
    expect((await w.get('demo-admin', '/fhir/Patient/nobody/$summary')).status).toBe(404);
    expect((await w.get('demo-admin', `/fhir/Patient/${w.patientId}/%24summary`)).status).toBe(200);
  });
});

describe('$disclosures', () => {
  it('P2-13 lists each disclosure with recipient, purpose and the consent that permitted it', async () => {
    await w.get('demo-corrections', `/fhir/Observation/${w.records.drugTest}`, 'CJMONITOR');
    const { status, body } = await w.get('demo-admin', `/fhir/Patient/${w.patientId}/$disclosures`);
    expect(status).toBe(200);
    const bundle = body as Bundle<AuditEvent>;
    expect(bundle.total).toBeGreaterThan(0);
    const event = bundle.entry!.map((e) => e.resource!).find((e) => JSON.stringify(e).includes(`Observation/${w.records.drugTest}`))!;
    expect(event.agent?.[0]?.who?.reference).toBe(`Organization/${w.org['demo-corrections']}`);
    expect(JSON.stringify(event.purposeOfEvent)).toContain('CJMONITOR');
    expect(JSON.stringify(event.entity)).toContain(`Consent/${cjConsentId}`);
  });

  it('the disclosing program and a PATRQT request may read it; a housing agency may not', async () => {
    expect((await w.get('demo-treatment', `/fhir/Patient/${w.patientId}/$disclosures`)).status).toBe(200);
    expect((await w.get('demo-ehr', `/fhir/Patient/${w.patientId}/$disclosures`, 'PATRQT')).status).toBe(200);
    const denied = await w.get('demo-housing', `/fhir/Patient/${w.patientId}/$disclosures`, 'COC');
    expect(denied.status).toBe(403);
    expect(denied.body.resourceType).toBe('OperationOutcome');
  });
});

describe('$revoke', () => {
  it('only the disclosing program (or admin / PATRQT) may revoke', async () => {
    const res = await w.gw.fhir(`/fhir/Consent/${cjConsentId}/$revoke`, { method: 'POST', token: await w.token('demo-corrections', 'CJMONITOR') });
    expect(res.status).toBe(403);
  });

  it('P2-15 a TPO consent revoked is honoured on the very next request; the accounting keeps the past', async () => {
    const tpo = await w.create('demo-treatment', w.consent('tpo', ['class:treating-providers']));
    expect((await w.get('demo-ehr', `/fhir/Observation/${w.records.drugTest}`)).status).toBe(200);
    const res = await w.gw.fhir(`/fhir/Consent/${tpo}/$revoke`, { method: 'POST', token: await w.token('demo-treatment') });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Consent).status).toBe('inactive');
    expect((await w.get('demo-ehr', `/fhir/Observation/${w.records.drugTest}`)).status).toBe(404);
    const accounting = (await w.get('demo-admin', `/fhir/Patient/${w.patientId}/$disclosures`)).body as Bundle;
    expect(JSON.stringify(accounting)).toContain(`Consent/${tpo}`);
  });

  it('P2-10 a §2.35 consent still irrevocable is recorded as revoked and says from when it counts', async () => {
    const consent = w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]);
    const irrevocable = { ...consent, extension: (consent.extension ?? []).map((e) => (e.url.endsWith('part2-irrevocable-until') ? { ...e, extension: [{ url: 'dateTime', valueDateTime: '2099-01-01' }] } : e)) };
    const id = await w.create('demo-treatment', irrevocable as Resource);
    const res = await w.gw.fhir(`/fhir/Consent/${id}/$revoke`, { method: 'POST', token: await w.token('demo-treatment') });
    expect(res.status).toBe(200);
    // A date-only end covers that whole day (UTC), so the revocation counts from the next one.
    expect(res.headers.get('x-revocation-effective')).toBe('2099-01-02T00:00:00.000Z');
    expect((await w.get('demo-corrections', `/fhir/Observation/${w.records.drugTest}`, 'CJMONITOR')).status).toBe(200);
  });
});
