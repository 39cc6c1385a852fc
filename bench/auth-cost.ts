/**
 * Per-request CPU of the pieces every authenticated call pays, in process (no HTTP): access-token
 * verification and the gateway's whole in-process read path. Informational (no budget): it says
 * where the HTTP overhead measured by http-overhead.ts goes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { startNodeGateway } from '../src/node-gateway.js';
import type { Measurement } from './report.js';
import { fetchToken } from './seed.js';
import { fmt, printTable, type BenchOptions } from './util.js';

const BASE = 'http://localhost:8787';

/** Benchmarks verifyAccessToken, a direct store read, and `app.request` GET Patient/{id}. */
export async function runAuthCost(opts: BenchOptions): Promise<Measurement[]> {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-authcost-'));
  const gw = await startNodeGateway({ dataDir: dir, databaseUrl: `file:${join(dir, 'gateway.db')}`, keysDir: join(dir, 'keys'), publicUrl: BASE, demoData: true }, { log: () => undefined });
  try {
    const token = await fetchToken(BASE, join(dir, 'keys'), 'demo-admin', async (url, init) => gw.app.request(url, init));
    const headers = { authorization: `Bearer ${token}` };
    const created = await gw.app.request(`${BASE}/fhir/Patient`, { method: 'POST', headers: { ...headers, 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Cost' }] }) });
    const { id } = (await created.json()) as { id: string };
    const bench = new Bench({ time: opts.quick ? 300 : 1000, warmupTime: opts.quick ? 100 : 300 });
    bench.add('auth.verifyAccessToken (ES384 JWS)', async () => {
      await gw.auth.verifyAccessToken(token);
    });
    bench.add('repo.read Patient (libSQL row)', async () => {
      await gw.repo.read('Patient', id);
    });
    bench.add('app.request GET /fhir/Patient/{id}', async () => {
      const res = await gw.app.request(`${BASE}/fhir/Patient/${id}`, { headers });
      if (res.status !== 200) throw new Error(`read → ${res.status}`);
      await res.text();
    });
    await bench.run();
    const rows: string[][] = [];
    const out: Measurement[] = [];
    for (const t of bench.tasks) {
      const r = t.result;
      if (r.state !== 'completed') throw new Error(`auth-cost bench ${t.name}: ${r.state}${r.state === 'errored' ? ` ${r.error.message}` : ''}`);
      rows.push([t.name, fmt(r.latency.mean, 3), fmt(r.latency.p50, 3), fmt(r.latency.p99, 3), fmt(r.throughput.mean, 0)]);
      out.push({ section: 'in-process', name: `${t.name} p50`, value: r.latency.p50, unit: 'ms' });
    }
    printTable('Per-request cost in process (no HTTP, no budget: where the gateway overhead goes)', ['operation', 'mean ms', 'p50 ms', 'p99 ms', 'ops/s'], rows);
    return out;
  } finally {
    await gw.conn.close?.();
    await rm(dir, { recursive: true, force: true });
  }
}
