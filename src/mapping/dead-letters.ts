/**
 * The dead-letter queue of refused source records (migrations/0004_ingest.sql), over the narrow
 * SqlConnection seam so it runs on libSQL and D1 alike.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { newResourceId } from '../storage/resource-id.js';
import type { SqlConnection, SqlRow, SqlStatement } from '../storage/sql-connection.js';
import type { SourceFormat } from './ingest-input.js';
import { canonicalJson, sha256Hex } from '../audit/canonical-json.js';

/** One refused record. */
export interface DeadLetter {
  readonly id: string;
  readonly mappingId: string;
  /** Organization id of the client that submitted the record; only it may list or replay it. */
  readonly submittedBy?: string;
  readonly receivedAt: string;
  readonly rowIndex: number;
  readonly record: unknown;
  readonly format: SourceFormat;
  readonly outcome: OperationOutcome;
  readonly replayedAt?: string;
  readonly status: 'open' | 'replayed';
  /** How many times this record was received and refused (re-sends update the open letter). */
  readonly attempts: number;
}

/** A new dead letter before it is stored. */
export type NewDeadLetter = Omit<DeadLetter, 'id' | 'status' | 'replayedAt' | 'attempts'>;

/** Stores, lists and settles dead letters. */
export interface DeadLetterStore {
  /**
   * Stores all of them in one batch; returns their ids in order. A record its submitter already
   * has an open dead letter for (same mapping, format and content, also earlier in the same
   * batch) updates that letter — outcome, receivedAt, row, attempts + 1 — and returns its id.
   */
  add(letters: readonly NewDeadLetter[]): Promise<string[]>;
  /** The dead letter `id` if `submittedBy` submitted it; another organization's is "not found". */
  get(id: string, submittedBy: string): Promise<DeadLetter | undefined>;
  /** The dead letters `submittedBy` submitted, newest first; `status` defaults to every status. */
  list(options: { submittedBy: string; mappingId?: string; status?: DeadLetter['status']; count: number; offset: number }): Promise<DeadLetter[]>;
  /** Records the outcome of a replay: success settles it, failure keeps it open with the new outcome. */
  settle(id: string, result: { ok: true; at: string } | { ok: false; outcome: OperationOutcome }): Promise<void>;
}

const COLUMNS = 'id, mapping_id, submitted_by, received_at, row_index, record, source_format, outcome, replayed_at, status, attempts';

function toDeadLetter(row: SqlRow): DeadLetter {
  return {
    id: String(row.id),
    mappingId: String(row.mapping_id),
    ...(row.submitted_by ? { submittedBy: String(row.submitted_by) } : {}),
    receivedAt: String(row.received_at),
    rowIndex: Number(row.row_index),
    record: JSON.parse(String(row.record)) as unknown,
    format: row.source_format === 'csv' ? 'csv' : 'json',
    outcome: JSON.parse(String(row.outcome)) as OperationOutcome,
    ...(row.replayed_at ? { replayedAt: String(row.replayed_at) } : {}),
    status: row.status === 'replayed' ? 'replayed' : 'open',
    attempts: Number(row.attempts ?? 1),
  };
}

/** Identity of a record for de-duplication: SHA-256 of its format and canonical JSON. */
function recordKey(letter: NewDeadLetter): string {
  let text: string;
  try {
    text = canonicalJson(letter.record);
  } catch {
    text = JSON.stringify(letter.record) ?? ''; // too deep for canonical form: exact text still identifies it
  }
  return sha256Hex(`${letter.format}\n${text}`);
}

/** Open letters of one submitter and mapping with these keys: key → id. */
async function openLetters(conn: SqlConnection, submittedBy: string, mappingId: string, keys: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // Chunked: D1 binds at most 100 parameters per statement.
  for (let i = 0; i < keys.length; i += 90) {
    const chunk = keys.slice(i, i + 90);
    const rows = await conn.query(
      `SELECT id, record_key FROM ingest_dead_letter WHERE submitted_by = ? AND mapping_id = ? AND status = 'open' AND record_key IN (${chunk.map(() => '?').join(', ')})`,
      [submittedBy, mappingId, ...chunk],
    );
    for (const row of rows) out.set(String(row.record_key), String(row.id));
  }
  return out;
}

