/**
 * Ingest with dead letters: runs the pipeline, stores every refused record in the dead-letter
 * queue, and replays a stored record through the current mapping.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirRepository } from '../fhir/repository.js';
import type { CompiledMapping } from './compiled-mapping.js';
import type { DeadLetter, DeadLetterStore } from './dead-letters.js';
import { coerceRecords, type IngestInput } from './ingest-input.js';
import { ingestRecords, type RecordResult } from './ingest-pipeline.js';
import { errorOutcome, ingestResponseBundle } from './ingest-response.js';

/** Ingest and replay, with dead-lettering. */
export interface IngestService {
  /**
   * Ingests one upload; refused records are dead-lettered and named in their entries.
   * `firstRow` numbers the records when the upload is one chunk of a larger file (CLI).
   */
  ingest(repo: FhirRepository, mapping: CompiledMapping, input: IngestInput, base: string, minimal: boolean, submittedBy: string, firstRow?: number): Promise<Bundle>;
  /** Re-runs a dead letter; success marks it replayed, failure keeps it open with the new outcome. */
  replay(repo: FhirRepository, letter: DeadLetter, mapping: CompiledMapping, base: string, minimal: boolean): Promise<Bundle>;
}

/** Builds the service over a dead-letter store; each call gets the request's repository. */
export function createIngestService(deps: { deadLetters: DeadLetterStore; now: () => Date }): IngestService {
  return {
    async ingest(repo, mapping, input, base, minimal, submittedBy, firstRow = 0) {
      const results = await ingestRecords(repo, mapping, input.records, firstRow);
      const failed = results.filter((r) => r.result === 'error');
      const receivedAt = deps.now().toISOString();
      const ids = await deps.deadLetters.add(
        failed.map((r) => ({ mappingId: mapping.spec.id, submittedBy, receivedAt, rowIndex: r.row, record: input.raw[r.row - firstRow], format: input.format, outcome: errorOutcome(r) })),
      );
      const byRow = new Map(failed.map((r, i) => [r.row, ids[i]!]));
      return ingestResponseBundle(results, base, byRow, minimal);
    },

    async replay(repo, letter, mapping, base, minimal) {
      const records = coerceRecords(letter.format, [letter.record], mapping.spec.input);
      // Keep the original row number so the outcome still points at the same source line.
      const results: RecordResult[] = await ingestRecords(repo, mapping, records, letter.rowIndex);
      const result = results[0]!;
      if (result.result === 'error') await deps.deadLetters.settle(letter.id, { ok: false, outcome: errorOutcome(result) });
      else if (letter.status === 'open') await deps.deadLetters.settle(letter.id, { ok: true, at: deps.now().toISOString() });
      return ingestResponseBundle(results, base, new Map(result.result === 'error' ? [[result.row, letter.id]] : []), minimal);
    },
  };
}
