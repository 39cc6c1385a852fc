import type { Bundle, CapabilityStatement, Composition, Observation, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startLiveGateway, type LiveGateway } from './support/live-gateway.js';

// fhir-kit-client 2.0.3, used exactly as an EHR vendor would: base URL + bearer token, real HTTP.
let live: LiveGateway;
let client: Client;

const family = `Interop${Date.now().toString(36)}`;
const patient = (given: string): Patient => ({ resourceType: 'Patient', name: [{ family, given: [given] }], gender: 'unknown', birthDate: '1990-01-01' });

beforeAll(async () => {
  live = await startLiveGateway();
  client = new Client({ baseUrl: live.fhirBase, bearerToken: await live.token('demo-ehr') });
});
afterAll(async () => live?.close());

describe('fhir-kit-client against the live gateway', () => {
  it('reads the CapabilityStatement (no token needed) and SMART metadata', async () => {
    const anonymous = new Client({ baseUrl: live.fhirBase });
    const cs = (await anonymous.capabilityStatement()) as unknown as CapabilityStatement;
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
    const patientRest = cs.rest?.[0]?.resource?.find((r) => r.type === 'Patient');
    expect(patientRest?.interaction?.map((i) => i.code)).toEqual(expect.arrayContaining(['read', 'create', 'search-type']));
    const smart = await anonymous.smartAuthMetadata();
    expect(smart.tokenUrl?.toString()).toBe(`${live.base}/auth/token`);
  });

  it('refuses a FHIR read without a token: the client raises with 401 OperationOutcome', async () => {
    const anonymous = new Client({ baseUrl: live.fhirBase });
    const err = await rejection(() => anonymous.search({ resourceType: 'Patient' }));
    expect(err.status).toBe(401);
    expect(err.data.resourceType).toBe('OperationOutcome');
  });

  it('create → read → versioned update (If-Match) → stale update 412 → history', async () => {
    const created = (await client.create({ resourceType: 'Patient', body: patient('Ada') as never })) as unknown as Patient;
    expect(created.id).toMatch(/\S/);
    expect(created.meta?.versionId).toBe('1');
    const location = Client.httpFor(created as never).response?.headers.get('location');
    expect(location).toContain(`${live.fhirBase}/Patient/${created.id}`);

    const read = (await client.read({ resourceType: 'Patient', id: created.id! })) as unknown as Patient;
    expect(read.name?.[0]?.given).toEqual(['Ada']);
    expect(Client.httpFor(read as never).response?.headers.get('etag')).toBe('W/"1"');

    const updated = (await client.update({
      resourceType: 'Patient',
      id: created.id!,
      body: { ...read, gender: 'female' } as never,
      options: { headers: { 'If-Match': 'W/"1"' } },
    })) as unknown as Patient;
    expect(updated.meta?.versionId).toBe('2');
    expect(updated.gender).toBe('female');

    const stale = await rejection(() =>
      client.update({ resourceType: 'Patient', id: created.id!, body: { ...read, gender: 'male' } as never, options: { headers: { 'If-Match': 'W/"1"' } } }),
    );
    expect(stale.status).toBe(412);
    expect(stale.data.resourceType).toBe('OperationOutcome');

    const v1 = (await client.vread({ resourceType: 'Patient', id: created.id!, version: '1' })) as unknown as Patient;
    expect(v1.gender).toBe('unknown');

    const history = (await client.resourceHistory({ resourceType: 'Patient', id: created.id! })) as unknown as Bundle<Patient>;
    expect(history.type).toBe('history');
    expect(history.entry?.map((e) => e.resource?.meta?.versionId)).toEqual(['2', '1']);
  });

  it('searches with _count=2 and follows nextPage() to the end, collecting every match once', async () => {
    const ids: string[] = [];
    for (const given of ['P1', 'P2', 'P3', 'P4', 'P5']) ids.push(((await client.create({ resourceType: 'Patient', body: patient(given) as never })) as unknown as Patient).id!);
    // Ada from the previous test carries the same family name.
    let page = (await client.search({ resourceType: 'Patient', searchParams: { family, _count: 2 } })) as unknown as Bundle<Patient>;
    expect(page.type).toBe('searchset');
    const total = page.total;
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      pages++;
      expect(page.entry?.length ?? 0).toBeLessThanOrEqual(2);
      for (const l of page.link ?? []) expect(l.url).toMatch(new RegExp(`^${live.fhirBase}/Patient\\?`));
      seen.push(...(page.entry ?? []).map((e) => e.resource!.id!));
      const next = client.nextPage({ bundle: page as never });
      if (!next) break;
      page = (await next) as unknown as Bundle<Patient>;
      expect(pages).toBeLessThan(10);
    }
    expect(total).toBe(6);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(pages).toBe(3);
  });

  it('posts a transaction whose Observation references a new Patient by urn:uuid', async () => {
    const patientUrn = 'urn:uuid:7f1c2d4e-1111-4a2b-9c3d-0123456789ab';
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: patientUrn, resource: patient('Tx'), request: { method: 'POST', url: 'Patient' } },
        {
          fullUrl: 'urn:uuid:7f1c2d4e-2222-4a2b-9c3d-0123456789ab',
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
            subject: { reference: patientUrn },
            valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    const response = (await client.transaction({ body: bundle as never })) as unknown as Bundle;
    expect(response.type).toBe('transaction-response');
    expect(response.entry?.map((e) => e.response?.status?.slice(0, 3))).toEqual(['201', '201']);
    const patientId = response.entry![0]!.response!.location!.match(/Patient\/([^/]+)/)![1]!;
    const obsId = response.entry![1]!.response!.location!.match(/Observation\/([^/]+)/)![1]!;
    const obs = (await client.read({ resourceType: 'Observation', id: obsId })) as unknown as Observation;
    expect(obs.subject?.reference).toBe(`Patient/${patientId}`);
    const byPatient = (await client.search({ resourceType: 'Observation', searchParams: { subject: `Patient/${patientId}` } })) as unknown as Bundle<Observation>;
    expect(byPatient.entry?.map((e) => e.resource?.id)).toEqual([obsId]);
  });

  it('deletes; reading the deleted resource raises with 410 OperationOutcome; unknown id 404', async () => {
    const created = (await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family: 'Gone' }] } as never })) as unknown as Patient;
    await client.delete({ resourceType: 'Patient', id: created.id! });
    const gone = await rejection(() => client.read({ resourceType: 'Patient', id: created.id! }));
    expect(gone.status).toBe(410);
    expect(gone.data.resourceType).toBe('OperationOutcome');
    const missing = await rejection(() => client.read({ resourceType: 'Patient', id: 'no-such-patient' }));
    expect(missing.status).toBe(404);
    expect(missing.data.resourceType).toBe('OperationOutcome');
  });

  it('an invalid resource raises with 422 and an OperationOutcome naming the element', async () => {
    const err = await rejection(() => client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', gender: 'not-a-gender' } as never }));
    expect(err.status).toBe(422);
    const outcome = err.data as unknown as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue?.[0]?.severity).toBe('error');
    expect(outcome.issue?.flatMap((i) => i.expression ?? []).join(' ')).toMatch(/Patient\.gender/);
    expect(JSON.stringify(outcome)).not.toMatch(/\bat \S+\.(ts|js):\d+|SQLITE|SELECT /);
  });

  it('operation $summary (GET) answers a document Bundle with the Composition first', async () => {
    const created = (await client.create({ resourceType: 'Patient', body: patient('Summary') as never })) as unknown as Patient;
    const doc = (await client.operation({ name: '$summary', resourceType: 'Patient', id: created.id!, method: 'GET' })) as unknown as Bundle;
    expect(doc.resourceType).toBe('Bundle');
    expect(doc.type).toBe('document');
    const composition = doc.entry?.[0]?.resource as Composition;
    expect(composition.resourceType).toBe('Composition');
    expect(composition.subject?.reference).toMatch(new RegExp(`Patient/${created.id}$`));
    expect(doc.entry?.some((e) => e.resource?.resourceType === 'Patient' && e.resource.id === created.id)).toBe(true);
    // The request really went to the instance-level operation URL.
    expect(Client.httpFor(doc as never).request?.url).toBe(`${live.fhirBase}/Patient/${created.id}/$summary`);
  });
});
