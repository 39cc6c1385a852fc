/**
 * The fast acceptor (fast-accept.ts) against the full validation path: over every mapping's
 * golden output, every profile fixture and the bench fixtures, plus thousands of mutated variants
 * of them (deleted, retyped, emptied, duplicated and unknown properties, bad codes, primitive
 * extensions, …), whatever the fast path accepts the full path (Medplum + gap checks) accepts too.
 * The valid originals must all take the fast path, and so must a good share of the variants, so
 * the comparison is not vacuous. Also checks the FHIRPath shortcuts against Medplum's engine.
 */
import { evalFhirPathTyped, isEmpty, toTypedValue, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { carePlan, consent, observation, patient, task } from '../../bench/fixtures.js';
import { GatewayError } from '../outcomes/index.js';
import { fastAccepts } from './fast-accept.js';
import { constraintShortcut } from './fast-constraints.js';
import { isEmptyValue } from './is-empty.js';
import { createValidator, type ResourceValidator } from './index.js';
import { getProfile, getTerminology } from './profiles.js';
import { goldenResources } from '../../test/support/resource-corpus.js';


function corpus(): { name: string; resource: Resource }[] {
  return [...goldenResources(), ...Object.entries({ carePlan, consent, observation, patient, task }).map(([name, resource]) => ({ name, resource: resource as Resource }))];
}

type Json = unknown;
/** Paths to every value in a JSON tree (keys and indexes), root excluded. */
function paths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [[...at, k], ...paths((value as Record<string | number, Json>)[k], [...at, k])]);
}
function edit(value: Json, path: (string | number)[], change: (parent: Record<string | number, Json>, key: string | number) => void): Json {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  change(parent, path[path.length - 1]!);
  return copy;
}

const REPLACEMENTS: Json[] = ['', ' ', 'x y', 'not-a-code', '2026-13-45', 'Patient/x', 'Practitioner/x', 0, -1, 1.5, true, {}, [], [{}], { foo: 1 }, { url: 'x' }, null];

/** Mutated variants of a resource: each path deleted, replaced, wrapped, duplicated; unknown and extension keys added. */
function mutants(resource: Resource): Json[] {
  const out: Json[] = [];
  for (const path of paths(resource)) {
    if (path[0] === 'resourceType') continue;
    out.push(edit(resource, path, (p, k) => (Array.isArray(p) ? p.splice(k as number, 1) : delete p[k])));
    for (const r of REPLACEMENTS) out.push(edit(resource, path, (p, k) => (p[k] = structuredClone(r))));
    out.push(edit(resource, path, (p, k) => (p[k] = Array.isArray(p[k]) ? (p[k] as Json[])[0] : [p[k]])));
    out.push(edit(resource, path, (p, k) => (p[k] = Array.isArray(p[k]) ? [...(p[k] as Json[]), ...(p[k] as Json[])] : p[k])));
    const last = path[path.length - 1];
    if (typeof last === 'string') {
      out.push(edit(resource, path, (p, k) => (p[`_${k as string}`] = { extension: [{ url: 'http://example.org/x', valueString: 'y' }] })));
      out.push(edit(resource, path, (p, k) => (p[`${k as string}Extra`] = 'z')));
      out.push(edit(resource, path, (p, k) => (p[`value${(k as string).slice(0, 1).toUpperCase()}`] = 'z')));
      if (last.startsWith('value')) out.push(edit(resource, path, (p) => (p.valueString = 'second value')));
    }
    const v = path.reduce<Json>((o, k) => (o as Record<string | number, Json>)[k], resource);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      out.push(edit(resource, path, (p, k) => ((p[k] as Record<string, Json>).unknownProperty = 1)));
      out.push(edit(resource, path, (p, k) => ((p[k] as Record<string, Json>).extension = [{ url: 'http://example.org/e' }])));
      out.push(edit(resource, path, (p, k) => ((p[k] as Record<string, Json>).extension = [{ url: 'http://example.org/e', valueString: 'a', valueCode: 'b' }])));
    }
  }
  return out;
}

let full: ResourceValidator;
let withFastPath: ResourceValidator;
beforeAll(async () => {
  full = await createValidator({ fastPath: false });
  withFastPath = await createValidator();
});

function accepts(validator: ResourceValidator, input: Json): boolean {
  try {
    validator.validate(structuredClone(input));
    return true;
  } catch (err) {
    if (err instanceof GatewayError) return false;
    throw err;
  }
}
const fast = (input: Json): boolean => fastAccepts(structuredClone(input) as Resource, getTerminology(), getProfile);

