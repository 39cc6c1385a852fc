/**
 * Search-parameter expressions that index extraction answers by walking the JSON instead of
 * running FHIRPath, which is most of extraction's cost. R4 expressions are `|`-joined branches
 * across resource types; for this type's branches four shapes are understood:
 *
 *   Patient.name.family                      plain path of single-typed, non-choice elements
 *   Observation.effective                    …whose last element may be a choice (any of its types)
 *   (Observation.value as CodeableConcept)   one type of a choice element
 *   Patient.telecom.where(system='email')    items whose primitive member equals a literal
 *   Observation.subject.where(resolve() is Patient)   references whose target type is T
 *   Patient.deceased.exists() and Patient.deceased != false   absent or boolean choice → boolean
 *
 * Each yields the values Medplum's FHIRPath yields, with the same types. Anything else, or any
 * JSON this walk does not mirror exactly (primitive extensions, nulls, empty values, two keys of
 * one choice element, a Reference carrying `resource`), goes back to FHIRPath. index-paths.test.ts
 * compares both on every mapping's output, the profile fixtures and their variants.
 */
import { getElementDefinition, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

/** How a compiled branch narrows the items at the end of its path. */
type Narrowing =
  | { readonly kind: 'none' }
  | { readonly kind: 'choice'; readonly key: string; readonly siblings: readonly string[] }
  | { readonly kind: 'any-choice'; readonly typeOfKey: ReadonlyMap<string, string> }
  | { readonly kind: 'equals'; readonly member: string; readonly literal: string }
  | { readonly kind: 'target'; readonly targetType: string }
  | { readonly kind: 'present-not-false'; readonly booleanKey: string; readonly siblings: readonly string[] };

/** One compiled branch: `segments` from the resource, `type` of what it yields. */
export interface PlainPath {
  readonly segments: readonly string[];
  readonly type: string;
  readonly narrowing: Narrowing;
}

const PATH = '[A-Z][A-Za-z]+(?:\\.[a-z][A-Za-z]*)+';
const PLAIN = new RegExp(`^(${PATH})$`);
const AS_TYPE = new RegExp(`^\\((${PATH}) as ([A-Za-z]+)\\)$`);
const WHERE_EQUALS = new RegExp(`^(${PATH})\\.where\\(([a-z][A-Za-z]*) ?= ?'([A-Za-z0-9\\-.:/]*)'\\)$`);
const WHERE_TARGET = new RegExp(`^(${PATH})\\.where\\(resolve\\(\\) is ([A-Z][A-Za-z]+)\\)$`);
const PRESENT_NOT_FALSE = /^([A-Z][A-Za-z]+)\.([a-z][A-Za-z]*)\.exists\(\) and \1\.\2 != false$/;

/** The compiled branches of `expression` for `resourceType`, or undefined when one needs FHIRPath. */
export function compilePaths(resourceType: string, expression: string): PlainPath[] | undefined {
  const out: PlainPath[] = [];
  for (const raw of expression.split('|')) {
    const branch = raw.trim();
    const compiled = compileBranch(resourceType, branch);
    if (compiled === undefined) return undefined;
    if (compiled !== OTHER_TYPE) out.push(compiled);
  }
  return out.length ? out : undefined;
}

const OTHER_TYPE = Symbol('other-type');

function compileBranch(resourceType: string, branch: string): PlainPath | typeof OTHER_TYPE | undefined {
  let m: RegExpExecArray | null;
  if ((m = PLAIN.exec(branch))) return walkDefinitions(resourceType, m[1]!, { kind: 'none' });
  if ((m = AS_TYPE.exec(branch))) return choiceBranch(resourceType, m[1]!, m[2]!);
  if ((m = WHERE_TARGET.exec(branch))) {
    const path = walkDefinitions(resourceType, m[1]!, { kind: 'target', targetType: m[2]! });
    return path === OTHER_TYPE || path?.type === 'Reference' ? path : undefined;
  }
  if ((m = WHERE_EQUALS.exec(branch))) {
    const path = walkDefinitions(resourceType, m[1]!, { kind: 'equals', member: m[2]!, literal: m[3]! });
    if (path === OTHER_TYPE || path === undefined) return path;
    // The member must be a single-typed primitive, so `=` is plain string equality.
    const member = getElementDefinition(path.type, m[2]!);
    return member && member.type.length === 1 && !member.path.endsWith('[x]') && /^[a-z]/.test(member.type[0]!.code) ? path : undefined;
  }
  if ((m = PRESENT_NOT_FALSE.exec(branch)) && m[1] === resourceType) return presentNotFalse(resourceType, m[2]!);
  if (!branch.startsWith(`${resourceType}.`) && !branch.startsWith(`(${resourceType}.`) && /^\(?[A-Z][A-Za-z]+\./.test(branch)) return OTHER_TYPE;
  return undefined;
}

/** Follows `dotted` through the element definitions; every element must have exactly one type. */
function walkDefinitions(resourceType: string, dotted: string, narrowing: Narrowing): PlainPath | typeof OTHER_TYPE | undefined {
  const [head, ...segments] = dotted.split('.');
  if (head !== resourceType) return OTHER_TYPE; // another type's branch: never matches this one
  let type = resourceType;
  for (const [i, segment] of segments.entries()) {
    const element = getElementDefinition(type, segment);
    if (element && element.path.endsWith('[x]') && i === segments.length - 1 && narrowing.kind === 'none') {
      const keys = element.type.map((t) => [choiceKey(segment, t.code), t.code] as const);
      return { segments, type: '', narrowing: { kind: 'any-choice', typeOfKey: new Map(keys) } };
    }
    if (!element || element.type.length !== 1 || element.path.endsWith('[x]')) return undefined;
    type = element.type[0]!.code;
  }
  return { segments, type, narrowing };
}

/** `(A.b.c as T)`: A.b plain, c a choice element of which T is one type; yields the cT key. */
function choiceBranch(resourceType: string, dotted: string, as: string): PlainPath | typeof OTHER_TYPE | undefined {
  const cut = dotted.lastIndexOf('.');
  const parent = walkDefinitions(resourceType, dotted.slice(0, cut), { kind: 'none' });
  if (parent === OTHER_TYPE || parent === undefined) return parent;
  const base = dotted.slice(cut + 1);
  const element = getElementDefinition(parent.type, base);
  if (!element || !element.path.endsWith('[x]') || !element.type.some((t) => t.code === as)) return undefined;
  return {
    segments: [...parent.segments, choiceKey(base, as)],
    type: as,
    narrowing: { kind: 'choice', key: choiceKey(base, as), siblings: element.type.map((t) => choiceKey(base, t.code)) },
  };
}

/** `T.c.exists() and T.c != false` for a choice element c of T that can be a boolean. */
function presentNotFalse(resourceType: string, base: string): PlainPath | undefined {
  const element = getElementDefinition(resourceType, base);
  if (!element || !element.path.endsWith('[x]') || !element.type.some((t) => t.code === 'boolean')) return undefined;
  return { segments: [], type: 'boolean', narrowing: { kind: 'present-not-false', booleanKey: choiceKey(base, 'boolean'), siblings: element.type.map((t) => choiceKey(base, t.code)) } };
}

/** The JSON key of choice element `base[x]` holding type `code` (`value` + `dateTime` → `valueDateTime`). */
function choiceKey(base: string, code: string): string {
  return `${base}${code[0]!.toUpperCase()}${code.slice(1)}`;
}

/** Sentinel: the JSON has a shape this walk does not mirror. */
export const NOT_PLAIN = Symbol('not-plain');

/** The values of `path` as FHIRPath would yield them, or NOT_PLAIN. */
export function navigate(resource: Resource, path: PlainPath): TypedValue[] | typeof NOT_PLAIN {
  let current: unknown[] = [resource];
  const last = path.segments.length - 1;
  for (let i = 0; i <= last; i++) {
    const segment = path.segments[i]!;
    const next: unknown[] = [];
    for (const item of current) {
      const obj = item as Record<string, unknown>;
      if (i === last && path.narrowing.kind === 'choice' && !onlyChoiceKey(obj, path.narrowing)) return NOT_PLAIN;
      if (i === last && path.narrowing.kind === 'any-choice') {
        if (!presentChoice(obj, path.narrowing.typeOfKey, next)) return NOT_PLAIN;
        continue;
      }
      if (obj[`_${segment}`] !== undefined) return NOT_PLAIN;
      const value = obj[segment];
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v === null || v === undefined || v === '' || (typeof v === 'object' && (Array.isArray(v) || Object.keys(v).length === 0))) return NOT_PLAIN;
        next.push(v);
      }
    }
    current = next;
  }
  if (path.narrowing.kind === 'any-choice') return current as TypedValue[];
  const kept = narrow(current, path.narrowing);
  return kept === NOT_PLAIN ? kept : kept.map((value) => ({ type: path.type, value }));
}

