/**
 * The Store over SQL (libSQL on Node, D1 on Workers) through the narrow SqlConnection seam.
 * Optimistic concurrency without interactive transactions: versions are checked by a read
 * before the batch, and the resource_version primary key catches a writer that raced past it.
 */
import { conflict, isGatewayError, serviceUnavailable } from '../outcomes/index.js';
import type { Resource } from '@medplum/fhirtypes';
import type { HistoryQuery, HistoryResult, ResourceWrite, Store, StoredVersion } from './store.js';
import type { SearchQuery, SearchResult } from './search-query.js';
import { disclosureColumnsOf, isUniqueViolation, type SqlConnection, type SqlRow, type SqlValue } from './sql-connection.js';
import { RESOURCE_COLUMNS, buildSearchSql, historyWhere } from './search-sql.js';
import { MAX_PARAMS, batchWriteStatements } from './write-sql.js';

/**
 * A Store over `conn`, which must already carry the 0001_resources schema (see migrate()).
 * Version conflicts throw STORE_VERSION_CONFLICT (409); any other backend failure throws
 * STORE_UNAVAILABLE (503) with the driver error only as `cause`, never in the text.
 */
export function createSqlStore(conn: SqlConnection): Store {
  return {
    read: (resourceType, id) =>
      guard(async () => {
        const rows = await conn.query(`SELECT ${RESOURCE_COLUMNS} FROM resource_current c WHERE c.resource_type = ? AND c.id = ?`, [resourceType, id]);
        return rows[0] ? toStored(rows[0]) : undefined;
      }),

    vread: (resourceType, id, versionId) =>
      guard(async () => {
        const rows = await conn.query(
          `SELECT ${RESOURCE_COLUMNS} FROM resource_version c WHERE c.resource_type = ? AND c.id = ? AND c.version_id = ?`,
          [resourceType, id, versionId],
        );
        return rows[0] ? toStored(rows[0]) : undefined;
      }),

    search: (query) => guard(() => search(conn, query)),
    history: (query) => guard(() => history(conn, query)),
    write: (writes) => guard(() => write(conn, writes)),

    referencesFrom: (sources, param, targetType) =>
      guard(async () => {
        const out: StoredVersion[] = [];
        // 3 parameters per source plus param/type; chunked for D1's 100-parameter limit.
        for (const chunk of chunks(sources, 30)) {
          const match = chunk.map(() => '(r.resource_type = ? AND r.id = ?)').join(' OR ');
          const args: SqlValue[] = chunk.flatMap((s) => [s.type, s.id]);
          let sql =
            `SELECT DISTINCT ${RESOURCE_COLUMNS} FROM search_reference r JOIN resource_current c ` +
            `ON c.resource_type = r.target_type AND c.id = r.target_id WHERE (${match}) AND c.deleted = 0`;
          if (param !== '*') {
            sql += ' AND r.param = ?';
            args.push(param);
          }
          if (targetType) {
            sql += ' AND r.target_type = ?';
            args.push(targetType);
          }
          out.push(...(await conn.query(`${sql} ORDER BY c.resource_type, c.id`, args)).map(toStored));
        }
        return dedupe(out);
      }),

    changes: (after, limit) =>
      guard(async () => {
        // resource_version's rowid grows with every committed insert: SQLite (and D1) admit one
        // writer at a time, so a later commit can never land a smaller rowid.
        const rows = await conn.query(`SELECT c.rowid AS seq, ${RESOURCE_COLUMNS} FROM resource_version c WHERE c.rowid > ? ORDER BY c.rowid LIMIT ?`, [after, limit]);
        return rows.map((row) => ({ seq: Number(row['seq']), version: toStored(row) }));
      }),

    referencesTo: (targets, sourceType, param) =>
      guard(async () => {
        const out: StoredVersion[] = [];
        for (const chunk of chunks(targets, 30)) {
          const match = chunk.map(() => '(r.target_type = ? AND r.target_id = ?)').join(' OR ');
          const args: SqlValue[] = chunk.flatMap((t) => [t.type, t.id]);
          args.push(sourceType);
          let sql =
            `SELECT DISTINCT ${RESOURCE_COLUMNS} FROM search_reference r JOIN resource_current c ` +
            `ON c.resource_type = r.resource_type AND c.id = r.id WHERE (${match}) AND r.resource_type = ? AND c.deleted = 0`;
          if (param !== '*') {
            sql += ' AND r.param = ?';
            args.push(param);
          }
          out.push(...(await conn.query(`${sql} ORDER BY c.id`, args)).map(toStored));
        }
        return dedupe(out);
      }),
  };
}

