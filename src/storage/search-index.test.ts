import { beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../conformance/definitions.js';
import { extractIndexRows } from './search-index.js';
import { MAX_INSTANT, dateRange, normalizeString, parseRelativeReference } from './index-values.js';

beforeAll(loadDefinitions);

describe('dateRange', () => {
  it('widens a date to its precision, end exclusive, in UTC', () => {
    expect(dateRange('2024')).toEqual({ start: '2024-01-01T00:00:00.000Z', end: '2025-01-01T00:00:00.000Z' });
    expect(dateRange('2024-02')).toEqual({ start: '2024-02-01T00:00:00.000Z', end: '2024-03-01T00:00:00.000Z' });
    expect(dateRange('2024-12-31')).toEqual({ start: '2024-12-31T00:00:00.000Z', end: '2025-01-01T00:00:00.000Z' });
    expect(dateRange('2024-03-01T10:00:00+02:00')).toEqual({ start: '2024-03-01T08:00:00.000Z', end: '2024-03-01T08:00:01.000Z' });
    expect(dateRange('2024-03-01T10:00:00.5Z')).toEqual({ start: '2024-03-01T10:00:00.500Z', end: '2024-03-01T10:00:00.501Z' });
    expect(dateRange('9999')?.end).toBe(MAX_INSTANT);
    expect(dateRange('not a date')).toBeUndefined();
    expect(dateRange('2024-13')).toBeUndefined();
    expect(dateRange('2024-02-31')).toBeUndefined();
    expect(dateRange('2024-02-29')?.start).toBe('2024-02-29T00:00:00.000Z');
  });
});

describe('value helpers', () => {
  it('normalises strings and parses only relative references', () => {
    expect(normalizeString('  Zoë  ÅNGSTRÖM ')).toBe('zoe angstrom');
    expect(parseRelativeReference('Patient/p1')).toEqual({ type: 'Patient', id: 'p1' });
    expect(parseRelativeReference('Patient/p1/_history/2')).toEqual({ type: 'Patient', id: 'p1' });
    expect(parseRelativeReference('http://x.example/fhir/Patient/p1')).toBeUndefined();
    expect(parseRelativeReference('urn:uuid:0b1c')).toBeUndefined();
    expect(parseRelativeReference('#contained')).toBeUndefined();
  });
});

describe('extractIndexRows', () => {
  it('indexes meta, tokens, strings, dates and references of a Patient', () => {
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      meta: { tag: [{ system: 'urn:t', code: 'x' }], security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }], profile: ['http://p.example'] },
      identifier: [{ system: 'urn:mrn', value: 'A1' }],
      name: [{ family: 'Núñez', given: ['Ana', 'María'] }],
      telecom: [{ system: 'phone', value: '555' }],
      address: [{ city: 'Springfield', line: ['1 Main St'] }],
      birthDate: '1980',
      active: true,
      managingOrganization: { reference: 'Organization/o1' },
      generalPractitioner: [{ reference: 'https://elsewhere.example/Practitioner/x' }],
    } as Resource;
    const rows = extractIndexRows(patient, '2024-01-01T00:00:00.000Z');
    expect(rows.tokens).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ param: '_id', code: 'p1' }),
        expect.objectContaining({ param: '_tag', system: 'urn:t', code: 'x' }),
        expect.objectContaining({ param: '_security', code: 'R' }),
        expect.objectContaining({ param: 'identifier', system: 'urn:mrn', code: 'A1' }),
        expect.objectContaining({ param: 'phone', system: 'phone', code: '555' }),
        expect.objectContaining({ param: 'active', system: null, code: 'true' }),
      ]),
    );
    expect(rows.strings).toEqual(
      expect.arrayContaining([
        { param: 'family', value: 'nunez', raw: 'Núñez' },
        { param: 'name', value: 'maria', raw: 'María' },
        { param: 'address-city', value: 'springfield', raw: 'Springfield' },
        { param: '_profile', value: 'http://p.example', raw: 'http://p.example' },
      ]),
    );
    expect(rows.dates).toEqual(
      expect.arrayContaining([
        { param: 'birthdate', start: '1980-01-01T00:00:00.000Z', end: '1981-01-01T00:00:00.000Z' },
        { param: '_lastUpdated', start: '2024-01-01T00:00:00.000Z', end: '2024-01-01T00:00:00.001Z' },
      ]),
    );
    expect(rows.references).toEqual([{ param: 'organization', targetType: 'Organization', targetId: 'o1' }]);
  });

  it('indexes an open Period from its start to the end of time', () => {
    const encounter = { resourceType: 'Encounter', id: 'e1', status: 'in-progress', class: { code: 'AMB' }, period: { start: '2024-03-01' } } as Resource;
    const rows = extractIndexRows(encounter, '2024-03-01T00:00:00.000Z');
    expect(rows.dates).toContainEqual({ param: 'date', start: '2024-03-01T00:00:00.000Z', end: MAX_INSTANT });
  });

  it('keeps rows bounded for huge arrays and does not recurse into deep input', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) deep = { extension: [{ url: 'x', valueString: 'y' }], nested: deep };
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      identifier: Array.from({ length: 5000 }, (_, i) => ({ system: 'urn:x', value: String(i) })),
      extension: [{ url: 'urn:deep', valueString: 'x', _deep: deep }],
    } as unknown as Resource;
    const rows = extractIndexRows(patient, '2024-01-01T00:00:00.000Z');
    expect(rows.tokens.filter((t) => t.param === 'identifier')).toHaveLength(1000);
  });
});