/**
 * The one key of a choice element present on `obj`, pushed to `out` typed by that key (FHIRPath
 * types a choice value by the key it was found under). False for shapes FHIRPath should judge:
 * two keys, a primitive extension, or an empty value.
 */
function presentChoice(obj: Record<string, unknown>, typeOfKey: ReadonlyMap<string, string>, out: unknown[]): boolean {
  let found: [string, unknown] | undefined;
  for (const key of typeOfKey.keys()) {
    if (obj[`_${key}`] !== undefined) return false;
    const value = obj[key];
    if (value === undefined) continue;
    if (found || value === null || value === '' || Array.isArray(value) || (typeof value === 'object' && Object.keys(value).length === 0)) return false;
    found = [key, value];
  }
  if (found) out.push({ type: typeOfKey.get(found[0])!, value: found[1] });
  return true;
}

/**
 * FHIRPath reads the first key of a choice element it finds; with two present (invalid JSON) or a
 * primitive extension on one, let it decide. One other key present simply yields nothing here,
 * as `as` filters that value out.
 */
function onlyChoiceKey(obj: Record<string, unknown>, choice: { key: string; siblings: readonly string[] }): boolean {
  let present = 0;
  for (const sibling of choice.siblings) {
    if (obj[`_${sibling}`] !== undefined) return false;
    if (obj[sibling] !== undefined) present++;
  }
  return present <= 1;
}

