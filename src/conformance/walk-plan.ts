/**
 * What the fast acceptor (fast-accept.ts) needs to know about a schema, computed once per schema
 * instead of per object walked: which elements to visit, and for every JSON key an element can
 * take, the outcome of the key's static checks (checkAdditionalProperties' choice-type rules and
 * which element the gap checks bind it to). Schemas are never mutated once parsed.
 */
import type { InternalSchemaElement, InternalTypeSchema } from '@medplum/core';
import { elementFor, gapRelevant } from './gap-checks.js';
import { candidates, isCandidate } from './typed-properties.js';
import type { Terminology } from './terminology.js';

/** A JSON key's static facts in one schema (only for keys some element's types resolve to). */
export interface KeyInfo {
  readonly key: string;
  /** Optional elements this key resolves for: visited when the key is present. */
  readonly visit: readonly (readonly [string, InternalSchemaElement])[];
  /** The `[x]` element of a choice key (`valueString`); undefined for an element's own name. */
  readonly choice: InternalSchemaElement | undefined;
  /**
   * For a choice key, its type code when the choice's value may be read from this key alone: a
   * second key of the same choice on one object is refused anyway (choiceSeen in the walk), so
   * the candidate search would find this key or the walk gives up.
   */
  readonly code: string | undefined;
  /** The element the gap checks bind the key to, when they can say anything about it. */
  readonly gap: InternalSchemaElement | undefined;
  /** For a profile's root: the base schema's facts for the key (profileRootOk), per base. */
  root?: { readonly base: InternalTypeSchema; readonly facts: RootFacts };
}

/** A profile root key under the base schema. */
export interface RootFacts {
  readonly baseElement: InternalSchemaElement | undefined;
  readonly profileElement: InternalSchemaElement | undefined;
  /** baseElement when the base's gap checks can say anything about it. */
  readonly baseGap: InternalSchemaElement | undefined;
}

/**
 * Medplum visits every element, but an optional, undotted element whose JSON keys are all absent
 * resolves to nothing, and visiting nothing records nothing; so visit required and dotted
 * elements always, others when one of their keys is present (`keys`, or `byJsonKey` for keys
 * whose static checks fail or that no element takes, which the walk treats the slow way).
 */
export interface Plan {
  readonly always: readonly (readonly [string, InternalSchemaElement])[];
  readonly byJsonKey: ReadonlyMap<string, readonly (readonly [string, InternalSchemaElement])[]>;
  readonly keys: ReadonlyMap<string, KeyInfo>;
  readonly terms: Terminology;
}

const plans = new WeakMap<InternalTypeSchema, Plan>();

export function planFor(schema: InternalTypeSchema, terms: Terminology): Plan {
  let plan = plans.get(schema);
  if (!plan || plan.terms !== terms) plans.set(schema, (plan = buildPlan(schema, terms)));
  return plan;
}

function buildPlan(schema: InternalTypeSchema, terms: Terminology): Plan {
  const always: [string, InternalSchemaElement][] = [];
  const byJsonKey = new Map<string, [string, InternalSchemaElement][]>();
  const jsonKeys = new Set<string>();
  for (const [key, element] of Object.entries(schema.elements)) {
    if (!key.includes('.')) for (const c of candidates(element)) jsonKeys.add(c.key);
    if (element.min > 0 || key.includes('.') || !element.type?.length) {
      always.push([key, element]);
      continue;
    }
    for (const c of candidates(element)) {
      for (const jsonKey of [c.key, `_${c.key}`]) {
        const list = byJsonKey.get(jsonKey) ?? [];
        list.push([key, element]);
        byJsonKey.set(jsonKey, list);
      }
    }
  }
  const keys = new Map<string, KeyInfo>();
  for (const key of jsonKeys) {
    if (key === 'resourceType' || key.startsWith('_') || key.includes('.')) continue;
    let choice: InternalSchemaElement | undefined;
    let code: string | undefined;
    if (!schema.elements[key]) {
      choice = choiceElement(schema, key);
      // Keys failing the static part of the choice rule stay with the slow path (→ not sure).
      if (!choice || !isCandidate(choice, key) || elementFor(schema, key) !== choice) continue;
      const all = candidates(choice);
      // Only when every key of this choice is bound to it alone, so a second one on the same
      // object always meets choiceSeen (an own element, or a key some other choice claims, would not).
      const exclusive = all.every((c) => !schema.elements[c.key] && choiceElement(schema, c.key) === choice && elementFor(schema, c.key) === choice);
      if (exclusive) code = all.find((c) => c.key === key)!.code;
    }
    const gap = elementFor(schema, key);
    keys.set(key, { key, visit: byJsonKey.get(key) ?? [], choice, code, gap: gap && gapRelevant(gap, terms) ? gap : undefined });
  }
  return { always, byJsonKey, keys, terms };
}

/** Medplum's isChoiceOfType: the `[x]` element named by the key's shortest camel-case prefix. */
export function choiceElement(schema: InternalTypeSchema, key: string): InternalSchemaElement | undefined {
  let test = '';
  for (const part of key.split(/(?=[A-Z])/g)) {
    test += part;
    const element = schema.elements[`${test}[x]`];
    if (element) return element;
  }
  return undefined;
}

/** The base schema's facts for a profile root key, memoised on the profile plan's KeyInfo. */
export function rootFacts(info: KeyInfo | undefined, key: string, base: InternalTypeSchema, profile: InternalTypeSchema, terms: Terminology): RootFacts {
  if (info?.root?.base === base) return info.root.facts;
  const baseElement = elementFor(base, key);
  const facts = { baseElement, profileElement: elementFor(profile, key), baseGap: baseElement && gapRelevant(baseElement, terms) ? baseElement : undefined };
  if (info) info.root = { base, facts };
  return facts;
}
