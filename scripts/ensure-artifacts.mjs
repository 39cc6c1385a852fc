// Runs before `npm start`, `npm test` and `npm run bench`: builds src/generated only when its
// inputs changed (see build-fingerprint.mjs), without paying for tsx when nothing did.
import { spawnSync } from 'node:child_process';
import { artifactsAreFresh, ROOT } from './build-fingerprint.mjs';

if (!artifactsAreFresh()) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-artifacts.ts'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
