/**
 * Upstream mode: the latency the gateway adds in front of an existing FHIR server, measured in one
 * run against the same upstream called directly (ARCHITECTURE §5: ratios to a same-run baseline).
 * The upstream is a second gateway instance in own-store mode (as in the tests); both servers run
 * in a child process (`--serve`) so the measuring client does not share their event loop.
 * Reported as info (p50/p95 ratios); there is no budget yet.
 */
import { serve } from '@hono/node-server';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Measurement } from './report.js';
import { fmt, freePort, percentile, printTable, stopChild, type BenchOptions } from './util.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface UpstreamBenchInfo {
  readonly gatewayUrl: string;
  readonly upstreamUrl: string;
  readonly gatewayToken: string;
  readonly upstreamToken: string;
  readonly patientId: string;
  readonly observations: number;
}

/** Child process: upstream (own store) + gateway in upstream mode, seeded, then prints its info line. */
async function serveBoth(observations: number): Promise<void> {
  const { startUpstreamServer } = await import('../test/support/upstream-gateway.js');
  const { createTestGateway } = await import('../test/support/test-gateway.js');
  const { createUpstreamToken } = await import('../src/storage/upstream/upstream-token.js');
  const upstream = await startUpstreamServer();
  const gw = await createTestGateway({ upstream: upstream.upstreamConfig });
  const port = await freePort();
  await new Promise<void>((resolve) => serve({ fetch: gw.app.fetch, port, hostname: '127.0.0.1' }, () => resolve()));
  const gatewayToken = await gw.token('demo-ehr', { purpose: 'TREAT' });
  const patient = await gw.fhir('/fhir/Patient', { method: 'POST', token: gatewayToken, json: { resourceType: 'Patient', name: [{ family: 'Bench' }] } });
  const patientId = ((await patient.json()) as { id: string }).id;
  for (let i = 0; i < observations; i++) {
    const res = await gw.fhir('/fhir/Observation', { method: 'POST', token: gatewayToken, json: { resourceType: 'Observation', status: 'final', code: { text: `bench ${i}` }, subject: { reference: `Patient/${patientId}` } } });
    if (res.status !== 201) throw new Error(`seed Observation ${i}: ${res.status}`);
  }
  const c = upstream.upstreamConfig.credentials;
  if (c.kind !== 'smart') throw new Error('the bench upstream uses SMART credentials');
  const upstreamToken = await createUpstreamToken({ kind: 'smart', clientId: c.clientId, tokenUrl: c.tokenUrl, scope: c.scope, privateJwk: JSON.parse(await readFile(c.privateKeyFile, 'utf8')) as object }).get(false);
  const info: UpstreamBenchInfo = { gatewayUrl: `http://127.0.0.1:${port}`, upstreamUrl: upstream.origin, gatewayToken, upstreamToken: upstreamToken!, patientId, observations };
  console.log(JSON.stringify(info));
  const stop = async (): Promise<void> => {
    await gw.close();
    await upstream.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
}

async function startChild(observations: number): Promise<{ child: ChildProcess; info: UpstreamBenchInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/upstream.ts', '--serve', String(observations)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<UpstreamBenchInfo>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench/upstream.ts --serve exited early (${code})`)));
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line) as UpstreamBenchInfo);
    });
  });
  child.removeAllListeners('exit');
  return { child, info };
}

async function timedGet(url: string, token: string): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${body.slice(0, 300)}`);
  return { ms, body };
}

export async function runUpstream(opts: BenchOptions): Promise<Measurement[]> {
  const { child, info } = await startChild(opts.quick ? 20 : 50);
  try {
    const scenarios = [
      { name: 'read Patient/{id}', path: `/fhir/Patient/${info.patientId}` },
      { name: `search Observation?patient (${info.observations})`, path: `/fhir/Observation?patient=Patient/${info.patientId}&_count=100` },
    ];
    const n = opts.quick ? 100 : 500;
    const warm = opts.quick ? 20 : 50;
    const rows: string[][] = [];
    const out: Measurement[] = [];
    for (const s of scenarios) {
      const gw: number[] = [];
      const direct: number[] = [];
      // Alternating one by one so drift hits both paths equally; one request in flight at a time.
      for (let i = 0; i < warm + n; i++) {
        const a = await timedGet(`${info.gatewayUrl}${s.path}`, info.gatewayToken);
        const b = await timedGet(`${info.upstreamUrl}${s.path}`, info.upstreamToken);
        if (i === 0 && (JSON.parse(a.body) as { total?: number }).total !== (JSON.parse(b.body) as { total?: number }).total) throw new Error(`${s.name}: gateway and upstream disagree on the total`);
        if (i >= warm) {
          gw.push(a.ms);
          direct.push(b.ms);
        }
      }
      const [g50, g95, d50, d95] = [percentile(gw, 50), percentile(gw, 95), percentile(direct, 50), percentile(direct, 95)];
      rows.push([`${s.name} — via gateway (upstream mode)`, fmt(g50), fmt(g95)]);
      rows.push([`${s.name} — upstream directly`, fmt(d50), fmt(d95)]);
      rows.push([`${s.name} — added (gw − direct)`, fmt(g50 - d50), fmt(g95 - d95)]);
      rows.push([`${s.name} — ratio gw/direct`, `${fmt(g50 / d50)}x`, `${fmt(g95 / d95)}x`]);
      out.push({ section: 'upstream', name: `${s.name} added latency p50`, value: g50 - d50, unit: 'ms' });
      out.push({ section: 'upstream', name: `${s.name} ratio gw/direct p50`, value: g50 / d50, unit: 'x' });
      out.push({ section: 'upstream', name: `${s.name} ratio gw/direct p95`, value: g95 / d95, unit: 'x' });
    }
    printTable(`Upstream mode vs the upstream called directly, sequential, n=${n} each (ms)`, ['scenario', 'p50', 'p95'], rows);
    return out;
  } finally {
    await stopChild(child);
  }
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly && process.argv.includes('--serve')) {
  void serveBoth(Number(process.argv[process.argv.indexOf('--serve') + 1] ?? 20));
} else if (invokedDirectly) {
  void runUpstream({ quick: process.argv.includes('--quick') });
}
