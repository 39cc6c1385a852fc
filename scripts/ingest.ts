/**
 * `npm run ingest -- <mappingId> <file> [--client demo-admin] [--url http://localhost:8787] [--chunk 500] [--keys data/keys]`
 *
 * Sends a JSON (object or array) or CSV file to POST /ingest/<mappingId> in chunks, in file
 * order (so a later row can reference an earlier one), with a progress bar on stderr and a
 * summary on stdout. Row numbers in errors are the file's own (0-based data rows). Exits 1 when
 * any record was refused (they are in the dead-letter queue), 2 on bad usage.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { parseCsv } from '../src/mapping/csv.js';
import { fetchAccessToken, type AccessToken } from './fetch-token.js';

const USAGE = 'usage: npm run ingest -- <mappingId> <file.json|file.csv> [--client demo-admin] [--url http://localhost:8787] [--chunk 500] [--keys data/keys]';
const MAX_SHOWN_ERRORS = 20;

/** CSV cell quoting per RFC 4180: only when needed. */
const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function chunksOf(file: string, text: string, size: number): { contentType: string; count: number; body: string }[] {
  const out = [];
  if (file.toLowerCase().endsWith('.csv')) {
    const rows = parseCsv(text, Number.MAX_SAFE_INTEGER);
    const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    for (let i = 0; i < rows.length; i += size) {
      const slice = rows.slice(i, i + size);
      const lines = slice.map((r) => header.map((h) => cell(r[h] ?? '')).join(','));
      out.push({ contentType: 'text/csv', count: slice.length, body: `${header.map(cell).join(',')}\r\n${lines.join('\r\n')}\r\n` });
    }
    return out;
  }
  const parsed = JSON.parse(text) as unknown;
  const records = Array.isArray(parsed) ? parsed : [parsed];
  for (let i = 0; i < records.length; i += size) {
    const slice = records.slice(i, i + size);
    out.push({ contentType: 'application/json', count: slice.length, body: JSON.stringify(slice) });
  }
  return out;
}

function progress(done: number, total: number, started: number): void {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const rate = done / Math.max((Date.now() - started) / 1000, 0.001);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} rows  ${Math.round(rate)} rows/s`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      client: { type: 'string', default: 'demo-admin' },
      url: { type: 'string', default: process.env.GATEWAY_URL ?? `http://localhost:${process.env.PORT ?? '8787'}` },
      chunk: { type: 'string', default: '500' },
      keys: { type: 'string', default: join('data', 'keys') },
    },
  });
  const [mappingId, file] = positionals;
  const chunkSize = Number(values.chunk);
  if (!mappingId || !file || positionals.length > 2 || !Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 10_000) {
    console.error(USAGE);
    return 2;
  }
  const base = (values.url ?? '').replace(/\/+$/, '');
  const chunks = chunksOf(file, await readFile(file, 'utf8'), chunkSize);
  const total = chunks.reduce((n, c) => n + c.count, 0);
  const tally = { created: 0, updated: 0, unchanged: 0, errors: 0, deadLettered: 0 };
  const errors: string[] = [];
  let token: AccessToken | undefined;
  const started = Date.now();
  let done = 0;
  progress(0, total, started);
  for (const chunk of chunks) {
    // Tokens live at most 300 s; renew with a margin so a long file never fails mid-way.
    if (!token || token.expiresAt - Date.now() < 30_000) token = await fetchAccessToken({ base, clientId: values.client ?? 'demo-admin', keysDir: values.keys ?? '' });
    const res = await fetch(`${base}/ingest/${encodeURIComponent(mappingId)}?firstRow=${done}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': chunk.contentType, prefer: 'return=minimal' },
      body: chunk.body,
    });
    const body = (await res.json().catch(() => ({}))) as Pick<Bundle, 'entry'> & Pick<OperationOutcome, 'issue'>;
    if (!res.ok) {
      process.stderr.write('\n');
      console.error(`Ingest refused (${res.status}): ${body.issue?.map((i) => i.details?.text).join(' ') ?? ''}`);
      return 1;
    }
    for (const entry of body.entry ?? []) {
      const outcome = entry.response?.outcome as OperationOutcome | undefined;
      if (entry.response?.status?.startsWith('2')) {
        const codes = (outcome?.issue ?? []).map((i) => i.details?.coding?.[0]?.code);
        if (codes.includes('created') && entry.response.status.startsWith('201')) tally.created++;
        else if (codes.includes('created') || codes.includes('updated')) tally.updated++;
        else tally.unchanged++;
        continue;
      }
      tally.errors++;
      if (outcome?.issue?.some((i) => i.details?.coding?.[0]?.code === 'dead-lettered')) tally.deadLettered++;
      if (errors.length < MAX_SHOWN_ERRORS) {
        const issues = (outcome?.issue ?? []).filter((i) => i.severity === 'error');
        errors.push(...issues.map((i) => `  ${i.expression?.join(', ') ?? ''}: ${i.details?.text ?? ''}`));
      }
    }
    done += chunk.count;
    progress(done, total, started);
  }
  process.stderr.write('\n');
  const seconds = (Date.now() - started) / 1000;
  if (errors.length) console.log(`Refused records (first ${Math.min(tally.errors, MAX_SHOWN_ERRORS)}):\n${errors.join('\n')}`);
  console.log(`${mappingId}: ${total} rows in ${seconds.toFixed(1)} s — created ${tally.created}, updated ${tally.updated}, unchanged ${tally.unchanged}, errors ${tally.errors} (dead-lettered ${tally.deadLettered})`);
  return tally.errors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write('\n');
    console.error((err as Error).message ?? err);
    process.exit(1);
  },
);
