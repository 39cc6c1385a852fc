// `npm start` runs build/node.mjs: the Node entry (src/node.ts and every module it imports, JSON
// included) bundled by esbuild, rebuilt here only when its inputs changed. Loading ≈195 TypeScript
// modules one by one through tsx's loader thread was ≈0.7 s of every cold start (budget < 3 s);
// the one bundled file loads in a fraction of that. Packages stay external (node_modules, native
// libsql); source maps keep stack traces pointing at src/.
//
// The bundle sits one directory below the repository root, like src/, because node-gateway.ts
// finds migrations/ relative to its own module URL (`../migrations`).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, fingerprint, writeIfChanged } from './build-fingerprint.mjs';

export const SERVER_BUNDLE = join(ROOT, 'build', 'node.mjs');
const STAMP = `${SERVER_BUNDLE}.stamp`;
/** Everything the bundle is made of: sources, generated JSON, the packages' exact versions. */
const INPUTS = ['src', 'package-lock.json', 'scripts/server-bundle.mjs'];

/** Rebuilds build/node.mjs unless it was built from the current inputs. */
export async function ensureServerBundle() {
  const current = fingerprint(ROOT, INPUTS);
  if (existsSync(SERVER_BUNDLE) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === current) return;
  const { build } = await import('esbuild');
  const started = performance.now();
  // write: false, then an atomic rename per file (writeIfChanged): a start racing this one (test
  // files run in parallel) loads either the old bundle or the new one, never half of one.
  const result = await build({
    entryPoints: [join(ROOT, 'src', 'node.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(dirname(SERVER_BUNDLE), { recursive: true });
  // The map first, so a bundle is never there without the map it names.
  for (const file of [...result.outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1))) writeIfChanged(file.path, file.text);
  writeIfChanged(STAMP, current);
  console.error(`bundled src/node.ts → build/node.mjs in ${Math.round(performance.now() - started)} ms`);
}
