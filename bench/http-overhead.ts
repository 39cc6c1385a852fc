/**
 * HTTP overhead of the gateway over a bare Hono + libSQL handler reading the same rows, measured
 * in one run (ARCHITECTURE §5: report ratios to a same-run baseline, not absolute numbers).
 * Budget: gateway p50 − bare p50 < 2 ms for an authenticated read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Measurement } from './report.js';
import type { ServersInfo } from './servers.js';
import { fmt, percentile, printTable, stopChild, type BenchOptions } from './util.js';

const OVERHEAD_BUDGET_MS = 2;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Scenario {
  readonly name: string;
  readonly gateway: string;
  readonly bare: string;
}

/** Spawns bench/servers.ts and waits for its ready line (seeding included). */
async function startServers(patients: number): Promise<{ child: ChildProcess; info: ServersInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/servers.ts', String(patients)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<ServersInfo>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench/servers.ts exited early (${code})`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as ServersInfo));
  });
  child.removeAllListeners('exit');
  return { child, info };
}

/** One GET, body fully read (so timing includes the payload), status checked. */
async function get(url: string, headers: Record<string, string>): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${body.slice(0, 300)}`);
  return { ms, body };
}

/**
 * Sequential requests, alternating gateway and bare one by one so drift (GC, CPU clock, page
 * cache) hits both equally. One request in flight at a time = per-request latency, no queueing.
 */
async function sequential(s: Scenario, headers: Record<string, string>, n: number, warm: number): Promise<{ gw: number[]; bare: number[] }> {
  const gw: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < warm + n; i++) {
    const a = await get(s.gateway, headers);
    const b = await get(s.bare, headers);
    if (i >= warm) {
      gw.push(a.ms);
      bare.push(b.ms);
    }
  }
  return { gw, bare };
}

/** autocannon -c 10 after a short warm-up run whose figures are discarded. */
async function load(url: string, headers: Record<string, string>, seconds: number): Promise<autocannon.Result> {
  await autocannon({ url, headers, connections: 10, duration: Math.max(1, Math.round(seconds / 3)) });
  return autocannon({ url, headers, connections: 10, duration: seconds });
}

/** Runs the whole HTTP section, prints its tables and returns the summary figures. */
export async function runHttpOverhead(opts: BenchOptions): Promise<Measurement[]> {
  const { child, info } = await startServers(opts.quick ? 40 : 200);
  try {
    console.log(`\n[http] seeded ${info.patients} Patients + ${info.observations} Observations through the gateway in ${fmt(info.seedMs / 1000, 1)} s (${fmt(info.seedMs / (info.patients + info.observations), 1)} ms/create)`);
    const headers = { authorization: `Bearer ${info.token}`, accept: 'application/fhir+json' };
    const scenarios: Scenario[] = [
      { name: 'read Patient/{id}', gateway: `${info.gatewayUrl}/fhir/Patient/${info.patientId}`, bare: `${info.bareUrl}/fhir/Patient/${info.patientId}` },
      { name: 'search Observation?patient (20)', gateway: `${info.gatewayUrl}/fhir/Observation?patient=Patient/${info.patientId}&_count=20`, bare: `${info.bareUrl}/fhir/Observation?patient=Patient/${info.patientId}&_count=20` },
    ];
    // Both servers must answer the same thing, or the comparison is meaningless.
    for (const s of scenarios) {
      const [a, b] = [JSON.parse((await get(s.gateway, headers)).body) as { entry?: unknown[] }, JSON.parse((await get(s.bare, headers)).body) as { entry?: unknown[] }];
      if (a.entry?.length !== b.entry?.length) throw new Error(`${s.name}: gateway returned ${a.entry?.length} entries, bare ${b.entry?.length}`);
    }
    const n = opts.quick ? 300 : 2000;
    const seqRows: string[][] = [];
    const out: Measurement[] = [];
    for (const s of scenarios) {
      const { gw, bare } = await sequential(s, headers, n, opts.quick ? 50 : 200);
      const overhead = percentile(gw, 50) - percentile(bare, 50);
      for (const [label, xs] of [['gateway', gw], ['bare', bare]] as const) {
        seqRows.push([`${s.name} — ${label}`, fmt(percentile(xs, 50)), fmt(percentile(xs, 95)), fmt(percentile(xs, 99)), fmt(xs.reduce((x, y) => x + y, 0) / xs.length)]);
      }
      const pass = overhead < OVERHEAD_BUDGET_MS ? 'PASS' : 'FAIL';
      seqRows.push([`${s.name} — overhead (gw − bare)`, fmt(overhead), fmt(percentile(gw, 95) - percentile(bare, 95)), '', `${pass} (< ${OVERHEAD_BUDGET_MS} ms)`]);
      out.push({ section: 'http', name: `${s.name} overhead p50 (sequential)`, value: overhead, unit: 'ms', budget: OVERHEAD_BUDGET_MS });
    }
    printTable(`HTTP latency, sequential fetch, n=${n} each (ms; alternating gateway/bare)`, ['scenario', 'p50', 'p95', 'p99', 'mean'], seqRows);

    const seconds = opts.quick ? 2 : 5;
    const loadRows: string[][] = [];
    for (const s of scenarios) {
      const g = await load(s.gateway, headers, seconds);
      const b = await load(s.bare, headers, seconds);
      for (const [label, r] of [['gateway', g], ['bare', b]] as const) {
        loadRows.push([`${s.name} — ${label}`, fmt(r.requests.average, 0), fmt(r.latency.p50, 0), fmt(r.latency.p90, 0), fmt(r.latency.p99, 0), String(r.non2xx + r.errors)]);
      }
      const ratio = g.requests.average / b.requests.average;
      loadRows.push([`${s.name} — gateway/bare`, fmt(ratio, 2), '', '', '', '']);
      out.push({ section: 'http', name: `${s.name} throughput gateway (-c 10)`, value: g.requests.average, unit: 'req/s' });
      out.push({ section: 'http', name: `${s.name} throughput ratio gateway/bare`, value: ratio, unit: 'x' });
      if (g.non2xx + g.errors > 0) out.push({ section: 'http', name: `${s.name} non-2xx/errors under load`, value: g.non2xx + g.errors, unit: 'responses', budget: 1 });
    }
    printTable(`HTTP throughput, autocannon -c 10, ${seconds} s each after warm-up (latency ms, whole-ms resolution)`, ['scenario', 'req/s', 'p50', 'p90', 'p99', 'non2xx+err'], loadRows);
    console.log('reference (ARCHITECTURE §5, this machine): bare Hono + one libSQL row ≈ 5.8k req/s, p50 1 ms');
    return out;
  } finally {
    await stopChild(child);
  }
}
