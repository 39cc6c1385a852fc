/**
 * The fast synchronous JSONata path (src/mapping/fast-jsonata.ts) must give exactly what jsonata
 * gives: every mapping's samples, plus edge records (missing optionals, falsy values), are mapped
 * with both and compared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import compiled from '../src/generated/mappings.json' with { type: 'json' };
import { compileMapping, mapRecord, validateRecord, type CompiledMapping, type CompiledMappings } from '../src/mapping/index.js';
import { goldenResolver } from '../src/mapping/golden-resolver.js';

const data = compiled as unknown as CompiledMappings;

function build(reference: boolean, id: string): CompiledMapping {
  if (reference) process.env.MAPPING_JSONATA = 'reference';
  else delete process.env.MAPPING_JSONATA;
  return compileMapping(data.mappings.find((m) => m.id === id)!, data.conceptMaps);
}

async function mapAll(mapping: CompiledMapping, records: readonly unknown[]): Promise<unknown[]> {
  const out = [];
  for (const [row, raw] of records.entries()) {
    const checked = validateRecord(mapping, raw, row);
    if (!checked.ok) {
      out.push(checked.error.issues);
      continue;
    }
    const mapped = await mapRecord(mapping, checked.record, row, goldenResolver, { claimProfile: () => true });
    out.push(mapped.ok ? mapped.resources.map((r) => r.resource) : mapped.error.issues);
  }
  return out;
}

/** Sample records with each optional field removed in turn, plus falsy numbers and booleans. */
function variants(sample: Record<string, unknown>[], requiredFields: Set<string>): Record<string, unknown>[] {
  const out = [...sample];
  for (const record of sample) {
    for (const key of Object.keys(record)) {
      if (requiredFields.has(key)) continue;
      const { [key]: _dropped, ...rest } = record;
      out.push(rest);
    }
    for (const [key, value] of Object.entries(record)) {
      if (typeof value === 'number') out.push({ ...record, [key]: 0 });
      if (typeof value === 'boolean') out.push({ ...record, [key]: !value });
    }
  }
  return out;
}

afterEach(() => {
  delete process.env.MAPPING_JSONATA;
});

describe('fast JSONata path ≡ jsonata', () => {
  for (const spec of data.mappings) {
    it(`${spec.id}: every template runs on the fast path and matches jsonata`, async () => {
      const fast = build(false, spec.id);
      expect(fast.resources.every((r) => r.template.fast && r.key.fast)).toBe(true);
      const reference = build(true, spec.id);
      expect(reference.resources.every((r) => !r.template.fast)).toBe(true);
      const sample = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'mappings', spec.id, 'sample.json'), 'utf8')) as Record<string, unknown>[];
      const records = variants(sample, new Set(spec.input.filter((f) => f.required).map((f) => f.name)));
      expect(await mapAll(fast, records)).toStrictEqual(await mapAll(reference, records));
    });
  }
});
