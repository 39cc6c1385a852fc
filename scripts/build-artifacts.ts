/**
 * Writes the runtime definitions into src/generated/ (build output, never edited by hand):
 *
 *   r4-definitions.json  R4 datatypes, the resource StructureDefinitions the gateway serves (plus the
 *                        few it builds itself), their SearchParameters, and expansions of the
 *                        required-binding value sets the validator checks. Trimmed to what
 *                        validation and search need, so it fits a Cloudflare Worker.
 *   profiles.json        everything in profiles/compiled/ (StructureDefinitions with snapshots,
 *                        CodeSystems, ValueSets, ConceptMaps) plus expansions of its value sets.
 *
 * Run with `npm run build:artifacts` (tsx scripts/build-artifacts.ts). Deterministic, ~2 s.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  CodeSystem,
  ConceptMap,
  ElementDefinition,
  Resource,
  SearchParameter,
  StructureDefinition,
  ValueSet,
} from '@medplum/fhirtypes';
import { type CodeTable, canonicalUrl, expandValueSet, type TerminologySource } from '../src/conformance/terminology.js';
import { RESOURCE_TYPES } from '../src/fhir/resource-types.js';
import { loadR4Core } from './build-r4-core.js';
import { ARTIFACT_INPUTS, STAMP_PATH, fingerprint, writeIfChanged } from './build-fingerprint.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src', 'generated');
const compiledDir = join(root, 'profiles', 'compiled');

/** Resource types the gateway builds or accepts besides the served ones (element types, not reference targets). */
const EXTRA_RESOURCE_TYPES = ['Resource', 'DomainResource', 'Bundle', 'OperationOutcome', 'Parameters'];

/** ElementDefinition fields the validator, search and `_summary` read; documentation is dropped. */
const ELEMENT_KEYS = new Set([
  'id', 'path', 'sliceName', 'slicing', 'min', 'max', 'base', 'contentReference', 'type', 'constraint', 'binding',
  'isModifier', 'isSummary', 'maxLength', 'mustSupport',
]);
const ELEMENT_PREFIXES = ['fixed', 'pattern', 'minValue', 'maxValue'];
const SD_KEYS = ['resourceType', 'id', 'url', 'version', 'name', 'status', 'kind', 'abstract', 'type', 'baseDefinition', 'derivation'] as const;
const SP_DROP = new Set(['text', 'description', 'xpath', 'xpathUsage', 'contact', 'publisher', 'date', 'extension', 'meta', 'purpose', 'useContext', 'jurisdiction']);

function slimElement(el: ElementDefinition): ElementDefinition {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(el)) {
    if (!ELEMENT_KEYS.has(key) && !ELEMENT_PREFIXES.some((p) => key.startsWith(p))) continue;
    if (key === 'constraint') {
      out[key] = (value as NonNullable<ElementDefinition['constraint']>).map(({ key: k, severity, human, expression }) => ({ key: k, severity, human, expression }));
    } else if (key === 'binding') {
      const { strength, valueSet } = value as NonNullable<ElementDefinition['binding']>;
      out[key] = valueSet === undefined ? { strength } : { strength, valueSet };
    } else {
      out[key] = value;
    }
  }
  return out as unknown as ElementDefinition;
}

function slimStructureDefinition(sd: StructureDefinition): StructureDefinition {
  const out: Record<string, unknown> = {};
  for (const key of SD_KEYS) if (sd[key] !== undefined) out[key] = sd[key];
  out.snapshot = { element: (sd.snapshot?.element ?? []).map(slimElement) };
  return out as unknown as StructureDefinition;
}

function slimSearchParameter(sp: SearchParameter, types: ReadonlySet<string>): SearchParameter {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sp)) if (!SP_DROP.has(key)) out[key] = value;
  out.base = sp.base.filter((b) => types.has(b));
  return out as unknown as SearchParameter;
}

function byId<T extends { id?: string; url?: string }>(a: T, b: T): number {
  return (a.url ?? a.id ?? '').localeCompare(b.url ?? b.id ?? '');
}

function source(valueSets: ValueSet[], codeSystems: CodeSystem[]): TerminologySource {
  const vs = new Map(valueSets.map((v) => [v.url ?? '', v]));
  const cs = new Map(codeSystems.map((c) => [c.url ?? '', c]));
  return { valueSet: (url) => vs.get(url), codeSystem: (url) => cs.get(url) };
}

