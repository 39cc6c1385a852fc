/**
 * Value-level checks of the fast acceptor (fast-accept.ts): Medplum 4.5.2's primitive validation,
 * its checkObjectForNull, and the comparison of values resolved under two schemas. Each fails
 * (not sure) or answers false wherever Medplum would record an error, or where it can't tell.
 */
import { fhirTypeToJsType, type TypedValue, validationRegexes } from '@medplum/core';
import { notSure } from './typed-properties.js';

const JS_TYPES = fhirTypeToJsType as Record<string, 'string' | 'number' | 'boolean'>;
// `code in JS_TYPES` also matched names inherited from Object.prototype; such a code (only ever a
// nested resource's resourceType) is now walked as a complex type, whose schema lookup fails: not
// sure, as before.
const PRIMITIVE_CODES = new Set(['undefined', ...Object.keys(JS_TYPES)]);
export const isPrimitive = (code: string): boolean => PRIMITIVE_CODES.has(code);

/** Medplum's validatePrimitiveType, failing (not sure) wherever it records an error. */
export function primitiveOk(tv: TypedValue): void {
  const { type, value } = tv;
  if (typeof value === 'object') notSure(); // primitive with extensions, or an object where a primitive belongs
  const expected = JS_TYPES[type];
  if (!expected || typeof value !== expected) notSure();
  if (expected === 'string') {
    const s = value as string;
    if (!s.trim() || s.length > 1024 * 1024) notSure();
    const regex = validationRegexes[type];
    if (regex && !regex.exec(s)) notSure();
  } else if (expected === 'number') {
    const n = value as number;
    if (!Number.isFinite(n)) notSure();
    if ((type === 'integer' || type === 'positiveInt' || type === 'unsignedInt') && !Number.isInteger(n)) notSure();
    if ((type === 'positiveInt' && n <= 0) || (type === 'unsignedInt' && n < 0)) notSure();
  }
}

/** Same length, and item by item the same type and value (a single value counts as a list of one). */
export function sameValues(a: TypedValue | TypedValue[] | undefined, b: TypedValue | TypedValue[] | undefined): boolean {
  const n = a === undefined ? 0 : Array.isArray(a) ? a.length : 1;
  if (n !== (b === undefined ? 0 : Array.isArray(b) ? b.length : 1)) return false;
  for (let i = 0; i < n; i++) {
    const x = Array.isArray(a) ? a[i]! : a!;
    const y = Array.isArray(b) ? b[i]! : b!;
    if (x.type !== y.type || x.value !== y.value) return false;
  }
  return true;
}

/**
 * Medplum's checkObjectForNull, as a yes/no (any null, or undefined array item, anywhere), and
 * any `_`-prefixed key anywhere: primitive extensions, which the walk leaves to the full path
 * anyway. Ruling them out here, once, lets property resolution (typed-properties.ts) skip looking
 * for `_key` beside every candidate key.
 */
export function nullOrUnderscore(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (item === undefined || nullOrUnderscore(item)) return true;
    return false;
  }
  for (const key in value) if (key.charCodeAt(0) === 95 || nullOrUnderscore((value as Record<string, unknown>)[key])) return true;
  return false;
}
