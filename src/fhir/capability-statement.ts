import { getSearchParameters } from '@medplum/core';
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { PROJECT_CANONICAL } from '../conformance/canonical.js';
import { RESOURCE_TYPES } from './resource-types.js';
import { findSearchParam } from './search/parse-search.js';

/** The operations served per resource type (src/operations, src/indicators, src/notify). */
const OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  Patient: ['summary', 'disclosures'],
  Consent: ['revoke'],
  CarePlan: ['progress-report'],
  Measure: ['evaluate-measure'],
  Subscription: ['status'],
};

export interface CapabilityInput {
  readonly base: string;
  readonly version: string;
  /** Profile URLs loaded from profiles/, keyed by the resource type they constrain. */
  readonly profiles: Readonly<Record<string, readonly string[]>>;
}

/**
 * The CapabilityStatement, derived from the same tables the router and search parser use, so
 * it lists only what really works: served types, their indexed search parameters, interactions.
 */
export function buildCapabilityStatement(input: CapabilityInput): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = RESOURCE_TYPES.map((type) => ({
    type,
    ...(input.profiles[type]?.length ? { supportedProfile: [...input.profiles[type]!] } : {}),
    interaction: (['read', 'vread', 'update', 'delete', 'history-instance', 'history-type', 'create', 'search-type'] as const).map((code) => ({ code })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalUpdate: true,
    conditionalDelete: 'single',
    referencePolicy: ['literal', 'local'],
    searchInclude: referenceParams(type).map((code) => `${type}:${code}`),
    searchRevInclude: revIncludesOf(type),
    ...(OPERATIONS[type] ? { operation: OPERATIONS[type]!.map((name) => ({ name, definition: `${PROJECT_CANONICAL}/OperationDefinition/${type}-${name}` })) } : {}),
    searchParam: Object.keys(getSearchParameters(type) ?? {})
      .filter((code) => findSearchParam(type, code))
      .sort()
      .map((code) => ({ name: code, type: findSearchParam(type, code)!.type })),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-23',
    kind: 'instance',
    publisher: 'Reentry FHIR Gateway',
    software: { name: 'reentry-fhir-gateway', version: input.version },
    implementation: { description: 'Reentry interoperability gateway (42 CFR Part 2 aware)', url: input.base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: 'SMART Backend Services (client_credentials with private_key_jwt, RS384/ES384); SMART v2 system scopes.',
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: input.base.replace(/\/fhir$/, '/auth/token') }],
            },
          ],
        },
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
      },
    ],
  };
}

function referenceParams(type: string): string[] {
  return Object.keys(getSearchParameters(type) ?? {}).filter((code) => findSearchParam(type, code)?.type === 'reference');
}

/** `Source:param` pairs whose reference parameter can point at `type`. */
function revIncludesOf(type: string): string[] {
  return RESOURCE_TYPES.flatMap((source) =>
    referenceParams(source)
      .filter((code) => findSearchParam(source, code)?.target?.includes(type as never))
      .map((code) => `${source}:${code}`),
  );
}
