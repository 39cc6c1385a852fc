/**
 * What a write rule tells the client about its write (e.g. the Part 2 parts a referral was sent
 * without) and the preference that asks for it. The answer follows FHIR's
 * `Prefer: return=OperationOutcome` shape: same status, Location and ETag, body an
 * OperationOutcome with one `information` issue naming what was written and the rules' issues.
 */
import type { Context } from 'hono';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { FHIR_JSON } from './fhir-response.js';

/** RFC 7240 preference token (`Prefer: withhold-part2`) that turns a consent-gate refusal into withholding. */
export const WITHHOLD_PART2_PREFERENCE = 'withhold-part2';

/**
 * True for a single-resource create or update carrying the preference. In a Bundle the per-entry
 * answer could not say what was withheld from which entry, so there the gate refuses instead
 * (fail closed).
 */
export function prefersWithholdPart2(c: Context): boolean {
  if (c.req.method !== 'POST' && c.req.method !== 'PUT') return false;
  if (!/^\/fhir\/[A-Z][A-Za-z]+(\/[^/$]+)?$/.test(c.req.path)) return false;
  const prefer = c.req.header('prefer') ?? '';
  return prefer.split(/[,;]/).some((p) => p.trim().toLowerCase() === WITHHOLD_PART2_PREFERENCE);
}

/** The response with the notes as its OperationOutcome body; unchanged when there are none or it failed. */
export async function withWriteNotes(res: Response, notes: readonly OperationOutcomeIssue[]): Promise<Response> {
  if (notes.length === 0 || res.status >= 300) return res;
  const written = (await res.clone().json().catch(() => undefined)) as { resourceType?: string; id?: string; meta?: { versionId?: string } } | undefined;
  if (written?.resourceType === 'Bundle') return res;
  // Prefer: return=minimal (no body) or an OperationOutcome already: name the write from Location.
  const located = /\/fhir\/([A-Z][A-Za-z]+\/[^/]+\/_history\/[^/]+)$/.exec(res.headers.get('location') ?? '')?.[1];
  const fromBody = written?.resourceType && written.resourceType !== 'OperationOutcome' ? `${written.resourceType}/${written.id ?? ''}${written.meta?.versionId ? `/_history/${written.meta.versionId}` : ''}` : undefined;
  const what = fromBody ?? located;
  if (!what) return res;
  const body: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', details: { text: `Stored as ${what}.` } }, ...notes],
  };
  const headers = new Headers(res.headers);
  headers.set('content-type', FHIR_JSON);
  headers.delete('content-length');
  return new Response(JSON.stringify(body), { status: res.status, headers });
}