describe('fast acceptor', () => {
  const resources = corpus();

  it('takes every valid corpus resource (mapping goldens, profile fixtures, bench fixtures)', () => {
    expect(resources.length).toBeGreaterThan(40);
    for (const { name, resource } of resources) {
      expect(accepts(full, resource), name).toBe(true);
      expect(fast(resource), name).toBe(true);
    }
  });

  it('never accepts a mutated variant the full path rejects', { timeout: 300_000 }, () => {
    let variants = 0;
    let fastYes = 0;
    let sampled = 0;
    let sampledInvalid = 0;
    const wrong: string[] = [];
    for (const { name, resource } of resources) {
      // A spread-out sample (≤ 160 per resource, every kind of mutation) keeps this under a minute.
      const all = mutants(resource);
      const step = Math.max(1, Math.ceil(all.length / 160));
      for (let i = 0; i < all.length; i += step) {
        const variant = all[(i * 7) % all.length];
        variants++;
        // Where the fast path says no, validate() runs exactly the full path: nothing to compare.
        if (fast(variant)) {
          fastYes++;
          if (accepts(withFastPath, variant) && !accepts(full, variant)) wrong.push(`${name}: ${JSON.stringify(variant).slice(0, 400)}`);
        } else if (variants % 5 === 0) {
          sampled++;
          if (!accepts(full, variant)) sampledInvalid++;
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // Not vacuous: many variants are invalid, and many valid ones still take the fast path.
    console.log(`fast acceptor: ${variants} variants, ${fastYes} took the fast path, ${sampledInvalid}/${sampled} sampled others invalid`);
    expect(variants).toBeGreaterThan(5000);
    expect(sampledInvalid).toBeGreaterThan(sampled / 2);
    expect(fastYes).toBeGreaterThan(variants / 10);
  });
});

describe('FHIRPath shortcuts', () => {
  it('answer true only where Medplum evaluates the invariant to true', () => {
    const extensions: Json[] = [
      { url: 'a', valueString: 'x' },
      { url: 'a', valueString: '' },
      { url: 'a', valueCodeableConcept: {} },
      { url: 'a', valueBoolean: false },
      { url: 'a', valueInteger: 0 },
      { url: 'a', extension: [{ url: 'b', valueCode: 'c' }] },
      { url: 'a', extension: [] },
      { url: 'a', extension: [{}] },
      { url: 'a', extension: [{ url: 'b' }], valueString: 'x' },
      { url: 'a' },
      { url: 'a', valueFoo: 'x' },
      { url: 'a', valueString: 'x', valueCode: 'y' },
      { url: 'a', _valueString: { extension: [{ url: 'b', valueCode: 'c' }] } },
    ];
    let shortcutTrue = 0;
    const check = (expression: string, tv: TypedValue) => {
      const short = constraintShortcut(expression)?.(tv);
      if (short !== true) return;
      shortcutTrue++;
      const result = evalFhirPathTyped(expression, [tv], { '%context': tv, '%resource': tv, '%rootResource': tv });
      expect(result.length === 1 && result[0]!.value === true, `${expression} on ${JSON.stringify(tv.value)}`).toBe(true);
    };
    for (const e of extensions) check('extension.exists() != value.exists()', { type: 'Extension', value: e });
    const observations: Json[] = [
      { resourceType: 'Observation', status: 'final', code: { text: 'x' } },
      { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueInteger: 3 },
      { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueInteger: 3, dataAbsentReason: { text: 'no' } },
      { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueInteger: 3, component: [{ code: { text: 'x' } }] },
      { resourceType: 'Observation', status: 'final', code: { text: 'x' }, contained: [{ resourceType: 'Patient', meta: { versionId: '1' } }] },
    ];
    for (const o of observations) {
      for (const expression of [
        'dataAbsentReason.empty() or value.empty()',
        'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()',
        'contained.contained.empty()',
        'contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()',
        'contained.meta.security.empty()',
      ]) {
        check(expression, toTypedValue(o as Resource));
      }
    }
    expect(shortcutTrue).toBeGreaterThan(10);
  });
});

describe('isEmptyValue', () => {
  it('agrees with Medplum isEmpty', () => {
    for (const v of [null, undefined, '', ' ', 'x', 0, 1, false, true, {}, [], [null], [{}], { a: undefined }, { length: 0 }, { length: 2 }, { a: 1 }, [1]]) {
      expect(isEmptyValue(v), JSON.stringify(v) ?? String(v)).toBe(isEmpty(v));
    }
  });
});
