/**
 * A parsed SearchQuery back into FHIR search parameters for the upstream. Filters parsed from a
 * client URL carry their original text (`raw`) and are passed on unchanged; the gateway's own
 * internal queries (consent lookups…) are rebuilt from their typed values. `_lastUpdated`, date
 * filters without original text, sorting, paging, totals and visibility are never sent: the adapter
 * applies them itself over every upstream match (local-eval.ts).
 */
import type { SearchFilter, SearchQuery, SearchValue } from '../search-query.js';
import { internalError } from '../../outcomes/index.js';
import { isLocalFilter } from './local-eval.js';

export function toUpstreamParams(query: SearchQuery): [string, string][] {
  const out: [string, string][] = [];
  for (const f of query.filters) {
    if (isLocalFilter(f)) continue;
    const name = f.modifier ? `${f.code}:${f.modifier}` : f.code;
    if (f.raw !== undefined) {
      out.push([name, f.raw]);
      continue;
    }
    out.push([name, f.values.map((v) => valueText(f, v)).join(',')]);
  }
  return out;
}

/** FHIR escaping of `,` `|` `$` and `\` inside one value. */
const escape = (text: string): string => text.replace(/[\\,|$]/g, (c) => `\\${c}`);

function valueText(f: SearchFilter, v: SearchValue): string {
  switch (v.kind) {
    case 'token':
      return v.system === undefined ? escape(v.code ?? '') : `${escape(v.system)}|${escape(v.code ?? '')}`;
    case 'reference':
      return v.type ? `${v.type}/${v.id}` : v.id;
    case 'string':
      return escape(v.text);
    case 'number':
      return `${v.prefix === 'eq' ? '' : v.prefix}${v.value}`;
    case 'missing':
      return String(v.missing);
    case 'date':
      throw internalError(new Error(`date filter ${f.code} is evaluated locally`));
  }
}
