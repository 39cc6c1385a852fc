/**
 * `GET /fhir/Measure/{id}/$evaluate-measure?periodStart&periodEnd[&reporter=Organization/x]`
 * (FHIR R4 Measure $evaluate-measure, summary reports only) for the program indicators.
 *
 * Who: the admin sector (program operations) only. The counts are computed over every record,
 * Part 2 included (SUD treatment connections come from Part 2-labeled referrals), which P2-19
 * allows for de-identified aggregates with cells under 11 suppressed; an individual `subject`
 * report would not be de-identified and is refused (the consented $progress-report is the way).
 */
import type { MeasureReport, MeasureReportGroupPopulation, Extension } from '@medplum/fhirtypes';
import { Hono } from 'hono';
import { assertScope, type Requester } from '../auth/index.js';
import { fhirJson } from '../http/fhir-response.js';
import { queryParams } from '../http/fhir-request.js';
import { badRequest, forbidden, notFound, notImplemented } from '../outcomes/index.js';
import type { SqlConnection } from '../storage/sql-connection.js';
import { computeIndicator } from './compute.js';
import { EXT_INDICATOR_BASELINE, EXT_INDICATOR_SUPPRESSION, EXT_INDICATOR_TARGET, INDICATOR_BY_ID, MEASURE_POPULATION_SYSTEM, measureUrl, type IndicatorDefinition } from './definitions.js';
import { parseReportingPeriod, type ReportingPeriod } from './reporting-period.js';
import { suppress, type ReportedCell } from './suppression.js';

const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
const KNOWN_PARAMS = new Set(['periodStart', 'periodEnd', 'reporter', 'reportType', 'subject']);

export interface IndicatorRouteDeps {
  readonly conn: SqlConnection;
  readonly now: () => Date;
  /**
   * False when resources live on an upstream server (upstream mode): the counts are aggregate
   * reads of the gateway's own resource tables, which are then empty, and a report of zeros would
   * be wrong rather than merely missing.
   */
  readonly resourcesAreLocal?: boolean;
}

/** The indicator operation, mounted under /fhir after the request policy (see buildGateway). */
export function createIndicatorRoutes(deps: IndicatorRouteDeps): Hono {
  const app = new Hono();
  for (const spelling of ['$evaluate-measure', '%24evaluate-measure']) {
    app.get(`/Measure/:id/${spelling}`, async (c) => {
      if (deps.resourcesAreLocal === false) {
        throw notImplemented('Program indicators are computed from the gateway\'s own store; in upstream mode evaluate them on the FHIR server that holds the records.');
      }
      const report = await evaluateMeasure(deps.conn, c.get('requester'), c.req.param('id'), queryParams(c), deps.now());
      return fhirJson(c, report);
    });
  }
  return app;
}

/** Builds the summary MeasureReport; 403 for non-admin callers, 404 for an unknown indicator, 400 for bad parameters. */
export async function evaluateMeasure(conn: SqlConnection, requester: Requester, id: string, params: URLSearchParams, now: Date): Promise<MeasureReport> {
  assertScope(requester, 'MeasureReport', 'r');
  if (requester.sector !== 'admin') throw forbidden('Program indicators are available to program operations (the admin sector) only.');
  const definition = INDICATOR_BY_ID.get(id);
  if (!definition) throw notFound(`\`Measure/${id.slice(0, 64)}\` is not a program indicator this gateway evaluates.`);
  for (const name of params.keys()) {
    if (!KNOWN_PARAMS.has(name)) throw badRequest(`\`${name.slice(0, 40)}\` is not a parameter of $evaluate-measure here.`, name);
  }
  if (params.has('subject')) throw badRequest('Individual measure reports are not offered: indicators are de-identified aggregates (use CarePlan/{id}/$progress-report).', 'subject');
  const reportType = params.get('reportType');
  if (reportType !== null && reportType !== 'population') throw badRequest('Only `reportType=population` (a summary report) is supported.', 'reportType');
  const reporter = params.get('reporter');
  if (reporter !== null && !/^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(reporter)) throw badRequest('`reporter` must be `Organization/{id}`.', 'reporter');
  // R4 makes both required; a default period would hide which one a report is about.
  for (const name of ['periodStart', 'periodEnd']) if (!params.get(name)) throw badRequest(`\`${name}\` is required.`, name);
  const period = parseReportingPeriod(params, { start: params.get('periodStart')!, end: params.get('periodEnd')! });
  const raw = await computeIndicator(conn, definition, period);
  const strata = [...raw.strata.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => ({ key, count }));
  // Suppression is decided on the full table and a reporter's cell is read from it, so asking
  // per organization can never reveal what the full table hides (no differencing across calls).
  const table = suppress({ key: 'total', count: raw.total }, strata);
  return measureReport(definition, period, now, table, reporter ?? undefined);
}

function measureReport(d: IndicatorDefinition, period: ReportingPeriod, now: Date, table: ReturnType<typeof suppress>, reporter: string | undefined): MeasureReport {
  const base: MeasureReport = {
    resourceType: 'MeasureReport',
    id: crypto.randomUUID(),
    status: 'complete',
    type: 'summary',
    measure: measureUrl(d),
    date: now.toISOString(),
    period: { start: period.start, end: period.end },
    improvementNotation: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-improvement-notation', code: 'increase' }] },
    extension: [
      { url: EXT_INDICATOR_BASELINE, valueQuantity: { value: d.baseline, unit: d.unit } },
      { url: EXT_INDICATOR_TARGET, valueQuantity: { value: d.target, unit: d.unit } },
    ],
  };
  if (reporter) {
    // An organization with nothing counted is a 0 cell, as in the full table.
    const cell = table.strata.find((s) => s.key === reporter) ?? { key: reporter, count: 0 };
    return { ...base, reporter: { reference: reporter }, group: [{ population: [population(cell)], ...score(cell, d) }] };
  }
  return {
    ...base,
    group: [
      {
        population: [population(table.total)],
        ...score(table.total, d),
        stratifier: [
          {
            code: [{ text: 'organization' }],
            stratum: table.strata.map((s) => ({ value: { text: s.key }, population: [population(s)], ...score(s, d) })),
          },
        ],
      },
    ],
  };
}

function population(cell: ReportedCell): MeasureReportGroupPopulation {
  const code = { coding: [{ system: MEASURE_POPULATION_SYSTEM, code: 'initial-population' }] };
  if (cell.count !== undefined) return { code, count: cell.count };
  return { code, extension: suppressedExtensions(cell) };
}

function score(cell: ReportedCell, d: IndicatorDefinition): { measureScore?: { value: number; unit: string } } {
  return cell.count !== undefined ? { measureScore: { value: cell.count, unit: d.unit } } : {};
}

/** data-absent-reason `masked`, plus which suppression rule applied (never how small the count is). */
function suppressedExtensions(cell: ReportedCell): Extension[] {
  return [
    { url: DATA_ABSENT_REASON, valueCode: 'masked' },
    { url: EXT_INDICATOR_SUPPRESSION, valueCode: cell.suppressed ?? 'small-cell' },
  ];
}
