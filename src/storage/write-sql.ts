/**
 * The statements one resource write turns into: version row, current-row upsert, and a full
 * re-index (delete then insert). Kept apart from sql-store.ts so the atomic batch is easy to audit.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { ResourceWrite } from './store.js';
import type { SqlStatement, SqlValue } from './sql-connection.js';
import { extractIndexRows } from './search-index.js';
import { taskInboxRow } from './task-inbox.js';

/** D1 refuses more than 100 bound parameters per statement; multi-row INSERTs stay under it. */
export const MAX_PARAMS = 100;

const INDEX_TABLES = ['search_token', 'search_string', 'search_date', 'search_reference', 'search_number'] as const;

/** `resource` with `id` and `meta.versionId`/`meta.lastUpdated` set from the write itself. */
export function storedContent(write: ResourceWrite): Resource {
  return {
    ...write.resource,
    meta: { ...write.resource.meta, versionId: String(write.versionId), lastUpdated: write.lastUpdated },
  } as Resource;
}

/**
 * Every statement for one write. The plain INSERT into resource_version is the concurrency guard:
 * a racing writer of the same version hits its primary key and the whole batch rolls back. The
 * upsert's WHERE keeps resource_current from ever moving backwards.
 */
export function writeStatements(write: ResourceWrite): SqlStatement[] {
  const { resourceType, id } = write.resource;
  const content = storedContent(write);
  const json = JSON.stringify(content);
  const deleted = write.op === 'delete' ? 1 : 0;
  // Fail closed (P2-20): a write that says nothing about disclosure is stored as restricted, so a
  // search never counts a row no policy has ruled on (see versionRow).
  const row = versionRow(write, json);
  const columns = '(resource_type, id, version_id, last_updated, deleted, content, part2, patient_id, holder_org) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
  const out: SqlStatement[] = [
    { sql: `INSERT INTO resource_version ${columns}`, args: row },
    {
      sql:
        `INSERT INTO resource_current ${columns} ` +
        'ON CONFLICT (resource_type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated, ' +
        'deleted = excluded.deleted, content = excluded.content, part2 = excluded.part2, patient_id = excluded.patient_id, ' +
        'holder_org = excluded.holder_org WHERE excluded.version_id > resource_current.version_id',
      args: row,
    },
  ];
  // A resource that never existed (expectedVersion 0) has no index rows to clear; batches are
  // atomic, so no failed write can have left any behind. Ingest creates thousands at a time.
  if (write.expectedVersion !== 0) {
    for (const table of INDEX_TABLES) out.push({ sql: `DELETE FROM ${table} WHERE resource_type = ? AND id = ?`, args: [resourceType, id] });
  }
  // A tombstone has no index rows: deleted resources never match a search or reference lookup.
  if (deleted) {
    if (resourceType === 'Task') out.push(...deleteInbox([[id]]));
    return out;
  }
  const rows = extractIndexRows(content, write.lastUpdated);
  if (resourceType === 'Task') out.push(...upsertInbox([taskInboxRow(id, rows, row.slice(6))]));
  const key = [resourceType, id];
  out.push(
    ...insertRows('search_token', ['param', 'system', 'code', 'display'], rows.tokens.map((r) => [...key, r.param, r.system, r.code, r.display])),
    ...insertRows('search_string', ['param', 'value', 'raw'], rows.strings.map((r) => [...key, r.param, r.value, r.raw])),
    ...insertRows('search_date', ['param', 'start_at', 'end_at'], rows.dates.map((r) => [...key, r.param, r.start, r.end])),
    ...insertRows('search_reference', ['param', 'target_type', 'target_id'], rows.references.map((r) => [...key, r.param, r.targetType, r.targetId])),
    ...insertRows('search_number', ['param', 'value'], rows.numbers.map((r) => [...key, r.param, r.value])),
  );
  return out;
}

/** The resource_version / resource_current row of `write` (columns as RESOURCE_COLUMNS_SQL). */
function versionRow(write: ResourceWrite, json: string): SqlValue[] {
  const { resourceType, id } = write.resource;
  const d = write.disclosure;
  // Fail closed (P2-20): a write that says nothing about disclosure is stored as restricted.
  const part2 = d === undefined || d.part2 ? 1 : 0;
  return [resourceType, id, write.versionId, write.lastUpdated, write.op === 'delete' ? 1 : 0, json, part2, d?.patientId ?? null, d?.holderOrg ?? null];
}

