import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A hash of every build input (files under `inputs`, recursively, in a stable order), so a build
 * whose inputs did not change can skip itself. `npm start` and `npm test` run the build each time;
 * skipping keeps cold start short and stops concurrent test workers from racing a rewrite.
 */
export function fingerprint(root: string, inputs: readonly string[]): string {
  const hash = createHash('sha256');
  const stack = inputs.map((p) => join(root, p)).filter((p) => existsSync(p));
  const files: string[] = [];
  while (stack.length > 0) {
    const path = stack.pop()!;
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) stack.push(join(path, name));
    else files.push(path);
  }
  for (const file of files.sort()) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** Writes `text` to `path` atomically (temp file + rename), and only when it differs. */
export function writeIfChanged(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}
