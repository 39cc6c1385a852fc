import { type FhirPathAtom, fhirTypeToJsType, getDataType, parseFhirPath } from '@medplum/core';
import { isEmptyValue } from './is-empty.js';

/**
 * A small FHIRPath evaluator over plain JSON for the invariant shapes the project profiles use
 * (`extension.where(url = '…').all(value.coding.where(system = '…' and code in (…)).exists())`,
 * `category.coding.where(…).exists()`, `status = 'x' implies …`, counts, numeric bounds,
 * `ofType`). It walks Medplum's own parse tree. Anything outside that subset, or any value whose
 * meaning it cannot be sure of (primitive extensions, several choice keys, unknown types,
 * multi-item comparisons), makes it give up; fast-constraints.ts then runs Medplum's evaluator.
 * fhirpath-subset.test.ts checks that whenever it answers true, Medplum does too.
 */

const GIVE_UP = Symbol('give-up');
function giveUp(): never {
  throw GIVE_UP;
}

/** A value and, when known, its FHIR type (from a choice key or a literal). */
interface Item {
  readonly v: unknown;
  readonly t?: string;
}
type Collection = Item[];

const PRIMITIVES = new Set(Object.keys(fhirTypeToJsType));

/** `valuePositiveInt` → `positiveInt`, `valueCodeableConcept` → `CodeableConcept`. */
function typeFromSuffix(suffix: string): string {
  const lower = suffix.charAt(0).toLowerCase() + suffix.slice(1);
  return PRIMITIVES.has(lower) ? lower : suffix;
}

let extensionValueKeys: Set<string> | undefined;
function extensionKeys(): Set<string> {
  if (!extensionValueKeys) {
    const element = getDataType('Extension').elements['value[x]'];
    extensionValueKeys = new Set((element?.type ?? []).map((t) => `value${t.code.charAt(0).toUpperCase()}${t.code.slice(1)}`));
  }
  return extensionValueKeys;
}

const resourceChoiceKeys = new Map<string, Set<string> | null>();

/** The JSON keys a choice element `name[x]` of this object may take, or undefined if `name` is no choice here. */
function choiceKeys(obj: Record<string, unknown>, name: string): Set<string> | undefined {
  if (name === 'value' && typeof obj.url === 'string') return extensionKeys();
  if (typeof obj.resourceType !== 'string') return undefined;
  const cacheKey = `${obj.resourceType}.${name}`;
  let keys = resourceChoiceKeys.get(cacheKey);
  if (keys === undefined) {
    const element = getDataType(obj.resourceType)?.elements[`${name}[x]`];
    keys = element ? new Set(element.type.map((t) => `${name}${t.code.charAt(0).toUpperCase()}${t.code.slice(1)}`)) : null;
    resourceChoiceKeys.set(cacheKey, keys);
  }
  return keys ?? undefined;
}

/** The keys of `obj` that are `name` followed by an upper-case letter (choice-type keys). */
function prefixedKeys(obj: Record<string, unknown>, name: string): string[] {
  const out: string[] = [];
  for (const k in obj) {
    if (k.length > name.length && k.startsWith(name)) {
      const c = k.charCodeAt(name.length);
      if (c >= 65 && c <= 90) out.push(k);
    }
  }
  return out;
}

function push(out: Collection, value: unknown, t?: string): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === null || item === undefined || isEmptyValue(item)) giveUp();
      out.push(t === undefined ? { v: item } : { v: item, t });
    }
  } else if (!isEmptyValue(value)) {
    out.push(t === undefined ? { v: value } : { v: value, t });
  }
}

function navigate(input: Collection, name: string): Collection {
  const out: Collection = [];
  for (const { v } of input) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) giveUp();
    const obj = v as Record<string, unknown>;
    if (obj[`_${name}`] !== undefined) giveUp();
    if (obj[name] !== undefined) {
      push(out, obj[name]);
      continue;
    }
    const prefixed = prefixedKeys(obj, name);
    if (prefixed.length === 0) continue;
    const allowed = choiceKeys(obj, name);
    if (!allowed || prefixed.length !== 1 || !allowed.has(prefixed[0]!) || obj[`_${prefixed[0]!}`] !== undefined) giveUp();
    push(out, obj[prefixed[0]!], typeFromSuffix(prefixed[0]!.slice(name.length)));
  }
  return out;
}

/** The single boolean of a collection, undefined when empty; anything else → give up. */
function booleanOf(c: Collection): boolean | undefined {
  if (c.length === 0) return undefined;
  if (c.length !== 1 || typeof c[0]!.v !== 'boolean') giveUp();
  return c[0]!.v as boolean;
}
const bool = (b: boolean | undefined): Collection => (b === undefined ? [] : [{ v: b, t: 'boolean' }]);

const TEMPORAL = new Set(['date', 'dateTime', 'instant', 'time']);
/** FHIR date/dateTime/instant (YYYY, YYYY-MM, YYYY-MM-DD, …T…) or time text. */
const DATE_LIKE = /^\d{4}(-\d{2}(-\d{2})?)?(T|$)|^\d{2}:\d{2}(:|$)/;

/**
 * A primitive singleton (string, number, boolean), undefined when empty. Dates and times compare
 * by precision in FHIRPath (sometimes to empty), so those are left to Medplum.
 */
