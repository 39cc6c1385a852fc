/**
 * Replaces `reference` values found in `map` (e.g. `urn:uuid:…` → `Patient/123`) everywhere in
 * a resource. Iterative, because bodies are depth-bounded but walkers must never recurse on input.
 */
export function rewriteReferences<T>(resource: T, map: ReadonlyMap<string, string>): T {
  if (map.size === 0) return resource;
  const copy = structuredClone(resource);
  const stack: unknown[] = [copy];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) if (item && typeof item === 'object') stack.push(item);
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      const ref = record['reference'];
      if (typeof ref === 'string' && map.has(ref)) record['reference'] = map.get(ref);
      for (const value of Object.values(record)) if (value && typeof value === 'object') stack.push(value);
    }
  }
  return copy;
}
