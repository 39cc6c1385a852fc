import { canonicalUrl, Terminology } from './terminology.js';
import { projectDefinitions, r4Definitions } from './definitions.js';
import type { StructureDefinition } from '@medplum/fhirtypes';

export { PROJECT_CANONICAL } from './canonical.js';

/** What the CapabilityStatement needs to list a profile under `supportedProfile`. */
export interface ProfileSummary {
  url: string;
  /** The resource type the profile constrains. */
  type: string;
  name: string;
}

const byUrl = new Map<string, StructureDefinition>(projectDefinitions.structureDefinitions.map((sd) => [sd.url ?? '', sd]));

/** A project profile (with snapshot) by canonical URL; a `|version` suffix must match its version. */
export function getProfile(url: string): StructureDefinition | undefined {
  const sd = byUrl.get(canonicalUrl(url));
  const bar = url.indexOf('|');
  if (sd && bar >= 0 && url.slice(bar + 1) !== sd.version) return undefined;
  return sd;
}

/** The project profiles, sorted by URL. */
export function listProfiles(): ProfileSummary[] {
  return [...byUrl.values()]
    .map((sd) => ({ url: sd.url ?? '', type: sd.type ?? '', name: sd.name ?? '' }))
    .sort((a, b) => a.url.localeCompare(b.url));
}

let terminology: Terminology | undefined;

/** The expanded value sets: R4's required bindings and all project value sets. */
export function getTerminology(): Terminology {
  if (terminology) return terminology;
  const terms = new Terminology();
  for (const [url, table] of Object.entries(r4Definitions.requiredValueSets)) terms.add(url, table);
  for (const [url, table] of Object.entries(projectDefinitions.expansions)) terms.add(url, table);
  terminology = terms;
  return terms;
}

/** Whether a code (or a Coding, when `system` is given) is in a known value set. Unknown value set → false. */
export function isInValueSet(valueSetUrl: string, code: string, system?: string): boolean {
  return getTerminology().contains(valueSetUrl, code, system);
}
