/**
 * `npm run bench [-- --quick]`: validation cost, in-process auth/read cost, consent decisions and
 * enforcement, mapping and ingest throughput, HTTP overhead against a same-run bare baseline,
 * upstream-mode overhead, outbox delivery, the referral inbox, cold start, then the budget summary (bench/results/latest.json). Sections run one after another
 * so they never compete for this machine's 2 cores. Always exits 0: budgets are reported, not
 * enforced here (tests stay free of timing assertions; ARCHITECTURE §5).
 */
import { cpus, loadavg } from 'node:os';
import { runAuthCost } from './auth-cost.js';
import { runColdStart } from './cold-start.js';
import { runConsentEnforcement } from './consent-enforcement.js';
import { runHttpOverhead } from './http-overhead.js';
import { runMapping } from './mapping.js';
import { runInbox } from './inbox.js';
import { runOutbox } from './outbox.js';
import { writeReport, type Measurement } from './report.js';
import { runUpstream } from './upstream.js';
import { runValidation } from './validation.js';
import type { BenchOptions } from './util.js';

async function main(): Promise<void> {
  const opts: BenchOptions = { quick: process.argv.includes('--quick') };
  const started = performance.now();
  // Load from other processes skews every figure on 2 cores; print it so a noisy run is visible.
  const loadBefore = loadavg()[0]!;
  console.log(`gateway benchmarks${opts.quick ? ' (--quick)' : ''}: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${loadBefore.toFixed(2)}`);
  if (loadBefore > cpus().length / 2) console.log(`WARNING: the machine is already busy (load ${loadBefore.toFixed(2)} on ${cpus().length} CPUs); figures will be pessimistic — rerun when idle.`);
  const measurements: Measurement[] = [];
  measurements.push(...(await runValidation(opts)));
  measurements.push(...(await runAuthCost(opts)));
  measurements.push(...(await runConsentEnforcement(opts)));
  measurements.push(...(await runMapping(opts)));
  measurements.push(...(await runHttpOverhead(opts)));
  measurements.push(...(await runUpstream(opts)));
  measurements.push(...(await runOutbox(opts)));
  measurements.push(...(await runInbox(opts)));
  measurements.push(...(await runColdStart(opts)));
  const seconds = (performance.now() - started) / 1000;
  const loadAverage = { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) };
  await writeReport(measurements, { date: new Date().toISOString(), quick: opts.quick, node: process.version, cpus: cpus().length, loadAverage, durationSeconds: Number(seconds.toFixed(1)) });
  console.log(`bench finished in ${seconds.toFixed(1)} s (1-min load average before ${loadAverage.before}, after ${loadAverage.after}; the bench itself adds ~2)`);
}

main().catch((err: unknown) => {
  // A crash (not a failed budget) is a broken harness: that one does exit non-zero.
  console.error('bench failed:', err);
  process.exit(1);
});
