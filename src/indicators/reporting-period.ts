import { z } from 'zod';
import { badRequest } from '../outcomes/index.js';

/** A closed reporting period as calendar dates (YYYY-MM-DD, both days included). */
export interface ReportingPeriod {
  readonly start: string;
  readonly end: string;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const dateParam = z
  .string()
  .regex(DATE, 'must be a date like 2026-01-31')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');
const periodSchema = z.object({ periodStart: dateParam.optional(), periodEnd: dateParam.optional() });

/**
 * Reads `periodStart` / `periodEnd` (FHIR $evaluate-measure spelling; dates only, so a period is
 * whole days). Missing ends take `defaults`. 400 naming the parameter for a malformed date or an
 * end before the start.
 */
export function parseReportingPeriod(params: URLSearchParams, defaults: ReportingPeriod): ReportingPeriod {
  const parsed = periodSchema.safeParse({ periodStart: params.get('periodStart') ?? undefined, periodEnd: params.get('periodEnd') ?? undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'periodStart');
    throw badRequest(`\`${name}\` ${issue.message} (got \`${String(params.get(name)).slice(0, 40)}\`).`, name);
  }
  const start = parsed.data.periodStart ?? defaults.start;
  const end = parsed.data.periodEnd ?? defaults.end;
  if (end < start) throw badRequest(`\`periodEnd\` (${end}) is before \`periodStart\` (${start}).`, 'periodEnd');
  return { start, end };
}

/** The first instant after the period (exclusive upper bound for `lastUpdated` comparisons). */
export function periodEndExclusive(period: ReportingPeriod): string {
  const d = new Date(`${period.end}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

const parametersSchema = z.object({
  resourceType: z.literal('Parameters'),
  parameter: z
    .array(z.object({ name: z.string().min(1).max(64), valueDate: z.string().max(40).optional(), valueString: z.string().max(200).optional(), valueReference: z.object({ reference: z.string().max(200) }).optional() }))
    .max(20)
    .optional(),
});

/**
 * A POSTed operation `Parameters` body as query parameters (FHIR: an operation's parameters may
 * come either way). Only date, string and reference values are meaningful here; 400 otherwise.
 */
export function parametersToQuery(body: unknown): URLSearchParams {
  const parsed = parametersSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(`The body must be a FHIR \`Parameters\` resource: ${issue.message} at \`${issue.path.join('.') || '(root)'}\`.`, issue.path.join('.') || 'resourceType');
  }
  const out = new URLSearchParams();
  for (const p of parsed.data.parameter ?? []) {
    const value = p.valueDate ?? p.valueString ?? p.valueReference?.reference;
    if (value === undefined) throw badRequest(`Parameter \`${p.name}\` needs a valueDate, valueString or valueReference.`, `Parameters.parameter`);
    out.append(p.name, value);
  }
  return out;
}
