import type { Meta, Resource } from '@medplum/fhirtypes';

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

/** Deterministic JSON (sorted keys), iterative-safe for validated resources (depth ≤ 64). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
