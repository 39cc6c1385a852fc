/**
 * POST /ingest/{mappingId} through the real app (libSQL file, validator, tokens): idempotency,
 * CSV ≡ JSON, references, Part 2 labels, content negotiation and scope checks.
 */
import type { Bundle, Observation, OperationOutcome, Patient, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPart2Labeled } from '../src/consent/labels.js';
import { projectDefinitions } from '../src/conformance/definitions.js';
import { INGEST_RESULT_SYSTEM } from '../src/mapping/index.js';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';
import { ingest, results, sampleText } from './support/ingest-client.js';

let gw: TestGateway;
let token: string;
beforeAll(async () => {
  gw = await createTestGateway();
  token = await gw.token('demo-admin');
});
afterAll(async () => gw.close());

async function search<T extends Resource>(query: string): Promise<T[]> {
  const res = await gw.fhir(`/fhir/${query}`, { token });
  return (((await res.json()) as Bundle).entry ?? []).map((e) => e.resource as T);
}

async function versionCount(ref: string): Promise<number> {
  const res = await gw.fhir(`/fhir/${ref}/_history`, { token });
  return ((await res.json()) as Bundle).total ?? -1;
}

const locations = (bundle: Bundle): string[] => (bundle.entry ?? []).map((e) => e.response!.location!.replace(/\/_history\/\d+$/, ''));

