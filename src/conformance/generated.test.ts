import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCE_TYPES } from '../fhir/resource-types.js';
import { projectDefinitions, r4Definitions } from './definitions.js';

const compiledDir = join(import.meta.dirname, '..', '..', 'profiles', 'compiled');

describe('generated definitions', () => {
  it('profiles.json matches profiles/compiled (run `npm run build:artifacts` after `build:profiles`)', () => {
    const compiled = readdirSync(compiledDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(compiledDir, f), 'utf8')) as { resourceType: string; url: string });
    const generated = [...projectDefinitions.structureDefinitions, ...projectDefinitions.codeSystems, ...projectDefinitions.valueSets, ...projectDefinitions.conceptMaps];
    const byUrl = (a: { url?: string }, b: { url?: string }) => (a.url ?? '').localeCompare(b.url ?? '');
    expect([...generated].sort(byUrl)).toEqual([...compiled].sort(byUrl));
  });

  it('r4-definitions.json covers every served resource type', () => {
    const types = new Set(r4Definitions.resources.map((sd) => sd.type));
    for (const type of RESOURCE_TYPES) expect(types.has(type), type).toBe(true);
  });

  it('carries none of Medplum’s additions to R4', () => {
    const sds = [...r4Definitions.types, ...r4Definitions.resources, ...projectDefinitions.structureDefinitions];
    const paths = sds.flatMap((sd) => (sd.snapshot?.element ?? []).map((el) => el.path));
    for (const extra of ['project', 'author', 'onBehalfOf', 'account', 'accounts', 'compartment']) {
      expect(paths.filter((p) => p.endsWith(`.meta.${extra}`) || p === `Meta.${extra}`)).toEqual([]);
    }
    const targets = sds.flatMap((sd) => (sd.snapshot?.element ?? []).flatMap((el) => (el.type ?? []).flatMap((t) => t.targetProfile ?? [])));
    expect(targets.filter((t) => t.includes('medplum.com'))).toEqual([]);
  });
});
