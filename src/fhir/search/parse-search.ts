import { getSearchParameters } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';
import type { Modifier, SearchFilter, SearchParamType, SearchQuery, SortRule } from '../../storage/search-query.js';
import { invalidSearch } from '../../outcomes/index.js';
import { isGatewayResourceType } from '../resource-types.js';
import { parseSearchValue, splitValues } from './search-values.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
/** Offsets past this are refused: deep OFFSET paging is a cheap denial of service. */
export const MAX_OFFSET = 100_000;

const INDEXED_TYPES: ReadonlySet<string> = new Set(['token', 'reference', 'date', 'string', 'uri', 'number']);
const MODIFIERS: ReadonlySet<string> = new Set(['missing', 'exact', 'contains', 'not', 'text']);
/** Result parameters this parser understands; anything else starting with `_` is unknown. */
const RESULT_PARAMS: ReadonlySet<string> = new Set(['_count', '_offset', '_sort', '_include', '_revinclude', '_total', '_summary', '_format', '_pretty']);

export interface IncludeRequest {
  readonly sourceType: string;
  readonly param: string;
  readonly targetType?: string;
}

export interface ParsedSearch {
  readonly query: SearchQuery;
  readonly include: readonly IncludeRequest[];
  readonly revinclude: readonly IncludeRequest[];
  /** `_summary=count`: answer the total only. */
  readonly countOnly: boolean;
  /** The parameters actually applied, for the self link (lenient mode drops the rest). */
  readonly applied: URLSearchParams;
  /** Parameters ignored in lenient mode, reported back in an OperationOutcome entry. */
  readonly ignored: readonly string[];
}

/** The indexed search parameter `code` of `resourceType`, or undefined if not searchable here. */
export function findSearchParam(resourceType: string, code: string): (SearchParameter & { type: SearchParamType }) | undefined {
  const param = getSearchParameters(resourceType)?.[code];
  if (!param?.type || !INDEXED_TYPES.has(param.type)) return undefined;
  return param as SearchParameter & { type: SearchParamType };
}

/**
 * Parses a search URL's parameters into a SearchQuery checked against the R4 definitions.
 *
 * Unknown or unsupported parameters: with `strict` they are a 400; otherwise they are ignored,
 * left out of the self link and reported. Chains and `_has` are always refused, never ignored,
 * because ignoring a filter would silently widen the result.
 */