describe('participant CSV', () => {
  it('creates on the first ingest, then the same CSV again changes nothing (same ids, one version each)', async () => {
    const first = await ingest(gw, token, 'participant', sampleText('participant', 'sample.csv'), 'text/csv');
    expect(first.status).toBe(200);
    expect(first.bundle.type).toBe('batch-response');
    expect(first.bundle.entry?.map((e) => e.response?.status)).toEqual(['201 Created', '201 Created', '201 Created']);
    expect(results(first.bundle)).toEqual(['created', 'created', 'created']);

    const again = await ingest(gw, token, 'participant', sampleText('participant', 'sample.csv'), 'text/csv');
    expect(results(again.bundle)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(locations(again.bundle)).toEqual(locations(first.bundle));
    for (const ref of locations(first.bundle)) expect(await versionCount(ref)).toBe(1);
    expect(await search<Patient>('Patient?identifier=https://reentry-gateway.example.org/fhir/sid/doc-number|A1001')).toHaveLength(1);
  });

  it('the JSON sample is the same data: ingesting it after the CSV changes nothing', async () => {
    const json = await ingest(gw, token, 'participant', sampleText('participant', 'sample.json'));
    expect(results(json.bundle)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('a changed row is an update: version 2, same id', async () => {
    const changed = await ingest(gw, token, 'participant', { doc_number: 'A1003', booking_number: 'BK-2026-0402', family_name: 'Nguyen', given_name: 'Sam', birth_date: '1995-02-01', gender: 'unknown', city: 'Joplin', state: 'MO' });
    expect(changed.bundle.entry?.[0]?.response?.status).toBe('200 OK');
    expect(results(changed.bundle)).toEqual(['updated']);
    expect(changed.bundle.entry?.[0]?.response?.etag).toBe('W/"2"');
  });
});

describe('every mapping through the app', () => {
  // Part 2 resources are hidden from searches without a consent (the read path enforces it), so
  // they are checked in the batch-response the writer gets back.
  const written = new Map<string, Bundle>();
  const resourceOf = (id: string, row: number): Resource => written.get(id)!.entry![row]!.resource!;
  // Order matters: later mappings reference resources the earlier ones wrote.
  const order = ['supervision', 'custody-event', 'risk-assessment', 'case-plan', 'clinical-screening', 'drug-test', 'referral', 'treatment-episode', 'treatment-attendance', 'aftercare-check', 'part2-consent-form'];
  for (const id of order) {
    it(`${id}: JSON creates, the CSV sample is the same resources (all unchanged)`, async () => {
      const json = await ingest(gw, token, id, sampleText(id, 'sample.json'));
      expect(json.status).toBe(200);
      const errors = (json.bundle.entry ?? []).filter((e) => !e.response?.status?.startsWith('2')).map((e) => JSON.stringify(e.response?.outcome));
      expect(errors).toEqual([]);
      expect(results(json.bundle).every((r) => r.split('+').every((x) => x === 'created'))).toBe(true);
      written.set(id, json.bundle);
      // Mapping-side labels agree with the gateway's write-time labeling (P2-18): the stored
      // labels are the golden file's, plus only what the gateway inherits from referenced
      // resources (e.g. MH/BH from a co-occurring treatment episode); Part 2 status is the same.
      const expected = JSON.parse(sampleText(id, 'expected.json')) as Resource[][];
      json.bundle.entry!.forEach((e, row) => {
        const stored = e.resource!.meta?.security ?? [];
        const mapped = expected[row]![0]!.meta?.security ?? [];
        expect(stored).toEqual(expect.arrayContaining(mapped));
        expect(isPart2Labeled(stored)).toBe(isPart2Labeled(mapped));
      });
      const csv = await ingest(gw, token, id, sampleText(id, 'sample.csv'), 'text/csv; charset=utf-8');
      expect(results(csv.bundle).every((r) => r.split('+').every((x) => x === 'unchanged'))).toBe(true);
      expect(locations(csv.bundle)).toEqual(locations(json.bundle));
    });
  }

  it('references resolve to the stored resources by identifier', async () => {
    const [patient] = await search<Patient>('Patient?identifier=https://reentry-gateway.example.org/fhir/sid/doc-number|A1001');
    const [housing] = await search<ServiceRequest>('ServiceRequest?identifier=https://reentry-gateway.example.org/fhir/sid/referral-id|REF-4002');
    expect(housing?.subject?.reference).toBe(`Patient/${patient!.id}`);
    // TXE-2026-001 was referred by REF-4001 (a Part 2 referral): the link is in the stored episode.
    const sudReferral = resourceOf('referral', 0);
    const episode = resourceOf('treatment-episode', 0) as Resource & { referralRequest?: { reference?: string }[] };
    expect(episode.referralRequest?.[0]?.reference).toBe(`ServiceRequest/${sudReferral.id}`);
    const consent = resourceOf('part2-consent-form', 0) as Resource & { organization?: { reference?: string }[] };
    const [program] = await search<Resource>('Organization?identifier=urn:gateway:client-id|demo-treatment');
    expect(consent.organization?.[0]?.reference).toBe(`Organization/${program!.id}`);
  });

  it('a case plan links its own team and goal and the stored risk assessment', async () => {
    const [plan] = await search<Resource & { careTeam?: { reference?: string }[]; goal?: { reference?: string }[]; supportingInfo?: { reference?: string }[] }>(
      'CarePlan?identifier=https://reentry-gateway.example.org/fhir/sid/case-plan-id|CP-2026-0001',
    );
    const [team] = await search('CareTeam?identifier=https://reentry-gateway.example.org/fhir/sid/care-team-id|CP-2026-0001-team');
    const [goal] = await search('Goal?identifier=https://reentry-gateway.example.org/fhir/sid/case-plan-goal-id|CP-2026-0001-goal-1');
    const [assessment] = await search('Observation?identifier=https://reentry-gateway.example.org/fhir/sid/assessment-id|RA-5001');
    expect(plan?.careTeam?.[0]?.reference).toBe(`CareTeam/${team!.id}`);
    expect(plan?.goal?.[0]?.reference).toBe(`Goal/${goal!.id}`);
    expect(plan?.supportingInfo?.[0]?.reference).toBe(`Observation/${assessment!.id}`);
  });

  it('a record with several resources links them (finding → its wellness-check Encounter)', async () => {
    const [encounter] = await search<Resource>('Encounter?identifier=https://reentry-gateway.example.org/fhir/sid/wellness-check-id|AC-1102');
    const findings = await search<Observation>(`Observation?encounter=Encounter/${encounter!.id}`);
    expect(findings.map((f) => f.code?.coding?.[0]?.code).sort()).toEqual(['needs-assistance', 'overall-wellbeing', 'treatment-engaged']);
  });

  it('labels SUD outputs Part 2 and leaves the others unlabeled (P2-18)', async () => {
    expect(isPart2Labeled(resourceOf('drug-test', 0).meta?.security)).toBe(true);
    expect(isPart2Labeled(resourceOf('referral', 0).meta?.security)).toBe(true);
    // The gateway's own write-time labeling may add a lower confidentiality code; no Part 2 label.
    expect(isPart2Labeled(resourceOf('referral', 1).meta?.security)).toBe(false);
    expect(resourceOf('treatment-attendance', 1).meta?.security?.map((c) => c.code)).toEqual(['R', '42CFRPart2', 'SUD']);
    expect(isPart2Labeled(resourceOf('clinical-screening', 2).meta?.security)).toBe(true);
    expect(isPart2Labeled(resourceOf('clinical-screening', 0).meta?.security)).toBe(false);
  });
});

describe('ingest result codes', () => {
  it('every coded outcome issue uses a code of the ingest-result CodeSystem from profiles/', async () => {
    const system = projectDefinitions.codeSystems.find((cs) => cs.url === INGEST_RESULT_SYSTEM);
    expect(system?.content).toBe('complete');
    const codes = new Set((system?.concept ?? []).map((c) => c.code));
    expect([...codes].sort()).toEqual(['created', 'dead-lettered', 'unchanged', 'updated']);
    const record = { doc_number: 'RC-1', family_name: 'Code', given_name: 'Res', birth_date: '1980-01-01' };
    const seen = new Set<string>();
    for (const body of [[record], [record], [{ ...record, given_name: 'Changed' }], [{ ...record, doc_number: 'RC-2', birth_date: 'never' }]]) {
      const { bundle } = await ingest(gw, token, 'participant', body);
      for (const entry of bundle.entry ?? []) {
        for (const issue of (entry.response?.outcome as OperationOutcome | undefined)?.issue ?? []) {
          for (const coding of issue.details?.coding ?? []) {
            if (coding.system !== INGEST_RESULT_SYSTEM) continue;
            expect(codes.has(coding.code ?? '')).toBe(true);
            seen.add(coding.code ?? '');
          }
        }
      }
    }
    expect([...seen].sort()).toEqual(['created', 'dead-lettered', 'unchanged', 'updated']);
  });
});

describe('request errors', () => {
  it('answers 404 for an unknown mapping', async () => {
    const res = await ingest(gw, token, 'no-such-mapping', []);
    expect(res.status).toBe(404);
    expect(res.outcome.resourceType).toBe('OperationOutcome');
  });

  it('answers 415 for a content type other than JSON or CSV', async () => {
    const res = await ingest(gw, token, 'participant', '<xml/>', 'application/xml');
    expect(res.status).toBe(415);
  });

  it('answers 413 for more than 10,000 records', async () => {
    const res = await ingest(gw, token, 'participant', Array.from({ length: 10_001 }, () => ({})));
    expect(res.status).toBe(413);
    const csv = `doc_number\n${'X1\n'.repeat(10_001)}`;
    expect((await ingest(gw, token, 'participant', csv, 'text/csv')).status).toBe(413);
  });

  it('answers 400 naming the line for malformed CSV', async () => {
    const res = await ingest(gw, token, 'participant', 'doc_number,family_name\n"A1,Unclosed\n', 'text/csv');
    expect(res.status).toBe(400);
    expect(res.outcome.issue[0]?.details?.text).toContain('line 2');
  });

  it('refuses a token without create/update scope for the mapped types (403)', async () => {
    const readOnly = await gw.token('demo-admin', { scope: 'system/*.rs' });
    const res = await ingest(gw, readOnly, 'participant', sampleText('participant', 'sample.json'));
    expect(res.status).toBe(403);
    const outcome = res.outcome as OperationOutcome;
    expect(outcome.issue[0]?.code).toBe('forbidden');
  });
});
