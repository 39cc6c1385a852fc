/**
 * The audit trail over any SqlConnection (libSQL or D1): an append-only, SHA-256 hash-chained
 * table of AuditEvents (migrations/0003_audit.sql) and the accounting of disclosures (P2-13).
 *
 * Fail closed (P2-20, ARCHITECTURE §1): append() resolves only once the rows are committed; if it
 * throws, the caller must not release the data it was about to disclose.
 */
import type { AuditEvent } from '@medplum/fhirtypes';
import { serviceUnavailable } from '../outcomes/index.js';
import type { SqlConnection, SqlStatement } from '../storage/sql-connection.js';
import { DISCLOSURE_KINDS, auditKindOf, patientIdOf, type AuditKind } from './audit-event.js';
import { GENESIS_HASH, canonicalJson, chainHash, sha256Hex } from './canonical-json.js';

/** Tuning knobs; defaults suit both runtimes. */
export interface AuditLogOptions {
  /** Attempts after a chain-head collision with another appender (default 25). */
  readonly maxRetries?: number;
  /** Rows per page in verify() (default 500). */
  readonly pageSize?: number;
}

/** Result of verify(): `brokenAt` is the seq of the first row that does not chain. */
export interface VerifyResult {
  readonly ok: boolean;
  readonly count: number;
  readonly brokenAt?: number;
}

/** Paging and window for the accounting of disclosures. */
export interface DisclosureQuery {
  /** Earliest `recorded` included; default `now` − 3 years (P2-13). */
  readonly since?: Date;
  /** Page size, default 50, at most 1000. */
  readonly count?: number;
  readonly offset?: number;
  /** Clock for the default window (tests). */
  readonly now?: Date;
}

interface PreparedRow {
  readonly event: AuditEvent;
  readonly id: string;
  readonly recorded: string;
  readonly patientId: string | null;
  readonly kind: AuditKind;
}

const INSERT = 'INSERT INTO audit_event (seq, id, recorded, patient_id, kind, content, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * Hash-chained audit log. One instance per connection; appends through one instance are
 * serialized by a promise queue, and appends from other instances or processes are made safe by
 * inserting `seq = head + 1`: whoever loses the race hits the primary key, re-reads the head and
 * retries (bounded).
 */
export class AuditLog {
  readonly #conn: SqlConnection;
  readonly #maxRetries: number;
  readonly #pageSize: number;
  #queue: Promise<unknown> = Promise.resolve();
  /**
   * The chain head as this instance last committed it, so an append needs no read first. Another
   * appender (process or instance) that moved the head makes our insert hit the primary key; the
   * retry then drops this and reads the real head, so the chain never forks.
   */
  #head: { seq: number; hash: string } | undefined;

  constructor(conn: SqlConnection, options: AuditLogOptions = {}) {
    this.#conn = conn;
    this.#maxRetries = options.maxRetries ?? 25;
    this.#pageSize = options.pageSize ?? 500;
  }

