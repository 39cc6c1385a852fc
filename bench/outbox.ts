/**
 * Notification outbox throughput (issue 6): Tasks written to the store → dispatcher (change feed,
 * criteria match under the owner's policy, outbox rows) → delivery worker (consent re-check,
 * audit, ES384 signature, POST) → a real local HTTP receiver. Budget: ≥ 500 notifications/s,
 * reported as < 2 ms per notification (report.ts budgets are upper bounds). The same-run baseline
 * is a bare loop POSTing the same bodies to the same receiver with the same concurrency.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Subscription, Task } from '@medplum/fhirtypes';
import { startNodeGateway } from '../src/node-gateway.js';
import { createNodeHttpPoster } from '../src/notify/node-http-poster.js';
import type { Measurement } from './report.js';
import { fetchToken } from './seed.js';
import { fmt, freePort, printTable, type BenchOptions } from './util.js';

const BASE = 'http://localhost:8787';
const CONCURRENCY = 32;
/** 500 notifications/s = 2 ms each. */
const BUDGET_MS_PER_NOTIFICATION = 2;

/**
 * The receiver runs in its own process (the other core), as a real receiver would: it counts
 * POSTs and answers 204. Its count is read back over HTTP (GET).
 */
async function startSink(): Promise<{ url: string; count: () => Promise<number>; stop: () => void }> {
  const port = await freePort();
  const code = `let n=0;require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{if(q.method==='POST')n++;s.writeHead(q.method==='POST'?204:200).end(q.method==='POST'?undefined:String(n))})}).listen(${port},'127.0.0.1',()=>console.log('ready'))`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`receiver exited (${c})`)));
    child.stdout!.once('data', () => resolve());
  });
  child.removeAllListeners('exit');
  const url = `http://127.0.0.1:${port}/hook`;
  return { url, count: async () => Number(await (await fetch(url)).text()), stop: () => child.kill() };
}

/** The baseline: the same bodies POSTed by a bare loop (same node:http poster), CONCURRENCY in flight. */
async function bareLoop(url: string, bodies: readonly string[]): Promise<number> {
  const post = createNodeHttpPoster();
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const failure = await post({ url, headers: { 'Content-Type': 'application/fhir+json' }, body: bodies[next++]! }, 10_000);
      if (failure) throw new Error(failure);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - t0) / 1000;
}

export async function runOutbox(opts: BenchOptions): Promise<Measurement[]> {
  const n = opts.quick ? 300 : 2000;
  const dir = await mkdtemp(join(tmpdir(), 'gateway-outbox-'));
  const sink = await startSink();
  const gw = await startNodeGateway(
    { dataDir: dir, databaseUrl: `file:${join(dir, 'gateway.db')}`, keysDir: join(dir, 'keys'), publicUrl: BASE, demoData: true },
    { log: () => undefined, notify: { concurrency: CONCURRENCY } },
  );
  try {
    const housingOrg = gw.demoOrganizations['demo-housing']!;
    const token = await fetchToken(BASE, join(dir, 'keys'), 'demo-housing', async (url, init) => gw.app.request(url, init));
    const sub: Subscription = {
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'bench',
      criteria: `Task?owner=Organization/${housingOrg}`,
      channel: { type: 'rest-hook', endpoint: sink.url, payload: 'application/fhir+json' },
    };
    const created = await gw.app.request(`${BASE}/fhir/Subscription`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(sub) });
    if (created.status !== 201) throw new Error(`Subscription create → ${created.status}: ${await created.text()}`);
    await gw.notifier.drain();

    // Writes are not what is measured: straight through the (system) repository.
    const bodies: string[] = [];
    for (let i = 0; i < n; i++) {
      const task: Task = { resourceType: 'Task', status: 'requested', intent: 'order', owner: { reference: `Organization/${housingOrg}` }, description: `bench task ${i}` };
      bodies.push(JSON.stringify((await gw.repo.create('Task', task)).stored.resource));
    }

    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await gw.notifier.drain();
    const seconds = (performance.now() - t0) / 1000;
    // CPU of this process, every thread (the signatures run on libuv's pool): unlike wall time it
    // hardly moves with other load on the machine.
    const cpu = process.cpuUsage(cpu0);
    const cpuMsEach = (cpu.user + cpu.system) / 1000 / n;
    const delivered = await sink.count();
    if (delivered !== n) throw new Error(`outbox bench: ${delivered} of ${n} notifications arrived`);
    const bareSeconds = await bareLoop(sink.url, bodies);

    const perSecond = n / seconds;
    const bare = n / bareSeconds;
    printTable(
      `Notification outbox: ${n} Tasks → Subscription → local receiver (concurrency ${CONCURRENCY})`,
      ['path', 'notifications/s', 'ms each'],
      [
        ['outbox (dispatch + consent + audit + sign + POST)', fmt(perSecond, 0), fmt(1000 / perSecond, 3)],
        ['bare loop POSTing the same bodies', fmt(bare, 0), fmt(1000 / bare, 3)],
      ],
    );
    console.log(`outbox CPU per notification (gateway process, all threads): ${fmt(cpuMsEach, 3)} ms → at most ≈${fmt(2000 / cpuMsEach, 0)}/s on 2 idle cores`);
    return [
      { section: 'notify', name: 'outbox ms per notification (≥ 500/s)', value: 1000 / perSecond, unit: 'ms', budget: BUDGET_MS_PER_NOTIFICATION },
      { section: 'notify', name: 'outbox notifications/s', value: perSecond, unit: 'notif/s' },
      { section: 'notify', name: 'outbox CPU per notification (all threads)', value: cpuMsEach, unit: 'ms' },
      { section: 'notify', name: 'outbox / bare POST loop throughput', value: perSecond / bare, unit: 'ratio', note: `bare loop ${fmt(bare, 0)}/s` },
    ];
  } finally {
    await gw.conn.close?.();
    sink.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runOutbox({ quick: process.argv.includes('--quick') }).then((m) => console.log(m), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
