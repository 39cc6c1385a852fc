/**
 * Runs the real Worker locally: `wrangler d1 migrations apply --local` then `wrangler dev --local`
 * (workerd + miniflare's D1) on a free port, with its state in a temp dir. Used by
 * test/worker.test.ts. Nothing here needs the internet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './processes.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRANGLER = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');

// No telemetry, no prompts (CI=true makes `d1 migrations apply` confirm by itself), no colours.
const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };

export interface WranglerDev {
  readonly baseUrl: string;
  /** Milliseconds from spawning `wrangler dev` to the first 200 from /healthz (includes the gateway's cold build). */
  readonly startupMs: number;
  /** Everything wrangler printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  readonly vars: Readonly<Record<string, string>>;
  /** Bounds the wait for /healthz. */
  readonly readyTimeoutMs?: number;
}


/** Runs wrangler to completion; rejects with its output when it exits non-zero. */
function runWrangler(args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: WRANGLER_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`wrangler ${args.join(' ')} exited ${code}:\n${out}`));
    });
  });
}

/**
 * Applies migrations/ to a fresh local D1 in a temp dir, then starts `wrangler dev --local` on it
 * and waits for /healthz. The caller must `stop()` it (kills wrangler's process group, removes the dir).
 */
export async function startWranglerDev(options: WranglerDevOptions & { port: number }): Promise<WranglerDev> {
  const persistDir = await mkdtemp(join(tmpdir(), 'gateway-wrangler-'));
  let child: ChildProcess | undefined;
  let out = '';
  const stop = async (): Promise<void> => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      try {
        process.kill(-child.pid, 'SIGTERM'); // our own detached group only: wrangler + its workerd
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child!.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(persistDir, { recursive: true, force: true });
  };
  try {
    await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir]);
    const baseUrl = `http://127.0.0.1:${options.port}`;
    const varArgs = Object.entries(options.vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
    const started = performance.now();
    child = spawn(
      process.execPath,
      [WRANGLER, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(options.port), '--inspector-port', String(await freePort()),
        '--persist-to', persistDir, '--show-interactive-dev-session=false', '--log-level', 'warn',
        // Exposes GET /__scheduled so tests can fire the Cron Trigger (outbox and care-coordination ticks).
        '--test-scheduled', ...varArgs],
      { cwd: ROOT, env: WRANGLER_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const deadline = started + (options.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited ${child.exitCode} before it was ready:\n${out}`);
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 200) break;
        await res.body?.cancel();
      } catch {
        // not listening yet
      }
      if (performance.now() > deadline) throw new Error(`wrangler dev did not answer /healthz within ${options.readyTimeoutMs ?? 60_000} ms:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { baseUrl, startupMs: Math.round(performance.now() - started), output: () => out, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { freePort };
