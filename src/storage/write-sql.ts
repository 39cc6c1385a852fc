/**
 * The statements one resource write turns into: version row, current-row upsert, and a full
 * re-index (delete then insert). Kept apart from sql-store.ts so the atomic batch is easy to audit.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { ResourceWrite } from './store.js';
import type { SqlStatement, SqlValue } from './sql-connection.js';
import { extractIndexRows } from './search-index.js';

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
  const d = write.disclosure;
  // Fail closed (P2-20): a write that says nothing about disclosure is stored as restricted, so a
  // search never counts a row no policy has ruled on.
  const part2 = d === undefined || d.part2 ? 1 : 0;
  const row: SqlValue[] = [resourceType, id, write.versionId, write.lastUpdated, deleted, json, part2, d?.patientId ?? null, d?.holderOrg ?? null];
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
  if (deleted) return out;
  const rows = extractIndexRows(content, write.lastUpdated);
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

function insertRows(table: string, columns: readonly string[], rows: SqlValue[][]): SqlStatement[] {
  if (rows.length === 0) return [];
  const width = columns.length + 2;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / width));
  const tuple = `(${new Array(width).fill('?').join(', ')})`;
  const out: SqlStatement[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    out.push({
      sql: `INSERT INTO ${table} (resource_type, id, ${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`,
      args: chunk.flat(),
    });
  }
  return out;
}
