/**
 * Plain-path navigation in extractIndexRows (search-index.ts) must produce exactly the rows the
 * FHIRPath evaluation does: compared on every mapping's golden output, every profile fixture, and
 * variants of them with primitive extensions, empty strings, nulls and duplicated values.
 */
import type { Resource } from '@medplum/fhirtypes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { goldenResources } from '../../test/support/resource-corpus.js';
import { loadDefinitions } from '../conformance/definitions.js';
import { extractIndexRows, usePlainNavigation } from './search-index.js';

beforeAll(loadDefinitions);
afterEach(() => usePlainNavigation(true));



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
    for (const resource of goldenResources().map((g) => g.resource)) {
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
