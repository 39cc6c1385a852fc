/**
 * A deterministic Resolver for golden files: every identifier "exists" with an id derived from
 * it (`Patient?identifier=…/sid/doc-number|A1` → `Patient/doc-number-A1`), so mapped output is
 * stable byte for byte and mappings/<id>/expected.json can be compared exactly.
 */
import type { Resolver } from './map-record.js';

function goldenId(system: string, value: string): string {
  const tail = system.replace(/\/+$/, '').split(/[/:]/).pop() ?? 'id';
  return `${tail}-${value}`.replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 64);
}

/** The golden resolver (see file comment). */
export const goldenResolver: Resolver = {
  find: (type, system, value) => Promise.resolve(`${type}/${goldenId(system, value)}`),
  newId: (_type, system, value) => goldenId(system, value),
};
