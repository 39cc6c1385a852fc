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

const resourceChoiceKeys = new Map<string, Map<string, Set<string> | null>>();

/** The JSON keys a choice element `name[x]` of this object may take, or undefined if `name` is no choice here. */
function choiceKeys(obj: Record<string, unknown>, name: string): Set<string> | undefined {
  if (name === 'value' && typeof obj.url === 'string') return extensionKeys();
  const resourceType = obj.resourceType;
  if (typeof resourceType !== 'string') return undefined;
  let byName = resourceChoiceKeys.get(resourceType);
  if (!byName) resourceChoiceKeys.set(resourceType, (byName = new Map()));
  let keys = byName.get(name);
  if (keys === undefined) {
    const element = getDataType(resourceType)?.elements[`${name}[x]`];
    keys = element ? new Set(element.type.map((t) => `${name}${t.code.charAt(0).toUpperCase()}${t.code.slice(1)}`)) : null;
    byName.set(name, keys);
  }
  return keys ?? undefined;
}

/** The keys of `obj` that are `name` followed by an upper-case letter (choice-type keys). */
function prefixedKeys(obj: Record<string, unknown>, name: string): string[] {
  const out: string[] = [];
  const first = name.charCodeAt(0);
  for (const k in obj) {
    if (k.length > name.length && k.charCodeAt(0) === first && k.startsWith(name)) {
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

function navigate(input: Collection, name: string, under: string): Collection {
  const out: Collection = [];
  for (const { v } of input) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) giveUp();
    const obj = v as Record<string, unknown>;
    if (obj[under] !== undefined) giveUp();
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
// Collections are never mutated once returned, so the boolean results can be shared.
const TRUE: Collection = [{ v: true, t: 'boolean' }];
const FALSE: Collection = [{ v: false, t: 'boolean' }];
const EMPTY: Collection = [];
const bool = (b: boolean | undefined): Collection => (b === undefined ? EMPTY : b ? TRUE : FALSE);

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

/**
 * The parse tree compiled once into closures, so evaluating an invariant per resource does no
 * dispatch on atom shapes. Each closure does exactly what a tree walk would at that node;
 * unsupported nodes compile to a give-up that only fires if evaluation reaches them (as before,
 * e.g. behind a short-circuiting `and`).
 */
type Eval = (focus: Collection) => Collection;

const giveUpEval: Eval = () => giveUp();

/**
 * Closures whose result does not depend on the focus (literals, unions of literals), with that
 * result: evaluated once at compile time (`give-up` when evaluating them gives up, which then
 * happens whenever they are reached, as before).
 */
const constants = new WeakMap<Eval, Collection | 'give-up'>();
function constant(result: Collection | 'give-up'): Eval {
  const run: Eval = result === 'give-up' ? () => giveUp() : () => result;
  constants.set(run, result);
  return run;
}

function compile(atom: Atom): Eval {
  if (atom.value !== undefined && atom.operator === undefined) {
    const { type, value } = atom.value;
    return constant([{ v: value, t: type }]);
  }
  if (atom.operator !== undefined && atom.left && atom.right) return compileBinary(atom.operator, compile(atom.left), compile(atom.right));
  if (atom.name !== undefined && Array.isArray(atom.args)) return compileCall(atom.name, atom.args);
  if (atom.name !== undefined && atom.operator === undefined) {
    if (atom.name.startsWith('%') || atom.name.startsWith('$')) return giveUpEval;
    const name = atom.name;
    const under = `_${name}`;
    return (focus) => navigate(focus, name, under);
  }
  if (atom.child && atom.operator === undefined) return compile(atom.child);
  return giveUpEval;
}

/** `f(c)` computed now, or the marker when it gives up. */
function tryNow<T>(f: () => T): T | 'give-up' {
  try {
    return f();
  } catch (err) {
    if (err === GIVE_UP) return 'give-up';
    throw err;
  }
}

function compileBinary(op: string, left: Eval, right: Eval): Eval {
  const rightConstant = constants.get(right);
  // A literal right side (`url = 'code'`, `value <= 27`) is checked once, not per evaluation.
  const known = rightConstant === undefined || rightConstant === 'give-up' ? undefined : tryNow(() => primitiveOf(rightConstant));
  switch (op) {
    case '.':
      return (focus) => right(left(focus));
    case 'and':
      return (focus) => {
        const a = booleanOf(left(focus));
        if (a === false) return FALSE;
        const b = booleanOf(right(focus));
        if (b === false) return FALSE;
        return a === true && b === true ? TRUE : EMPTY;
      };
    case 'or':
      return (focus) => {
        const a = booleanOf(left(focus));
        if (a === true) return TRUE;
        const b = booleanOf(right(focus));
        if (b === true) return TRUE;
        return a === false && b === false ? FALSE : EMPTY;
      };
    case 'implies':
      return (focus) => {
        const a = booleanOf(left(focus));
        if (a === false) return TRUE;
        const b = booleanOf(right(focus));
        if (b === true) return TRUE;
        return a === true && b === false ? FALSE : EMPTY;
      };
    case '=':
    case '!=': {
      const equal = op === '=';
      return (focus) => {
        const a = primitiveOf(left(focus));
        const b = known === undefined ? primitiveOf(right(focus)) : known === 'give-up' ? giveUp() : known;
        if (a === undefined || b === undefined) return EMPTY;
        if (typeof a !== typeof b) giveUp();
        return bool(equal ? a === b : a !== b);
      };
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (focus) => {
        const a = primitiveOf(left(focus));
        const b = known === undefined ? primitiveOf(right(focus)) : known === 'give-up' ? giveUp() : known;
        if (a === undefined || b === undefined) return EMPTY;
        if (typeof a !== 'number' || typeof b !== 'number') giveUp(); // dates and strings: leave to FHIRPath
        return bool(op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b);
      };
    case 'in': {
      // A literal list (`code in ('a' | 'b')`): its items checked once, membership by a Set.
      const list = rightConstant === undefined || rightConstant === 'give-up' ? undefined : tryNow(() => new Set(rightConstant.map((item) => primitiveOf([item]))));
      return (focus) => {
        const a = primitiveOf(left(focus));
        if (a === undefined) return EMPTY;
        if (list === 'give-up') giveUp();
        if (list) return bool(a === a && list.has(a)); // `===` never matches NaN; Set#has would
        const items = right(focus);
        for (const item of items) primitiveOf([item]);
        return bool(items.some((item) => item.v === a));
      };
    }
    case '|': {
      const union: Eval = (focus) => {
        const out: Collection = [];
        for (const item of [...left(focus), ...right(focus)]) {
          if (typeof item.v === 'object') giveUp();
          if (!out.some((o) => o.v === item.v)) out.push(item);
        }
        return out;
      };
      return constants.has(left) && rightConstant !== undefined ? constant(tryNow(() => union(EMPTY))) : union;
    }
    default:
      return giveUpEval;
  }
}

function compileCall(name: string, atoms: Atom[]): Eval {
  const args = atoms.map(compile);
  const arg = args[0]!;
  switch (name) {
    case 'exists':
      if (args.length === 0) return (focus) => bool(focus.length > 0);
      if (args.length === 1) return (focus) => bool(focus.some((item) => booleanOf(arg([item])) === true));
      return giveUpEval;
    case 'empty':
      return args.length ? giveUpEval : (focus) => bool(focus.length === 0);
    case 'count':
      return args.length ? giveUpEval : (focus) => [{ v: focus.length, t: 'integer' }];
    case 'not':
      return args.length
        ? giveUpEval
        : (focus) => {
            const b = booleanOf(focus);
            return b === undefined ? EMPTY : bool(!b);
          };
    case 'where':
      return args.length !== 1 ? giveUpEval : (focus) => focus.filter((item) => booleanOf(arg([item])) === true);
    case 'all':
      if (args.length !== 1) return giveUpEval;
      return (focus) => {
        for (const item of focus) {
          const b = booleanOf(arg([item]));
          if (b === undefined) giveUp();
          if (!b) return FALSE;
        }
        return TRUE;
      };
    case 'ofType': {
      const type = atoms.length === 1 && atoms[0]!.name !== undefined && !Array.isArray(atoms[0]!.args) ? atoms[0]!.name : undefined;
      if (type === undefined) return giveUpEval;
      return (focus) => {
        for (const item of focus) if (item.t === undefined) giveUp();
        return focus.filter((item) => item.t === type);
      };
    }
    default:
      return giveUpEval;
  }
}

const compiled = new Map<string, Eval | null>();

/** True when `expression` certainly evaluates to `true` on `context`; undefined when not sure. */
export function subsetTrue(expression: string, context: unknown): true | undefined {
  let run = compiled.get(expression);
  if (run === undefined) {
    try {
      run = compile(parseFhirPath(expression) as Atom);
    } catch {
      run = null;
    }
    compiled.set(expression, run);
  }
  if (run === null) return undefined;
  try {
    const result = run([{ v: context }]);
    return result.length === 1 && result[0]!.v === true ? true : undefined;
  } catch {
    // GIVE_UP, or anything unexpected: not sure.
    return undefined;
  }
}