function primitiveOf(c: Collection): string | number | boolean | undefined {
  if (c.length === 0) return undefined;
  const { v, t } = c[0]!;
  if (c.length !== 1 || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) giveUp();
  if ((t !== undefined && TEMPORAL.has(t)) || (typeof v === 'string' && DATE_LIKE.test(v))) giveUp();
  return v;
}

type Atom = FhirPathAtom & { operator?: string; left?: Atom; right?: Atom; name?: string; args?: Atom[]; value?: { type: string; value: unknown }; child?: Atom };

function evaluate(atom: Atom, focus: Collection): Collection {
  if (atom.value !== undefined && atom.operator === undefined) {
    const { type, value } = atom.value;
    return [{ v: value, t: type }];
  }
  if (atom.operator !== undefined && atom.left && atom.right) return binary(atom.operator, atom.left, atom.right, focus);
  if (atom.name !== undefined && Array.isArray(atom.args)) return call(atom.name, atom.args, focus);
  if (atom.name !== undefined && atom.operator === undefined) {
    if (atom.name.startsWith('%') || atom.name.startsWith('$')) giveUp();
    return navigate(focus, atom.name);
  }
  if (atom.child && atom.operator === undefined) return evaluate(atom.child, focus);
  return giveUp();
}

function binary(op: string, left: Atom, right: Atom, focus: Collection): Collection {
  switch (op) {
    case '.':
      return evaluate(right, evaluate(left, focus));
    case 'and': {
      const a = booleanOf(evaluate(left, focus));
      if (a === false) return bool(false);
      const b = booleanOf(evaluate(right, focus));
      if (b === false) return bool(false);
      return a === true && b === true ? bool(true) : [];
    }
    case 'or': {
      const a = booleanOf(evaluate(left, focus));
      if (a === true) return bool(true);
      const b = booleanOf(evaluate(right, focus));
      if (b === true) return bool(true);
      return a === false && b === false ? bool(false) : [];
    }
    case 'implies': {
      const a = booleanOf(evaluate(left, focus));
      if (a === false) return bool(true);
      const b = booleanOf(evaluate(right, focus));
      if (b === true) return bool(true);
      return a === true && b === false ? bool(false) : [];
    }
    case '=':
    case '!=': {
      const a = primitiveOf(evaluate(left, focus));
      const b = primitiveOf(evaluate(right, focus));
      if (a === undefined || b === undefined) return [];
      if (typeof a !== typeof b) giveUp();
      return bool(op === '=' ? a === b : a !== b);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const a = primitiveOf(evaluate(left, focus));
      const b = primitiveOf(evaluate(right, focus));
      if (a === undefined || b === undefined) return [];
      if (typeof a !== 'number' || typeof b !== 'number') giveUp(); // dates and strings: leave to FHIRPath
      return bool(op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b);
    }
    case 'in': {
      const a = primitiveOf(evaluate(left, focus));
      if (a === undefined) return [];
      const list = evaluate(right, focus);
      for (const item of list) primitiveOf([item]);
      return bool(list.some((item) => item.v === a));
    }
    case '|': {
      const out: Collection = [];
      for (const item of [...evaluate(left, focus), ...evaluate(right, focus)]) {
        if (typeof item.v === 'object') giveUp();
        if (!out.some((o) => o.v === item.v)) out.push(item);
      }
      return out;
    }
    default:
      return giveUp();
  }
}

function call(name: string, args: Atom[], focus: Collection): Collection {
  switch (name) {
    case 'exists':
      if (args.length === 0) return bool(focus.length > 0);
      if (args.length === 1) return bool(focus.some((item) => booleanOf(evaluate(args[0]!, [item])) === true));
      return giveUp();
    case 'empty':
      if (args.length) giveUp();
      return bool(focus.length === 0);
    case 'count':
      if (args.length) giveUp();
      return [{ v: focus.length, t: 'integer' }];
    case 'not': {
      if (args.length) giveUp();
      const b = booleanOf(focus);
      return b === undefined ? [] : bool(!b);
    }
    case 'where': {
      if (args.length !== 1) giveUp();
      return focus.filter((item) => booleanOf(evaluate(args[0]!, [item])) === true);
    }
    case 'all': {
      if (args.length !== 1) giveUp();
      for (const item of focus) {
        const b = booleanOf(evaluate(args[0]!, [item]));
        if (b === undefined) giveUp();
        if (!b) return bool(false);
      }
      return bool(true);
    }
    case 'ofType': {
      const type = args.length === 1 && args[0]!.name !== undefined && !Array.isArray(args[0]!.args) ? args[0]!.name : giveUp();
      for (const item of focus) if (item.t === undefined) giveUp();
      return focus.filter((item) => item.t === type);
    }
    default:
      return giveUp();
  }
}

const parsed = new Map<string, Atom | null>();

/** True when `expression` certainly evaluates to `true` on `context`; undefined when not sure. */
export function subsetTrue(expression: string, context: unknown): true | undefined {
  let atom = parsed.get(expression);
  if (atom === undefined) {
    try {
      atom = parseFhirPath(expression) as Atom;
    } catch {
      atom = null;
    }
    parsed.set(expression, atom);
  }
  if (atom === null) return undefined;
  try {
    const result = evaluate(atom, [{ v: context }]);
    return result.length === 1 && result[0]!.v === true ? true : undefined;
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    return undefined;
  }
}
