import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from './csv.js';
import { coerceCsvRecord, isCalendarDate } from './input-schema.js';

describe('parseCsv (RFC 4180)', () => {
  it.each([
    ['plain LF', 'a,b\n1,2\n', [{ a: '1', b: '2' }]],
    ['CRLF and no final newline', 'a,b\r\n1,2\r\n3,4', [{ a: '1', b: '2' }, { a: '3', b: '4' }]],
    ['quoted comma, escaped quote, embedded CRLF', 'a,b\r\n"x, y","say ""hi""\r\nthere"\r\n', [{ a: 'x, y', b: 'say "hi"\r\nthere' }]],
    ['empty cells are absent keys; short rows are allowed', 'a,b,c\n1,,\n2\n', [{ a: '1' }, { a: '2' }]],
    ['blank lines are skipped; a BOM is dropped', '\ufeffa\n\n1\n\n', [{ a: '1' }]],
    ['an explicit empty quoted cell is still empty', 'a,b\n"",2\n', [{ b: '2' }]],
  ])('%s', (_name, text, expected) => {
    expect(parseCsv(text, 100)).toEqual(expected);
  });

  it.each([
    ['unterminated quote', 'a\n"open\n', /never closed/],
    ['text after a closing quote', 'a\n"x"y\n', /after a closing quote/],
    ['more cells than the header', 'a\n1,2\n', /2 cells but the header has 1/],
    ['duplicate header', 'a,a\n1,2\n', /twice/],
    ['no header', '', /no header/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseCsv(text, 100)).toThrow(message);
  });

  it('caps the number of data rows', () => {
    expect(parseCsv('a\n1\n2\n', 2)).toHaveLength(2);
    try {
      parseCsv('a\n1\n2\n3\n', 2);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CsvError);
      expect((err as CsvError).kind).toBe('too-many-rows');
    }
  });
});

describe('coerceCsvRecord', () => {
  const fields = [
    { name: 'n', type: 'integer' as const, required: false, list: false },
    { name: 'x', type: 'number' as const, required: false, list: false },
    { name: 'b', type: 'boolean' as const, required: false, list: false },
    { name: 's', type: 'string' as const, required: false, list: false },
  ];
  it('converts declared types and leaves unconvertible cells as text for the schema to report', () => {
    expect(coerceCsvRecord({ n: ' 42 ', x: '1.5e2', b: 'Yes', s: ' keep ' }, fields)).toEqual({ n: 42, x: 150, b: true, s: 'keep' });
    expect(coerceCsvRecord({ n: '4.5', x: 'abc', b: 'maybe' }, fields)).toEqual({ n: '4.5', x: 'abc', b: 'maybe' });
  });
});

describe('isCalendarDate', () => {
  it.each([['2024-02-29', true], ['2026-02-29', false], ['2026-13-01', false], ['2026-1-01', false]])('%s → %s', (d, ok) => {
    expect(isCalendarDate(d)).toBe(ok);
  });
});
