/**
 * Shapes ingest results as FHIR: a `batch-response` Bundle with one entry per source record, and
 * dead letters as `Parameters` in a searchset Bundle (there is no R4 resource for them).
 */
import type { Bundle, BundleEntry, OperationOutcome, OperationOutcomeIssue, Parameters } from '@medplum/fhirtypes';
import { PROJECT_CANONICAL } from '../conformance/index.js';
import { toOperationOutcome } from '../outcomes/index.js';
import type { DeadLetter } from './dead-letters.js';
import type { RecordResult } from './ingest-pipeline.js';

/** Code system of `response.outcome` issue codings: created | updated | unchanged | dead-lettered. */
export const INGEST_RESULT_SYSTEM = `${PROJECT_CANONICAL}/CodeSystem/ingest-result`;

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed', 422: 'Unprocessable Entity', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function info(code: string, text: string): OperationOutcomeIssue {
  return { severity: 'information', code: 'informational', details: { coding: [{ system: INGEST_RESULT_SYSTEM, code }], text } };
}

/** The outcome of a failed record, with the dead-letter id that lets it be replayed. */
export function errorOutcome(result: RecordResult, deadLetterId?: string): OperationOutcome {
  const outcome = toOperationOutcome(result.error!);
  if (deadLetterId) outcome.issue.push(info('dead-lettered', `Record ${result.row} was kept as dead letter \`${deadLetterId}\`; fix it and POST /ingest/dead-letters/${deadLetterId}/$replay.`));
  return outcome;
}

/**
 * One entry per record, in upload order. Success: 201 when the record's primary resource was
 * created, else 200; `response.outcome` says created/updated/unchanged per resource (a coded
 * issue), since 200 alone cannot tell an update from a no-op. Failure: the 4xx/5xx and its
 * OperationOutcome naming `record[row].field`. `minimal` leaves the resources out.
 */
export function ingestResponseBundle(results: readonly RecordResult[], base: string, deadLetterIds: ReadonlyMap<number, string>, minimal: boolean): Bundle {
  const entry: BundleEntry[] = results.map((r) => {
    if (r.result === 'error') {
      const status = r.error!.status;
      return { response: { status: `${status} ${STATUS_TEXT[status] ?? ''}`.trim(), outcome: errorOutcome(r, deadLetterIds.get(r.row)) } };
    }
    const primary = r.resources[0]!;
    const outcome: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: r.resources.map((x) => info(x.result, `Record ${r.row}: \`${x.type}/${x.id}\` ${x.result} (version ${x.versionId}).`)),
    };
    return {
      fullUrl: `${base}/${primary.type}/${primary.id}`,
      ...(minimal ? {} : { resource: primary.resource }),
      response: {
        status: r.result === 'created' ? '201 Created' : '200 OK',
        location: `${primary.type}/${primary.id}/_history/${primary.versionId}`,
        etag: `W/"${primary.versionId}"`,
        lastModified: primary.lastUpdated,
        outcome,
      },
    };
  });
  return { resourceType: 'Bundle', type: 'batch-response', entry };
}

/** A dead letter as Parameters: mapping, receivedAt, row, status, attempts, replayedAt, record (JSON text), outcome. */
export function deadLetterParameters(letter: DeadLetter): Parameters {
  return {
    resourceType: 'Parameters',
    id: letter.id,
    parameter: [
      { name: 'mapping', valueString: letter.mappingId },
      { name: 'receivedAt', valueInstant: letter.receivedAt },
      { name: 'row', valueInteger: letter.rowIndex },
      { name: 'status', valueCode: letter.status },
      { name: 'attempts', valueInteger: letter.attempts },
      ...(letter.replayedAt ? [{ name: 'replayedAt', valueInstant: letter.replayedAt }] : []),
      { name: 'format', valueCode: letter.format },
      { name: 'record', valueString: JSON.stringify(letter.record) },
      { name: 'outcome', resource: letter.outcome },
    ],
  };
}

/** The dead-letter list as a searchset Bundle (entries' fullUrl is the letter's own URL). */
export function deadLetterBundle(letters: readonly DeadLetter[], ingestBase: string): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: letters.map((l) => ({ fullUrl: `${ingestBase}/dead-letters/${l.id}`, resource: deadLetterParameters(l), search: { mode: 'match' } })),
  };
}