const RESOURCE_COLUMNS_SQL = '(resource_type, id, version_id, last_updated, deleted, content, part2, patient_id, holder_org)';
const CURRENT_UPSERT =
  'ON CONFLICT (resource_type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated, ' +
  'deleted = excluded.deleted, content = excluded.content, part2 = excluded.part2, patient_id = excluded.patient_id, ' +
  'holder_org = excluded.holder_org WHERE excluded.version_id > resource_current.version_id';
const INDEX_COLUMNS = {
  search_token: ['param', 'system', 'code', 'display'],
  search_string: ['param', 'value', 'raw'],
  search_date: ['param', 'start_at', 'end_at'],
  search_reference: ['param', 'target_type', 'target_id'],
  search_number: ['param', 'value'],
} as const satisfies Record<(typeof INDEX_TABLES)[number], readonly string[]>;

/**
 * The statements for a whole batch of writes, with the same effect as
 * `writes.flatMap(writeStatements)` but far fewer statements: the version inserts, current-row
 * upserts, index deletes and index inserts of consecutive writes to distinct resources are each
 * merged into multi-row statements (at most MAX_PARAMS parameters each). Every write still
 * inserts its resource_version row (the concurrency guard) and upserts resource_current with the
 * same WHERE. When a resource repeats within the batch, the merged statements so far are emitted
 * first, so the later write's index DELETE still runs after the earlier write's INSERTs, exactly
 * as in the per-write sequence.
 */
export function batchWriteStatements(writes: readonly ResourceWrite[]): SqlStatement[] {
  const out: SqlStatement[] = [];
  let seen = new Set<string>();
  let versions: SqlValue[][] = [];
  let clear: SqlValue[][] = [];
  let index: Record<keyof typeof INDEX_COLUMNS, SqlValue[][]> = emptyIndex();
  let inbox: SqlValue[][] = [];
  let inboxGone: SqlValue[][] = [];
  const emit = (): void => {
    out.push(...multiRow(`INSERT INTO resource_version ${RESOURCE_COLUMNS_SQL} VALUES`, versions, ''));
    out.push(...multiRow(`INSERT INTO resource_current ${RESOURCE_COLUMNS_SQL} VALUES`, versions, ` ${CURRENT_UPSERT}`));
    for (const table of INDEX_TABLES) out.push(...deleteKeys(table, clear));
    for (const table of INDEX_TABLES) out.push(...insertRows(table, INDEX_COLUMNS[table], sortForLookup(index[table])));
    out.push(...deleteInbox(inboxGone), ...upsertInbox(inbox));
    seen = new Set();
    versions = [];
    clear = [];
    index = emptyIndex();
    inbox = [];
    inboxGone = [];
  };
  for (const write of writes) {
    const { resourceType, id } = write.resource;
    const key = `${resourceType}/${id}`;
    if (seen.has(key)) emit();
    seen.add(key);
    const content = storedContent(write);
    const deleted = write.op === 'delete' ? 1 : 0;
    const version = versionRow(write, JSON.stringify(content));
    versions.push(version);
    if (write.expectedVersion !== 0) clear.push([resourceType, id]);
    if (deleted) {
      if (resourceType === 'Task') inboxGone.push([id]);
      continue;
    }
    const rows = extractIndexRows(content, write.lastUpdated);
    if (resourceType === 'Task') inbox.push(taskInboxRow(id, rows, version.slice(6)));
    for (const r of rows.tokens) index.search_token.push([resourceType, id, r.param, r.system, r.code, r.display]);
    for (const r of rows.strings) index.search_string.push([resourceType, id, r.param, r.value, r.raw]);
    for (const r of rows.dates) index.search_date.push([resourceType, id, r.param, r.start, r.end]);
    for (const r of rows.references) index.search_reference.push([resourceType, id, r.param, r.targetType, r.targetId]);
    for (const r of rows.numbers) index.search_number.push([resourceType, id, r.param, r.value]);
  }
  emit();
  return out;
}

/**
 * Index rows in (param, value…) order: each multi-row INSERT then lands in neighbouring pages of
 * the `*_lookup` index instead of all over it. Row order means nothing to a search.
 */
