import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import type { CodeSystem, ConceptMap, SearchParameter, StructureDefinition, ValueSet } from '@medplum/fhirtypes';
import profilesJson from '../generated/profiles.json' with { type: 'json' };
import r4Json from '../generated/r4-definitions.json' with { type: 'json' };
import { PROJECT_SEARCH_PARAMETERS } from './project-search-parameters.js';
import type { CodeTable } from './terminology.js';

/** Shape of src/generated/r4-definitions.json (scripts/build-artifacts.ts). */
export interface R4Definitions {
  types: StructureDefinition[];
  resources: StructureDefinition[];
  searchParameters: SearchParameter[];
  /** Expansions of the value sets R4 binds `required` (only those expandable offline). */
  requiredValueSets: Record<string, CodeTable>;
}

/** Shape of src/generated/profiles.json: the compiled contents of profiles/. */
export interface ProjectDefinitions {
  structureDefinitions: StructureDefinition[];
  codeSystems: CodeSystem[];
  valueSets: ValueSet[];
  conceptMaps: ConceptMap[];
  /** Expansions of the project value sets and of required bindings the profiles add. */
  expansions: Record<string, CodeTable>;
}

export const r4Definitions = r4Json as unknown as R4Definitions;
export const projectDefinitions = profilesJson as unknown as ProjectDefinitions;

let loaded = false;

/**
 * Indexes the generated R4 subset and the project profiles into Medplum's global registry, once
 * per process/isolate. Everything that validates or parses searches calls this first. The data is
 * bundled (static JSON imports), so this needs no filesystem and works on Workers.
 */
export async function loadDefinitions(): Promise<void> {
  if (loaded) return;
  indexStructureDefinitionBundle([...r4Definitions.types, ...r4Definitions.resources]);
  indexSearchParameterBundle({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [...r4Definitions.searchParameters, ...PROJECT_SEARCH_PARAMETERS].map((resource) => ({ resource })),
  });
  indexStructureDefinitionBundle(projectDefinitions.structureDefinitions);
  loaded = true;
}
