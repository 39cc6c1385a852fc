/**
 * Turns a mapping's declarative field list into a zod schema, and coerces CSV text to the
 * declared types first (CSV has only strings; JSON input must already carry the right types).
 */
import { z } from 'zod';
import type { CompiledConceptMap, FieldSpec } from './spec.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// FHIR dateTime with a time needs a zone (R4 §2.24.0.1), so a source without one is refused.
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True for a real calendar date `YYYY-MM-DD` (rejects 2026-02-30). Proleptic Gregorian, as
 * Date.UTC; years before 0100 are refused, as they were when this went through Date.UTC (which
 * maps 0–99 to 1900–1999). Arithmetic instead of a Date: this runs per date field per record.
 */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

function fieldSchema(field: FieldSpec, maps: Readonly<Record<string, CompiledConceptMap>>): z.ZodType {
  let schema: z.ZodType;
  switch (field.type) {
    case 'string':
    case 'code': {
      let s = z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(4000, { error: 'is longer than 4000 characters' });
      if (field.pattern) s = s.regex(new RegExp(field.pattern), { error: `must match \`${field.pattern}\`` });
      schema = s;
      if (field.codes) {
        const allowed = new Set(field.codes);
        schema = s.refine((v) => allowed.has(v), { error: (iss) => `has unknown code \`${String(iss.input)}\`; expected one of ${field.codes!.join(', ')}` });
      }
      if (field.conceptMap) {
        const table = maps[field.conceptMap];
        if (!table) throw new Error(`field ${field.name} names unknown concept map ${field.conceptMap}`);
        schema = s.refine((v) => Object.hasOwn(table.map, v), {
          error: (iss) => `has unknown code \`${String(iss.input)}\` (not in concept map \`${table.id}\`)`,
        });
      }
      break;
    }
    case 'integer':
    case 'number': {
      let n = z.number({ error: field.type === 'integer' ? 'must be an integer' : 'must be a number' });
      if (field.type === 'integer') n = n.int({ error: 'must be an integer' });
      if (field.min !== undefined) n = n.min(field.min, { error: `must be at least ${field.min}` });
      if (field.max !== undefined) n = n.max(field.max, { error: `must be at most ${field.max}` });
      schema = n;
      break;
    }
    case 'boolean':
      schema = z.boolean({ error: 'must be true or false' });
      break;
    case 'date':
      schema = z.string({ error: 'must be a date (YYYY-MM-DD)' }).refine(isCalendarDate, { error: (iss) => `\`${String(iss.input)}\` is not a valid date (YYYY-MM-DD)` });
      break;
    case 'datetime':
      schema = z
        .string({ error: 'must be a date-time with a time zone' })
        .refine((v) => DATETIME.test(v) && !Number.isNaN(Date.parse(v)) && isCalendarDate(v.slice(0, 10)), {
          error: (iss) => `\`${String(iss.input)}\` is not a date-time with a time zone (e.g. 2026-03-01T09:30:00-05:00)`,
        });
      break;
  }
  if (field.list) {
    const items = schema;
    // `a; b` in a CSV cell and ["a","b"] in JSON mean the same list.
    schema = z.preprocess(
      (v) => (typeof v === 'string' ? v.split(';').map((x) => x.trim()).filter((x) => x !== '') : v),
      z.array(items, { error: 'must be a list of values' }).min(1, { error: 'must list at least one value' }).max(50, { error: 'lists more than 50 values' }),
    );
  }
  return field.required ? schema : schema.optional();
}

/** The record schema for a field list; unknown keys are dropped (CSV exports carry extra columns). */
export function buildRecordSchema(fields: readonly FieldSpec[], maps: Readonly<Record<string, CompiledConceptMap>>): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) shape[field.name] = fieldSchema(field, maps);
  const object = z.object(shape);
  // `null` means "not given" in JSON exports; treat it like an absent key.
  return z.preprocess((raw) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
    // Records come from JSON.parse or CSV rows: plain objects of own data properties. Without a
    // null there is nothing to drop, and zod only reads the shape's keys and builds a new object,
    // so the copy would parse the same; skipping it saves two arrays and an object per record.
    if (Object.getPrototypeOf(raw) === Object.prototype && !hasNullValue(raw as Record<string, unknown>)) return raw;
    return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null));
  }, object) as unknown as z.ZodType<Record<string, unknown>>;
}

function hasNullValue(raw: Record<string, unknown>): boolean {
  for (const key in raw) if (raw[key] === null) return true;
  return false;
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/**
 * Converts CSV cell text to the declared field types. A cell that does not convert is left as
 * text, so the schema reports it with the field's own message (`must be an integer`).
 */
export function coerceCsvRecord(record: Record<string, string>, fields: readonly FieldSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const field of fields) {
    const raw = record[field.name];
    if (raw === undefined) continue;
    const text = raw.trim();
    if (field.type === 'integer' && /^[+-]?\d{1,15}$/.test(text)) out[field.name] = Number(text);
    else if (field.type === 'number' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/.test(text) && Number.isFinite(Number(text))) out[field.name] = Number(text);
    else if (field.type === 'boolean' && TRUE.has(text.toLowerCase())) out[field.name] = true;
    else if (field.type === 'boolean' && FALSE.has(text.toLowerCase())) out[field.name] = false;
    else if (field.type !== 'integer' && field.type !== 'number' && field.type !== 'boolean') out[field.name] = text;
  }
  return out;
}
