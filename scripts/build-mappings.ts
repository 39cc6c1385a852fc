/**
 * Compiles mappings/*.yaml and mappings/concept-maps/*.yaml into src/generated/mappings.json,
 * which the runtime imports statically (Workers have no filesystem). Fails loudly — non-zero
 * exit naming the file and the problem — on a file that breaks the mapping spec, a JSONata
 * expression that does not parse, an unknown concept map, or a missing sample.
 *
 *   npm run build:mappings                    compile
 *   npm run build:mappings -- --write-expected   also rewrite mappings/<id>/expected.json from
 *                                             sample.json (review the diff before keeping it)
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';
import { compileMapping } from '../src/mapping/compiled-mapping.js';
import { goldenResolver } from '../src/mapping/golden-resolver.js';
import { mapRecord, validateRecord } from '../src/mapping/map-record.js';
import { conceptMapSpec, mappingSpec, type CompiledConceptMap, type CompiledMappings, type MappingSpec } from '../src/mapping/spec.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const mappingsDir = join(root, 'mappings');
const conceptMapsDir = join(mappingsDir, 'concept-maps');
const outFile = join(root, 'src', 'generated', 'mappings.json');

function readYaml<T>(file: string, schema: z.ZodType<T>): T {
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new Error(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${file}: not a valid mapping file:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

const yamlFiles = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : []);

/** Compiles everything; throws on the first bad file. Exported for tests. */
export async function buildMappings(writeExpected = false): Promise<CompiledMappings> {
  const conceptMaps: Record<string, CompiledConceptMap> = {};
  for (const name of yamlFiles(conceptMapsDir)) {
    const spec = readYaml(join(conceptMapsDir, name), conceptMapSpec);
    if (`${spec.id}.yaml` !== name) throw new Error(`${name}: id \`${spec.id}\` must match the file name`);
    const map: CompiledConceptMap['map'] = Object.fromEntries(
      Object.entries(spec.map).map(([source, t]) => [source, { system: t.system ?? spec.system, code: t.code, ...(t.display ? { display: t.display } : {}) }]),
    );
    conceptMaps[spec.id] = { id: spec.id, title: spec.title, map };
  }
  const mappings: MappingSpec[] = [];
  for (const name of yamlFiles(mappingsDir)) {
    const file = join(mappingsDir, name);
    const spec = readYaml(file, mappingSpec);
    if (`${spec.id}.yaml` !== name.replace(/\.yml$/, '.yaml')) throw new Error(`${file}: id \`${spec.id}\` must match the file name`);
    const compiled = compileMapping(spec, conceptMaps);
    for (const sample of ['sample.json', 'sample.csv']) {
      if (!existsSync(join(mappingsDir, spec.id, sample))) throw new Error(`${file}: missing mappings/${spec.id}/${sample}`);
    }
    if (writeExpected) {
      const records = JSON.parse(readFileSync(join(mappingsDir, spec.id, 'sample.json'), 'utf8')) as unknown[];
      const expected = [];
      for (const [row, raw] of records.entries()) {
        const checked = validateRecord(compiled, raw, row);
        if (!checked.ok) throw new Error(`${spec.id} sample record ${row}: ${checked.error.message}`);
        const mapped = await mapRecord(compiled, checked.record, row, goldenResolver, { claimProfile: () => true });
        if (!mapped.ok) throw new Error(`${spec.id} sample record ${row}: ${mapped.error.message}`);
        expected.push(mapped.resources.map((r) => r.resource));
      }
      writeFileSync(join(mappingsDir, spec.id, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
    }
    mappings.push(spec);
  }
  if (mappings.length === 0) throw new Error(`no mappings in ${mappingsDir}`);
  return { mappings, conceptMaps };
}

/** Builds and writes src/generated/mappings.json; called by build-artifacts.ts and by `npm run build:mappings`. */
export async function writeMappingsJson(writeExpected = false): Promise<void> {
  const started = Date.now();
  const out = await buildMappings(writeExpected);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(out)}\n`);
  console.log(`build-mappings: ${out.mappings.length} mappings, ${Object.keys(out.conceptMaps).length} concept maps → src/generated/mappings.json; ${Date.now() - started} ms`);
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  writeMappingsJson(process.argv.includes('--write-expected')).then(
    () => undefined,
    (err: unknown) => {
      console.error(`build-mappings FAILED: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
