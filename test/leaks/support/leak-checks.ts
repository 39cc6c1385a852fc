import { expect } from 'vitest';
import { BASE } from '../../support/test-gateway.js';
import { HOLDER, type LeakWorld, type Probe, type ProbeRequest, type Requester } from './leak-world.js';

/** One request shape the suite tries as every requester without consent. */
export interface Shape {
  readonly name: string;
  readonly req: ProbeRequest;
  /** `search`: compare with the holder's view; `history`: same for history; `other`: leak checks only. */
  readonly kind: 'search' | 'history' | 'other';
  /** Statuses the requester may get; unset = whatever a never-existing id would get (or 200). */
  readonly expectStatus?: readonly number[];
  /** Follow every `next` link to the end and compare the union with what the requester may see. */
  readonly pageThrough?: boolean;
  /** A known defect: the shape's test is `it.fails` until it is fixed (the reason says which). */
  readonly failsBecause?: string;
  /** Writes: a made-up id would be created, so only the leak checks apply, not the comparison. */
  readonly noTwin?: boolean;
}

/** Result parameters left out of a baseline so the holder's answer lists every match at once. */
const PAGING = new Set(['_count', '_offset', '_summary', '_total']);

interface Entry {
  fullUrl?: string;
  resource?: { resourceType: string; id?: string };
  search?: { mode?: string };
  request?: { url?: string };
  response?: { status?: string; etag?: string };
}

/** `Type/id`, plus `@etag` for history entries (one key per version). */
function keyOf(e: Entry): string {
  const key = e.resource?.id ? `${e.resource.resourceType}/${e.resource.id}` : (e.request?.url ?? e.fullUrl ?? '');
  return e.response?.etag ? `${key}@${e.response.etag}` : key;
}
const idOfKey = (key: string): string => key.split('/')[1]?.split('@')[0] ?? '';

/** A never-existing id standing in for hidden id number `i` (same length and shape: a UUID). */
export const twinId = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** The hidden ids a request names itself; the answer may echo exactly what a made-up id would. */
export function namedHiddenIds(lw: LeakWorld, req: ProbeRequest): string[] {
  const text = JSON.stringify(req);
  return lw.hiddenIds.filter((id) => text.includes(id));
}

function replaceIds(text: string, ids: readonly string[], to: (i: number) => string): string {
  return ids.reduce((t, id, i) => t.replaceAll(id, to(i)), text);
}

/** The same request with every hidden id it names replaced by a never-existing one. */
export function twinOf(lw: LeakWorld, req: ProbeRequest): ProbeRequest {
  const named = namedHiddenIds(lw, req);
  return JSON.parse(replaceIds(JSON.stringify(req), named, (i) => twinId(lw.hiddenIds.indexOf(named[i]!)))) as ProbeRequest;
}

/**
 * The body and headers carry no hidden id except those the request named itself, and no §2.32
 * notice (nothing Part 2 was released, so none may be announced).
 */
export function expectNoHiddenIds(lw: LeakWorld, res: Probe, named: readonly string[]): void {
  const headerText = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
  for (const id of lw.hiddenIds) {
    if (named.includes(id)) continue;
    expect(res.text, `body carries hidden ${lw.hidden.get(id)!.type}/${id}`).not.toContain(id);
    expect(headerText, `headers carry hidden ${lw.hidden.get(id)!.type}/${id}`).not.toContain(id);
  }
  expect(res.headers.get('x-part2-notice'), 'a Part 2 notice announces a release').toBeNull();
}

/** Status and body with ids neutralised, so a hidden id and a made-up id can be compared. */
function normalized(lw: LeakWorld, res: Probe, ids: readonly string[]): { status: number; body: unknown; location: string | null } {
  const neutral = (t: string) => replaceIds(replaceIds(t, ids, () => '<ID>'), ids.map((id) => twinId(lw.hiddenIds.indexOf(id))), () => '<ID>');
  const strip = (t: string) => neutral(t).replace(/"lastUpdated":"[^"]*"/g, '"lastUpdated":"<T>"').replace(/"lastModified":"[^"]*"/g, '"lastModified":"<T>"');
  const location = res.headers.get('location');
  return { status: res.status, body: res.text ? JSON.parse(strip(res.text)) : '', location: location && neutral(location).replace(/[0-9a-f-]{36}/g, '<NEW>') };
}

/** P2-17: the answer for a hidden id is the answer for an id that never existed. */
export async function expectSameAsNeverExisting(lw: LeakWorld, who: Requester, req: ProbeRequest, res: Probe): Promise<void> {
  const named = namedHiddenIds(lw, req);
  if (named.length === 0) return;
  const twin = await lw.probe(who, twinOf(lw, req));
  const ours = normalized(lw, res, named);
  const theirs = normalized(lw, twin, named);
  // New resources get fresh ids; compare their shape, not the ids.
  const fresh = (v: { body: unknown }) => JSON.parse(JSON.stringify(v.body).replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, '<NEW>')) as unknown;
  expect({ ...ours, body: fresh(ours) }, 'a hidden id answers differently from a never-existing id').toEqual({ ...theirs, body: fresh(theirs) });
}

