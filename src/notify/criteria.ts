import { isGatewayResourceType } from '../fhir/resource-types.js';
import { parseSearch, type ParsedSearch } from '../fhir/search/parse-search.js';

/** Result parameters make no sense in a notification filter (and `_include` would widen it). */
const RESULT_PARAMS = ['_count', '_offset', '_sort', '_include', '_revinclude', '_total', '_summary', '_format', '_pretty', '_elements'];

/** Types a Subscription may not watch: its own state writes would notify about themselves. */
const UNWATCHABLE: ReadonlySet<string> = new Set(['Subscription', 'AuditEvent']);

/** A parsed `Subscription.criteria`: `Task?owner=Organization/x` → type and its search parameters. */
export interface Criteria {
  readonly resourceType: string;
  readonly params: URLSearchParams;
}

/**
 * Parses and checks `Subscription.criteria` with the gateway's own search parser (strict), so a
 * notification matches exactly what the same search would return. Returns the reason as text
 * when it is not acceptable (the caller names the element).
 */
export function parseCriteria(criteria: string): Criteria | string {
  const match = /^([A-Za-z]+)(?:\?(.*))?$/s.exec(criteria.trim());
  if (!match) return `\`${criteria.slice(0, 100)}\` is not of the form \`Type?param=value\`.`;
  const resourceType = match[1]!;
  if (!isGatewayResourceType(resourceType)) return `Resource type \`${resourceType.slice(0, 70)}\` is not served here.`;
  if (UNWATCHABLE.has(resourceType)) return `\`${resourceType}\` cannot be subscribed to.`;
  const params = new URLSearchParams(match[2] ?? '');
  for (const name of params.keys()) {
    if (RESULT_PARAMS.includes(name.split(':')[0]!)) return `\`${name}\` is a result parameter, not a filter.`;
  }
  try {
    parseSearch(resourceType, params, true);
  } catch (err) {
    return err instanceof Error ? err.message : 'The criteria is not a valid search.';
  }
  return { resourceType, params };
}

/** The criteria as a search restricted to `ids` (all of them on one page). */
export function criteriaSearch(criteria: Criteria, ids: readonly string[]): ParsedSearch {
  const params = new URLSearchParams(criteria.params);
  params.append('_id', ids.join(','));
  params.set('_count', String(ids.length));
  params.set('_total', 'none');
  return parseSearch(criteria.resourceType, params, true);
}
