/**
 * Plain-path navigation in extractIndexRows (search-index.ts) must produce exactly the rows the
 * FHIRPath evaluation does: compared on every mapping's golden output, every profile fixture, and
 * variants of them with primitive extensions, empty strings, nulls and duplicated values.
 */
import type { Resource } from '@medplum/fhirtypes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { goldenResources } from '../../test/support/resource-corpus.js';
import { loadDefinitions } from '../conformance/definitions.js';
import { getSearchParameters } from '@medplum/core';
import { compilePaths } from './index-paths.js';
import { extractIndexRows, usePlainNavigation } from './search-index.js';

beforeAll(loadDefinitions);
afterEach(() => usePlainNavigation(true));

const ext = { extension: [{ url: 'http://example.org/x', valueString: 'y' }] };

/** Shapes the choice / where() / resolve() forms must mirror or hand back, beyond the corpus. */
const EDGE_CASES = [
  ...[
    { telecom: [{ system: 'email', value: 'a@example.org' }, { system: 'phone', value: '555' }, { system: 'fax', value: '1' }, { value: 'no-system' }] },
    { telecom: [{ system: 'email', _system: ext, value: 'b@example.org' }] },
    { telecom: [{ _system: ext, value: 'c' }] },
    { deceasedDateTime: '2020-02-03T04:05:06Z' },
    { deceasedBoolean: true },
    { deceasedBoolean: false, deceasedDateTime: '2020-01-01' },
    { deceasedDateTime: '2020', _deceasedDateTime: ext },
    { _deceasedBoolean: ext },
    { generalPractitioner: [{ reference: 'Practitioner/1' }, { reference: 'Organization/2' }, { reference: 'http://x.org/fhir/Practitioner/3' }] },
  ].map((extra, i) => ({ resourceType: 'Patient', id: `edge-p${i}`, ...extra })),
  ...[
    { subject: { reference: 'Patient/1' } },
    { subject: { reference: 'Patient/1/_history/2' } },
    { subject: { reference: 'Group/2' } },
    { subject: { reference: 'http://x.org/fhir/Patient/3' } },
    { subject: { reference: 'urn:uuid:0f5c0c3e-4f43-4d1b-8f52-1d5bba0b3b6e' } },
    { subject: { reference: 'Patient?identifier=urn:x|1' } },
    { subject: { type: 'Patient', identifier: { system: 'urn:x', value: '1' } } },
    { subject: { reference: '#contained' } },
    { subject: { reference: 'Patient/1', _reference: ext } },
    { subject: { reference: 'Patient/4' }, valueCodeableConcept: { coding: [{ system: 'urn:s', code: 'c' }], text: 'Text' } },
    { valueQuantity: { value: 3, unit: 'mg' } },
    { valueDateTime: '2024-05-06' },
    { valuePeriod: { start: '2024-01-01', end: '2024-02-01' } },
    { valueString: 'free text' },
    { valueString: 'two', valueCodeableConcept: { text: 'keys' } },
    { valueCodeableConcept: { text: 'x' }, _valueString: ext },
    { component: [{ code: { text: 'a' }, valueCodeableConcept: { coding: [{ code: 'k' }] } }, { code: { text: 'b' }, valueQuantity: { value: 1 } }] },
    { effectiveDateTime: '2024-05-06T07:08:09Z' },
    { effectivePeriod: { start: '2024-05-06' } },
    { effectiveInstant: '2024-05-06T07:08:09.123Z' },
    { effectiveTiming: { event: ['2024-01-01', '2024-01-02'] } },
    { effectiveDateTime: '2024-05-06', effectivePeriod: { end: '2024-06-01' } },
    { effectiveDateTime: '2024-05-06', _effectiveDateTime: ext },
    { effectivePeriod: {} },
  ].map((extra, i) => ({ resourceType: 'Observation', id: `edge-o${i}`, status: 'final', code: { text: 'x' }, ...extra })),
  { resourceType: 'Goal', id: 'edge-g0', lifecycleStatus: 'active', description: { text: 'g' }, subject: { reference: 'Patient/1' }, startDate: '2024-01-02', target: [{ dueDate: '2024-06-01' }, { dueDuration: { value: 3 } }] },
  { resourceType: 'Goal', id: 'edge-g1', lifecycleStatus: 'active', description: { text: 'g' }, subject: { reference: 'Group/1' }, startCodeableConcept: { text: 'at release' } },
  { resourceType: 'Encounter', id: 'edge-e0', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/1' }, participant: [{ individual: { reference: 'Practitioner/1' } }, { individual: { reference: 'PractitionerRole/2' } }] },
  { resourceType: 'ServiceRequest', id: 'edge-s0', status: 'active', intent: 'order', subject: { reference: 'Patient/1' }, occurrencePeriod: { start: '2024-01-01', end: '2024-03-01' } },
  { resourceType: 'ServiceRequest', id: 'edge-s1', status: 'active', intent: 'order', subject: { reference: 'Patient/1' }, occurrenceTiming: { event: ['2024-01-01'] } },
  { resourceType: 'Consent', id: 'edge-c0', status: 'active', scope: { text: 's' }, category: [{ text: 'c' }], sourceReference: { reference: 'DocumentReference/1' } },
  { resourceType: 'Consent', id: 'edge-c1', status: 'active', scope: { text: 's' }, category: [{ text: 'c' }], sourceAttachment: { url: 'http://example.org/form.pdf' } },
  { resourceType: 'CarePlan', id: 'edge-cp0', status: 'active', intent: 'plan', subject: { reference: 'Patient/1' }, activity: [{ detail: { status: 'scheduled', scheduledPeriod: { start: '2024-01-01' } } }, { detail: { status: 'scheduled', scheduledString: 'weekly' } }] },
  { resourceType: 'Task', id: 'edge-t0', status: 'requested', intent: 'order', for: { reference: 'Patient/9' }, owner: { reference: 'Organization/1' } },
] as unknown as Resource[];

/** Variants that plain navigation must either mirror or hand back to FHIRPath. */
function variants(r: Resource): Resource[] {
  const out: Resource[] = [r];
  const o = r as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(o)) {
    if (key === 'resourceType' || key === 'id' || key === 'meta') continue;
    out.push({ ...o, [`_${key}`]: { extension: [{ url: 'http://example.org/x', valueString: 'y' }] } } as unknown as Resource);
    out.push({ ...o, [key]: Array.isArray(value) ? [...value, ...value] : value } as unknown as Resource);
    if (typeof value === 'string') out.push({ ...o, [key]: '' } as unknown as Resource);
    if (Array.isArray(value)) out.push({ ...o, [key]: [...value, null] } as unknown as Resource);
    if (Array.isArray(value)) out.push({ ...o, [key]: [] } as unknown as Resource);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) out.push({ ...o, [key]: {} } as unknown as Resource);
  }
  return out;
}

