/**
 * The FHIRPath subset evaluator (fhirpath-subset.ts) never claims `true` where Medplum's FHIRPath
 * engine does not: every root invariant of every project profile, on every corpus resource of
 * that type (mapping goldens, profile fixtures) and on mutated variants of them.
 */
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { goldenResources } from '../../test/support/resource-corpus.js';
import { loadDefinitions, projectDefinitions } from './definitions.js';
import { subsetTrue } from './fhirpath-subset.js';

beforeAll(loadDefinitions);


type Json = Record<string | number, unknown>;
/** Each value deleted, or replaced by a few wrong ones; every nested path. */
function variants(value: unknown, replacements: unknown[] = ['', 'other', 0, 7, 30, true, {}, [], 'survey', 'final', 'http://loinc.org']): unknown[] {
  if (typeof value !== 'object' || value === null) return replacements;
  const out: unknown[] = [];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  for (const k of keys) {
    const without = structuredClone(value) as Json;
    if (Array.isArray(without)) (without as unknown[]).splice(k as number, 1);
    else delete without[k];
    out.push(without);
    for (const v of variants((value as Json)[k], replacements)) {
      const copy = structuredClone(value) as Json;
      copy[k] = v;
      out.push(copy);
    }
  }
  return out;
}

describe('FHIRPath subset evaluator', () => {
  it('answers true only where Medplum evaluates the invariant to true', () => {
    const invariants: { type: string; key: string; expression: string }[] = [];
    for (const sd of projectDefinitions.structureDefinitions) {
      for (const c of sd.snapshot?.element?.[0]?.constraint ?? []) {
        if (c.severity === 'error' && c.expression && sd.type) invariants.push({ type: sd.type, key: c.key ?? '', expression: c.expression });
      }
    }
    expect(invariants.length).toBeGreaterThan(40);
    let checked = 0;
    let claimed = 0;
    const wrong: string[] = [];
    for (const resource of goldenResources().map((g) => g.resource)) {
      const mine = invariants.filter((i) => i.type === resource.resourceType);
      const all = [resource, ...(variants(resource) as Resource[]).filter((_, i) => i % 3 === 0)];
      for (const r of all) {
        if (typeof r !== 'object' || r === null || (r as Resource).resourceType !== resource.resourceType) continue;
        for (const { key, expression } of mine) {
          checked++;
          if (subsetTrue(expression, r) !== true) continue;
          claimed++;
          let medplum: unknown;
          try {
            const tv = toTypedValue(r);
            const result = evalFhirPathTyped(expression, [tv], { '%context': tv, '%resource': tv, '%rootResource': tv });
            medplum = result.length === 1 ? result[0]!.value : result.map((x) => x.value);
          } catch (err) {
            medplum = `error: ${String(err)}`;
          }
          if (medplum !== true) wrong.push(`${key} on ${JSON.stringify(r).slice(0, 300)} → Medplum ${JSON.stringify(medplum)}`);
        }
      }
    }
    console.log(`FHIRPath subset: ${checked} evaluations, ${claimed} answered true`);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(claimed).toBeGreaterThan(checked / 4);
  });
});
