import type { Meta, Resource } from '@medplum/fhirtypes';
import { canonicalJson } from '../audit/index.js';

/** Sets the server-owned meta fields; the client's profile, security and tag are kept. */
export function withMeta<T extends Resource>(resource: T, versionId: number, lastUpdated: string): T {
  const meta: Meta = { ...(resource.meta ?? {}), versionId: String(versionId), lastUpdated };
  return { ...resource, meta };
}

/** Content equality ignoring the server-owned meta fields; key order does not matter. */
export function sameContent(a: Resource, b: Resource): boolean {
  return canonicalJson(stripServerMeta(a)) === canonicalJson(stripServerMeta(b));
}

function stripServerMeta(resource: Resource): Resource {
  if (!resource.meta) return resource;
  const { versionId: _v, lastUpdated: _l, ...meta } = resource.meta;
  const copy = { ...resource, meta };
  if (Object.keys(meta).length === 0) delete (copy as { meta?: Meta }).meta;
  return copy;
}
