import type { Modifier, Prefix, SearchParamType, SearchValue } from '../../storage/search-query.js';
import { invalidSearch } from '../../outcomes/index.js';
import { dateRange } from '../../storage/index-values.js';

const PREFIXES: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

/** Splits on unescaped commas (FHIR R4 §3.1.1.4.13: `\,` is a literal comma). */
export function splitValues(raw: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\' && i + 1 < raw.length) {
      current += raw[++i];
    } else if (ch === ',') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const head = value.slice(0, 2);
  if (PREFIXES.has(head) && /^[a-z]{2}[0-9+-]/.test(value)) return { prefix: head as Prefix, rest: value.slice(2) };
  return { prefix: 'eq', rest: value };
}

/**
 * Turns one raw value into a typed SearchValue for a parameter of `type`, or throws a 400
 * naming the parameter. Nothing is passed through unchecked.
 */
export function parseSearchValue(param: string, type: SearchParamType, modifier: Modifier | undefined, raw: string): SearchValue {
  if (modifier === 'missing') {
    if (raw !== 'true' && raw !== 'false') throw invalidSearch(`\`${param}:missing\` takes \`true\` or \`false\`, not \`${raw}\`.`, param);
    return { kind: 'missing', missing: raw === 'true' };
  }
  if (raw === '') throw invalidSearch(`Search parameter \`${param}\` has an empty value.`, param);
  switch (type) {
    case 'token': {
      const bar = raw.indexOf('|');
      if (bar < 0) return { kind: 'token', code: raw };
      const system = raw.slice(0, bar);
      const code = raw.slice(bar + 1);
      return { kind: 'token', system: system === '' ? '' : system, ...(code === '' ? {} : { code }) };
    }
    case 'reference': {
      const parts = raw.split('/');
      if (parts.length === 1) return { kind: 'reference', id: raw };
      if (parts.length === 2 && parts[0] && parts[1] && /^[A-Z][A-Za-z]+$/.test(parts[0])) {
        return { kind: 'reference', type: parts[0], id: parts[1] };
      }
      throw invalidSearch(`\`${raw}\` is not a reference; use \`Type/id\` or an id.`, param);
    }
    case 'date': {
      const { prefix, rest } = splitPrefix(raw);
      const range = dateRange(rest);
      if (!range) throw invalidSearch(`\`${raw}\` is not a FHIR date for \`${param}\`.`, param);
      return { kind: 'date', prefix, start: range.start, end: range.end };
    }
    case 'number': {
      const { prefix, rest } = splitPrefix(raw);
      const value = Number(rest);
      if (rest.trim() === '' || !Number.isFinite(value)) throw invalidSearch(`\`${raw}\` is not a number for \`${param}\`.`, param);
      return { kind: 'number', prefix, value };
    }
    case 'string':
    case 'uri':
      return { kind: 'string', text: raw };
  }
}