function sortForLookup(rows: SqlValue[][]): SqlValue[][] {
  return rows.sort((a, b) => {
    for (let i = 2; i < a.length; i++) {
      const x = a[i] ?? '';
      const y = b[i] ?? '';
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

/** The inbox rows of live Tasks (src/storage/task-inbox.ts); a row is replaced whole on every write. */
function upsertInbox(rows: readonly SqlValue[][]): SqlStatement[] {
  return multiRow('INSERT OR REPLACE INTO task_inbox (id, owner_type, owner_id, status, priority_rank, authored_end, part2, patient_id, holder_org) VALUES', rows, '');
}

/** Deleted Tasks leave the inbox, as they leave every index. */
function deleteInbox(ids: readonly SqlValue[][]): SqlStatement[] {
  const out: SqlStatement[] = [];
  for (let i = 0; i < ids.length; i += MAX_PARAMS) {
    const chunk = ids.slice(i, i + MAX_PARAMS);
    out.push({ sql: `DELETE FROM task_inbox WHERE id IN (${chunk.map(() => '?').join(', ')})`, args: chunk.flat() });
  }
  return out;
}

function emptyIndex(): Record<keyof typeof INDEX_COLUMNS, SqlValue[][]> {
  return { search_token: [], search_string: [], search_date: [], search_reference: [], search_number: [] };
}

/** `prefix (?, …), (?, …)… suffix` over `rows`, chunked to stay within MAX_PARAMS. */
function multiRow(prefix: string, rows: readonly SqlValue[][], suffix: string): SqlStatement[] {
  if (rows.length === 0) return [];
  const width = rows[0]!.length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / width));
  const out: SqlStatement[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const end = Math.min(rows.length, i + perStatement);
    out.push({ sql: `${prefix} ${tuples(width, end - i)}${suffix}`, args: flatten(rows, i, end) });
  }
  return out;
}

function deleteKeys(table: string, keys: readonly SqlValue[][]): SqlStatement[] {
  const out: SqlStatement[] = [];
  const perStatement = Math.floor(MAX_PARAMS / 2);
  for (let i = 0; i < keys.length; i += perStatement) {
    const chunk = keys.slice(i, i + perStatement);
    out.push({ sql: `DELETE FROM ${table} WHERE ${chunk.map(() => '(resource_type = ? AND id = ?)').join(' OR ')}`, args: chunk.flat() });
  }
  return out;
}

/**
 * Index rows go in as one JSON array per statement, unpacked by SQLite's json_each, instead of as
 * bound parameters: a participant has ≈23 index rows, and binding ≈120 values one by one through
 * the driver cost more than SQLite's own JSON parse (an ingest's SQLite time fell by about an
 * eighth). Plain SQLite JSON functions, so D1 runs the same text; JSON null and numbers arrive as
 * SQL NULL and numbers. At most JSON_ROWS rows per statement keeps every argument far below D1's
 * 2 MB value limit.
 */
function insertRows(table: string, columns: readonly string[], rows: SqlValue[][]): SqlStatement[] {
  if (rows.length === 0) return [];
  const sql = `INSERT INTO ${table} (resource_type, id, ${columns.join(', ')}) SELECT ${jsonColumns(columns.length + 2)} FROM json_each(?)`;
  const out: SqlStatement[] = [];
  for (let i = 0; i < rows.length; i += JSON_ROWS) out.push({ sql, args: [JSON.stringify(rows.length <= JSON_ROWS ? rows : rows.slice(i, i + JSON_ROWS))] });
  return out;
}

const JSON_ROWS = 2000;

/** `value ->> 0, value ->> 1, …` for json_each rows of `width` elements. */
function jsonColumns(width: number): string {
  return Array.from({ length: width }, (_, i) => `value ->> ${i}`).join(', ');
}

/**
 * `(?, …), (?, …)…`: `count` tuples of `width` placeholders. Memoised: a bulk write repeats a
 * handful of shapes thousands of times, and the connection caches statements by this text.
 */
function tuples(width: number, count: number): string {
  const key = width * 1000 + count;
  let text = TUPLES.get(key);
  if (text === undefined) {
    const one = `(${new Array(width).fill('?').join(', ')})`;
    text = new Array(count).fill(one).join(', ');
    TUPLES.set(key, text);
  }
  return text;
}

const TUPLES = new Map<number, string>();

/** rows[start..end) flattened into one argument list. */
function flatten(rows: readonly SqlValue[][], start: number, end: number): SqlValue[] {
  const args: SqlValue[] = [];
  for (let i = start; i < end; i++) for (const v of rows[i]!) args.push(v);
  return args;
}
