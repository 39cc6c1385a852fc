/**
 * Cold start: wall time from spawning the server to the first 200 from GET /fhir/metadata
 * (budget < 3 s from `npm start`). `npm start` includes its `prestart` (artifact and server-bundle
 * checks), so the bundle is also started without npm, and the unbundled sources through tsx, to
 * show where the time goes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Measurement } from './report.js';
import { fmt, freePort, printTable, sleep, type BenchOptions } from './util.js';

const BUDGET_MS = 3000;
const POLL_MS = 25;
const GIVE_UP_MS = 30_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface StartResult {
  readonly ms: number;
  /** The server's own "ready in N ms" (process start → listening), when it printed one. */
  readonly selfReportedMs?: number;
}

/**
 * Spawns `command` in its own process group (npm and tsx each fork a child, so killing only the
 * top pid could leave the real server running), polls until /fhir/metadata answers 200, then
 * ends that group — only the group this function created.
 */
async function timeStart(command: string, args: readonly string[], dataDir: string): Promise<StartResult> {
  const port = await freePort();
  const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}` };
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited (${child.exitCode}) before answering:\n${output}`);
      if (performance.now() - t0 > GIVE_UP_MS) throw new Error(`no answer within ${GIVE_UP_MS} ms:\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/fhir/metadata`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await sleep(POLL_MS);
    }
    const ms = performance.now() - t0;
    const ready = /ready in (\d+) ms/.exec(output);
    return ready ? { ms, selfReportedMs: Number(ready[1]) } : { ms };
  } finally {
    if (child.exitCode === null && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  }
}

/** Runs the cold-start section, prints its table and returns the summary figures. */
export async function runColdStart(opts: BenchOptions): Promise<Measurement[]> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const tsx = [join(ROOT, 'node_modules/.bin/tsx'), 'src/node.ts'];
  const cases: { name: string; cmd: string; args: readonly string[]; budget: boolean }[] = [
    { name: '`npm start`', cmd: npm, args: ['start', '--silent'], budget: true },
    // Where the time goes: the bundle npm start just built, without npm and its prestart check; and
    // the same sources unbundled through tsx's loader (what npm start ran before the bundle).
    ...(opts.quick
      ? []
      : [
          { name: '`node build/node.mjs` (no prestart)', cmd: process.execPath, args: ['--enable-source-maps', join(ROOT, 'build', 'node.mjs')], budget: false },
          { name: '`tsx src/node.ts` (unbundled)', cmd: process.execPath, args: tsx, budget: false },
        ]),
  ];
  const rows: string[][] = [];
  const out: Measurement[] = [];
  for (const c of cases) {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-cold-'));
    try {
      for (const run of ['first start, empty data dir', 'second start, same data dir']) {
        // A server that does not start is a failed budget, not a broken harness: keep the report.
        const r = await timeStart(c.cmd, c.args, dir).catch((err: unknown): StartResult => {
          console.error(`[cold start] ${c.name} (${run}) did not answer: ${err instanceof Error ? err.message : String(err)}`);
          return { ms: Number.NaN };
        });
        const verdict = r.ms < BUDGET_MS ? 'PASS' : 'FAIL';
        rows.push([`${c.name} — ${run}`, Number.isNaN(r.ms) ? 'no answer' : fmt(r.ms, 0), r.selfReportedMs === undefined ? 'n/a' : String(r.selfReportedMs), c.budget ? verdict : `(${verdict})`]);
        out.push({ section: 'cold start', name: `${c.name}, ${run}`, value: r.ms, unit: 'ms', ...(c.budget ? { budget: BUDGET_MS } : {}) });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  printTable(`Cold start to first 200 on GET /fhir/metadata (polled every ${POLL_MS} ms; budget < ${BUDGET_MS} ms)`, ['case', 'wall ms', 'server "ready in" ms', 'budget'], rows);
  return out;
}
