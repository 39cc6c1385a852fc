/** Validation cost per request body (budget: < 2 ms per typical CarePlan/Consent after warm-up). */
import { Bench } from 'tinybench';
import { createValidator } from '../src/conformance/index.js';
import { carePlan, consent, observation, patient, task } from './fixtures.js';
import type { Measurement } from './report.js';
import { fmt, printTable, type BenchOptions } from './util.js';

const BUDGET_MS = 2;
/** The budget names CarePlan and Consent; the others are printed for context. */
const BUDGETED = new Set(['CarePlan', 'Consent']);

/** Benchmarks `validator.validate()` on each fixture; prints a table, returns the figures. */
export async function runValidation(opts: BenchOptions): Promise<Measurement[]> {
  const t0 = performance.now();
  const validator = await createValidator();
  const loadMs = performance.now() - t0;
  const fixtures = { CarePlan: carePlan, Consent: consent, Patient: patient, Observation: observation, Task: task };
  // A fixture that fails validation would benchmark the error path: check each once first.
  for (const [name, r] of Object.entries(fixtures)) {
    try {
      validator.validate(structuredClone(r));
    } catch (err) {
      throw new Error(`fixture ${name} does not validate: ${JSON.stringify((err as { outcome?: unknown }).outcome ?? String(err))}`);
    }
  }
  const bench = new Bench({ time: opts.quick ? 300 : 1000, warmupTime: opts.quick ? 100 : 300 });
  // Validate a parsed copy like the gateway does (it validates the freshly parsed body).
  for (const [name, r] of Object.entries(fixtures)) {
    const json = JSON.stringify(r);
    bench.add(name, () => {
      validator.validate(JSON.parse(json));
    });
  }
  await bench.run();
  const rows: string[][] = [];
  const out: Measurement[] = [];
  for (const t of bench.tasks) {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`validation bench ${t.name}: ${r.state}${r.state === 'errored' ? ` ${r.error.message}` : ''}`);
    const budgeted = BUDGETED.has(t.name);
    const verdict = r.latency.p50 < BUDGET_MS ? 'PASS' : 'FAIL';
    rows.push([t.name, fmt(r.latency.mean, 3), fmt(r.latency.p50, 3), fmt(r.latency.p99, 3), fmt(r.throughput.mean, 0), String(r.latency.samplesCount), budgeted ? verdict : `(${verdict})`]);
    out.push({ section: 'validation', name: `${t.name} p50`, value: r.latency.p50, unit: 'ms', ...(budgeted ? { budget: BUDGET_MS } : {}) });
  }
  printTable(`Validation (validator.validate incl. JSON.parse of the body; definitions loaded in ${fmt(loadMs, 0)} ms; budget p50 < ${BUDGET_MS} ms)`, ['resource', 'mean ms', 'p50 ms', 'p99 ms', 'ops/s', 'samples', 'budget'], rows);
  return out;
}
