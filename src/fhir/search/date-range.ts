/**
 * FHIR dates have an implicit precision: `2024` means the whole year. Searching and indexing
 * both compare half-open instant ranges [start, end) in UTC, so `2024-03` becomes
 * [2024-03-01T00:00:00.000Z, 2024-04-01T00:00:00.000Z).
 */
const DATE_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export interface InstantRange {
  readonly start: string;
  readonly end: string;
}

/** Parses a FHIR date/dateTime/instant into its range, or undefined when it is not one. */
export function dateRange(value: string): InstantRange | undefined {
  const m = DATE_PATTERN.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = mo === undefined ? undefined : Number(mo);
  const day = d === undefined ? undefined : Number(d);
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59))) return undefined;

  if (h === undefined) {
    const start = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
    const end =
      day !== undefined ? Date.UTC(year, month! - 1, day + 1) : month !== undefined ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
    if (day !== undefined && new Date(start).getUTCDate() !== day) return undefined;
    return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  }
  // A time without a zone is read as UTC (R4 requires a zone when seconds are present).
  const zone = tz ?? 'Z';
  const base = `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : ''}${zone}`;
  const startMs = Date.parse(base);
  if (Number.isNaN(startMs)) return undefined;
  const unitMs = frac !== undefined ? 1 : s !== undefined ? 1000 : 60_000;
  return { start: new Date(startMs).toISOString(), end: new Date(startMs + unitMs).toISOString() };
}