function narrow(items: unknown[], narrowing: Narrowing): unknown[] | typeof NOT_PLAIN {
  switch (narrowing.kind) {
    case 'none':
    case 'choice':
    case 'any-choice':
      return items;
    case 'equals': {
      const out: unknown[] = [];
      for (const item of items) {
        if (typeof item !== 'object') return NOT_PLAIN;
        const obj = item as Record<string, unknown>;
        const member = obj[narrowing.member];
        if (obj[`_${narrowing.member}`] !== undefined || (member !== undefined && typeof member !== 'string')) return NOT_PLAIN;
        if (member === narrowing.literal) out.push(item);
      }
      return out;
    }
    case 'present-not-false': {
      // Absent: `exists()` is false. A boolean: itself. Another type (FHIRPath compares a dateTime
      // with false in its own way) or a primitive extension: FHIRPath decides.
      const obj = items[0] as Record<string, unknown>;
      let value = false;
      for (const sibling of narrowing.siblings) {
        if (obj[`_${sibling}`] !== undefined) return NOT_PLAIN;
        const member = obj[sibling];
        if (member === undefined) continue;
        if (sibling !== narrowing.booleanKey || typeof member !== 'boolean' || value) return NOT_PLAIN;
        value = member;
      }
      return [value];
    }
    case 'target': {
      const out: unknown[] = [];
      for (const item of items) {
        const obj = item as Record<string, unknown>;
        if (typeof item !== 'object' || obj['resource'] !== undefined || obj['_reference'] !== undefined) return NOT_PLAIN;
        const reference = obj['reference'];
        if (reference !== undefined && typeof reference !== 'string') return NOT_PLAIN;
        // Medplum's resolve(): the type is what precedes the first `?`, else the first `/`.
        const type = reference === undefined ? undefined : reference.includes('?') ? reference.split('?')[0] : reference.includes('/') ? reference.split('/')[0] : undefined;
        // A Reference without a reference string (identifier only) yields no index row either way.
        if (type === narrowing.targetType) out.push(item);
      }
      return out;
    }
  }
}
