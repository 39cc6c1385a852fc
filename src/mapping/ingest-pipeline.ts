/**
 * Runs source records through a mapping into the store, idempotently:
 * validate → map (concept maps, references, templates, labels) → prepare each resource as a
 * conditional update on its identifier key (FhirRepository.prepareUpdate validates it and
 * reports "unchanged") → write.
 *
 * INVARIANT: each record is atomic — all of its resources are written or none — and a bad
 * record never blocks the good ones. Good records' writes are batched into one store.write per
 * chunk for speed; if that batch fails, each record is retried alone so the failure lands on
 * the record that caused it.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { FhirRepository } from '../fhir/repository.js';
import { internalError, isGatewayError, type GatewayError } from '../outcomes/index.js';
import type { ResourceWrite, Store } from '../storage/store.js';
import type { CompiledMapping } from './compiled-mapping.js';
import { IdentifierLookup } from './identifier-lookup.js';
import { mapRecord, recordKeys, validateRecord, type RecordKey } from './map-record.js';
import { locateRecordError } from './record-errors.js';

/** What happened to one resource of a record. */
export interface ResourceOutcome {
  readonly type: string;
  readonly id: string;
  readonly versionId: number;
  readonly lastUpdated: string;
  readonly result: 'created' | 'updated' | 'unchanged';
  readonly resource: Resource;
}

/** What happened to one source record. */
export interface RecordResult {
  /** Position in the whole upload (0-based), as used in `record[<row>]` expressions. */
  readonly row: number;
  readonly result: 'created' | 'updated' | 'unchanged' | 'error';
  readonly resources: readonly ResourceOutcome[];
  readonly error?: GatewayError;
  /** The record as received (for the dead-letter queue). */
  readonly record: unknown;
}

interface Prepared {
  readonly row: number;
  readonly record: unknown;
  readonly writes: ResourceWrite[];
  readonly outcomes: ResourceOutcome[];
}

/**
 * Ingests `records` (already parsed; CSV rows already coerced). `firstRow` is the upload
 * position of records[0]. Never throws for a record's fault; a store outage still throws.
 */
export async function ingestRecords(repo: FhirRepository, mapping: CompiledMapping, records: readonly unknown[], firstRow = 0): Promise<RecordResult[]> {
  const results = new Map<number, RecordResult>();
  const lookup = new IdentifierLookup(repo);
  const fail = (row: number, record: unknown, err: unknown): void => {
    const located = locateRecordError(err, row);
    results.set(row, { row, result: 'error', resources: [], error: isGatewayError(located) ? located : internalError(err), record });
  };

  // Validate everything first, then look every key and reference up in a few searches.
  const valid: { row: number; raw: unknown; record: Record<string, unknown>; keys: RecordKey[] }[] = [];
  const wanted: { type: string; system: string; value: string }[] = [];
  for (const [i, raw] of records.entries()) {
    const row = firstRow + i;
    const checked = validateRecord(mapping, raw, row);
    if (!checked.ok) {
      fail(row, raw, checked.error);
      continue;
    }
    const keys = await recordKeys(mapping, checked.record);
    valid.push({ row, raw, record: checked.record, keys });
    wanted.push(...keys.filter((k) => !k.skipped));
    for (const { spec } of mapping.references) {
      const value = checked.record[spec.field];
      if (value !== undefined) wanted.push({ type: spec.type, system: spec.system, value: String(value) });
    }
  }
  await lookup.prefetch(wanted);

  // Ids the lookup minted for keys no stored resource has (newResourceId, a UUIDv7, `existed: false`)
  // and not yet written: prepareUpdate's read of them would find nothing, so it is answered
  // without a query. The write
  // still checks expectedVersion 0 against the store, so a collision could only ever fail as a
  // conflict, never overwrite anything.
  const fresh = new Set<string>();
  const preparer = withFreshIds(repo, fresh);

  let batch: Prepared[] = [];
  const flush = async (): Promise<void> => {
    await writePrepared(repo, batch, results, fail);
    batch = [];
    lookup.commitPending();
    // Written now (or refused): from here on their ids are read like any other.
    fresh.clear();
  };
  for (const { row, raw, record, keys } of valid) {
    try {
      // A second record with the same key in one chunk must see the first one's write.
      if (keys.some((k) => !k.skipped && lookup.isPending(k.type, k.system, k.value))) await flush();
      const mapped = await mapRecord(mapping, record, row, lookup, { keys });
      if (!mapped.ok) {
        fail(row, raw, mapped.error);
        continue;
      }
      const writes: ResourceWrite[] = [];
      const outcomes: ResourceOutcome[] = [];
      for (const m of mapped.resources) {
        if (!m.existed) fresh.add(`${m.type}/${m.id}`);
        const { write, current } = await preparer.prepareUpdate(m.type, m.id, m.resource);
        if (write) {
          writes.push(write);
          outcomes.push({ type: m.type, id: m.id, versionId: write.versionId, lastUpdated: write.lastUpdated, result: write.op === 'create' ? 'created' : 'updated', resource: write.resource });
        } else {
          outcomes.push({ type: m.type, id: m.id, versionId: current!.versionId, lastUpdated: current!.lastUpdated, result: 'unchanged', resource: current!.resource });
        }
      }
      for (const m of mapped.resources) lookup.addPending(m.type, m.key.system, m.key.value, m.id);
      batch.push({ row, record: raw, writes, outcomes });
    } catch (err) {
      fail(row, raw, err);
    }
  }
  await flush();
  return [...results.values()].sort((a, b) => a.row - b.row);
}

/** `repo` whose store answers `read` of a minted id in `fresh` with "not found" without a query. */
function withFreshIds(repo: FhirRepository, fresh: ReadonlySet<string>): FhirRepository {
  const store = repo.store;
  const read: Store['read'] = (type, id) => (fresh.has(`${type}/${id}`) ? Promise.resolve(undefined) : store.read(type, id));
  const view = Object.create(store, { read: { value: read } }) as Store;
  return Object.create(repo, { store: { value: view } }) as FhirRepository;
}

function recordResult(p: Prepared): RecordResult {
  const result = p.writes.length === 0 ? 'unchanged' : p.outcomes[0]!.result === 'created' ? 'created' : 'updated';
  return { row: p.row, result, resources: p.outcomes, record: p.record };
}

async function writePrepared(repo: FhirRepository, batch: readonly Prepared[], results: Map<number, RecordResult>, fail: (row: number, record: unknown, err: unknown) => void): Promise<void> {
  const writes = batch.flatMap((p) => p.writes);
  try {
    if (writes.length) await repo.store.write(writes);
    for (const p of batch) results.set(p.row, recordResult(p));
    return;
  } catch (err) {
    // An unreachable store fails the whole request (503); the client retries it.
    if (!isGatewayError(err) || err.status === 503) throw err;
    if (batch.length === 1) return fail(batch[0]!.row, batch[0]!.record, err);
  }
  // The batch as a whole was refused (a conflict with a concurrent writer): retry record by
  // record, so only the record that conflicts fails.
  for (const p of batch) {
    try {
      if (p.writes.length) await repo.store.write(p.writes);
      results.set(p.row, recordResult(p));
    } catch (err) {
      fail(p.row, p.record, err);
    }
  }
}