/** Expands every required binding of `sds`; returns the expansions and the URLs it could not expand. */
function requiredExpansions(sds: StructureDefinition[], terms: TerminologySource): { expansions: Record<string, CodeTable>; skipped: string[] } {
  const urls = new Set<string>();
  for (const sd of sds) {
    for (const el of sd.snapshot?.element ?? []) {
      if (el.binding?.strength === 'required' && el.binding.valueSet) urls.add(canonicalUrl(el.binding.valueSet));
    }
  }
  const expansions: Record<string, CodeTable> = {};
  const skipped: string[] = [];
  for (const url of [...urls].sort()) {
    const table = expandValueSet(url, terms);
    if (table) expansions[url] = table;
    else skipped.push(url);
  }
  return { expansions, skipped };
}

function readCompiled(): Resource[] {
  return readdirSync(compiledDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(compiledDir, f), 'utf8')) as Resource);
}

function write(name: string, data: unknown): number {
  const text = `${JSON.stringify(data)}\n`;
  writeIfChanged(join(outDir, name), text);
  return Buffer.byteLength(text);
}

const stampPath = STAMP_PATH;
const stamp = fingerprint(root, ARTIFACT_INPUTS);

const started = Date.now();
const core = loadR4Core();
const wanted = new Set<string>([...RESOURCE_TYPES, ...EXTRA_RESOURCE_TYPES]);
const resourceSds = core.resources.filter((sd) => sd.kind === 'resource' && wanted.has(sd.type ?? ''));
const missing = [...wanted].filter((t) => !resourceSds.some((sd) => sd.type === t));
if (missing.length) throw new Error(`no R4 StructureDefinition for: ${missing.join(', ')}`);
const types = [...core.types].sort(byId);
const resources = [...resourceSds].sort(byId);
const searchParameters = core.searchParameters
  .filter((sp) => sp.base.some((b) => wanted.has(b)))
  .map((sp) => slimSearchParameter(sp, wanted))
  .sort(byId);
const coreTerms = source(core.valueSets, core.codeSystems);
const r4 = requiredExpansions([...types, ...resources], coreTerms);

const compiled = readCompiled();
const profiles = compiled.filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition');
for (const sd of profiles) if (!sd.snapshot?.element?.length) throw new Error(`profile ${sd.url} has no snapshot`);
const codeSystems = compiled.filter((r): r is CodeSystem => r.resourceType === 'CodeSystem');
const valueSets = compiled.filter((r): r is ValueSet => r.resourceType === 'ValueSet');
const conceptMaps = compiled.filter((r): r is ConceptMap => r.resourceType === 'ConceptMap');
const projectTerms = source([...core.valueSets, ...valueSets], [...core.codeSystems, ...codeSystems]);
const expansions: Record<string, CodeTable> = {};
for (const vs of valueSets) {
  const table = expandValueSet(vs.url ?? '', projectTerms);
  if (!table) throw new Error(`project value set ${vs.url} cannot be expanded (filters or unknown code systems)`);
  expansions[canonicalUrl(vs.url ?? '')] = table;
}
const profileBindings = requiredExpansions(profiles, projectTerms);
for (const [url, table] of Object.entries(profileBindings.expansions)) if (!(url in r4.expansions)) expansions[url] = table;

mkdirSync(outDir, { recursive: true });
const r4Size = write('r4-definitions.json', {
  types: types.map(slimStructureDefinition),
  resources: resources.map(slimStructureDefinition),
  searchParameters,
  requiredValueSets: r4.expansions,
});
const profilesSize = write('profiles.json', { structureDefinitions: profiles, codeSystems, valueSets, conceptMaps, expansions });
console.log(
  `build-artifacts: r4-definitions.json ${(r4Size / 1024).toFixed(0)} KiB (${types.length} types, ${resources.length} resources, ` +
    `${searchParameters.length} search parameters, ${Object.keys(r4.expansions).length} required value sets, ${r4.skipped.length} not expandable: ${r4.skipped.join(" ")}); ` +
    `profiles.json ${(profilesSize / 1024).toFixed(0)} KiB (${profiles.length} profiles); ${Date.now() - started} ms`,
);
// mappings/*.yaml → src/generated/mappings.json; a bad mapping file fails the build. Imported late
// because it loads the validator, which reads the profiles.json written just above.
await (await import('./build-mappings.js')).writeMappingsJson();
writeIfChanged(stampPath, stamp);
