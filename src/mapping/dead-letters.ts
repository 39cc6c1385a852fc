/**
 * The dead-letter queue of refused source records (migrations/0004_ingest.sql), over the narrow
 * SqlConnection seam so it runs on libSQL and D1 alike.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { SqlConnection, SqlRow, SqlStatement } from '../storage/sql-connection.js';
import type { SourceFormat } from './ingest-input.js';

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
}

/** A new dead letter before it is stored. */
export type NewDeadLetter = Omit<DeadLetter, 'id' | 'status' | 'replayedAt'>;

/** Stores, lists and settles dead letters. */
export interface DeadLetterStore {
  /** Stores all of them in one batch; returns their ids in order. */
  add(letters: readonly NewDeadLetter[]): Promise<string[]>;
  /** The dead letter `id` if `submittedBy` submitted it; another organization's is "not found". */
  get(id: string, submittedBy: string): Promise<DeadLetter | undefined>;
  /** The dead letters `submittedBy` submitted, newest first; `status` defaults to every status. */
  list(options: { submittedBy: string; mappingId?: string; status?: DeadLetter['status']; count: number; offset: number }): Promise<DeadLetter[]>;
  /** Records the outcome of a replay: success settles it, failure keeps it open with the new outcome. */
  settle(id: string, result: { ok: true; at: string } | { ok: false; outcome: OperationOutcome }): Promise<void>;
}

const COLUMNS = 'id, mapping_id, submitted_by, received_at, row_index, record, source_format, outcome, replayed_at, status';

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
  };
}

/** A DeadLetterStore over `conn`, which must carry the 0004_ingest schema. */
export function createDeadLetterStore(conn: SqlConnection): DeadLetterStore {
  return {
    async add(letters) {
      const ids = letters.map(() => crypto.randomUUID());
      const statements: SqlStatement[] = letters.map((l, i) => ({
        sql: `INSERT INTO ingest_dead_letter (id, mapping_id, submitted_by, received_at, row_index, record, source_format, outcome, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
        args: [ids[i]!, l.mappingId, l.submittedBy ?? null, l.receivedAt, l.rowIndex, JSON.stringify(l.record), l.format, JSON.stringify(l.outcome)],
      }));
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