  /**
   * Appends `events` in order, atomically (all or none). Throws a 503 GatewayError
   * (STORE_UNAVAILABLE) when they could not be committed — the caller then releases nothing
   * (P2-20) — and a plain Error for an event without id, recorded time or audit kind (a bug).
   */
  append(events: readonly AuditEvent[]): Promise<void> {
    const run = this.#queue.then(() => this.#appendNow(events));
    // The queue must keep going after a failure; the failure itself goes to this caller.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #appendNow(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(prepare);
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.#maxRetries; attempt++) {
      try {
        const { statements, head } = await this.#chain(rows);
        await this.#conn.batch(statements);
        this.#head = head;
        return;
      } catch (err) {
        lastError = err;
        this.#head = undefined;
        if (!isHeadCollision(err)) break;
        await sleep(1 + Math.random() * 5 * (attempt + 1));
      }
    }
    throw serviceUnavailable('The audit trail could not be written, so nothing was released.', lastError);
  }

  async #chain(rows: readonly PreparedRow[]): Promise<{ statements: SqlStatement[]; head: { seq: number; hash: string } }> {
    let head = this.#head;
    if (!head) {
      const [row] = await this.#conn.query('SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1');
      head = row ? { seq: Number(row['seq']), hash: String(row['hash']) } : { seq: 0, hash: GENESIS_HASH };
    }
    let { seq, hash: prev } = head;
    const statements: SqlStatement[] = [];
    for (const row of rows) {
      seq += 1;
      const content = canonicalJson(row.event);
      const hash = sha256Hex(prev + content);
      statements.push({ sql: INSERT, args: [seq, row.id, row.recorded, row.patientId, row.kind, content, prev, hash] });
      prev = hash;
    }
    return { statements, head: { seq, hash: prev } };
  }

  /**
   * Walks the whole chain in pages of `pageSize` rows (bounded memory) and checks, for each row:
   * seq is the previous seq + 1 (first is 1), prev_hash is the previous row's hash, hash is
   * SHA-256(prev_hash + canonical content), and the id/recorded/patient_id/kind columns match the
   * content. Stops at the first broken row. Truncating the newest rows is not detectable here.
   * Store errors propagate.
   */
  async verify(): Promise<VerifyResult> {
    let expectedSeq = 1;
    let prev = GENESIS_HASH;
    let count = 0;
    for (;;) {
      const page = await this.#conn.query(
        'SELECT seq, id, recorded, patient_id, kind, content, prev_hash, hash FROM audit_event WHERE seq >= ? ORDER BY seq LIMIT ?',
        [expectedSeq, this.#pageSize],
      );
      for (const row of page) {
        const seq = Number(row['seq']);
        if (seq !== expectedSeq || row['prev_hash'] !== prev || !isRowIntact(row, prev)) {
          // A gap (deleted row) reports the missing seq; otherwise the row itself.
          return { ok: false, count, brokenAt: expectedSeq };
        }
        prev = String(row['hash']);
        expectedSeq += 1;
        count += 1;
      }
      if (page.length < this.#pageSize) return { ok: true, count };
    }
  }

  /**
   * Accounting of disclosures for one patient (P2-13, P2-15): kinds `disclosure` and `emergency`
   * recorded at or after `since` (default three years before now), newest first. `total` counts
   * every match, not just this page.
   */
  async disclosures(patientId: string, query: DisclosureQuery = {}): Promise<{ events: AuditEvent[]; total: number }> {
    const now = query.now ?? new Date();
    const since = query.since ?? new Date(Date.UTC(now.getUTCFullYear() - 3, now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds()));
    const count = Math.min(Math.max(Math.trunc(query.count ?? 50), 0), 1000);
    const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
    const kinds = DISCLOSURE_KINDS.map(() => '?').join(', ');
    const where = `patient_id = ? AND recorded >= ? AND kind IN (${kinds})`;
    const args = [patientId, since.toISOString(), ...DISCLOSURE_KINDS];
    const [totalRow] = await this.#conn.query(`SELECT COUNT(*) AS n FROM audit_event WHERE ${where}`, args);
    const rows = await this.#conn.query(
      `SELECT content FROM audit_event WHERE ${where} ORDER BY recorded DESC, seq DESC LIMIT ? OFFSET ?`,
      [...args, count, offset],
    );
    return { events: rows.map((r) => JSON.parse(String(r['content'])) as AuditEvent), total: Number(totalRow?.['n'] ?? 0) };
  }
}

/** Convenience factory mirroring the other capabilities' `create…` style. */
export function createAuditLog(conn: SqlConnection, options?: AuditLogOptions): AuditLog {
  return new AuditLog(conn, options);
}

function prepare(event: AuditEvent): PreparedRow {
  const kind = auditKindOf(event);
  const time = Date.parse(event.recorded);
  if (!event.id || !kind || Number.isNaN(time)) throw new Error('AuditLog.append: event needs id, recorded and an audit kind subtype');
  return { event, id: event.id, recorded: new Date(time).toISOString(), patientId: patientIdOf(event) ?? null, kind };
}

function isRowIntact(row: Record<string, unknown>, prev: string): boolean {
  let event: AuditEvent;
  try {
    event = JSON.parse(String(row['content'])) as AuditEvent;
    if (chainHash(prev, event) !== row['hash']) return false;
    const expected = prepare(event);
    return row['id'] === expected.id && row['recorded'] === expected.recorded && row['patient_id'] === expected.patientId && row['kind'] === expected.kind;
  } catch {
    // Unparseable or incomplete content is a break, not a crash.
    return false;
  }
}

/** Another appender took the chain head (primary key) or holds the write lock. */
function isHeadCollision(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String((err as { code?: unknown }).code ?? '')}` : String(err);
  if (/audit_event\.id/.test(text)) return false; // the same event twice: retrying cannot help
  return /UNIQUE constraint failed: audit_event\.seq|PRIMARY KEY|SQLITE_CONSTRAINT|SQLITE_BUSY|database is locked/i.test(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
