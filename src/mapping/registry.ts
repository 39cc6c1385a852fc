/**
 * The mappings the gateway runs, from src/generated/mappings.json (written by
 * scripts/build-mappings.ts). A static JSON import, so Workers need no filesystem; each mapping
 * is compiled on first use and kept for the life of the process/isolate.
 */
import compiledJson from '../generated/mappings.json' with { type: 'json' };
import { compileMapping, type CompiledMapping } from './compiled-mapping.js';
import type { CompiledMappings } from './spec.js';

/** Looks mappings up by id. */
export interface MappingRegistry {
  /** The compiled mapping, or undefined for an unknown id. */
  get(id: string): CompiledMapping | undefined;
  ids(): string[];
}

/** A registry over compiled mapping data (defaults to the generated build output). */
export function createMappingRegistry(data: CompiledMappings = compiledJson as unknown as CompiledMappings): MappingRegistry {
  const specs = new Map(data.mappings.map((m) => [m.id, m]));
  const cache = new Map<string, CompiledMapping>();
  return {
    get(id) {
      const hit = cache.get(id);
      if (hit) return hit;
      const spec = specs.get(id);
      if (!spec) return undefined;
      const compiled = compileMapping(spec, data.conceptMaps);
      cache.set(id, compiled);
      return compiled;
    },
    ids: () => [...specs.keys()].sort(),
  };
}
