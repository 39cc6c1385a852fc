import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { StoredVersion } from '../../storage/store.js';
import type { FhirRepository } from '../repository.js';
import { pageLinks, searchsetBundle } from '../bundles.js';
import type { ParsedSearch } from './parse-search.js';

/** Caps how many resources one `_include`/`_revinclude` step may add to a page. */
export const MAX_INCLUDED = 1000;

/**
 * Runs a parsed search and its single-level includes, and builds the searchset Bundle.
 * `base` is the FHIR base the client called, so links are absolute and replayable.
 */
export async function executeSearch(repo: FhirRepository, parsed: ParsedSearch, base: string): Promise<Bundle> {
  const result = await repo.search(parsed);
  const matches = result.resources;
  const included = await loadIncludes(repo, parsed, matches);
  const type = parsed.query.resourceType;
  return searchsetBundle({
    base,
    matches: matches.map((m) => m.resource),
    included,
    ...(result.total !== undefined ? { total: result.total } : {}),
    links: pageLinks({
      path: `${base}/${type}`,
      params: parsed.applied,
      count: parsed.query.count,
      offset: parsed.query.offset,
      ...(result.total !== undefined ? { total: result.total } : {}),
      pageSize: matches.length,
    }),
    ...(parsed.ignored.length > 0 ? { outcome: ignoredOutcome(parsed.ignored) } : {}),
  });
}

async function loadIncludes(repo: FhirRepository, parsed: ParsedSearch, matches: readonly StoredVersion[]): Promise<Resource[]> {
  if (matches.length === 0 || (parsed.include.length === 0 && parsed.revinclude.length === 0)) return [];
  const sources = matches.map((m) => ({ type: m.resourceType, id: m.id }));
  const seen = new Set(matches.map((m) => `${m.resourceType}/${m.id}`));
  const out: Resource[] = [];
  const add = (found: StoredVersion[]): void => {
    for (const v of found.slice(0, MAX_INCLUDED)) {
      const key = `${v.resourceType}/${v.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(v.resource);
    }
  };
  // Includes pass the same consent enforcement as matches; hidden ones are simply absent (P2-17).
  for (const inc of parsed.include) add(await repo.included(await repo.store.referencesFrom(sources, inc.param, inc.targetType)));
  for (const rev of parsed.revinclude) add(await repo.included(await repo.store.referencesTo(sources, rev.sourceType, rev.param)));
  return out;
}

function ignoredOutcome(ignored: readonly string[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: ignored.map((name) => ({
      severity: 'warning' as const,
      code: 'not-supported' as const,
      details: { text: `Search parameter \`${name}\` was ignored.` },
      expression: [name],
    })),
  };
}