describe('index extraction by plain paths', () => {
  it('yields the same rows as FHIRPath evaluation', () => {
    let compared = 0;
    for (const resource of [...goldenResources().map((g) => g.resource), ...EDGE_CASES]) {
      for (const variant of variants(resource)) {
        usePlainNavigation(false);
        const slow = extractIndexRows(structuredClone(variant), '2026-01-02T03:04:05.678Z');
        usePlainNavigation(true);
        const fast = extractIndexRows(structuredClone(variant), '2026-01-02T03:04:05.678Z');
        expect(fast, `${variant.resourceType}/${variant.id}`).toEqual(slow);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });
});

describe('compilePaths', () => {
  it('walks the where(), resolve() and choice forms without FHIRPath', () => {
    const compiled = (type: string, code: string) => compilePaths(type, getSearchParameters(type)![code]!.expression!);
    for (const [type, code] of [['Patient', 'email'], ['Patient', 'phone'], ['Patient', 'deceased'], ['Patient', 'death-date'], ['Observation', 'patient'], ['Observation', 'value-concept'], ['Observation', 'value-date'], ['Goal', 'target-date'], ['Observation', 'date'], ['ServiceRequest', 'occurrence'], ['Consent', 'source-reference'], ['Encounter', 'practitioner'], ['Task', 'patient']] as const) {
      expect(compiled(type, code), `${type}.${code}`).toBeDefined();
    }
    // Still FHIRPath: boolean logic, iif(), a member of a cast.
    for (const [type, code] of [['Observation', 'value-string'], ['Task', 'priority-order']] as const) expect(compiled(type, code), `${type}.${code}`).toBeUndefined();
  });
});
