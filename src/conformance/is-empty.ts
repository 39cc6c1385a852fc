/**
 * Medplum's `isEmpty` (null, undefined, '', and objects/arrays with no keys or length), without
 * allocating `Object.keys`: it runs on every value here.
 */
export function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v === '';
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.length === 0;
  // Own keys first: a data object has one, and then `'length' in v` (a lookup that usually misses) is moot.
  for (const key in v) if (Object.hasOwn(v, key)) return false;
  return !('length' in v && (v as { length: number }).length > 0);
}
