/**
 * Mapping engine throughput: `tsx bench/mapping.ts [--rows 10000]`.
 *
 * 1. mapping (zod + concept maps + JSONata) and mapping + FHIR validation, in-process, for the
 *    supervision and clinical-screening mappings (budget ≥ 5,000 records/s for mapping +
 *    validation), single-threaded, after a warm-up, as the median of five rounds (the slowest
 *    round printed beside it); also per CPU-second (steadier when the machine is shared) and with
 *    the validator's fast acceptor switched off, for comparison in the same run;
 * 2. 10,000 participant CSV rows POSTed through the real app (token, route, pipeline, validator,
 *    libSQL store) in 500-row chunks, as `npm run ingest` sends them (budget < 10 s), with the
 *    time split into mapping / validation+read / store write.
 * Prints PASS/FAIL per budget; `benchMapping()` returns the numbers for bench/run.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle } from '@medplum/fhirtypes';
import { buildClientAssertion } from '../src/auth/client-assertion-builder.js';
import { createValidator } from '../src/conformance/index.js';
import { goldenResolver } from '../src/mapping/golden-resolver.js';
import { createMappingRegistry, mapRecord, validateRecord } from '../src/mapping/index.js';
import { startNodeGateway } from '../src/node-gateway.js';
import type { Measurement } from './report.js';
import { fmt, printTable } from './util.js';

/** Budgets (ARCHITECTURE / mapping brief). */
export const MAPPING_BUDGETS = { mapAndValidatePerSecond: 5000, ingest10kSeconds: 10 } as const;

/** What benchMapping() measured. */
export interface MappingBenchResult {
  readonly perMapping: { id: string; mapPerSecond: number; mapAndValidatePerSecond: number; mapAndValidateCpu: number; mapAndValidateSlowest: number; fullPathPerSecond: number; pass: boolean }[];
  readonly ingest: { rows: number; seconds: number; rowsPerSecond: number; pass: boolean; split: Record<string, number> };
}

const root = join(fileURLToPath(import.meta.url), '..', '..');

/** Records/s by wall clock, and per CPU-second of this process (steadier on a shared machine). */
interface Rate {
  readonly wall: number;
  readonly cpu: number;
}

async function mappingThroughput(id: string, records: number): Promise<{ mapPerSecond: number; mapAndValidatePerSecond: number; mapAndValidateCpu: number; mapAndValidateSlowest: number; fullPathPerSecond: number }> {
  const mapping = createMappingRegistry().get(id)!;
  const sample = JSON.parse(await readFile(join(root, 'mappings', id, 'sample.json'), 'utf8')) as unknown[];
  const validator = await createValidator();
  // The same validator without its fast acceptor (src/conformance/fast-accept.ts), for comparison.
  const fullPath = await createValidator({ fastPath: false });
  const run = async (v: typeof validator | undefined, n: number): Promise<Rate> => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const checked = validateRecord(mapping, sample[i % sample.length], i);
      if (!checked.ok) throw new Error(`sample record ${i % sample.length} of ${id} is invalid`);
      const mapped = await mapRecord(mapping, checked.record, i, goldenResolver);
      if (!mapped.ok) throw new Error(mapped.error.message);
      if (v) for (const r of mapped.resources) v.validate(r.resource);
    }
    const used = process.cpuUsage(cpu);
    return { wall: n / ((performance.now() - started) / 1000), cpu: n / ((used.user + used.system) / 1e6) };
  };
  // The budget is a sustained rate, as in an ingest of thousands of rows. Rounds of 1,000 records
  // measured here still rose for the first ≈5,000 (JIT tiers, profile schemas, JSONata closures),
  // then moved ±30% from round to round with the machine's other load; so: a 5,000-record
  // warm-up, then the median of ROUNDS rounds, with the slowest round reported beside it.
  await run(validator, 5000);
  await run(fullPath, 100);
  const mapOnly = await median(() => run(undefined, Math.ceil(records / ROUNDS)));
  const both = await median(() => run(validator, Math.ceil(records / ROUNDS)));
  const full = await run(fullPath, Math.max(200, Math.floor(records / 5)));
  return { mapPerSecond: mapOnly.wall, mapAndValidatePerSecond: both.wall, mapAndValidateCpu: both.cpu, mapAndValidateSlowest: both.slowest, fullPathPerSecond: full.wall };
}