export function parseSearch(resourceType: string, params: URLSearchParams, strict: boolean): ParsedSearch {
  const filters: SearchFilter[] = [];
  const include: IncludeRequest[] = [];
  const revinclude: IncludeRequest[] = [];
  const applied = new URLSearchParams();
  const ignored: string[] = [];
  let sort: SortRule[] = [];
  let count = DEFAULT_PAGE_SIZE;
  let offset = 0;
  let total = true;
  let countOnly = false;

  const reject = (name: string, text: string): void => {
    if (strict) throw invalidSearch(text, name);
    ignored.push(name);
  };

  for (const [name, raw] of params) {
    const [code = '', modifierText] = name.split(':', 2);
    if (code.startsWith('_has') || name.includes('.')) {
      throw invalidSearch(`Chained and \`_has\` searches are not supported (\`${name}\`).`, name);
    }
    if (RESULT_PARAMS.has(code)) {
      switch (code) {
        case '_count':
          count = Math.min(parseNonNegative(name, raw), MAX_PAGE_SIZE);
          break;
        case '_offset':
          offset = parseNonNegative(name, raw);
          if (offset > MAX_OFFSET) throw invalidSearch(`\`_offset\` may not exceed ${MAX_OFFSET}.`, name);
          break;
        case '_sort':
          sort = parseSort(resourceType, raw);
          break;
        case '_include':
          include.push(parseInclude(name, raw, resourceType, 'include'));
          break;
        case '_revinclude':
          revinclude.push(parseInclude(name, raw, resourceType, 'revinclude'));
          break;
        case '_total':
          if (!['none', 'estimate', 'accurate'].includes(raw)) throw invalidSearch(`\`_total\` must be none, estimate or accurate.`, name);
          total = raw !== 'none';
          break;
        case '_summary':
          if (raw === 'count') countOnly = true;
          else if (raw !== 'false') {
            reject(name, `\`_summary=${raw}\` is not supported; use \`count\` or \`false\`.`);
            continue;
          }
          break;
        case '_format':
          if (!/json/.test(raw)) throw invalidSearch(`Only JSON is served; \`_format=${raw}\` is not supported.`, name);
          break;
      }
      if (code !== '_offset') applied.append(name, raw);
      continue;
    }
    const definition = findSearchParam(resourceType, code);
    if (!definition) {
      reject(name, `Unknown or unsupported search parameter \`${code}\` for \`${resourceType}\`.`);
      continue;
    }
    // An unsupported modifier on a known parameter is refused even in lenient mode: ignoring
    // the filter (e.g. `subject:Patient=…`) would silently widen the result.
    if (modifierText !== undefined && !MODIFIERS.has(modifierText)) {
      throw invalidSearch(`Modifier \`:${modifierText}\` is not supported on \`${code}\`.`, name);
    }
    const modifier = modifierText as Modifier | undefined;
    if (modifier && !modifierFits(definition.type, modifier)) {
      throw invalidSearch(`Modifier \`:${modifier}\` does not apply to ${definition.type} parameter \`${code}\`.`, name);
    }
    const values = splitValues(raw).map((value) => parseSearchValue(name, definition.type, modifier, value));
    filters.push({ code, type: definition.type, ...(modifier ? { modifier } : {}), values, raw });
    applied.append(name, raw);
  }

  if (countOnly) count = 0;
  return {
    query: { resourceType, filters, sort, count, offset, total: total || countOnly },
    include,
    revinclude,
    countOnly,
    applied,
    ignored,
  };
}

function modifierFits(type: SearchParamType, modifier: Modifier): boolean {
  if (modifier === 'missing') return true;
  if (modifier === 'exact' || modifier === 'contains') return type === 'string' || type === 'uri';
  return type === 'token';
}

function parseNonNegative(name: string, raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw invalidSearch(`\`${name}\` must be a non-negative integer, not \`${raw}\`.`, name);
  return Number(raw);
}

function parseSort(resourceType: string, raw: string): SortRule[] {
  return raw.split(',').map((term) => {
    const descending = term.startsWith('-');
    const code = descending ? term.slice(1) : term;
    const definition = findSearchParam(resourceType, code);
    if (!definition) throw invalidSearch(`Cannot sort \`${resourceType}\` by \`${code}\`.`, '_sort');
    return { code, type: definition.type, descending };
  });
}

/** `Source:param[:Target]`; `:iterate` is refused because nested expansion is not supported. */
function parseInclude(name: string, raw: string, searchType: string, kind: 'include' | 'revinclude'): IncludeRequest {
  if (name !== `_${kind}`) throw invalidSearch(`\`${name}\` is not supported; only single-level \`_${kind}\`.`, name);
  const [sourceType = '', param = '', targetType, extra] = raw.split(':');
  if (extra !== undefined || !isGatewayResourceType(sourceType)) {
    throw invalidSearch(`\`_${kind}=${raw}\` must be \`Type:parameter[:TargetType]\` with a served type.`, name);
  }
  if (kind === 'include' && sourceType !== searchType) {
    throw invalidSearch(`\`_include\` must start from \`${searchType}\`, not \`${sourceType}\`.`, name);
  }
  if (targetType !== undefined && !isGatewayResourceType(targetType)) {
    throw invalidSearch(`\`${targetType}\` is not a served resource type.`, name);
  }
  if (param !== '*') {
    const definition = findSearchParam(sourceType, param);
    if (definition?.type !== 'reference') throw invalidSearch(`\`${sourceType}:${param}\` is not a reference search parameter.`, name);
  }
  return { sourceType, param, ...(targetType ? { targetType } : {}) };
}