const baselines = new Map<string, Promise<Probe>>();

/** The holder's answer for the same filters, unpaged (cached: shapes share baselines). */
function holderBaseline(lw: LeakWorld, path: string): Promise<Probe> {
  const url = new URL(path, BASE);
  const params = new URLSearchParams([...url.searchParams].filter(([k]) => !PAGING.has(k)));
  params.set('_count', '1000');
  const key = `${url.pathname}?${params.toString()}`;
  if (!baselines.has(key)) baselines.set(key, lw.probe(HOLDER, { path: key }));
  return baselines.get(key)!;
}

/** Forgets cached holder answers (after writes change what exists). */
export function resetBaselines(): void {
  baselines.clear();
}

function entriesOf(res: Probe, mode?: string): Entry[] {
  const entries = ((res.json as { entry?: Entry[] } | undefined)?.entry ?? []) as Entry[];
  return mode ? entries.filter((e) => e.search?.mode === mode) : entries;
}

/** Follows `next` links from `first` (at most 200 pages), checking each page for leaks. */
async function pageThrough(lw: LeakWorld, who: Requester, first: Probe, named: readonly string[]): Promise<{ keys: string[]; totals: number[] }> {
  const keys: string[] = [];
  const totals: number[] = [];
  let page = first;
  for (let i = 0; i < 200; i++) {
    keys.push(...entriesOf(page).filter((e) => e.search?.mode !== 'outcome').map(keyOf));
    if (typeof page.json?.total === 'number') totals.push(page.json.total);
    const next = (page.json?.link as { relation: string; url: string }[] | undefined)?.find((l) => l.relation === 'next');
    if (!next) return { keys, totals };
    expect(next.url.startsWith(BASE)).toBe(true);
    page = await lw.probe(who, { path: next.url.slice(BASE.length) });
    expect(page.status).toBe(200);
    expectNoHiddenIds(lw, page, named);
  }
  throw new Error('more than 200 pages');
}

/** Runs one shape as `who` and applies every leak check that fits its kind. */
export async function checkShape(lw: LeakWorld, who: Requester, shape: Shape): Promise<Probe> {
  const res = await lw.probe(who, shape.req);
  expect(res.status, `5xx: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  const named = namedHiddenIds(lw, shape.req);
  expectNoHiddenIds(lw, res, named);
  if (!shape.noTwin) await expectSameAsNeverExisting(lw, who, shape.req, res);
  if (shape.expectStatus) expect(shape.expectStatus, res.text.slice(0, 300)).toContain(res.status);
  if (shape.kind === 'other') return res;

  const getPath = shape.req.form !== undefined ? `${shape.req.path.replace(/\/_search$/, '')}?${shape.req.form}` : shape.req.path;
  const base = await holderBaseline(lw, getPath);
  expect(res.status, 'the requester and the holder disagree on whether the request is valid').toBe(base.status);
  if (res.status !== 200) return res;
  const expectedMatches = entriesOf(base, shape.kind === 'search' ? 'match' : undefined).map(keyOf).filter((k) => !lw.hidden.has(idOfKey(k)));
  const total = res.json?.total as number | undefined;
  if (total !== undefined) expect(total, 'Bundle.total counts what the requester may not see').toBe(expectedMatches.length);
  const params = new URL(getPath, BASE).searchParams;
  const offset = Number(params.get('_offset') ?? 0);
  const count = Number(params.get('_count') ?? 50);
  const matches = entriesOf(res, shape.kind === 'search' ? 'match' : undefined).map(keyOf);
  if (params.get('_summary') === 'count') expect(matches).toEqual([]);
  else if (offset >= expectedMatches.length) {
    // Paging beyond the end: nothing, and no `next` that would suggest more.
    expect(matches).toEqual([]);
    expect((res.json?.link as { relation: string }[]).map((l) => l.relation)).not.toContain('next');
  } else if (shape.pageThrough) {
    const { keys, totals } = await pageThrough(lw, who, res, named);
    expect(keys.length, 'paging to the end shows a different number of records').toBe(expectedMatches.length - offset);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(expectedMatches).toContain(k);
    for (const t of totals) expect(t).toBe(expectedMatches.length);
  } else {
    expect(matches.length, 'the page holds a different number of records than holder minus hidden').toBe(Math.min(count, expectedMatches.length - offset));
    for (const k of matches) expect(expectedMatches).toContain(k);
  }
  if (shape.kind === 'search') expectIncludesExplained(res);
  return res;
}

/**
 * Every `_include`/`_revinclude` entry is reachable from a match the requester sees: otherwise
 * it could only have come from a hidden match, which would reveal that match (P2-17).
 */
function expectIncludesExplained(res: Probe): void {
  const matches = entriesOf(res, 'match').map((e) => ({ key: keyOf(e), text: JSON.stringify(e.resource) }));
  for (const inc of entriesOf(res, 'include')) {
    const key = keyOf(inc);
    const text = JSON.stringify(inc.resource);
    const explained = matches.some((m) => m.text.includes(`"${key}"`) || text.includes(`"${m.key}"`));
    expect(explained, `include ${key} is not reachable from any visible match`).toBe(true);
  }
}
