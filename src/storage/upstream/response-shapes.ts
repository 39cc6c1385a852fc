/**
 * The shapes an upstream answer must have before anything in it is used. A resource without an
 * id or a version, a Bundle entry of the wrong type, a next link to another server: all 502.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { z } from 'zod';
import { upstreamBadResponse } from './upstream-errors.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

const resourceShape = z.looseObject({
  resourceType: z.string().regex(/^[A-Z][A-Za-z]+$/),
  id: z.string().regex(ID),
  meta: z.looseObject({ versionId: z.string().min(1).max(64), lastUpdated: z.string().optional() }),
});

const bundleShape = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.string(),
  link: z.array(z.looseObject({ relation: z.string(), url: z.string() })).optional(),
  entry: z
    .array(
      z.looseObject({
        resource: z.looseObject({ resourceType: z.string() }).optional(),
        search: z.looseObject({ mode: z.string().optional() }).optional(),
        response: z.looseObject({ status: z.string(), etag: z.string().optional(), location: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

/** A stored resource of the expected type and id (when given), with `meta.versionId`. */
export type UpstreamResource = Resource & { id: string; meta: { versionId: string; lastUpdated?: string } };

export function checkResource(data: unknown, type?: string, id?: string): UpstreamResource {
  const parsed = resourceShape.safeParse(data);
  if (!parsed.success) throw upstreamBadResponse(parsed.error);
  if ((type && parsed.data.resourceType !== type) || (id && parsed.data.id !== id)) {
    throw upstreamBadResponse(new Error(`expected ${type}/${id ?? '*'}, got ${parsed.data.resourceType}/${parsed.data.id}`));
  }
  return parsed.data as unknown as UpstreamResource;
}

export function checkBundle(data: unknown, type: string): Bundle {
  const parsed = bundleShape.safeParse(data);
  if (!parsed.success || parsed.data.type !== type) throw upstreamBadResponse(parsed.success ? new Error(`expected a ${type} Bundle`) : parsed.error);
  return parsed.data as unknown as Bundle;
}

/** The version a transaction-response entry reports (`W/"3"` ETag or a `_history/3` location). */
export function versionFromResponse(response: { etag?: string; location?: string } | undefined): string | undefined {
  const etag = response?.etag && /^(?:W\/)?"([^"]+)"$/.exec(response.etag)?.[1];
  if (etag) return etag;
  return response?.location ? /\/_history\/([^/?]+)/.exec(response.location)?.[1] : undefined;
}
