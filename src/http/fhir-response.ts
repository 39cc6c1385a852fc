import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Resource } from '@medplum/fhirtypes';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Weak ETag for a version, as FHIR R4 §3.1.0.5.4 prescribes. */
export function etagFor(versionId: string | number): string {
  return `W/"${versionId}"`;
}

/**
 * Sends a resource (or Bundle/OperationOutcome) as `application/fhir+json`, with ETag and
 * Last-Modified when the resource carries meta.versionId/lastUpdated.
 */
export function fhirJson(c: Context, resource: Resource, status: ContentfulStatusCode = 200, headers: Record<string, string> = {}): Response {
  const meta = resource.meta;
  if (meta?.versionId && resource.resourceType !== 'Bundle') c.header('ETag', etagFor(meta.versionId));
  if (meta?.lastUpdated && resource.resourceType !== 'Bundle') c.header('Last-Modified', new Date(meta.lastUpdated).toUTCString());
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.body(JSON.stringify(resource), status, { 'Content-Type': FHIR_JSON });
}

/** The FHIR base the client called (`<origin>/fhir`), used for absolute links and Locations. */
export function fhirBase(c: Context): string {
  return `${new URL(c.req.url).origin}/fhir`;
}
