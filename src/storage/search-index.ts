/**
 * Turns a resource into search index rows using the R4 SearchParameter definitions Medplum holds
 * (`loadDefinitions()` must have run) and Medplum's FHIRPath engine. Expressions are evaluated
 * through `getSearchParameterDetails().parsedExpression`, which keeps only the `|` branches for
 * this resource type; `resolve() is X` and `as X` are handled by Medplum's FHIRPath.
 */
import {
  evalFhirPathTyped,
  getSearchParameterDetails,
  getSearchParameters,
  toTypedValue,
  type TypedValue,
} from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { SearchParamType } from './search-query.js';
import { compilePaths, navigate, NOT_PLAIN, type PlainPath } from './index-paths.js';
import { MAX_INSTANT, MIN_INSTANT, dateRange, normalizeString, parseRelativeReference } from './index-values.js';

type FhirPathAtom = Parameters<typeof evalFhirPathTyped>[0];

export interface TokenRow { readonly param: string; readonly system: string | null; readonly code: string; readonly display: string | null }
export interface StringRow { readonly param: string; readonly value: string; readonly raw: string }
export interface DateRow { readonly param: string; readonly start: string; readonly end: string }
export interface ReferenceRow { readonly param: string; readonly targetType: string; readonly targetId: string }
export interface NumberRow { readonly param: string; readonly value: number }

/** Every index row of one resource version, grouped by index table; duplicates removed. */
export interface IndexRows {
  readonly tokens: TokenRow[];
  readonly strings: StringRow[];
  readonly dates: DateRow[];
  readonly references: ReferenceRow[];
  readonly numbers: NumberRow[];
}

interface CompiledParam {
  readonly code: string;
  readonly type: SearchParamType;
  readonly expression: FhirPathAtom;
  /** Set when every branch for this type can be walked without FHIRPath (index-paths.ts). */
  readonly paths?: readonly PlainPath[];
}

/** Whether extractIndexRows may use plain navigation (tests turn it off to compare). */
let plainNavigation = true;
export function usePlainNavigation(on: boolean): void {
  plainNavigation = on;
}

const INDEXED: ReadonlySet<string> = new Set(['token', 'reference', 'date', 'string', 'uri', 'number']);
/** Indexed from `meta` directly so they exist even when no definitions are loaded. */
const META_PARAMS: ReadonlySet<string> = new Set(['_id', '_lastUpdated', '_profile', '_security', '_tag']);
/** Bounds the work one hostile resource can cause (e.g. 100k identifiers). */
const MAX_ROWS_PER_PARAM = 1000;

const compiled = new Map<string, readonly CompiledParam[]>();

function paramsFor(resourceType: string): readonly CompiledParam[] {
  const cached = compiled.get(resourceType);
  if (cached) return cached;
  const definitions = getSearchParameters(resourceType);
  // Not cached when undefined: definitions may be loaded later in this isolate.
  if (!definitions) return [];
  const out: CompiledParam[] = [];
  for (const [code, sp] of Object.entries(definitions)) {
    if (META_PARAMS.has(code) || !sp.type || !INDEXED.has(sp.type) || !sp.expression) continue;
    try {
      const details = getSearchParameterDetails(resourceType, sp);
      const paths = compilePaths(resourceType, sp.expression);
      out.push({ code, type: sp.type as SearchParamType, expression: details.parsedExpression, ...(paths ? { paths } : {}) });
    } catch {
      // An expression Medplum cannot parse is simply not searchable; fhir/ will not offer it.
    }
  }
  compiled.set(resourceType, out);
  return out;
}

class RowCollector {
  readonly rows: IndexRows = { tokens: [], strings: [], dates: [], references: [], numbers: [] };
  private readonly seen = new Set<string>();

