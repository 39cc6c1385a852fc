/**
 * Value normalisation shared by index extraction (what is stored) and the query builder (what is
 * compared), so both sides of every comparison are produced by the same code.
 */

/** Lower bound for an open-ended Period start: sorts before every real instant. */
export const MIN_INSTANT = '0001-01-01T00:00:00.000Z';
/** Upper bound for an open-ended Period end (exclusive). */
export const MAX_INSTANT = '9999-12-31T23:59:59.999Z';

const MAX_INSTANT_MS = Date.parse(MAX_INSTANT);

/** An instant range, both ends ISO-8601 UTC with milliseconds; `end` is exclusive. */
export interface InstantRange {
  readonly start: string;
  readonly end: string;
}

const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The range a FHIR date/dateTime/instant covers at its own precision: "2024" is the whole year,
 * "2024-03-01" the whole (UTC) day, "…T10:00:00Z" one second, "…T10:00:00.123Z" one millisecond.
 * A date without a time zone is taken as UTC (FHIR leaves it to the server). Undefined when the
 * text is not a FHIR date or falls outside years 0001–9999.
 */
export function dateRange(text: string): InstantRange | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < 1) return undefined;
  const month = m[2] === undefined ? undefined : Number(m[2]) - 1;
  const day = m[3] === undefined ? undefined : Number(m[3]);
  if (month === undefined) return range(Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1));
  if (month < 0 || month > 11) return undefined;
  if (day === undefined) return range(Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1));
  // Date.UTC rolls 2024-02-31 over into March; FHIR calls that an invalid date.
  if (day < 1 || day > 31 || new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return undefined;
  if (m[4] === undefined) return range(Date.UTC(year, month, day), Date.UTC(year, month, day + 1));
  const offsetMinutes = parseOffset(m[8]);
  const fraction = m[7] ?? '';
  const millis = fraction === '' ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  const start =
    Date.UTC(year, month, day, Number(m[4]), Number(m[5]), Number(m[6] ?? 0), millis) - offsetMinutes * 60_000;
  const width = m[6] === undefined ? 60_000 : fraction === '' ? 1000 : 1;
  return range(start, start + width);
}

function parseOffset(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}

function range(startMs: number, endMs: number): InstantRange | undefined {
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return undefined;
  const start = new Date(startMs).toISOString();
  // toISOString switches to ±YYYYYY outside 0000–9999, which would break text ordering.
  const end = endMs > MAX_INSTANT_MS ? MAX_INSTANT : new Date(endMs).toISOString();
  if (start.length !== 24 || end.length !== 24) return undefined;
  return { start, end };
}

/**
 * An instant in the stored text form. Query ranges come from `fhir/` already as instants; this
 * makes "2024-03-01T10:00:00+02:00" and "…08:00:00Z" compare equal. Unparseable text is kept.
 */
export function normalizeInstant(text: string): string {
  return dateRange(text)?.start ?? text;
}

/** Case- and accent-insensitive form used for string search (FHIR R4 §3.1.1.5.4). */
export function normalizeString(text: string): string {
  // Printable ASCII has nothing to decompose or strip: skip NFD, the costliest step, for the
  // common case (every write normalises a dozen strings or so).
  const folded = PRINTABLE_ASCII.test(text) ? text : text.normalize('NFD').replace(/\p{M}/gu, '');
  return folded.toLowerCase().replace(/\s+/g, ' ').trim();
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const RELATIVE_REF = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * Splits a relative literal reference "Type/id" (optionally "/_history/v"). Absolute URLs,
 * `urn:` and contained (`#x`) references give undefined: they cannot point at a local row.
 */
export function parseRelativeReference(reference: string): { type: string; id: string } | undefined {
  const m = RELATIVE_REF.exec(reference);
  return m ? { type: m[1] as string, id: m[2] as string } : undefined;
}
