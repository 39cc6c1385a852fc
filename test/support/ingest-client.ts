import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import type { TestGateway } from './test-gateway.js';

/** mappings/<id>/<file> as text. */
export function sampleText(id: string, file: 'sample.json' | 'sample.csv' | 'expected.json'): string {
  return readFileSync(join(import.meta.dirname, '..', '..', 'mappings', id, file), 'utf8');
}

/** POSTs a body to /ingest/<mapping> and returns the status and parsed body. */
export async function ingest(gw: TestGateway, token: string, mapping: string, body: string | unknown, contentType = 'application/json'): Promise<{ status: number; bundle: Bundle; outcome: OperationOutcome }> {
  const res = await gw.app.request(`http://localhost:8787/ingest/${mapping}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await res.json()) as Bundle & OperationOutcome;
  return { status: res.status, bundle: json, outcome: json };
}

/** The coded result (created | updated | unchanged | dead-lettered) of each issue of an entry's outcome. */
export function results(bundle: Bundle): string[] {
  return (bundle.entry ?? []).map((e) => {
    const codes = ((e.response?.outcome as OperationOutcome | undefined)?.issue ?? []).map((i) => i.details?.coding?.[0]?.code).filter(Boolean);
    return e.response?.status?.startsWith('2') ? codes.join('+') : `error ${e.response?.status?.slice(0, 3)}`;
  });
}
