/** Small helpers shared by the benchmark modules: percentiles, tables, free ports. */
import type { ChildProcess } from 'node:child_process';

/** Exact percentile (nearest-rank) of `samples`; sorts a copy so callers keep their order. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Formats a number with `digits` decimals, or `n/a` for NaN. */
export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Prints a titled, column-aligned table (first column left-aligned, the rest right-aligned). */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** A currently free TCP port (the gateway must know its port before it starts: tokens' `aud`). */
export { freePort } from '../test/support/processes.js';

/** Wall-clock ms of `runs` sequential calls of `fn`, one sample each. */
export async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return samples;
}

/**
 * Times `a` and `b` alternately, `runs` times each: a difference of their percentiles is then not
 * skewed by the machine getting busier or quieter between two sequential blocks of runs.
 */
export async function timeInterleaved(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(...(await timeIt(1, a)));
    bs.push(...(await timeIt(1, b)));
  }
  return [as, bs];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** SIGTERMs a bench's server child and waits until it is gone, so it never competes with the next section. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  /** `--quick`: shorter autocannon runs and fewer samples, for a smoke check. */
  readonly quick: boolean;
}
