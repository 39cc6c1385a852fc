/**
 * Cost of one consent decision: a patient with 20 consents (mixed kinds, nested provisions),
 * one Part 2 resource, consents parsed beforehand (they are parsed once when loaded).
 * Budget: p95 < 0.5 ms. Run directly: `tsx bench/consent-decide.ts`.
 */
import { fileURLToPath } from 'node:url';
import type { Consent } from '@medplum/fhirtypes';
import { Bench } from 'tinybench';
import { percentile } from './util.js';
import { decide, parseConsent, type ConsentKind } from '../src/consent/index.js';
import { fhirConsent, recipient, requestFrom, resourceClass, RESOURCES } from '../src/consent/fixtures.js';

const BUDGET_P95_MS = 0.5;
const NOW = new Date('2026-03-01T12:00:00Z');
const FACTS = { events: [{ reference: 'EpisodeOfCare/supervision' }, { reference: 'EpisodeOfCare/case' }] };

const MIX: ConsentKind[] = [
  'tpo', 'tpo', 'tpo', 'tpo', 'specific-disclosure', 'specific-disclosure', 'specific-disclosure', 'specific-disclosure', 'specific-disclosure', 'specific-disclosure',
  'criminal-justice-2-35', 'criminal-justice-2-35', 'criminal-justice-2-35', 'counseling-notes', 'counseling-notes', 'restriction-2-26', 'restriction-2-26',
  'legal-proceeding', 'court-order', 'tpo',
];

/** Twenty consents of patient p1; every fourth has nested provisions two levels deep, the last is revoked. */
export function twentyConsents(): Consent[] {
  return MIX.map((kind, i) => {
    const nested = i % 4 === 0 && kind !== 'restriction-2-26' && kind !== 'counseling-notes'
      ? { provision: [
          { type: 'deny' as const, class: [resourceClass('Condition')] },
          { type: 'deny' as const, actor: [recipient(`Organization/excluded-${i}`)], provision: [{ type: 'permit' as const, class: [resourceClass('Observation')] }] },
        ] }
      : {};
    const c = fhirConsent(kind, `bench-${i}`, nested);
    if (i === MIX.length - 1) c.status = 'inactive';
    return c;
  });
}

/** Runs the benchmark and returns p50/p95 latency (ms) and throughput. */
export async function benchDecide(): Promise<{ name: string; p50Ms: number; p95Ms: number; opsPerSec: number }> {
  const consents = twentyConsents().map(parseConsent);
  const bad = consents.find((c) => c.kind === 'parse-error');
  if (bad) throw new Error(`bench consent does not parse: ${JSON.stringify(bad)}`);
  const request = requestFrom('clinic', 'TREAT');
  const resource = RESOURCES.drugTest;
  if (decide(request, resource, consents, NOW, FACTS).effect !== 'permit') throw new Error('bench decision should permit');
  const name = 'decide: 20 consents, 1 Part 2 resource';
  const bench = new Bench({ time: 1000, warmupTime: 200, retainSamples: true });
  bench.add(name, () => {
    decide(request, resource, consents, NOW, FACTS);
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || result.state !== 'completed') throw new Error(`consent bench did not complete: ${result?.state ?? 'no result'}`);
  // tinybench reports p75/p99 but not p95: take it from the retained samples.
  const p95Ms = percentile(result.latency.samples ?? [], 95);
  return { name, p50Ms: result.latency.p50, p95Ms, opsPerSec: result.throughput.mean };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchDecide();
  const verdict = r.p95Ms < BUDGET_P95_MS ? 'PASS' : 'FAIL';
  console.log(`${r.name}: p50 ${r.p50Ms.toFixed(4)} ms, p95 ${r.p95Ms.toFixed(4)} ms, ${Math.round(r.opsPerSec)} ops/s — budget p95 < ${BUDGET_P95_MS} ms: ${verdict}`);
}
