/**
 * Medplum 4.5.2's property resolution (typeschema/crawler.ts getTypedPropertyValueWithSchema,
 * getNestedProperty) without building paths, for the fast acceptor (fast-accept.ts): the JSON
 * keys each element's types resolve to are computed once per element. Anything Medplum would
 * resolve differently (primitive extensions, schema-less guessing) abandons the fast path.
 */
import { capitalize, getElementDefinition, type InternalSchemaElement, isResource, type TypedValue } from '@medplum/core';
import { isEmptyValue } from './is-empty.js';

/** Thrown to abandon the fast path; never escapes fastAccepts. */
const NOT_SURE = Symbol('not-sure');
export function notSure(): never {
  throw NOT_SURE;
}

const UNDEFINED_VALUE: TypedValue = { type: 'undefined', value: undefined };

/** Per element: the JSON keys its types resolve to, in Medplum's search order. */
interface Candidate {
  readonly key: string;
  readonly code: string;
}
const candidatesByElement = new WeakMap<InternalSchemaElement, Candidate[]>();
export function candidates(element: InternalSchemaElement): Candidate[] {
  let list = candidatesByElement.get(element);
  if (!list) {
    const last = element.path.substring(element.path.lastIndexOf('.') + 1);
    list = (element.type ?? []).map((t) => {
      const key = last.replace('[x]', capitalize(t.code));
      return { key, code: t.code };
    });
    candidatesByElement.set(element, list);
  }
  return list;
}

export function isCandidate(element: InternalSchemaElement, key: string): boolean {
  for (const c of candidates(element)) if (c.key === key) return true;
  return false;
}

/**
 * Medplum's getTypedPropertyValueWithSchema, for values without primitive extensions: fastAccepts
 * has already refused any resource with a `_`-prefixed key, so `_key` is never looked up here.
 */
export function propertyWithElement(value: Record<string, unknown>, element: InternalSchemaElement): TypedValue | TypedValue[] | undefined {
  const list = candidates(element);
  let result: unknown;
  let type = 'undefined';
  for (const c of list) {
    result = value[c.key];
    if (result !== undefined) {
      type = c.code;
      break;
    }
  }
  return typedAs(result, type, element);
}

/** The tail of propertyWithElement: `result`, found under a key of type `code`, typed. */
export function typedAs(result: unknown, code: string, element: InternalSchemaElement): TypedValue | TypedValue[] | undefined {
  if (isEmptyValue(result)) return undefined;
  const type = code === 'Element' || code === 'BackboneElement' ? element.type[0]!.code : code;
  if (!Array.isArray(result)) return typed(result, type);
  const out: TypedValue[] = new Array(result.length);
  for (let i = 0; i < result.length; i++) out[i] = typed(result[i], type);
  return out;
}

function typed(value: unknown, type: string): TypedValue {
  return { type: type === 'Resource' && isResource(value) ? value.resourceType : type, value };
}

/** Medplum's getTypedPropertyValue for a typed object (the element comes from its own type). */
export function property(tv: TypedValue, name: string): TypedValue | TypedValue[] | undefined {
  if (!tv.value) return undefined;
  const element = getElementDefinition(tv.type, name);
  if (!element) notSure(); // Medplum would fall back to schema-less guessing
  return propertyWithElement(tv.value as Record<string, unknown>, element);
}

const dottedParts = new Map<string, string[]>();

/** Medplum's getNestedProperty(…, { withPath: true }) without the paths. */
export function nested(tv: TypedValue, key: string): (TypedValue | TypedValue[])[] {
  if (!key.includes('.')) return [property(tv, key) ?? UNDEFINED_VALUE];
  // Dotted keys are schema element names (a fixed set), so their parts are split once.
  let parts = dottedParts.get(key);
  if (!parts) dottedParts.set(key, (parts = key.split('.')));
  const [first, ...rest] = parts;
  let values: (TypedValue | TypedValue[])[] = [property(tv, first!) ?? UNDEFINED_VALUE];
  for (const prop of rest) {
    const next: (TypedValue | TypedValue[])[] = [];
    for (const current of values) {
      if (Array.isArray(current)) for (const item of current) next.push(property(item, prop) ?? UNDEFINED_VALUE);
      else if (current.value !== undefined) next.push(property(current, prop) ?? UNDEFINED_VALUE);
    }
    values = next;
  }
  return values;
}
