import { MedplumClient, OperationOutcomeError } from '@medplum/core';
import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MONITORING_CATEGORY_SYSTEM } from '../../src/consent/vocabulary.js';
import { DEMO_PARTICIPANT, rejection, startLiveGateway, type LiveGateway } from './support/live-gateway.js';

// Part 2 (42 CFR part 2) default deny seen through an off-the-shelf client: an EHR with no consent
// gets nothing of what the SUD treatment program wrote — not in search, not by id.
let live: LiveGateway;
let treatment: Client;
let ehr: Client;
let patientId: string;
const written: string[] = [];
const NOTE = 'interop synthetic counselling remark';

const drugTest = (subject: string, day: number): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: MONITORING_CATEGORY_SYSTEM, code: 'drug-test' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '19295-5' }] },
  subject: { reference: subject },
  effectiveDateTime: `2026-10-0${day}T10:00:00Z`,
  valueCodeableConcept: { coding: [{ system: 'https://reentry-gateway.example.org/fhir/CodeSystem/drug-test-result', code: 'negative' }] },
  note: [{ text: NOTE }],
});

beforeAll(async () => {
  live = await startLiveGateway();
  treatment = new Client({ baseUrl: live.fhirBase, bearerToken: await live.token('demo-treatment') });
  ehr = new Client({ baseUrl: live.fhirBase, bearerToken: await live.token('demo-ehr', { purpose: 'TREAT' }) });
  const found = (await treatment.search({ resourceType: 'Patient', searchParams: { identifier: DEMO_PARTICIPANT } })) as unknown as Bundle<Patient>;
  patientId = found.entry![0]!.resource!.id!;
  for (const day of [1, 2, 3]) written.push(((await treatment.create({ resourceType: 'Observation', body: drugTest(`Patient/${patientId}`, day) as never })) as unknown as Observation).id!);
});
afterAll(async () => live?.close());

it('the treatment program reads back its own records, labeled Part 2 by the gateway', async () => {
  const own = (await treatment.read({ resourceType: 'Observation', id: written[0]! })) as unknown as Observation;
  expect(own.note?.[0]?.text).toBe(NOTE);
  expect(own.meta?.security?.map((c) => c.code)).toEqual(expect.arrayContaining(['42CFRPart2', 'R']));
  const mine = (await treatment.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${patientId}` } })) as unknown as Bundle<Observation>;
  expect(mine.entry?.map((e) => e.resource?.id)).toEqual(expect.arrayContaining(written));
});

it('as demo-ehr without consent: a fhir-kit-client search returns none of them (not counted), a read is 404', async () => {
  let page = (await ehr.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${patientId}`, _count: 1 } })) as unknown as Bundle<Observation>;
  const total = page.total;
  const seen: Observation[] = [];
  for (;;) {
    seen.push(...(page.entry ?? []).map((e) => e.resource!));
    expect(JSON.stringify(page)).not.toContain(NOTE);
    const next = ehr.nextPage({ bundle: page as never });
    if (!next) break;
    page = (await next) as unknown as Bundle<Observation>;
  }
  expect(seen.map((o) => o.id)).not.toEqual(expect.arrayContaining([written[0]]));
  for (const id of written) expect(seen.map((o) => o.id)).not.toContain(id);
  expect(seen.filter((o) => o.meta?.security?.some((c) => c.code === '42CFRPart2'))).toEqual([]);
  expect(total).toBe(seen.length);

  for (const id of written) {
    const err = await rejection(() => ehr.read({ resourceType: 'Observation', id }));
    expect(err.status).toBe(404);
    expect(err.data.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(err.data)).not.toContain(NOTE);
    expect(JSON.stringify(err.data)).not.toContain('42CFRPart2');
  }
});

it('as demo-ehr through MedplumClient: the same record reads as not-found', async () => {
  const medplum = new MedplumClient({ baseUrl: `${live.base}/`, fhirUrlPath: 'fhir', fetch: (url: string | URL, init?: RequestInit) => fetch(url, init), cacheTime: 0 });
  medplum.setAccessToken(await live.token('demo-ehr', { purpose: 'TREAT' }));
  const err = await medplum.readResource('Observation', written[1]!).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OperationOutcomeError);
  expect((err as OperationOutcomeError).outcome.issue?.[0]?.code).toBe('not-found');
  const hits = await medplum.searchResources('Observation', { patient: `Patient/${patientId}` });
  for (const id of written) expect(hits.map((o) => o.id)).not.toContain(id);
});
