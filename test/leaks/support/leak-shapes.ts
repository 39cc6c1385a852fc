import { evalFhirPath, getSearchParameters } from '@medplum/core';
import type { CapabilityStatementRestResource, Resource } from '@medplum/fhirtypes';
import type { Shape } from './leak-checks.js';
import { LEAK_IDENTIFIER, type HiddenRecord, type LeakWorld } from './leak-world.js';

/** The CapabilityStatement entry of `type`. */
export function capabilityOf(lw: LeakWorld, type: string): CapabilityStatementRestResource {
  const found = lw.metadata.rest?.[0]?.resource?.find((r) => r.type === type);
  if (!found) throw new Error(`metadata lists no ${type}`);
  return found;
}

/** Types that hold at least one hidden record, in a stable order. */
export function hiddenTypes(lw: LeakWorld): string[] {
  return [...new Set([...lw.hidden.values()].map((h) => h.type))].sort();
}

const live = (lw: LeakWorld, type: string): HiddenRecord[] => [...lw.hidden.values()].filter((h) => h.type === type && !h.deleted);

/** A search value taken from `value` (an element the parameter's expression selected). */
function searchValueOf(type: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (type === 'date') return `ge${value.slice(0, 4)}-01-01`;
    if (type === 'string') return value.slice(0, 4);
    return value;
  }
  const v = value as Record<string, any>;
  if (type === 'reference' && typeof v['reference'] === 'string') return v['reference'];
  if (type === 'date' && typeof v['start'] === 'string') return `ge${String(v['start']).slice(0, 4)}-01-01`;
  if (type === 'token') {
    const coding = Array.isArray(v['coding']) ? v['coding'][0] : v;
    if (coding?.code) return coding.system ? `${coding.system}|${coding.code}` : coding.code;
    if (v['value'] && v['system']) return `${v['system']}|${v['value']}`;
  }
  if (type === 'string' && typeof v['text'] === 'string') return v['text'].slice(0, 4);
  return undefined;
}

/** The first value of `code` found on a hidden record of `type`, as a search value. */
function hiddenValue(lw: LeakWorld, type: string, code: string, paramType: string): string | undefined {
  const expression = getSearchParameters(type)?.[code]?.expression;
  if (code === '_id') return live(lw, type)[0]?.id;
  if (!expression) return undefined;
  for (const h of live(lw, type)) {
    for (const v of evalFhirPath(expression, h.resource as Resource)) {
      const sv = searchValueOf(paramType, v);
      if (sv) return sv;
    }
  }
  return undefined;
}

/**
 * For every type holding hidden records and every search parameter the CapabilityStatement lists
 * for it: a search whose value matches a hidden record (or `:missing=false` when no hidden record
 * carries a value), plus the result-parameter shapes (count, paging, sort, includes).
 */