async function search(conn: SqlConnection, query: SearchQuery): Promise<SearchResult<StoredVersion>> {
  const sql = buildSearchSql(query);
  const rows = query.count > 0 ? await conn.query(sql.page.sql, sql.page.args) : [];
  const resources = rows.map(toStored);
  if (!sql.count) return { resources };
  const counted = await conn.query(sql.count.sql, sql.count.args);
  return { resources, total: Number(counted[0]?.['n'] ?? 0) };
}

async function history(conn: SqlConnection, query: HistoryQuery): Promise<HistoryResult> {
  const { sql: whereSql, args } = historyWhere(query);
  const rows =
    query.count > 0
      ? await conn.query(
          `SELECT ${RESOURCE_COLUMNS} FROM resource_version c ${whereSql} ` +
            'ORDER BY c.last_updated DESC, c.resource_type, c.id, c.version_id DESC LIMIT ? OFFSET ?',
          [...args, query.count, query.offset],
        )
      : [];
  const counted = await conn.query(`SELECT COUNT(*) AS n FROM resource_version c ${whereSql}`, args);
  return { versions: rows.map(toStored), total: Number(counted[0]?.['n'] ?? 0) };
}

async function write(conn: SqlConnection, writes: readonly ResourceWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const current = await currentVersions(conn, writes);
  for (const w of writes) {
    const key = keyOf(w.resource.resourceType, w.resource.id);
    const have = current.get(key) ?? 0;
    if (have !== w.expectedVersion) {
      throw conflict(`${w.resource.resourceType}/${w.resource.id} has changed (version ${have}, expected ${w.expectedVersion}).`);
    }
    if (w.versionId <= have) {
      throw conflict(`${w.resource.resourceType}/${w.resource.id} version ${w.versionId} is not newer than the stored one.`);
    }
    // Later writes in the same batch see earlier ones (a transaction may touch a resource twice).
    current.set(key, w.versionId);
  }
  try {
    // Same effect as one writeStatements(w) per write, merged into few multi-row statements.
    await conn.batch(batchWriteStatements(writes));
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('A resource in this write was changed concurrently; retry with the new version.');
    throw err;
  }
}

async function currentVersions(conn: SqlConnection, writes: readonly ResourceWrite[]): Promise<Map<string, number>> {
  const keys = [...new Map(writes.map((w) => [keyOf(w.resource.resourceType, w.resource.id), w.resource])).values()];
  const out = new Map<string, number>();
  for (const chunk of chunks(keys, Math.floor(MAX_PARAMS / 2))) {
    const rows = await conn.query(
      `SELECT resource_type, id, version_id FROM resource_current WHERE ${chunk.map(() => '(resource_type = ? AND id = ?)').join(' OR ')}`,
      chunk.flatMap((r) => [r.resourceType, r.id]),
    );
    for (const row of rows) out.set(keyOf(String(row['resource_type']), String(row['id'])), Number(row['version_id']));
  }
  return out;
}


async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isGatewayError(err)) throw err;
    throw serviceUnavailable('The resource store is unavailable.', err);
  }
}

function toStored(row: SqlRow): StoredVersion {
  return {
    resource: JSON.parse(String(row['content'])) as Resource,
    resourceType: String(row['resource_type']),
    id: String(row['id']),
    versionId: Number(row['version_id']),
    lastUpdated: String(row['last_updated']),
    deleted: Number(row['deleted']) === 1,
    disclosure: disclosureColumnsOf(row),
  };
}

function keyOf(type: string, id: string): string {
  return `${type}/${id}`;
}

function dedupe(versions: StoredVersion[]): StoredVersion[] {
  const seen = new Set<string>();
  return versions.filter((v) => {
    const key = keyOf(v.resourceType, v.id);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
