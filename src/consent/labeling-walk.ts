/**
 * Iterative walks over a resource's JSON for labeling (P2-18). No recursion on input: a body
 * nested thousands deep must not blow the stack (ARCHITECTURE §5).
 */
import type { Coding, Resource } from '@medplum/fhirtypes';

/**
 * Types whose references never propagate labels: they say who or where, not what happened to the
 * patient. Without this, one Part 2 labeled Patient would label every resource about them.
 */
const NON_PROPAGATING_TARGETS: ReadonlySet<string> = new Set([
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'RelatedPerson',
  'Location',
  'HealthcareService',
  'Group',
  'Device',
  'Endpoint',
  'Questionnaire',
  'Measure',
  'Consent',
]);

/** Visits every object node below `resource` except `meta` (labels and tags are not content). */
function forEachObject(resource: Resource, visit: (node: Record<string, unknown>) => void): void {
  const stack: unknown[] = [];
  for (const [key, value] of Object.entries(resource)) {
    if (key !== 'meta') stack.push(value);
  }
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      visit(record);
      for (const [key, value] of Object.entries(record)) {
        // Contained resources carry their own meta; skip it like the root's.
        if (key === 'meta' && typeof record['resourceType'] === 'string') continue;
        if (value !== null && typeof value === 'object') stack.push(value);
      }
    }
  }
}

/**
 * Every Coding-shaped object (string `system` and `code`) anywhere in the resource outside
 * `meta`: code, category, type, reasonCode, value[x], diagnosis, component, contained… Scanning
 * everything rather than a field list is deliberate: a missed coding under-labels (P2-20).
 */
export function codingsOf(resource: Resource): Coding[] {
  const out: Coding[] = [];
  forEachObject(resource, (node) => {
    if (typeof node['system'] === 'string' && typeof node['code'] === 'string') {
      out.push({ system: node['system'], code: node['code'] });
    }
  });
  return out;
}

/**
 * Relative `Type/id` references inside a resource whose labels this resource inherits (P2-18),
 * deduplicated, in no particular order. Skips absolute URLs, `#contained` and `urn:` references,
 * `_history` suffixes are dropped, and references to who/where types (Patient, Organization, …)
 * are left out on purpose (see NON_PROPAGATING_TARGETS). The caller loads the labels of each.
 */
export function referencesOf(resource: Resource): string[] {
  const out = new Set<string>();
  forEachObject(resource, (node) => {
    const reference = node['reference'];
    if (typeof reference !== 'string') return;
    const match = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(reference);
    if (!match?.[1] || !match[2]) return;
    if (NON_PROPAGATING_TARGETS.has(match[1])) return;
    out.add(`${match[1]}/${match[2]}`);
  });
  return [...out];
}

/**
 * `meta.security` of each contained resource: a contained Part 2 resource makes its container
 * Part 2 as surely as a referenced one does (P2-18). Non-array shapes are ignored.
 */
export function containedLabelsOf(resource: Resource): Coding[][] {
  const contained: unknown = (resource as { contained?: unknown }).contained;
  if (!Array.isArray(contained)) return [];
  const out: Coding[][] = [];
  for (const item of contained) {
    const security: unknown = (item as { meta?: { security?: unknown } } | null)?.meta?.security;
    if (Array.isArray(security)) out.push(security as Coding[]);
  }
  return out;
}