export function searchShapes(lw: LeakWorld): Shape[] {
  const shapes: Shape[] = [];
  const pid = lw.patientId;
  const search = (name: string, path: string, extra: Partial<Shape> = {}): void => {
    shapes.push({ name, req: { path }, kind: 'search', ...extra });
  };
  for (const type of hiddenTypes(lw)) {
    const cap = capabilityOf(lw, type);
    const params = cap.searchParam ?? [];
    for (const p of params) {
      const value = hiddenValue(lw, type, p.name, p.type!);
      if (value === undefined) search(`${type}?${p.name}:missing=false`, `/fhir/${type}?${p.name}:missing=false`);
      else if (p.type === 'date') search(`${type}?${p.name}=<range>`, `/fhir/${type}?${p.name}=${value}&${p.name}=le2027-12-31`);
      else search(`${type}?${p.name}=<hidden value>`, `/fhir/${type}?${p.name}=${encodeURIComponent(value)}`);
    }
    const hasPatient = params.some((p) => p.name === 'patient');
    const anchor = hasPatient ? `patient=Patient/${pid}` : '';
    const ids = live(lw, type).map((h) => h.id).join(',');
    const all = `/fhir/${type}?${anchor}`;
    search(`${type} (everything)`, `/fhir/${type}`);
    search(`${type}?_summary=count`, `/fhir/${type}?_summary=count`);
    search(`${type}?${anchor}&_summary=count`, `${all}&_summary=count`);
    search(`${type}?_id=<hidden>&_summary=count`, `/fhir/${type}?_id=${ids}&_summary=count`);
    search(`${type}?_id=<hidden>`, `/fhir/${type}?_id=${ids}`);
    search(`${type}?_id:not=<hidden>`, `/fhir/${type}?_id:not=${ids}`);
    search(`${type}?_security=42CFRPart2`, `/fhir/${type}?_security=http://terminology.hl7.org/CodeSystem/v3-ActCode|42CFRPart2`);
    search(`${type}?_security=R`, `/fhir/${type}?_security=R`);
    search(`${type}?_lastUpdated=ge2000`, `/fhir/${type}?_lastUpdated=ge2000-01-01`);
    search(`${type}?${anchor}&_count=1 (paged to the end)`, `${all}&_count=1`, { pageThrough: true });
    search(`${type}?_count=1 (paged to the end)`, `/fhir/${type}?_count=1`, { pageThrough: true });
    search(`${type}?${anchor}&_count=2&_offset=1 (paged)`, `${all}&_count=2&_offset=1`, { pageThrough: true });
    for (const offset of [live(lw, type).length, 5, 50, 100_000]) {
      search(`${type}?_count=1&_offset=${offset} (beyond the end)`, `${all}&_count=1&_offset=${offset}`);
    }
    search(`${type}?_total=none`, `${all}&_total=none`);
    search(`${type}?_total=accurate&_count=0`, `${all}&_total=accurate&_count=0`);
    for (const sort of ['-_lastUpdated', '_id', ...params.filter((p) => ['date', 'status', 'code', 'authored'].includes(p.name)).map((p) => `-${p.name}`)]) {
      search(`${type}?_sort=${sort}`, `${all}&_sort=${sort}`);
    }
    for (const inc of [...(cap.searchInclude ?? []), `${type}:*`]) search(`${type}?_include=${inc}`, `${all}&_include=${inc}`);
    search(`POST ${type}/_search with hidden values`, `/fhir/${type}/_search`);
    shapes[shapes.length - 1] = { ...shapes[shapes.length - 1]!, req: { method: 'POST', path: `/fhir/${type}/_search`, form: `${anchor}&_id=${ids}` } };
    shapes.push({ name: `POST ${type}/_search?_summary=count`, kind: 'search', req: { method: 'POST', path: `/fhir/${type}/_search`, form: `${anchor}&_summary=count` } });
    shapes.push({ name: `${type}?_has (refused)`, kind: 'other', expectStatus: [400], req: { path: `/fhir/${type}?_has:Provenance:target:agent=Organization/${lw.w.org['demo-treatment']}` } });
    shapes.push({ name: `${type}?subject.name chain (refused)`, kind: 'other', expectStatus: [400], req: { path: `/fhir/${type}?subject.name=x` } });
    shapes.push({ name: `${type}?_id=<hidden> strict unknown param`, kind: 'other', expectStatus: [400], req: { path: `/fhir/${type}?_id=${ids}&leak-unknown=1`, headers: { prefer: 'handling=strict' } } });
    shapes.push({ name: `${type}?_id=<hidden> lenient unknown param`, kind: 'search', req: { path: `/fhir/${type}?_id=${ids}&leak-unknown=1` } });
  }
  // Reverse includes from the visible records hidden ones point at (the patient, the program).
  const anchors: [string, string][] = [['Patient', pid], ['Organization', lw.w.org['demo-treatment']], ['Condition', lw.ids['hypertension']!]];
  const types = new Set(hiddenTypes(lw));
  for (const [type, id] of anchors) {
    for (const rev of capabilityOf(lw, type).searchRevInclude ?? []) {
      if (!types.has(rev.split(':')[0]!)) continue;
      search(`${type}?_id=<visible>&_revinclude=${rev}`, `/fhir/${type}?_id=${id}&_revinclude=${rev}`);
    }
  }
  search('Patient?_id=<pid>&_revinclude=* of every hidden type', `/fhir/Patient?_id=${pid}&${[...types].map((t) => `_revinclude=${t}:*`).join('&')}`);
  search('Observation?identifier=<hidden identifier>', `/fhir/Observation?identifier=${LEAK_IDENTIFIER}|LEAK-OBS-2`);
  search('Observation?identifier=<deleted identifier>', `/fhir/Observation?identifier=${LEAK_IDENTIFIER}|LEAK-OBS-DEL`);
  search('Observation?identifier=<system>|', `/fhir/Observation?identifier=${LEAK_IDENTIFIER}|`);
  search('Observation?code=<drug test>&patient', `/fhir/Observation?code=http://loinc.org|19295-5&patient=Patient/${pid}`);
  search('Observation?code:not=<drug test>', `/fhir/Observation?code:not=http://loinc.org|19295-5`);
  search('Condition?code=F11.20 (SUD code)', `/fhir/Condition?code=http://hl7.org/fhir/sid/icd-10-cm|F11.20`);
  search('Observation?subject=<pid>&date range', `/fhir/Observation?subject=Patient/${pid}&date=ge2026-10-01&date=le2026-10-31`);
  search('Encounter?date within the hidden visit', `/fhir/Encounter?date=ge2026-10-02T15:10:00Z&date=le2026-10-02T15:50:00Z`);
  search('Observation?derived-from=<hidden>', `/fhir/Observation?derived-from=Observation/${lw.ids['drugTest']}`);
  search('Task?focus=<hidden>', `/fhir/Task?focus=ServiceRequest/${lw.ids['referral']}`);
  search('Provenance?target=<hidden>', `/fhir/Provenance?target=Observation/${lw.ids['followUp']}`);
  search('CarePlan?condition=<hidden>', `/fhir/CarePlan?condition=Condition/${lw.ids['diagnosis']}`);
  search('Observation?_compartment=Patient/<pid>', `/fhir/Observation?_compartment=Patient/${pid}`);
  return shapes;
}
