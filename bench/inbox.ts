/**
 * Referral inbox section (issue 6): an organization with 10,000 open referral Tasks (plus 5,000
 * other organizations' Tasks around them) asks for its inbox through the real app with a real
 * token — `Task?owner=…&status=requested&_sort=priority-order,-authored-on&_include=Task:focus`,
 * first page of 50 — budget p95 < 20 ms. The baseline is the very SQL the store issues for that
 * search, captured once and replayed on the bare connection in the same run, so the ratio is the
 * cost of auth, parsing, consent enforcement, audit and the Bundle on top of the query itself.
 *
 * Seeding uses batched store writes of gateway-prepared Tasks (validated and labeled once, then
 * varied in id, priority, status and date), not 10,000 HTTP calls.
 *
 * `npx tsx bench/inbox.ts [--quick]` runs this section alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Task } from '@medplum/fhirtypes';
import type { SqlRow, SqlValue } from '../src/storage/sql-connection.js';
import type { ResourceWrite } from '../src/storage/store.js';
import { parseSearch } from '../src/fhir/search/parse-search.js';
import { startNodeGateway } from '../src/node-gateway.js';
import type { Measurement } from './report.js';
import { fetchToken } from './seed.js';
import { fmt, percentile, printTable, timeIt, type BenchOptions } from './util.js';

const BASE = 'http://localhost:8787';
const OPEN_TASKS = 10_000;
const OTHER_TASKS = 5_000;
const BATCH = 500;
const PRIORITIES = ['routine', 'routine', 'routine', 'urgent', 'asap', 'stat'] as const;
const STATUSES = ['requested', 'requested', 'requested', 'accepted', 'in-progress'] as const;


export async function runInbox(opts: BenchOptions): Promise<Measurement[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-inbox-'));
  const keysDir = join(dir, 'keys');
  const gw = await startNodeGateway({ dataDir: dir, databaseUrl: `file:${join(dir, 'gateway.db')}`, keysDir, publicUrl: BASE, demoData: true }, { log: () => undefined });
  try {
    const org = gw.demoOrganizations;
    const owner = `Organization/${org['demo-housing']}`;
    const others = [`Organization/${org['demo-treatment']}`, `Organization/${org['demo-ehr']}`];
    const patient = await gw.repo.create('Patient', { resourceType: 'Patient', name: [{ family: 'Bench' }] });
    const sr = await gw.repo.create('ServiceRequest', {
      resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${patient.stored.id}` },
      code: { text: 'Transitional housing' }, requester: { reference: `Organization/${org['demo-corrections']}` },
    });
    const template = await gw.repo.prepareCreate('Task', {
      resourceType: 'Task', status: 'requested', intent: 'order', priority: 'routine',
      focus: { reference: `ServiceRequest/${sr.stored.id}` }, for: { reference: `Patient/${patient.stored.id}` },
      owner: { reference: owner }, requester: { reference: `Organization/${org['demo-corrections']}` }, authoredOn: '2026-01-01T00:00:00Z',
    } satisfies Task);
    const seedStart = performance.now();
    const total = OPEN_TASKS + OTHER_TASKS;
    for (let start = 0; start < total; start += BATCH) {
      const writes: ResourceWrite[] = [];
      for (let i = start; i < Math.min(total, start + BATCH); i++) writes.push(variant(template, i, i < OPEN_TASKS ? owner : others[i % others.length]!));
      await gw.repo.store.write(writes);
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`inbox: seeded ${total} Tasks in ${fmt(seedSeconds, 1)} s`);

    // A fresh token per phase: on a loaded machine a phase can outlast one token (≤ 300 s).
    let token = '';
    const newToken = async () => (token = await fetchToken(BASE, keysDir, 'demo-housing', (url, init) => Promise.resolve(gw.app.request(url, init))));
    const query = `owner=${owner}&status=requested&_sort=priority-order,-authored-on&_include=Task:focus&_count=50&_total=none`;
    const inbox = async () => {
      const res = await gw.app.request(`${BASE}/fhir/Task?${query}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`inbox answered ${res.status}: ${await res.text()}`);
      const bundle = (await res.json()) as { entry?: { search?: { mode?: string }; resource?: Task }[] };
      const matches = (bundle.entry ?? []).filter((e) => e.search?.mode === 'match');
      if (matches.length !== 50 || matches[0]!.resource!.priority !== 'stat') throw new Error(`inbox page has ${matches.length} matches, first ${matches[0]?.resource?.priority}`);
    };

    // The same search's SQL, captured from the store and replayed bare.
    const statements: { sql: string; args: readonly SqlValue[] }[] = [];
    const realQuery = gw.conn.query.bind(gw.conn);
    gw.conn.query = (sql: string, args: readonly SqlValue[] = []): Promise<SqlRow[]> => {
      statements.push({ sql, args });
      return realQuery(sql, args);
    };
    const parsed = parseSearch('Task', new URLSearchParams(query), true);
    await gw.repo.store.search({ ...parsed.query, total: false });
    gw.conn.query = realQuery;
    const bareSql = async () => {
      for (const s of statements) await realQuery(s.sql, s.args);
    };

    const runs = opts.quick ? 30 : 150;
    await newToken();
    await timeIt(10, inbox);
    await timeIt(10, bareSql);
    await newToken();
    // Interleaved, so load from elsewhere on the machine falls on both sides of the ratio alike.
    const app: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      app.push(...(await timeIt(1, inbox)));
      bare.push(...(await timeIt(1, bareSql)));
    }
    const [a50, a95, b50, b95] = [percentile(app, 50), percentile(app, 95), percentile(bare, 50), percentile(bare, 95)];
    const load = loadavg()[0]!;
    printTable(`== referral inbox (${OPEN_TASKS} open Tasks for one owner, ${OTHER_TASKS} others; seeded in ${fmt(seedSeconds, 1)} s) ==`, ['figure', 'p50 ms', 'p95 ms'], [
      ['GET /fhir/Task inbox page (50 + _include), real app + token', fmt(a50), fmt(a95)],
      [`same search, bare SQL (${statements.length} statement${statements.length === 1 ? '' : 's'})`, fmt(b50), fmt(b95)],
      ['ratio app / bare SQL', fmt(a50 / b50, 1), fmt(a95 / b95, 1)],
    ]);
    console.log(`(1-min load average during the run: ${fmt(load)})`);
    return [
      { section: 'inbox', name: `inbox page of ${OPEN_TASKS} open referrals p95`, value: a95, unit: 'ms', budget: 20 },
      { section: 'inbox', name: 'inbox p50', value: a50, unit: 'ms' },
      { section: 'inbox', name: 'same search on bare SQL p95', value: b95, unit: 'ms' },
      { section: 'inbox', name: 'ratio app / bare SQL (p50)', value: a50 / b50, unit: 'x' },
    ];
  } finally {
    await gw.conn.close?.();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Task `i`: the prepared template with its own id, owner, priority, status and date (content only; labels stay valid). */
function variant(template: ResourceWrite, i: number, owner: string): ResourceWrite {
  const authoredOn = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  const resource = {
    ...(template.resource as Task),
    id: crypto.randomUUID(),
    owner: { reference: owner },
    priority: PRIORITIES[i % PRIORITIES.length]!,
    status: STATUSES[i % STATUSES.length]!,
    authoredOn,
  } as Task & { id: string };
  return { ...template, resource };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runInbox({ quick: process.argv.includes('--quick') }).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
