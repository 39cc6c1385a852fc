/**
 * The local disclosure index of upstream mode (migrations/0010_upstream.sql): what the gateway
 * knows about each version it wrote through to the upstream. Only 'committed' rows vouch for a
 * version; anything else the upstream returns is released to no one.
 */
import type { Coding } from '@medplum/fhirtypes';
import type { DisclosureColumns, ResourceWrite } from '../store.js';
import { disclosureColumnsOf, type SqlConnection, type SqlRow, type SqlStatement } from '../sql-connection.js';

export interface IndexRow {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: number;
  readonly upstreamVersion: string | undefined;
  readonly lastUpdated: string;
  readonly deleted: boolean;
  readonly disclosure: DisclosureColumns;
  /** The labels the gateway wrote (authoritative over whatever the upstream returns). */
  readonly security: Coding[];
}

/** A pending row older than this whose write never confirmed is dropped (its outcome is long known upstream). */
const STALE_PENDING_MS = 5 * 60_000;
const COLUMNS = 'resource_type, id, version_id, upstream_version, last_updated, deleted, part2, patient_id, holder_org, security';

export class UpstreamIndex {
  constructor(
    private readonly conn: SqlConnection,
    private readonly now: () => Date,
  ) {}

  /** Committed rows of these resources, keyed `Type/id`, newest version first. */
  async rowsOf(keys: readonly { type: string; id: string }[]): Promise<Map<string, IndexRow[]>> {
    const out = new Map<string, IndexRow[]>();
    const unique = [...new Map(keys.map((k) => [`${k.type}/${k.id}`, k])).values()];
    for (let i = 0; i < unique.length; i += 40) {
      const chunk = unique.slice(i, i + 40);
      const rows = await this.conn.query(
        `SELECT ${COLUMNS} FROM upstream_version WHERE state = 'committed' AND (${chunk.map(() => '(resource_type = ? AND id = ?)').join(' OR ')}) ORDER BY version_id DESC`,
        chunk.flatMap((k) => [k.type, k.id]),
      );
      for (const row of rows.map(toRow)) {
        const key = `${row.resourceType}/${row.id}`;
        (out.get(key) ?? out.set(key, []).get(key)!).push(row);
      }
    }
    return out;
  }

  /**
   * Records the batch as pending BEFORE the upstream sees it. The primary key makes two gateway
   * writers of the same version collide here, before either reaches the upstream.
   */
  async recordPending(writes: readonly ResourceWrite[]): Promise<void> {
    const recordedAt = this.now();
    const statements: SqlStatement[] = [
      { sql: "DELETE FROM upstream_version WHERE state = 'pending' AND recorded_at < ?", args: [new Date(recordedAt.getTime() - STALE_PENDING_MS).toISOString()] },
    ];
    for (const w of writes) {
      const d = w.disclosure ?? { part2: true };
      statements.push({
        sql: `INSERT INTO upstream_version (${COLUMNS}, state, recorded_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
        args: [w.resource.resourceType, w.resource.id, w.versionId, w.lastUpdated, w.op === 'delete' ? 1 : 0, d.part2 ? 1 : 0, d.patientId ?? null, d.holderOrg ?? null, JSON.stringify(w.resource.meta?.security ?? []), recordedAt.toISOString()],
      });
    }
    await this.conn.batch(statements);
  }

  /** The upstream refused the batch: nothing of it exists anywhere. */
  async dropPending(writes: readonly ResourceWrite[]): Promise<void> {
    await this.conn.batch(
      writes.map((w) => ({ sql: "DELETE FROM upstream_version WHERE resource_type = ? AND id = ? AND version_id = ? AND state = 'pending'", args: [w.resource.resourceType, w.resource.id, w.versionId] })),
    );
  }

  /** The upstream committed: vouch for each version and append it to the change feed, in one batch. */
  async confirm(confirmed: readonly { write: ResourceWrite; upstreamVersion: string }[]): Promise<void> {
    const statements: SqlStatement[] = [];
    for (const { write: w, upstreamVersion } of confirmed) {
      const key = [w.resource.resourceType, w.resource.id, w.versionId];
      statements.push({ sql: "UPDATE upstream_version SET state = 'committed', upstream_version = ? WHERE resource_type = ? AND id = ? AND version_id = ?", args: [upstreamVersion, ...key] });
      statements.push({ sql: 'INSERT INTO upstream_change (resource_type, id, version_id) VALUES (?, ?, ?)', args: key });
    }
    await this.conn.batch(statements);
  }

  /** Change-feed entries after `after`, oldest first, with their index rows. */
  async changes(after: number, limit: number): Promise<{ seq: number; row: IndexRow }[]> {
    const rows = await this.conn.query(
      `SELECT ch.seq AS seq, ${COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')} FROM upstream_change ch JOIN upstream_version v ` +
        'ON v.resource_type = ch.resource_type AND v.id = ch.id AND v.version_id = ch.version_id WHERE ch.seq > ? ORDER BY ch.seq LIMIT ?',
      [after, limit],
    );
    return rows.map((r) => ({ seq: Number(r['seq']), row: toRow(r) }));
  }
}

function toRow(row: SqlRow): IndexRow {
  return {
    resourceType: String(row['resource_type']),
    id: String(row['id']),
    versionId: Number(row['version_id']),
    upstreamVersion: row['upstream_version'] == null ? undefined : String(row['upstream_version']),
    lastUpdated: String(row['last_updated']),
    deleted: Number(row['deleted']) === 1,
    disclosure: disclosureColumnsOf(row),
    security: JSON.parse(String(row['security'] ?? '[]')) as Coding[],
  };
}