const INSERT_OR_MERGE =
  `INSERT INTO ingest_dead_letter (id, mapping_id, submitted_by, received_at, row_index, record, source_format, outcome, status, attempts, record_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', 1, ?) ` +
  // A concurrent ingest may have opened the same letter since openLetters() looked: merge into it
  // rather than fail the batch (the id this call returns for that record then names no row; the
  // merged letter is still listed — a rare race, accepted).
  `ON CONFLICT (submitted_by, mapping_id, record_key) WHERE status = 'open' DO UPDATE SET outcome = excluded.outcome, received_at = excluded.received_at, row_index = excluded.row_index, attempts = attempts + 1`;
const MERGE = `UPDATE ingest_dead_letter SET outcome = ?, received_at = ?, row_index = ?, attempts = attempts + 1 WHERE id = ? AND status = 'open'`;

/** A DeadLetterStore over `conn`, which must carry the 0004_ingest schema. */
export function createDeadLetterStore(conn: SqlConnection): DeadLetterStore {
  return {
    async add(letters) {
      const keys = letters.map(recordKey);
      // Existing open letters per (submitter, mapping); letters without a submitter are never merged.
      const existing = new Map<string, string>();
      const groups = new Map<string, { submittedBy: string; mappingId: string; keys: string[] }>();
      letters.forEach((l, i) => {
        if (!l.submittedBy) return;
        const group = `${l.submittedBy}\u0000${l.mappingId}`;
        const g = groups.get(group) ?? { submittedBy: l.submittedBy, mappingId: l.mappingId, keys: [] };
        g.keys.push(keys[i]!);
        groups.set(group, g);
      });
      for (const [group, g] of groups) {
        for (const [key, id] of await openLetters(conn, g.submittedBy, g.mappingId, [...new Set(g.keys)])) existing.set(`${group}\u0000${key}`, id);
      }
      const ids: string[] = [];
      const statements: SqlStatement[] = letters.map((l, i) => {
        const known = l.submittedBy ? `${l.submittedBy}\u0000${l.mappingId}\u0000${keys[i]!}` : undefined;
        const id = known === undefined ? undefined : existing.get(known);
        if (id !== undefined) {
          ids.push(id);
          return { sql: MERGE, args: [JSON.stringify(l.outcome), l.receivedAt, l.rowIndex, id] };
        }
        const fresh = newResourceId();
        if (known !== undefined) existing.set(known, fresh); // a repeat later in this batch merges into it
        ids.push(fresh);
        return { sql: INSERT_OR_MERGE, args: [fresh, l.mappingId, l.submittedBy ?? null, l.receivedAt, l.rowIndex, JSON.stringify(l.record), l.format, JSON.stringify(l.outcome), l.submittedBy ? keys[i]! : null] };
      });
      if (statements.length) await conn.batch(statements);
      return ids;
    },
    async get(id, submittedBy) {
      const rows = await conn.query(`SELECT ${COLUMNS} FROM ingest_dead_letter WHERE id = ? AND submitted_by = ?`, [id, submittedBy]);
      return rows[0] ? toDeadLetter(rows[0]) : undefined;
    },
    async list({ submittedBy, mappingId, status, count, offset }) {
      const where: string[] = ['submitted_by = ?'];
      const args: (string | number)[] = [submittedBy];
      if (mappingId) {
        where.push('mapping_id = ?');
        args.push(mappingId);
      }
      if (status) {
        where.push('status = ?');
        args.push(status);
      }
      const sql = `SELECT ${COLUMNS} FROM ingest_dead_letter WHERE ${where.join(' AND ')} ORDER BY received_at DESC, row_index LIMIT ? OFFSET ?`;
      return (await conn.query(sql, [...args, count, offset])).map(toDeadLetter);
    },
    async settle(id, result) {
      if (result.ok) {
        await conn.batch([{ sql: `UPDATE ingest_dead_letter SET status = 'replayed', replayed_at = ? WHERE id = ?`, args: [result.at, id] }]);
      } else {
        await conn.batch([{ sql: 'UPDATE ingest_dead_letter SET outcome = ? WHERE id = ?', args: [JSON.stringify(result.outcome), id] }]);
      }
    },
  };
}
