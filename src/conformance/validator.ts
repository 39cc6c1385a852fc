import { OperationOutcomeError, tryGetProfile, validateResource, validateTypedValue } from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { isGatewayResourceType } from '../fhir/resource-types.js';
import { badRequest, GatewayError, unprocessable } from '../outcomes/index.js';
import { checkGaps, checkGapsWithProfile } from './gap-checks.js';
import { checkBounds } from './bounds.js';
import { coversBase, profileTypeKey } from './profile-schemas.js';
import { fastAccepts } from './fast-accept.js';
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

/**
 * The first claimed profile that (a) checkProfiles would validate against, (b) covers the base
 * type (coversBase) and (c) Medplum accepts the resource against; undefined otherwise. When it
 * returns a URL, Medplum's base pass would also succeed, so validate() can skip it; when it does
 * not, validate() runs exactly the original sequence, so every error is reported as before.
 */
function preValidatedProfile(resource: Resource): string | undefined {
  const claimed = resource.meta?.profile;
  if (!Array.isArray(claimed) || claimed.length === 0) return undefined;
  // A JSON key with a dot could match a profile's dotted element name but never a base one.
  for (const key of Object.keys(resource)) if (key.includes('.')) return undefined;
  for (const url of claimed) {
    if (typeof url !== 'string' || canonicalUrl(url) === CORE_PREFIX + resource.resourceType) continue;
    const profile = getProfile(url);
    if (!profile || profile.type !== resource.resourceType || !coversBase(profile)) continue;
    try {
      validateTypedValue({ type: profileTypeKey(profile), value: resource });
      return profile.url;
    } catch {
      return undefined;
    }
  }
  return undefined;
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

function checkProfiles(resource: Resource, passed?: string, passedGaps?: OperationOutcomeIssue[]): void {
  const claimed = resource.meta?.profile ?? [];
  for (let i = 0; i < claimed.length; i++) {
    const url: unknown = claimed[i];
    const where = `${resource.resourceType}.meta.profile[${i}]`;
    // Medplum lets `{}` through as a canonical that only carries (no) extensions.
    if (typeof url !== 'string') throw unprocessable([error('value', 'A claimed profile must be a canonical URL.', where)]);
    if (canonicalUrl(url) === CORE_PREFIX + resource.resourceType) continue; // the base R4 type, already checked
    const profile = getProfile(url);
    if (!profile) throw unprocessable([error('not-supported', `Profile \`${url.slice(0, 256)}\` is not known to this server.`, where)]);
    if (profile.type !== resource.resourceType) {
      throw unprocessable([error('invalid', `Profile \`${profile.url}\` applies to ${profile.type}, not ${resource.resourceType}.`, where)]);
    }
    // Medplum validation is deterministic: a profile already accepted in preValidatedProfile stays accepted.
    if (profile.url !== passed) medplumValidate(resource, profile);
    // The pre-validated profile's gap issues were computed in the same walk as the base ones.
    const issues = profile.url === passed && passedGaps ? passedGaps : checkGaps(resource, getTerminology(), tryGetProfile(profile.url ?? ''));
    if (issues.length) throw unprocessable(issues);
  }
}

/**
 * Loads the definitions (once) and returns the validator. `fastPath: false` (tests only) always
 * runs the full path, which is what fast-accept.test.ts compares the fast acceptor with.
 */
export async function createValidator(options: { fastPath?: boolean } = {}): Promise<ResourceValidator> {
  const fastPath = options.fastPath ?? true;
  await loadDefinitions();
  const terms = getTerminology();
  const byType: Record<string, string[]> = {};
  for (const { url, type } of listProfiles()) (byType[type] ??= []).push(url);
  return {
    profilesByType: () => byType,
    validate(input: unknown): Resource {
      const resource = checkEnvelope(input);
      checkBounds(resource, resource.resourceType);
      // Fast path: only ever says yes when everything below would; otherwise the full path decides.
      if (fastPath && fastAccepts(resource, terms, getProfile)) return resource;
      const passed = preValidatedProfile(resource);
      if (passed === undefined) medplumValidate(resource);
      const profileSchema = passed === undefined ? undefined : tryGetProfile(passed);
      const both = profileSchema ? checkGapsWithProfile(resource, terms, profileSchema) : undefined;
      const issues = both ? both[0] : checkGaps(resource, terms);
      if (issues.length) throw unprocessable(issues);
      checkProfiles(resource, passed, both?.[1]);
      return resource;
    },
  };
}
