import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Every resource the project holds as known-good: each mapping's golden output
 * (mappings/<id>/expected.json) and each profile fixture (test/fixtures/profiles). The differential
 * tests of the fast paths (validation, FHIRPath subset, index extraction) run over it.
 */
export function goldenResources(): { name: string; resource: Resource }[] {
  const out: { name: string; resource: Resource }[] = [];
  for (const entry of readdirSync(join(ROOT, 'mappings'), { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'concept-maps') continue;
    let groups: Resource[][];
    try {
      groups = JSON.parse(readFileSync(join(ROOT, 'mappings', entry.name, 'expected.json'), 'utf8')) as Resource[][];
    } catch {
      continue; // a mapping without a golden file has nothing to compare
    }
    groups.flat().forEach((resource, i) => out.push({ name: `${entry.name}[${i}]`, resource }));
  }
  for (const file of readdirSync(join(ROOT, 'test', 'fixtures', 'profiles'))) {
    out.push({ name: file, resource: JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'profiles', file), 'utf8')) as Resource });
  }
  return out;
}