const ROUNDS = 5;

/** The median round by wall-clock rate (its CPU rate with it), and the slowest round's rate. */
async function median(round: () => Promise<Rate>): Promise<Rate & { slowest: number }> {
  const rates: Rate[] = [];
  for (let i = 0; i < ROUNDS; i++) rates.push(await round());
  rates.sort((a, b) => a.wall - b.wall);
  return { ...rates[Math.floor(ROUNDS / 2)]!, slowest: rates[0]!.wall };
}

function participantCsv(rows: number): string {
  const lines = ['doc_number,booking_number,family_name,given_name,birth_date,gender,city,state,postal_code'];
  for (let i = 0; i < rows; i++) lines.push(`B${String(i).padStart(7, '0')},BK-${i},"Doe, ${i % 97}",Pat,19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10},${['male', 'female', 'unknown'][i % 3]},Columbia,MO,65201`);
  return `${lines.join('\r\n')}\r\n`;
}

export async function ingestThroughApp(rows: number, chunk = 500): Promise<MappingBenchResult['ingest']> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-mapping-'));
  const base = 'http://localhost:8787';
  const gw = await startNodeGateway({ dataDir: dir, databaseUrl: `file:${join(dir, 'g.db')}`, keysDir: join(dir, 'keys'), publicUrl: base, demoData: true }, { log: () => undefined });
  try {
    // Time split: wrap the store and validator the app really uses (measurement only).
    const split = { storeWrite: 0, storeReadSearch: 0, validate: 0 };
    const store = gw.repo.store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const [name, bucket] of [['write', 'storeWrite'], ['read', 'storeReadSearch'], ['search', 'storeReadSearch']] as const) {
      const original = store[name]!.bind(store);
      store[name] = async (...a) => {
        const t = performance.now();
        try {
          return await original(...a);
        } finally {
          split[bucket] += performance.now() - t;
        }
      };
    }
    const validator = (gw.repo as unknown as { validator: { validate: (r: unknown) => unknown } }).validator;
    const validate = validator.validate.bind(validator);
    validator.validate = (r) => {
      const t = performance.now();
      try {
        return validate(r);
      } finally {
        split.validate += performance.now() - t;
      }
    };
    const key = JSON.parse(await readFile(join(dir, 'keys', 'demo-admin.private.json'), 'utf8')) as object;
    const assertion = await buildClientAssertion({ clientId: 'demo-admin', tokenUrl: `${base}/auth/token`, key });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, scope: 'system/*.cruds' });
    const tokenRes = await gw.app.request(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const [header, ...lines] = participantCsv(rows).trimEnd().split('\r\n');
    const started = performance.now();
    for (let i = 0; i < lines.length; i += chunk) {
      const body = `${header}\r\n${lines.slice(i, i + chunk).join('\r\n')}\r\n`;
      const res = await gw.app.request(`${base}/ingest/participant?firstRow=${i}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', prefer: 'return=minimal' }, body });
      const bundle = (await res.json()) as Bundle;
      const bad = (bundle.entry ?? []).filter((e) => !e.response?.status?.startsWith('2')).length;
      if (res.status !== 200 || bad) throw new Error(`chunk at ${i}: HTTP ${res.status}, ${bad} refused records`);
    }
    const seconds = (performance.now() - started) / 1000;
    const other = seconds * 1000 - split.storeWrite - split.storeReadSearch - split.validate;
    return {
      rows,
      seconds,
      rowsPerSecond: rows / seconds,
      pass: rows < 10_000 ? seconds * (10_000 / rows) < MAPPING_BUDGETS.ingest10kSeconds : seconds < MAPPING_BUDGETS.ingest10kSeconds,
      split: { ...split, mappingHttpOther: other },
    };
  } finally {
    await gw.conn.close?.();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs both measurements and prints them with PASS/FAIL against {@link MAPPING_BUDGETS}. */
export async function benchMapping(options: { rows?: number; records?: number } = {}): Promise<MappingBenchResult> {
  const perMapping = [];
  for (const id of ['supervision', 'clinical-screening']) {
    const r = await mappingThroughput(id, options.records ?? 5000);
    perMapping.push({ id, ...r, pass: r.mapAndValidatePerSecond >= MAPPING_BUDGETS.mapAndValidatePerSecond });
  }
  printTable(
    `mapping throughput (budget: mapping + validation ≥ ${MAPPING_BUDGETS.mapAndValidatePerSecond} records/s)`,
    ['mapping', 'map only rec/s', 'map + validate rec/s (median round)', 'slowest round', 'per CPU-second', 'without fast path', 'budget'],
    perMapping.map((m) => [m.id, fmt(m.mapPerSecond, 0), fmt(m.mapAndValidatePerSecond, 0), fmt(m.mapAndValidateSlowest, 0), fmt(m.mapAndValidateCpu, 0), fmt(m.fullPathPerSecond, 0), m.pass ? 'PASS' : 'FAIL']),
  );
  const ingest = await ingestThroughApp(options.rows ?? 10_000);
  const ms = (v: number) => `${fmt(v / 1000, 2)} s (${fmt((v / ingest.rows) * 1000, 0)} µs/row)`;
  printTable(
    `ingest of ${ingest.rows} participant CSV rows through the app (budget: 10,000 rows < ${MAPPING_BUDGETS.ingest10kSeconds} s)`,
    ['measure', 'value'],
    [
      ['total', `${fmt(ingest.seconds, 2)} s, ${fmt(ingest.rowsPerSecond, 0)} rows/s — ${ingest.pass ? 'PASS' : 'FAIL'}`],
      ['  store writes', ms(ingest.split.storeWrite ?? 0)],
      ['  store reads + identifier searches', ms(ingest.split.storeReadSearch ?? 0)],
      ['  FHIR validation', ms(ingest.split.validate ?? 0)],
      ['  mapping, HTTP, rest', ms(ingest.split.mappingHttpOther ?? 0)],
    ],
  );
  return { perMapping, ingest };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const rowsArg = process.argv.indexOf('--rows');
  const rows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 10_000;
  benchMapping({ rows }).then(
    (r) => process.exit(r.perMapping.every((m) => m.pass) && r.ingest.pass ? 0 : 1),
    (err: unknown) => {
      console.error('bench/mapping failed:', err);
      process.exit(2);
    },
  );
}

/**
 * The mapping section of `npm run bench`: throughput budgets expressed as lower-is-better figures
 * (≥ 5,000 records/s ⇔ < 0.2 ms per record) so report.ts can judge them like the others.
 */
export async function runMapping(opts: { quick: boolean }): Promise<Measurement[]> {
  const r = await benchMapping({ rows: opts.quick ? 2_000 : 10_000 });
  const perRecordBudgetMs = 1000 / MAPPING_BUDGETS.mapAndValidatePerSecond;
  const tenK = r.ingest.seconds * (10_000 / r.ingest.rows);
  return [
    ...r.perMapping.flatMap((m) => [
      { section: 'mapping', name: `${m.id}: map + validate per record`, value: 1000 / m.mapAndValidatePerSecond, unit: 'ms', budget: perRecordBudgetMs },
      { section: 'mapping', name: `${m.id}: map + validate throughput`, value: m.mapAndValidatePerSecond, unit: 'rec/s' },
      { section: 'mapping', name: `${m.id}: map + validate slowest round`, value: m.mapAndValidateSlowest, unit: 'rec/s' },
      { section: 'mapping', name: `${m.id}: map + validate per CPU-second`, value: m.mapAndValidateCpu, unit: 'rec/s' },
      { section: 'mapping', name: `${m.id}: map + validate without the fast path`, value: m.fullPathPerSecond, unit: 'rec/s' },
    ]),
    { section: 'mapping', name: `ingest 10,000 CSV rows${r.ingest.rows < 10_000 ? ` (from ${r.ingest.rows})` : ''}`, value: tenK, unit: 's', budget: MAPPING_BUDGETS.ingest10kSeconds },
  ];
}
