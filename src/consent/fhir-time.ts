/**
 * FHIR date/dateTime → epoch milliseconds, precision-aware, without a clock. A partial date used
 * as an end bound means "through the end of that year/month/day", so it maps to the start of
 * the next one (spans are half-open: start ≤ t < end). Dates without a zone are read as UTC.
 */

const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Parses `value` as the start (or, with `'end'`, the exclusive end) of the time it names; undefined if malformed. */
export function parseFhirTime(value: string, bound: 'start' | 'end' = 'start'): number | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h] = m;
  if (h !== undefined) {
    // A full dateTime (FHIR requires a zone once hours are given; a missing one is read as UTC).
    const ms = Date.parse(m[8] ? value : `${value}Z`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const year = Number(y);
  const month = mo === undefined ? undefined : Number(mo) - 1;
  const day = d === undefined ? undefined : Number(d);
  if (month !== undefined && (month < 0 || month > 11)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  if (bound === 'start') return Date.UTC(year, month ?? 0, day ?? 1);
  if (month === undefined) return Date.UTC(year + 1, 0, 1);
  if (day === undefined) return Date.UTC(year, month + 1, 1);
  return Date.UTC(year, month, day + 1);
}

/** True when `now` (epoch ms) lies within the half-open span; open bounds always hold. */
export function isWithin(span: { readonly start?: number; readonly end?: number } | undefined, now: number): boolean {
  if (!span) return true;
  return (span.start === undefined || span.start <= now) && (span.end === undefined || now < span.end);
}
