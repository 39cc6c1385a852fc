// Runs before `npm start`, `npm test` and `npm run bench`: builds src/generated only when its
// inputs changed (see build-fingerprint.mjs), without paying for tsx when nothing did. With
// `--server-bundle` (npm start), then also brings build/node.mjs up to date (server-bundle.mjs),
// in the same process: a second Node start would cost as much as both checks.
import { spawnSync } from 'node:child_process';
import { artifactsAreFresh, ROOT } from './build-fingerprint.mjs';

if (!artifactsAreFresh()) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-artifacts.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
if (process.argv.includes('--server-bundle')) {
  const { ensureServerBundle } = await import('./server-bundle.mjs');
  await ensureServerBundle();
}
