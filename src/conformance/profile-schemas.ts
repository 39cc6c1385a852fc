import { getAllDataTypes, getDataType, type InternalSchemaElement, type InternalTypeSchema, tryGetProfile } from '@medplum/core';
import type { StructureDefinition } from '@medplum/fhirtypes';

/**
 * `validateResource(r, { profile })` re-parses the profile's snapshot on every call (~3.5 ms for
 * Patient). Medplum resolves the root schema with `getDataType(typedValue.type)`, so we register
 * each profile's already-parsed schema (from `loadDataType`) under a private type key once and
 * validate a TypedValue of that type: same schema object, parsed once.
 */
const PROFILE_TYPE_PREFIX = 'gateway-profile:';
export function profileTypeKey(profile: StructureDefinition): string {
  const key = PROFILE_TYPE_PREFIX + (profile.url ?? '');
  const types = getAllDataTypes();
  if (!types[key]) {
    const schema = tryGetProfile(profile.url ?? '');
    if (!schema) throw new Error(`profile ${profile.url} is not indexed`);
    types[key] = schema;
  }
  return key;
}

/**
 * Whether Medplum accepting a resource against `profile` implies it would accept it against the
 * base R4 type, so the base pass can be skipped when the profile pass succeeds. Medplum validates
 * nested values with the same (base) datatype schemas in both passes; only the root schema
 * differs. So it suffices that the profile's root refines the base root: every root constraint of
 * the base is in the profile; every base element is in the profile with the same array-ness, a
 * cardinality within the base's, a subset of its type codes and every base constraint; and the
 * profile accepts no top-level key the base would not (no extra undotted element names).
 * Computed once per profile; anything unexpected → false (keep the base pass).
 */
const coversBaseCache = new Map<string, boolean>();
export function coversBase(profile: StructureDefinition): boolean {
  const url = profile.url ?? '';
  let covers = coversBaseCache.get(url);
  if (covers === undefined) {
    try {
      covers = refinesBase(getDataType(profile.type ?? ''), tryGetProfile(url));
    } catch {
      covers = false;
    }
    coversBaseCache.set(url, covers);
  }
  return covers;
}

const constraintKey = (c: { key: string; expression: string; severity: string }): string => `${c.key}\u0000${c.severity}\u0000${c.expression}`;
function constraintsCovered(base: readonly { key: string; expression: string; severity: string }[] | undefined, profile: readonly { key: string; expression: string; severity: string }[] | undefined): boolean {
  const have = new Set((profile ?? []).map(constraintKey));
  return (base ?? []).every((c) => c.severity !== 'error' || have.has(constraintKey(c)));
}

function refinesBase(base: InternalTypeSchema | undefined, profile: InternalTypeSchema | undefined): boolean {
  if (!base || !profile || base.name !== profile.type && base.type !== profile.type) return false;
  if (!constraintsCovered(base.constraints, profile.constraints)) return false;
  for (const key of Object.keys(profile.elements)) {
    if (!key.includes('.') && !base.elements[key]) return false;
  }
  for (const [key, b] of Object.entries(base.elements) as [string, InternalSchemaElement][]) {
    const p = profile.elements[key];
    if (!p || key.includes('.')) return false;
    if (p.isArray !== b.isArray || p.min < b.min || p.max > b.max) return false;
    const baseTypes = new Set(b.type.map((t) => t.code));
    if (!p.type.length || !p.type.every((t) => baseTypes.has(t.code))) return false;
    if (!constraintsCovered(b.constraints, p.constraints)) return false;
    if ((b.fixed || b.pattern || b.slicing) && (p.fixed !== b.fixed || p.pattern !== b.pattern || p.slicing !== b.slicing)) return false;
  }
  return true;
}