  private fresh(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
  token(param: string, system: string | undefined | null, code: string | undefined | null, display?: string | null): void {
    if (code === undefined || code === null || code === '') return;
    const sys = system ? system : null;
    const disp = display ? normalizeString(display) : null;
    if (this.fresh(`t\u0000${param}\u0000${sys}\u0000${code}\u0000${disp}`)) this.rows.tokens.push({ param, system: sys, code, display: disp });
  }
  string(param: string, text: unknown): void {
    if (typeof text !== 'string' || text === '') return;
    if (this.fresh(`s\u0000${param}\u0000${text}`)) this.rows.strings.push({ param, value: normalizeString(text), raw: text });
  }
  date(param: string, start: string, end: string): void {
    if (this.fresh(`d\u0000${param}\u0000${start}\u0000${end}`)) this.rows.dates.push({ param, start, end });
  }
  reference(param: string, reference: unknown): void {
    if (typeof reference !== 'string') return;
    const target = parseRelativeReference(reference);
    if (target && this.fresh(`r\u0000${param}\u0000${target.type}\u0000${target.id}`)) {
      this.rows.references.push({ param, targetType: target.type, targetId: target.id });
    }
  }
  number(param: string, value: unknown): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    if (this.fresh(`n\u0000${param}\u0000${value}`)) this.rows.numbers.push({ param, value });
  }
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * Index rows for `resource` as stored at `lastUpdated`. Always yields `_id`, `_lastUpdated`,
 * `_tag`/`_security` (token) and `_profile` (uri, its R4 type), plus every token, reference, date,
 * string, uri and number parameter R4 defines for the type. Quantity, composite and special
 * parameters are not indexed. Only flat loops over FHIRPath results: no recursion over input.
 */
export function extractIndexRows(resource: Resource, lastUpdated: string): IndexRows {
  const out = new RowCollector();
  if (resource.id) out.token('_id', null, resource.id);
  const updated = dateRange(lastUpdated);
  if (updated) out.date('_lastUpdated', updated.start, updated.end);
  const meta = asObj(resource.meta);
  for (const profile of asArray(meta['profile'])) out.string('_profile', profile);
  for (const tag of asArray(meta['tag'])) addToken(out, '_tag', { type: 'Coding', value: tag });
  for (const label of asArray(meta['security'])) addToken(out, '_security', { type: 'Coding', value: label });

  const root = [toTypedValue(resource)];
  for (const param of paramsFor(resource.resourceType)) {
    let values: TypedValue[] | undefined = plainNavigation && param.paths ? plainValues(resource, param.paths) : undefined;
    if (!values) {
      try {
        values = evalFhirPathTyped(param.expression, root);
      } catch {
        continue; // A value FHIRPath cannot evaluate leaves this parameter unindexed, not the write failed.
      }
    }
    for (const typed of values.slice(0, MAX_ROWS_PER_PARAM)) addValue(out, param, typed);
  }
  return out.rows;
}

function plainValues(resource: Resource, paths: readonly PlainPath[]): TypedValue[] | undefined {
  if (paths.length === 1) {
    const only = navigate(resource, paths[0]!);
    return only === NOT_PLAIN ? undefined : only;
  }
  // FHIRPath's `|` also drops duplicates; the row collector does too, so only the cap could
  // differ — hand such (huge) resources to FHIRPath.
  const all: TypedValue[] = [];
  for (const path of paths) {
    const values = navigate(resource, path);
    if (values === NOT_PLAIN) return undefined;
    all.push(...values);
  }
  return all.length > MAX_ROWS_PER_PARAM ? undefined : all;
}

function addValue(out: RowCollector, param: CompiledParam, typed: TypedValue): void {
  switch (param.type) {
    case 'token':
      return addToken(out, param.code, typed);
    case 'reference':
      return out.reference(param.code, typeof typed.value === 'string' ? typed.value : asObj(typed.value)['reference']);
    case 'date':
      return addDate(out, param.code, typed);
    case 'string':
      return addString(out, param.code, typed);
    case 'uri':
      return out.string(param.code, typed.value);
    case 'number':
      return out.number(param.code, typeof typed.value === 'number' ? typed.value : asObj(typed.value)['value']);
  }
}

function addToken(out: RowCollector, param: string, typed: TypedValue): void {
  const v = typed.value;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') {
    out.token(param, null, String(v));
    return;
  }
  const o = asObj(v);
  switch (typed.type) {
    case 'CodeableConcept': {
      const text = typeof o['text'] === 'string' ? o['text'] : undefined;
      for (const c of asArray(o['coding']).slice(0, MAX_ROWS_PER_PARAM)) {
        const coding = asObj(c);
        out.token(param, str(coding['system']), str(coding['code']), text ?? str(coding['display']));
      }
      return;
    }
    case 'Identifier':
      out.token(param, str(o['system']), str(o['value']), str(asObj(o['type'])['text']));
      return;
    case 'ContactPoint':
      out.token(param, str(o['system']), str(o['value']));
      return;
    default:
      // Coding, and anything Coding-shaped that FHIRPath typed loosely.
      out.token(param, str(o['system']), str(o['code']), str(o['display']));
  }
}

function addDate(out: RowCollector, param: string, typed: TypedValue): void {
  const v = typed.value;
  if (typeof v === 'string') {
    const r = dateRange(v);
    if (r) out.date(param, r.start, r.end);
    return;
  }
  const o = asObj(v);
  if (typed.type === 'Period' || 'start' in o || 'end' in o) {
    const start = typeof o['start'] === 'string' ? dateRange(o['start'])?.start : MIN_INSTANT;
    const end = typeof o['end'] === 'string' ? dateRange(o['end'])?.end : MAX_INSTANT;
    if (start && end && (o['start'] !== undefined || o['end'] !== undefined)) out.date(param, start, end);
    return;
  }
  // Timing: each event is its own instant.
  for (const event of asArray(o['event']).slice(0, MAX_ROWS_PER_PARAM)) {
    const r = typeof event === 'string' ? dateRange(event) : undefined;
    if (r) out.date(param, r.start, r.end);
  }
}

const NAME_PARTS = ['text', 'family', 'given', 'prefix', 'suffix'] as const;
const ADDRESS_PARTS = ['text', 'line', 'city', 'district', 'state', 'postalCode', 'country'] as const;

function addString(out: RowCollector, param: string, typed: TypedValue): void {
  if (typeof typed.value === 'string') {
    out.string(param, typed.value);
    return;
  }
  const o = asObj(typed.value);
  const parts = typed.type === 'HumanName' ? NAME_PARTS : typed.type === 'Address' ? ADDRESS_PARTS : ['text', 'value', 'display'];
  for (const part of parts) {
    for (const text of asArray(o[part]).slice(0, MAX_ROWS_PER_PARAM)) out.string(param, text);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
