/**
 * How a parsed search reaches the upstream: client text passed on unchanged, internal queries
 * rebuilt from their typed values, and what must be evaluated locally never sent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../src/conformance/definitions.js';
import { parseSearch } from '../src/fhir/search/parse-search.js';
import type { SearchQuery } from '../src/storage/search-query.js';
import { toUpstreamParams } from '../src/storage/upstream/search-params.js';

beforeAll(async () => {
  await loadDefinitions();
});

const q = (filters: SearchQuery['filters'], sort: SearchQuery['sort'] = []): SearchQuery => ({ resourceType: 'Observation', filters, sort, count: 10, offset: 0, total: true });

describe('toUpstreamParams', () => {
  it('passes a client URL on as written, except _lastUpdated, sort and paging', () => {
    const parsed = parseSearch('Observation', new URLSearchParams('patient=Patient/p1&date=ge2024-03&code=http://loinc.org|1111,2222&_lastUpdated=gt2024-01-01&_sort=-date&_count=5&_offset=5'), true);
    expect(toUpstreamParams(parsed.query)).toEqual([
      ['patient', 'Patient/p1'],
      ['date', 'ge2024-03'],
      ['code', 'http://loinc.org|1111,2222'],
    ]);
  });

  it('rebuilds internal queries: tokens with escaping, references, modifiers, missing', () => {
    expect(
      toUpstreamParams(
        q([
          { code: 'code', type: 'token', values: [{ kind: 'token', system: 'urn:a|b', code: 'x,y' }, { kind: 'token', code: 'z' }, { kind: 'token', system: '', code: 'w' }] },
          { code: 'subject', type: 'reference', values: [{ kind: 'reference', type: 'Patient', id: 'p1' }, { kind: 'reference', id: 'p2' }] },
          { code: 'status', type: 'token', modifier: 'not', values: [{ kind: 'token', code: 'final' }] },
          { code: 'date', type: 'date', modifier: 'missing', values: [{ kind: 'missing', missing: false }] },
        ]),
      ),
    ).toEqual([
      ['code', 'urn:a\\|b|x\\,y,z,|w'],
      ['subject', 'Patient/p1,p2'],
      ['status:not', 'final'],
      ['date:missing', 'false'],
    ]);
  });

  it('never sends a date filter it has no text for (evaluated locally over index rows)', () => {
    expect(toUpstreamParams(q([{ code: 'date', type: 'date', values: [{ kind: 'date', prefix: 'ap', start: '2024-03-01T00:00:00.000Z', end: '2024-04-01T00:00:00.000Z' }] }]))).toEqual([]);
  });
});
