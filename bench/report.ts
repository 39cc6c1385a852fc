/** Collects every budgeted figure, prints the final summary and writes bench/results/latest.json. */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fmt, printTable } from './util.js';

/** One measured figure; with `budget` it is a pass/fail check (lower is better), otherwise info. */
export interface Measurement {
  readonly section: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Upper bound: the figure passes when `value < budget`. */
  readonly budget?: number;
  readonly note?: string;
}

/** PASS / FAIL against the budget, INFO when there is none (ratios, throughput). */
export function verdict(m: Measurement): 'PASS' | 'FAIL' | 'INFO' {
  if (m.budget === undefined) return 'INFO';
  return Number.isFinite(m.value) && m.value < m.budget ? 'PASS' : 'FAIL';
}

const RESULTS_FILE = fileURLToPath(new URL('./results/latest.json', import.meta.url));

/**
 * Prints the summary table and writes the same rows as JSON (committable: the lead wants the
 * latest figures in the repo). Returns the number of failed budgets; the caller still exits 0,
 * because this is a report, not a gate.
 */
export async function writeReport(measurements: readonly Measurement[], meta: Record<string, unknown>): Promise<number> {
  const rows = measurements.map((m) => [
    `${m.section}: ${m.name}`,
    `${fmt(m.value, m.unit === 'req/s' || Math.abs(m.value) >= 100 ? 0 : 2)} ${m.unit}`,
    m.budget === undefined ? '—' : `< ${m.budget} ${m.unit}`,
    verdict(m) === 'FAIL' ? '*** FAIL ***' : verdict(m),
  ]);
  printTable('== SUMMARY (budgets) ==', ['figure', 'measured', 'budget', 'result'], rows);
  const failed = measurements.filter((m) => verdict(m) === 'FAIL');
  console.log(failed.length ? `\n${failed.length} budget(s) FAILED: ${failed.map((m) => `${m.section}: ${m.name}`).join('; ')}` : '\nAll budgets PASS.');
  await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  const json = { ...meta, results: measurements.map((m) => ({ ...m, value: Number(m.value.toFixed(3)), result: verdict(m) })) };
  await writeFile(RESULTS_FILE, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`written ${RESULTS_FILE}`);
  return failed.length;
}
