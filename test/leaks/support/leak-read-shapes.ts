import type { Shape } from './leak-checks.js';
import { hiddenTypes } from './leak-shapes.js';
import type { LeakWorld } from './leak-world.js';

/** Read, vread and instance history of every hidden id: 404 like an id that never existed. */
export function instanceShapes(lw: LeakWorld): Shape[] {
  const shapes: Shape[] = [];
  const other = (name: string, path: string, expectStatus: number[]) => shapes.push({ name, req: { path }, kind: 'other', expectStatus });
  for (const h of lw.hidden.values()) {
    const at = `${h.type}/${h.id}`;
    const label = `${h.type}/<hidden${h.deleted ? ', deleted' : ''}>`;
    other(`read ${label}`, `/fhir/${at}`, [404]);
    other(`vread ${label} v1`, `/fhir/${at}/_history/1`, [404]);
    other(`vread ${label} current v${h.versionId}`, `/fhir/${at}/_history/${h.versionId}`, [404]);
    other(`vread ${label} v999`, `/fhir/${at}/_history/999`, [404]);
    other(`vread ${label} non-numeric version`, `/fhir/${at}/_history/abc`, [404]);
    other(`history ${label}`, `/fhir/${at}/_history`, [404]);
    other(`history ${label} paged`, `/fhir/${at}/_history?_count=1&_offset=1`, [404]);
    other(`read ${label} as the wrong type`, `/fhir/${h.type === 'Goal' ? 'Condition' : 'Goal'}/${h.id}`, [404]);
    other(`read ${label} with _format and _summary`, `/fhir/${at}?_format=json&_summary=true`, [404]);
  }
  return shapes;
}

/** Type and system history, with paging past the end: hidden versions are neither listed nor counted. */
export function historyShapes(lw: LeakWorld): Shape[] {
  const shapes: Shape[] = [];
  const history = (name: string, path: string, pageThrough = false) => shapes.push({ name, req: { path }, kind: 'history', pageThrough });
  for (const type of [...hiddenTypes(lw), 'Patient']) {
    history(`${type}/_history`, `/fhir/${type}/_history`);
    history(`${type}/_history?_count=1 (paged to the end)`, `/fhir/${type}/_history?_count=1`, true);
    history(`${type}/_history?_since`, `/fhir/${type}/_history?_since=2000-01-01T00:00:00Z`);
    history(`${type}/_history beyond the end`, `/fhir/${type}/_history?_count=1&_offset=20`);
  }
  history('system _history', '/fhir/_history?_count=1000');
  history('system _history default page', '/fhir/_history');
  history('system _history?_count=5 (paged to the end)', '/fhir/_history?_count=5', true);
  history('system _history?_since', '/fhir/_history?_since=2000-01-01T00:00:00Z&_count=1000');
  for (const offset of [10, 20, 40, 100, 100_000]) history(`system _history _offset=${offset}`, `/fhir/_history?_count=10&_offset=${offset}`);
  return shapes;
}

