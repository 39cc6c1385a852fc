import { getDataType, type TypedValue } from '@medplum/core';
import { isEmptyValue } from './is-empty.js';
import { subsetTrue } from './fhirpath-subset.js';

/**
 * Shortcuts for the FHIRPath invariants evaluated on (nearly) every resource and extension. Each
 * answers `true` only in a case where the expression is certainly true (checked against Medplum's
 * FHIRPath engine in fast-accept.test.ts) and `undefined` otherwise — then the caller evaluates
 * the expression itself. A shortcut never answers false, so it can't change a verdict.
 */
type Shortcut = (value: TypedValue) => true | undefined;

/** True when none of `keys` is on the object: navigation to any of them is then empty. */
const absent =
  (...keys: string[]): Shortcut =>
  (tv) => {
    const obj = tv.value as Record<string, unknown> | undefined;
    if (typeof obj !== 'object' || obj === null) return undefined;
    for (const key of keys) if (obj[key] !== undefined || obj[`_${key}`] !== undefined) return undefined;
    return true;
  };

let extensionValueKeys: Set<string> | undefined;
/** The JSON keys Extension.value[x] can take (valueString, valueCodeableConcept, …). */
function valueKeys(): Set<string> {
  if (!extensionValueKeys) {
    const element = getDataType('Extension').elements['value[x]'];
    extensionValueKeys = new Set((element?.type ?? []).map((t) => `value${t.code.charAt(0).toUpperCase()}${t.code.slice(1)}`));
  }
  return extensionValueKeys;
}

/**
 * ext-1 `extension.exists() != value.exists()`: true when the extension has either a non-empty
 * `extension` array and no `value*` key at all, or exactly one non-empty value[x] and no
 * `extension` key. Anything else (both, neither, empty values, `_value…`) → ask FHIRPath.
 */
const ext1: Shortcut = (tv) => {
  const ext = tv.value as Record<string, unknown> | undefined;
  if (typeof ext !== 'object' || ext === null || Array.isArray(ext)) return undefined;
  let valueKey: string | undefined;
  for (const key of Object.keys(ext)) {
    if (key.startsWith('value') || key.startsWith('_value') || key === '_extension') {
      if (valueKey !== undefined || !valueKeys().has(key)) return undefined;
      valueKey = key;
    }
  }
  const nested = ext.extension;
  if (nested === undefined) return valueKey !== undefined && !isEmptyValue(ext[valueKey]) ? true : undefined;
  return valueKey === undefined && Array.isArray(nested) && nested.length > 0 && nested.every((e) => typeof e === 'object' && e !== null && !isEmptyValue(e)) ? true : undefined;
};

const SHORTCUTS: ReadonlyMap<string, Shortcut> = new Map([
  ['extension.exists() != value.exists()', ext1],
  // dom-2, dom-4, dom-5: only about contained resources.
  ['contained.contained.empty()', absent('contained')],
  ['contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()', absent('contained')],
  ['contained.meta.security.empty()', absent('contained')],
  // obs-6, obs-7
  ['dataAbsentReason.empty() or value.empty()', absent('dataAbsentReason')],
  ['value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()', absent('component')],
]);

const bySubset = new Map<string, Shortcut>();

/** The shortcut for an invariant's expression: a hand-written one, else the FHIRPath subset evaluator. */
export function constraintShortcut(expression: string): Shortcut {
  const known = SHORTCUTS.get(expression);
  if (known) return known;
  let shortcut = bySubset.get(expression);
  if (!shortcut) bySubset.set(expression, (shortcut = (tv) => subsetTrue(expression, tv.value)));
  return shortcut;
}
