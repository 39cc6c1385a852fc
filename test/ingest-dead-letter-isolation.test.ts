/**
 * Dead letters keep raw source records, which may be another program's 42 CFR Part 2 data: only
 * the organization that submitted a record may list or replay it (P2-01, P2-17).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';
import { ingest } from './support/ingest-client.js';

let gw: TestGateway;
let treatment: string;
let housing: string;
let letterId: string;

// A drug test for a participant nobody has ingested yet: refused, so it waits as a dead letter.
const positiveTest = { test_id: 'UA-ISO-1', participant_doc_number: 'NOBODY-1', collected_at: '2026-02-24T16:30:00-06:00', panel: '10-PANEL', result: 'POS', selection: 'CAUSE', observed: true, specimen: 'urine', positive_substances: ['fentanyl'] };

async function list(token: string): Promise<{ status: number; text: string; ids: string[] }> {
  const res = await gw.app.request('http://localhost:8787/ingest/dead-letters?mapping=drug-test', { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const ids = res.status === 200 ? ((JSON.parse(text) as Bundle).entry ?? []).map((e) => e.resource?.id ?? '') : [];
  return { status: res.status, text, ids };
}

beforeAll(async () => {
  gw = await createTestGateway();
  treatment = await gw.token('demo-treatment');
  housing = await gw.token('demo-housing', { purpose: 'COC' });
  await ingest(gw, treatment, 'drug-test', [positiveTest]);
  const own = await list(treatment);
  expect(own.status).toBe(200);
  expect(own.ids).toHaveLength(1);
  letterId = own.ids[0]!;
});
afterAll(async () => gw.close());

it('another organization does not see the program’s dead letters, nor anything of their content', async () => {
  const other = await list(housing);
  expect(other.status).toBe(200);
  expect(other.ids).toEqual([]);
  expect(other.text).not.toContain('fentanyl');
  expect(other.text).not.toContain('UA-ISO-1');
});

it('another organization cannot replay one: it answers exactly like an unknown id', async () => {
  const replay = (token: string, id: string) => gw.app.request(`http://localhost:8787/ingest/dead-letters/${id}/$replay`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const hidden = await replay(housing, letterId);
  const unknown = await replay(housing, crypto.randomUUID());
  expect(hidden.status).toBe(404);
  expect(unknown.status).toBe(404);
  expect((await hidden.text()).replace(letterId, 'ID')).toBe((await unknown.text()).replace(/[0-9a-f-]{36}/, 'ID'));
});

it('the submitting program still lists and replays its own', async () => {
  expect((await list(treatment)).ids).toEqual([letterId]);
  const res = await gw.app.request(`http://localhost:8787/ingest/dead-letters/${letterId}/$replay`, { method: 'POST', headers: { authorization: `Bearer ${treatment}` } });
  expect(res.status).toBe(200);
});
