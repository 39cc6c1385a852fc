/**
 * Bad records: each is refused with an OperationOutcome naming `record[row].field`, nothing of it
 * is stored, the good records of the same batch are, and the refused record waits in the
 * dead-letter queue until a replay succeeds.
 */
import type { Bundle, OperationOutcome, Parameters, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';
import { ingest, results } from './support/ingest-client.js';

let gw: TestGateway;
let token: string;
beforeAll(async () => {
  gw = await createTestGateway();
  token = await gw.token('demo-admin');
  await ingest(gw, token, 'participant', [{ doc_number: 'D2001', family_name: 'Lee', given_name: 'Kim', birth_date: '1990-05-05' }]);
});
afterAll(async () => gw.close());

const SID = 'https://reentry-gateway.example.org/fhir/sid';
const good = { screening_id: 'S-1', participant_doc_number: 'D2001', instrument: 'PHQ-9', screening_date: '2026-03-01', score: 5 };

async function count(query: string): Promise<number> {
  const res = await gw.fhir(`/fhir/${query}&_summary=count`, { token });
  return ((await res.json()) as Bundle).total ?? -1;
}

function outcomeOf(bundle: Bundle, i: number): OperationOutcome {
  return bundle.entry![i]!.response!.outcome as OperationOutcome;
}
const expressions = (o: OperationOutcome): string[] => o.issue.filter((i) => i.severity === 'error').flatMap((i) => i.expression ?? []);

async function deadLetters(query: string): Promise<Parameters[]> {
  const res = await gw.app.request(`http://localhost:8787/ingest/dead-letters${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (((await res.json()) as Bundle).entry ?? []).map((e) => e.resource as Parameters);
}
const param = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);

async function replay(id: string): Promise<Bundle> {
  const res = await gw.app.request(`http://localhost:8787/ingest/dead-letters/${id}/$replay`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Bundle;
}

describe('bad records in a batch', () => {
  it('refuses each bad record precisely and stores the good ones', async () => {
    const { status, bundle } = await ingest(gw, token, 'clinical-screening', [
      good,
      { ...good, screening_id: 'S-2', score: 'seven' },
      { ...good, screening_id: 'S-3', screening_date: undefined },
      { ...good, screening_id: 'S-4', instrument: 'BDI-II' },
      { ...good, screening_id: 'S-5', screening_date: '2026-02-30' },
      { ...good, screening_id: 'S-6', score: 25, instrument: 'GAD-7' },
      { ...good, screening_id: 'S-7', participant_doc_number: 'NOPE-1' },
      { ...good, screening_id: 'S-8' },
    ]);
    expect(status).toBe(200);
    expect(results(bundle)).toEqual(['created', 'error 422', 'error 422', 'error 422', 'error 422', 'error 422', 'error 422', 'created']);
    expect(expressions(outcomeOf(bundle, 1))).toEqual(['record[1].score']);
    expect(outcomeOf(bundle, 1).issue[0]?.details?.text).toBe('Field `score` must be an integer.');
    expect(expressions(outcomeOf(bundle, 2))).toEqual(['record[2].screening_date']);
    expect(outcomeOf(bundle, 2).issue[0]?.code).toBe('required');
    expect(expressions(outcomeOf(bundle, 3))).toEqual(['record[3].instrument']);
    expect(outcomeOf(bundle, 3).issue[0]?.details?.text).toContain('`BDI-II`');
    expect(expressions(outcomeOf(bundle, 4))).toEqual(['record[4].screening_date']);
    expect(outcomeOf(bundle, 4).issue[0]?.details?.text).toContain('`2026-02-30` is not a valid date');
    expect(expressions(outcomeOf(bundle, 5))).toEqual(['record[5].score']);
    expect(expressions(outcomeOf(bundle, 6))).toEqual(['record[6].participant_doc_number']);
    expect(outcomeOf(bundle, 6).issue[0]?.code).toBe('not-found');
    for (const id of ['S-2', 'S-3', 'S-4', 'S-5', 'S-6', 'S-7']) expect(await count(`Observation?identifier=${SID}/screening-id|${id}`)).toBe(0);
    for (const id of ['S-1', 'S-8']) expect(await count(`Observation?identifier=${SID}/screening-id|${id}`)).toBe(1);
  });

  it('names the CSV row and coerces cells per declared type', async () => {
    const csv = 'screening_id,participant_doc_number,instrument,screening_date,score\r\nS-10,D2001,GAD-7,2026-03-02,4\r\nS-11,D2001,GAD-7,2026-03-02,4.5\r\n';
    const { bundle } = await ingest(gw, token, 'clinical-screening', csv, 'text/csv');
    expect(results(bundle)).toEqual(['created', 'error 422']);
    expect(expressions(outcomeOf(bundle, 1))).toEqual(['record[1].score']);
  });

  it('writes none of a record when one of its resources is refused (atomic per record)', async () => {
    // The second finding of this record is fine, but the Encounter has a bad reference target:
    // the participant is unknown, so nothing of the record may exist afterwards.
    const { bundle } = await ingest(gw, token, 'aftercare-check', [
      { check_id: 'AC-X1', participant_doc_number: 'UNKNOWN-9', check_datetime: '2026-05-01T10:00:00Z', aftercare_month: 1, contact_method: 'phone', wellbeing: 'stable', engaged_in_services: true, peer_specialist_name: 'Chris Peer', needs: 'bus pass' },
      { check_id: 'AC-X2', participant_doc_number: 'D2001', check_datetime: '2026-05-01T10:00:00Z', aftercare_month: 1, contact_method: 'phone', wellbeing: 'stable', engaged_in_services: true, peer_specialist_name: 'Chris Peer' },
    ]);
    expect(results(bundle)).toEqual(['error 422', 'created+created+created']);
    expect(await count(`Encounter?identifier=${SID}/wellness-check-id|AC-X1`)).toBe(0);
    expect(await count(`Observation?identifier=${SID}/wellness-check-finding-id|AC-X1-wellbeing`)).toBe(0);
    expect(await count(`Encounter?identifier=${SID}/wellness-check-id|AC-X2`)).toBe(1);
  });

  it('two records with the same key in one batch never duplicate: the second updates the first', async () => {
    const { bundle } = await ingest(gw, token, 'clinical-screening', [
      { ...good, screening_id: 'S-20', score: 3 },
      { ...good, screening_id: 'S-20', score: 4 },
    ]);
    expect(results(bundle)).toEqual(['created', 'updated']);
    expect(await count(`Observation?identifier=${SID}/screening-id|S-20`)).toBe(1);
  });
});

describe('dead letters', () => {
  it('lists the refused records of a mapping with their outcome', async () => {
    const letters = await deadLetters('?mapping=clinical-screening&status=open');
    expect(letters.length).toBeGreaterThanOrEqual(7);
    const unknown = letters.find((l) => param(l, 'record')?.valueString?.includes('NOPE-1'))!;
    expect(param(unknown, 'row')?.valueInteger).toBe(6);
    expect(param(unknown, 'status')?.valueCode).toBe('open');
    expect(expressions(param(unknown, 'outcome')!.resource as OperationOutcome)).toEqual(['record[6].participant_doc_number']);
  });

  it('replays a record after the missing participant arrives, and marks it replayed', async () => {
    const [letter] = (await deadLetters('?mapping=clinical-screening')).filter((l) => param(l, 'record')?.valueString?.includes('NOPE-1'));
    const stillMissing = await replay(letter!.id!);
    expect(results(stillMissing)).toEqual(['error 422']);
    expect((await deadLetters('?mapping=clinical-screening&status=open')).some((l) => l.id === letter!.id)).toBe(true);

    await ingest(gw, token, 'participant', [{ doc_number: 'NOPE-1', family_name: 'Late', given_name: 'Arrival', birth_date: '1985-01-01' }]);
    const replayed = await replay(letter!.id!);
    expect(results(replayed)).toEqual(['created']);
    expect(await count(`Observation?identifier=${SID}/screening-id|S-7`)).toBe(1);
    const settled = (await deadLetters('?mapping=clinical-screening&status=replayed')).find((l) => l.id === letter!.id)!;
    expect(param(settled, 'replayedAt')?.valueInstant).toBeDefined();
    // Replaying again is harmless: the record is already in, so nothing changes.
    expect(results(await replay(letter!.id!))).toEqual(['unchanged']);
  });

  it('a dead letter from a CSV row replays through CSV coercion', async () => {
    const csv = 'screening_id,participant_doc_number,instrument,screening_date,score\nS-30,LATE-2,PHQ-9,2026-03-03,12\n';
    const { bundle } = await ingest(gw, token, 'clinical-screening', csv, 'text/csv');
    const note = outcomeOf(bundle, 0).issue.find((i) => i.details?.coding?.[0]?.code === 'dead-lettered')!;
    const id = /`([0-9a-f-]{36})`/.exec(note.details!.text!)![1]!;
    await ingest(gw, token, 'participant', [{ doc_number: 'LATE-2', family_name: 'Late', given_name: 'Two', birth_date: '1985-01-02' }]);
    expect(results(await replay(id))).toEqual(['created']);
    const [obs] = (((await (await gw.fhir(`/fhir/Observation?identifier=${SID}/screening-id|S-30`, { token })).json()) as Bundle).entry ?? []).map((e) => e.resource as Resource & { valueInteger?: number });
    expect(obs?.valueInteger).toBe(12);
  });

  it('a re-sent failing record updates its open dead letter instead of adding another', async () => {
    const bad = { ...good, screening_id: 'S-40', participant_doc_number: 'DUP-1' };
    const idOf = (bundle: Bundle, i: number) => /`([0-9a-f-]{36})`/.exec(outcomeOf(bundle, i).issue.find((x) => x.details?.coding?.[0]?.code === 'dead-lettered')!.details!.text!)![1]!;
    const first = await ingest(gw, token, 'clinical-screening', [bad]);
    // Re-sent twice in one batch (keys in another order: same content), plus a different record.
    const again = await ingest(gw, token, 'clinical-screening', [good, Object.fromEntries(Object.entries(bad).reverse()), { ...bad, score: 6 }, bad]);
    expect(results(again.bundle)).toEqual(['unchanged', 'error 422', 'error 422', 'error 422']);
    const id = idOf(first.bundle, 0);
    expect([idOf(again.bundle, 1), idOf(again.bundle, 3)]).toEqual([id, id]);
    expect(idOf(again.bundle, 2)).not.toBe(id);
    const open = (await deadLetters('?mapping=clinical-screening&status=open')).filter((l) => param(l, 'record')?.valueString?.includes('DUP-1'));
    expect(open).toHaveLength(2);
    const merged = open.find((l) => l.id === id)!;
    expect(param(merged, 'attempts')?.valueInteger).toBe(3);
    expect(param(merged, 'row')?.valueInteger).toBe(3); // the latest attempt's row
    expect(param(open.find((l) => l.id !== id)!, 'attempts')?.valueInteger).toBe(1);

    // Once replayed, the letter is settled: the same record failing again opens a new one.
    await ingest(gw, token, 'participant', [{ doc_number: 'DUP-1', family_name: 'Dup', given_name: 'One', birth_date: '1985-01-03' }]);
    expect(results(await replay(id))).toEqual(['created']);
    const after = await ingest(gw, token, 'clinical-screening', [{ ...bad, participant_doc_number: 'DUP-1', score: 'x' }]);
    expect(results(after.bundle)).toEqual(['error 422']);
    const third = await ingest(gw, token, 'clinical-screening', [{ ...bad, participant_doc_number: 'DUP-1', score: 'x' }]);
    expect(idOf(third.bundle, 0)).toBe(idOf(after.bundle, 0));
    expect(idOf(after.bundle, 0)).not.toBe(id);
  });

  it('answers 404 for an unknown dead letter and refuses listing without search scope', async () => {
    const res = await gw.app.request('http://localhost:8787/ingest/dead-letters/00000000-0000-0000-0000-000000000000/$replay', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
    const writeOnly = await gw.token('demo-admin', { scope: 'system/*.cu' });
    const denied = await gw.app.request('http://localhost:8787/ingest/dead-letters?mapping=clinical-screening', { headers: { authorization: `Bearer ${writeOnly}` } });
    expect(denied.status).toBe(403);
    const anonymous = await gw.app.request('http://localhost:8787/ingest/dead-letters');
    expect(anonymous.status).toBe(401);
  });
});
