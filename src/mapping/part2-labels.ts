/**
 * Mapping-side security labels (P2-18). The mapping's own rule (a Part 2 source, or SUD content
 * by its `labels.part2` predicate) seeds the Part 2 labels; the result then goes through the
 * gateway's write-time labeling (consent/labeling.ts computeLabels), so what a mapping emits is
 * exactly what the store would compute for it: same codes, same order, one confidentiality code.
 * Labels the gateway adds later from referenced resources (inheritance) only go up from here.
 */
import type { Coding, Resource } from '@medplum/fhirtypes';
import { actCode, confidentiality, POLICY_42CFRPART2 } from '../consent/labels.js';
// computeLabels is the consent capability's pure labeling function; not yet re-exported by consent/index.ts.
import { computeLabels } from '../consent/labeling.js';

/** The labels a Part 2 record carries: v3-ActCode SUD and 42CFRPart2, v3-Confidentiality R. */
export const PART2_LABELS: readonly Coding[] = [confidentiality('R'), actCode(POLICY_42CFRPART2), actCode('SUD')];

/**
 * The complete `meta.security` for a mapped resource. `part2` is the mapping's decision for this
 * record; `part2Program` says the source is a Part 2 program (P2-18: all it writes is Part 2).
 */
export function mappingLabels(resource: Resource, part2: boolean, part2Program: boolean): Coding[] {
  const supplied = resource.meta?.security ?? [];
  const seeded: Resource = part2 ? { ...resource, meta: { ...resource.meta, security: [...supplied, ...PART2_LABELS.map((c) => ({ ...c }))] } } : resource;
  return computeLabels(seeded, { writerIsPart2Program: part2Program, referencedLabels: [] });
}