/** Ids and parameters that try to break out of the id pattern or the query: 4xx, never 5xx. */
export function malformedShapes(lw: LeakWorld): Shape[] {
  const h = lw.ids['drugTest']!;
  const bad: [string, string][] = [
    ['dot-dot path', '/fhir/Observation/../..'],
    ['encoded dot-dot', '/fhir/Observation/..%2F..%2FPatient'],
    ['65-char id', `/fhir/Observation/${'a'.repeat(65)}`],
    ['5000-char id', `/fhir/Observation/${'a'.repeat(5000)}`],
    ['unicode id', '/fhir/Observation/%C3%B1%E2%9C%93'],
    ['NUL id', '/fhir/Observation/%00'],
    ['hidden id + NUL', `/fhir/Observation/${h}%00`],
    ['hidden id + quote', `/fhir/Observation/${h}'--`],
    ['SQL-ish id', `/fhir/Observation/${encodeURIComponent("' OR 1=1--")}`],
    ['SQL-ish vread', `/fhir/Observation/${h}/_history/${encodeURIComponent('1 OR 1=1')}`],
    ['negative version', `/fhir/Observation/${h}/_history/-1`],
    ['huge version', `/fhir/Observation/${h}/_history/99999999999999999999`],
    ['hidden id upper-cased', `/fhir/Observation/${h.toUpperCase()}`],
    ['hidden id prefix', `/fhir/Observation/${h.slice(0, 8)}`],
    ['SQL-ish _id', `/fhir/Observation?_id=${encodeURIComponent("' OR 1=1--")}`],
    ['SQL-ish _id after hidden', `/fhir/Observation?_id=${h}${encodeURIComponent("' OR '1'='1")}`],
    ['SQL-ish patient', `/fhir/Observation?patient=${encodeURIComponent("Patient/' OR 1=1--")}`],
    ['SQL-ish code', `/fhir/Observation?code=${encodeURIComponent("x' OR 1=1--")}`],
    ['LIKE wildcard string', `/fhir/Observation?value-string=${encodeURIComponent('%')}`],
    ['LIKE wildcard contains', `/fhir/Observation?value-string:contains=${encodeURIComponent('_')}`],
    ['NUL in code', '/fhir/Observation?code=%00'],
    ['bad _count', '/fhir/Observation?_count=-1'],
    ['bad _offset', '/fhir/Observation?_offset=1e9'],
    ['unknown type', '/fhir/Leak'],
    ['unknown type with hidden id', `/fhir/Leak/${h}`],
    ['bad _include', '/fhir/Observation?_include=Observation:subject:Leak'],
    ['_include:iterate', '/fhir/Observation?_include:iterate=Observation:derived-from'],
    ['_revinclude on unknown param', `/fhir/Patient?_revinclude=Observation:leak`],
    ['_has on Patient for a hidden code', `/fhir/Patient?_has:Observation:subject:code=19295-5`],
    ['_has naming a hidden id', `/fhir/Patient?_has:Observation:subject:_id=${h}`],
    ['chained patient', '/fhir/Observation?patient.identifier=DEMO-100001'],
    ['chained reference type', '/fhir/Observation?subject:Patient.name=x'],
    ['bad date', '/fhir/Observation?date=not-a-date'],
    ['bad _since', '/fhir/Observation/_history?_since=yesterday'],
    ['bad _sort', '/fhir/Observation?_sort=leak'],
    ['XML accept', `/fhir/Observation/${h}`],
  ];
  // Odd values inside a valid parameter are just values (parameterised SQL): an empty 200 is right.
  const literal = new Set(['SQL-ish _id', 'SQL-ish _id after hidden', 'SQL-ish patient', 'SQL-ish code', 'LIKE wildcard string', 'LIKE wildcard contains', 'NUL in code']);
  return bad.map(([name, path]): Shape => ({
    name: `malformed: ${name}`,
    req: { path, ...(name === 'XML accept' ? { headers: { accept: 'application/fhir+xml' } } : {}) },
    ...(literal.has(name) ? { kind: 'search' as const } : { kind: 'other' as const, expectStatus: [400, 404, 406, 422] }),
    // BUG (not a Part 2 leak): `subject:Patient.name` passes the chain check (it only looks at the
    // code before `:`), then the unknown "modifier" is ignored in lenient mode, silently widening
    // the search (src/fhir/search/parse-search.ts parseSearch; fix: refuse when the modifier text
    // contains `.`). Results stay filtered by consent, so nothing Part 2 escapes.
  }));
}

/** batch and transaction Bundles whose GET entries read or search hidden records. */
export function bundleShapes(lw: LeakWorld): Shape[] {
  const pid = lw.patientId;
  const get = (url: string) => ({ request: { method: 'GET', url } });
  const shapes: Shape[] = [];
  const post = (name: string, type: 'batch' | 'transaction', urls: string[], expectStatus: number[]) =>
    shapes.push({ name, kind: 'other', expectStatus, req: { method: 'POST', path: '/fhir', body: { resourceType: 'Bundle', type, entry: urls.map(get) } } });
  for (const h of lw.hidden.values()) {
    const at = `${h.type}/${h.id}`;
    post(`batch GET ${h.type}/<hidden> read, vread, search`, 'batch', [at, `${at}/_history/1`, `${h.type}?_id=${h.id}`, `${at}/_history`], [200]);
    post(`transaction GET ${h.type}/<hidden>`, 'transaction', [at], [404]);
  }
  const searches = [...new Set([...lw.hidden.values()].map((h) => h.type))].flatMap((t) => [
    `${t}?patient=Patient/${pid}`, `${t}?_summary=count`, `${t}?_count=1&_offset=1`, `${t}?_include=${t}:*`,
  ]);
  post('batch of searches over every hidden type', 'batch', searches, [200]);
  post('transaction of searches over every hidden type', 'transaction', searches, [200]);
  post('batch revinclude from the patient', 'batch', [`Patient?_id=${pid}&_revinclude=Observation:subject&_revinclude=Task:patient&_revinclude=Provenance:target`], [200]);
  post('batch _has (refused per entry)', 'batch', [`Patient?_has:Observation:subject:code=19295-5`], [200]);
  post('batch malformed hidden id', 'batch', [`Observation/${lw.ids['drugTest']}'--`, `Observation/${lw.ids['drugTest']}/_history/x`], [200]);
  return shapes;
}
