/**
 * Golden files: every mapping's sample.json maps to exactly mappings/<id>/expected.json (with a
 * deterministic resolver, so ids and references are stable), sample.csv maps to the same
 * resources, and every output passes the real FHIR validator. expected.json claims each target
 * profile; profiles that are not compiled yet are dropped from it before comparing, which is
 * exactly what the engine's profile switch does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { createValidator, getProfile, type ResourceValidator } from '../src/conformance/index.js';
import { coerceCsvRecord, createMappingRegistry, mapRecord, parseCsv, validateRecord, type CompiledMapping } from '../src/mapping/index.js';
import { goldenResolver } from '../src/mapping/golden-resolver.js';
import { isPart2Labeled } from '../src/consent/labels.js';

const registry = createMappingRegistry();
const dir = (id: string) => join(import.meta.dirname, '..', 'mappings', id);
let validator: ResourceValidator;
beforeAll(async () => {
  validator = await createValidator();
});

async function mapAll(mapping: CompiledMapping, records: readonly unknown[]): Promise<Resource[][]> {
  const out: Resource[][] = [];
  for (const [row, raw] of records.entries()) {
    const checked = validateRecord(mapping, raw, row);
    if (!checked.ok) throw new Error(JSON.stringify(checked.error.issues));
    const mapped = await mapRecord(mapping, checked.record, row, goldenResolver);
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.error.issues));
    out.push(mapped.resources.map((r) => r.resource));
  }
  return out;
}

/** Drops claimed profiles that are not loaded (and meta if that empties it), as the engine does. */
function withLoadedProfiles(records: Resource[][]): Resource[][] {
  return records.map((resources) =>
    resources.map((r) => {
      if (!r.meta?.profile) return r;
      const profile = r.meta.profile.filter((url) => getProfile(url) !== undefined);
      const { profile: _p, ...meta } = r.meta;
      const next = profile.length ? { ...meta, profile } : meta;
      const { meta: _m, ...rest } = r;
      return (Object.keys(next).length ? { ...rest, meta: next } : rest) as Resource;
    }),
  );
}

describe('mapping golden files', () => {
  it('has at least 8 mappings', () => {
    expect(registry.ids().length).toBeGreaterThanOrEqual(8);
  });

  for (const id of registry.ids()) {
    describe(id, () => {
      const mapping = registry.get(id)!;
      const sample = JSON.parse(readFileSync(join(dir(id), 'sample.json'), 'utf8')) as unknown[];
      const expected = withLoadedProfiles(JSON.parse(readFileSync(join(dir(id), 'expected.json'), 'utf8')) as Resource[][]);

      it('maps sample.json to exactly expected.json', async () => {
        expect(await mapAll(mapping, sample)).toStrictEqual(expected);
      });

      it('maps sample.csv to the same resources as sample.json', async () => {
        const rows = parseCsv(readFileSync(join(dir(id), 'sample.csv'), 'utf8'), 1000).map((r) => coerceCsvRecord(r, mapping.spec.input));
        expect(await mapAll(mapping, rows)).toStrictEqual(expected);
      });

      it('produces resources the FHIR validator accepts', () => {
        for (const resources of expected) for (const r of resources) expect(() => validator.validate(r)).not.toThrow();
      });

      it('labels Part 2 exactly as the mapping declares (P2-18)', () => {
        const part2 = mapping.spec.labels.part2;
        for (const resources of expected) {
          for (const r of resources) {
            if (part2 === true) expect(isPart2Labeled(r.meta?.security)).toBe(true);
            if (part2 === false) expect(isPart2Labeled(r.meta?.security)).toBe(false);
          }
        }
      });
    });
  }
});
