import { getAllDataTypes, OperationOutcomeError, tryGetProfile, validateResource, validateTypedValue } from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { isGatewayResourceType } from '../fhir/resource-types.js';
import { badRequest, GatewayError, unprocessable } from '../outcomes/index.js';
import { checkGaps } from './gap-checks.js';
import { checkBounds } from './bounds.js';
import { loadDefinitions } from './definitions.js';
import { getProfile, getTerminology, listProfiles } from './profiles.js';
import { canonicalUrl } from './terminology.js';

/** Validates request bodies against R4 and the project profiles they claim. */
export interface ResourceValidator {
  /**
   * Returns the input typed as a Resource when it conforms to R4 and to every profile in
   * `meta.profile`; otherwise throws a GatewayError (400 or 422) whose issues carry FHIRPath
   * expressions such as `Patient.foo`. Never returns an invalid resource.
   */
  validate(resource: unknown): Resource;
  /** Project profile URLs by resource type, for the CapabilityStatement's `supportedProfile`. */
  profilesByType(): Readonly<Record<string, readonly string[]>>;
}

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
const CORE_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

function error(code: OperationOutcomeIssue['code'], text: string, expression: string): OperationOutcomeIssue {
  return { severity: 'error', code, details: { text }, expression: [expression] };
}

/**
 * `validateResource(r, { profile })` re-parses the profile's snapshot on every call (~3.5 ms for
 * Patient). Medplum resolves the root schema with `getDataType(typedValue.type)`, so we register
 * each profile's already-parsed schema (from `loadDataType`) under a private type key once and
 * validate a TypedValue of that type: same schema object, parsed once.
 */
const PROFILE_TYPE_PREFIX = 'gateway-profile:';
function profileTypeKey(profile: StructureDefinition): string {
  const key = PROFILE_TYPE_PREFIX + (profile.url ?? '');
  const types = getAllDataTypes();
  if (!types[key]) {
    const schema = tryGetProfile(profile.url ?? '');
    if (!schema) throw new Error(`profile ${profile.url} is not indexed`);
    types[key] = schema;
  }
  return key;
}

/** Runs Medplum's validator, turning its failure into a 422 that keeps each issue's expression. */
function medplumValidate(resource: Resource, profile?: StructureDefinition): void {
  try {
    if (profile) validateTypedValue({ type: profileTypeKey(profile), value: resource });
    else validateResource(resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      const issues = (err.outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
      throw unprocessable(issues.length ? issues : [{ severity: 'error', code: 'invalid', details: { text: 'The resource is not valid.' } }]);
    }
    // An unexpected failure inside the validator is still the input's fault as far as we know:
    // refuse the resource (fail closed) without echoing internals.
    throw new GatewayError('FHIR_INVALID_RESOURCE', 422, { severity: 'error', code: 'processing', details: { text: 'The resource could not be validated.' } }, { cause: err });
  }
}

function checkEnvelope(input: unknown): Resource {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw badRequest('The body must be a JSON object holding a FHIR resource.');
  }
  const { resourceType, id } = input as { resourceType?: unknown; id?: unknown };
  if (typeof resourceType !== 'string') throw badRequest('The resource has no `resourceType`.', 'resourceType');
  if (!isGatewayResourceType(resourceType)) {
    throw new GatewayError('FHIR_UNKNOWN_RESOURCE_TYPE', 422, error('not-supported', `Resource type \`${resourceType.slice(0, 64)}\` is not supported.`, 'resourceType'));
  }
  const { contained } = input as { contained?: unknown };
  if (Array.isArray(contained)) {
    contained.forEach((c: unknown, i) => {
      const type = (c as { resourceType?: unknown } | null)?.resourceType;
      if (typeof type === 'string' && !isGatewayResourceType(type)) {
        throw unprocessable([error('not-supported', `Contained resource type \`${type.slice(0, 64)}\` is not supported.`, `${resourceType}.contained[${i}].resourceType`)]);
      }
    });
  }
  if (id !== undefined && (typeof id !== 'string' || !ID_PATTERN.test(id))) {
    throw unprocessable([error('value', 'The id must be 1–64 characters from A–Z, a–z, 0–9, `-` and `.`.', `${resourceType}.id`)]);
  }
  return input as Resource;
}

function checkProfiles(resource: Resource): void {
  const claimed = resource.meta?.profile ?? [];
  for (let i = 0; i < claimed.length; i++) {
    const url = claimed[i] ?? '';
    const where = `${resource.resourceType}.meta.profile[${i}]`;
    if (canonicalUrl(url) === CORE_PREFIX + resource.resourceType) continue; // the base R4 type, already checked
    const profile = getProfile(url);
    if (!profile) throw unprocessable([error('not-supported', `Profile \`${url.slice(0, 256)}\` is not known to this server.`, where)]);
    if (profile.type !== resource.resourceType) {
      throw unprocessable([error('invalid', `Profile \`${profile.url}\` applies to ${profile.type}, not ${resource.resourceType}.`, where)]);
    }
    medplumValidate(resource, profile);
    const schema = tryGetProfile(profile.url ?? '');
    const issues = checkGaps(resource, getTerminology(), schema);
    if (issues.length) throw unprocessable(issues);
  }
}

/** Loads the definitions (once) and returns the validator. */
export async function createValidator(): Promise<ResourceValidator> {
  await loadDefinitions();
  const terms = getTerminology();
  const byType: Record<string, string[]> = {};
  for (const { url, type } of listProfiles()) (byType[type] ??= []).push(url);
  return {
    profilesByType: () => byType,
    validate(input: unknown): Resource {
      const resource = checkEnvelope(input);
      checkBounds(resource, resource.resourceType);
      medplumValidate(resource);
      const issues = checkGaps(resource, terms);
      if (issues.length) throw unprocessable(issues);
      checkProfiles(resource);
      return resource;
    },
  };
}
