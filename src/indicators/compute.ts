/**
 * Raw indicator counts straight from the store's tables (the gateway's own aggregate reads; no
 * record leaves this module, only counts). Plain SQLite with json_extract, so it runs on libSQL and
 * D1 alike. Every count is of distinct participants (or trainings) per organization, and the
 * total counts each participant once however many organizations served them.
 */
import type { CareTeam, Extension } from '@medplum/fhirtypes';
import type { SqlConnection } from '../storage/sql-connection.js';
import type { IndicatorDefinition } from './definitions.js';
import { periodEndExclusive, type ReportingPeriod } from './reporting-period.js';

const LOCAL_CS = 'https://reentry-gateway.example.org/fhir/CodeSystem';
const STAFF_TRAINING = 'https://reentry-gateway.example.org/fhir/StructureDefinition/staff-training';
/** Stratum of records not attributable to an Organization. */
export const UNATTRIBUTED = 'unattributed';

export interface RawCounts {
  readonly total: number;
  /** Count per stratum key (`Organization/id` or UNATTRIBUTED). */
  readonly strata: ReadonlyMap<string, number>;
}

export async function computeIndicator(conn: SqlConnection, d: IndicatorDefinition, period: ReportingPeriod): Promise<RawCounts> {
  switch (d.kind) {
    case 'connection':
      return connections(conn, d.domain!, period);
    case 'intensive-case-management':
      return intensiveCaseManagement(conn, period);
    case 'training':
      return trainings(conn, period);
  }
}

/**
 * Participants whose referral in `domain` was first taken on (accepted, in-progress or completed)
 * within the period. "First" is over the Task's whole history, so a referral accepted last month
 * and completed this month counts last month only.
 */
async function connections(conn: SqlConnection, domain: string, period: ReportingPeriod): Promise<RawCounts> {
  const rows = await conn.query(
    `WITH connected AS (
       SELECT v.id, MIN(v.last_updated) AS first_at FROM resource_version v
       WHERE v.resource_type = 'Task' AND v.deleted = 0
         AND json_extract(v.content, '$.status') IN ('accepted', 'in-progress', 'completed')
       GROUP BY v.id)
     SELECT json_extract(t.content, '$.for.reference') AS patient, json_extract(t.content, '$.owner.reference') AS org
     FROM connected c
     JOIN resource_current t ON t.resource_type = 'Task' AND t.id = c.id AND t.deleted = 0
     WHERE c.first_at >= ? AND c.first_at < ?
       AND json_extract(t.content, '$.focus.reference') LIKE 'ServiceRequest/%'
       AND EXISTS (SELECT 1 FROM search_token st
                   WHERE st.resource_type = 'ServiceRequest' AND st.param = 'category' AND st.system = ? AND st.code = ?
                     AND st.id = substr(json_extract(t.content, '$.focus.reference'), 16))`,
    [`${period.start}T00:00:00.000Z`, periodEndExclusive(period), `${LOCAL_CS}/linkage-domain`, domain],
  );
  return tally(rows.map((r) => ({ subject: str(r['patient']), stratum: orgOrUnattributed(str(r['org'])) })));
}

/** Participants with a case plan in force at some point of the period. */
async function intensiveCaseManagement(conn: SqlConnection, period: ReportingPeriod): Promise<RawCounts> {
  const rows = await conn.query(
    `SELECT json_extract(c.content, '$.subject.reference') AS patient, json_extract(c.content, '$.author.reference') AS org
     FROM resource_current c
     WHERE c.resource_type = 'CarePlan' AND c.deleted = 0
       AND json_extract(c.content, '$.status') IN ('active', 'completed')
       AND substr(json_extract(c.content, '$.period.start'), 1, 10) <= ?
       AND (json_extract(c.content, '$.period.end') IS NULL OR substr(json_extract(c.content, '$.period.end'), 1, 10) >= ?)
       AND EXISTS (SELECT 1 FROM search_token st
                   WHERE st.resource_type = 'CarePlan' AND st.id = c.id AND st.param = 'category' AND st.system = ?
                     AND st.code IN ('comprehensive-case-plan', 'service-plan'))`,
    [period.end, period.start, `${LOCAL_CS}/case-plan-category`],
  );
  return tally(rows.map((r) => ({ subject: str(r['patient']), stratum: orgOrUnattributed(str(r['org'])) })));
}

/** Completed staff trainings recorded on care teams, one per (organization, topic, date). */
async function trainings(conn: SqlConnection, period: ReportingPeriod): Promise<RawCounts> {
  const rows = await conn.query(
    `SELECT c.content FROM resource_current c
     WHERE c.resource_type = 'CareTeam' AND c.deleted = 0 AND instr(c.content, ?) > 0`,
    [STAFF_TRAINING],
  );
  const items: { subject: string; stratum: string }[] = [];
  for (const row of rows) {
    const team = JSON.parse(str(row['content'])) as CareTeam;
    const stratum = orgOrUnattributed(team.managingOrganization?.[0]?.reference ?? '');
    for (const ext of team.extension ?? []) {
      if (ext.url !== STAFF_TRAINING) continue;
      const completed = sub(ext, 'completed')?.valueDate;
      const topic = sub(ext, 'topic')?.valueCodeableConcept?.coding?.[0]?.code;
      if (!completed || !topic || completed < period.start || completed > period.end) continue;
      items.push({ subject: `${stratum}|${topic}|${completed}`, stratum });
    }
  }
  return tally(items);
}

/** Distinct subjects overall and per stratum. */
function tally(items: readonly { subject: string; stratum: string }[]): RawCounts {
  const all = new Set<string>();
  const per = new Map<string, Set<string>>();
  for (const { subject, stratum } of items) {
    if (!subject) continue;
    all.add(subject);
    let set = per.get(stratum);
    if (!set) per.set(stratum, (set = new Set()));
    set.add(subject);
  }
  return { total: all.size, strata: new Map([...per.entries()].map(([k, v]) => [k, v.size])) };
}

const sub = (ext: Extension, url: string): Extension | undefined => ext.extension?.find((e) => e.url === url);
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const orgOrUnattributed = (ref: string): string => (/^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(ref) ? ref : UNATTRIBUTED);
