import type { Coding, Resource } from '@medplum/fhirtypes';
import type { Obligation } from '../consent/index.js';
import { PROJECT_CANONICAL } from '../conformance/canonical.js';

/** Tag carrying the §2.32 notice on each released Part 2 resource (P2-11). */
export const NOTICE_TAG_SYSTEM = `${PROJECT_CANONICAL}/CodeSystem/disclosure-notice`;
/** Marks a resource from which elements were removed (minimum necessary, P2-05). */
export const REDACTED: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'REDACTED' };

/** What applying obligations produced besides the resource itself. */
export interface ObligationEffects {
  readonly notice?: string;
  readonly notifyPrograms: readonly string[];
  readonly emergency: boolean;
}

/**
 * Applies a permit's obligations to a copy of `resource`. Unknown obligations throw, so the read
 * fails closed instead of releasing something half-handled (STYLE: "If one fails, the read fails
 * closed").
 */
export function applyObligations<T extends Resource>(resource: T, obligations: readonly Obligation[]): { resource: T; effects: ObligationEffects } {
  // Only a redaction edits nested content; everything else changes meta, so a shallow copy will do.
  const redacts = obligations.some((o) => o.kind === 'redact');
  const copy = (redacts ? structuredClone(resource) : { ...resource }) as T & { meta: NonNullable<Resource['meta']> };
  copy.meta = { ...copy.meta };
  let notice: string | undefined;
  const notifyPrograms: string[] = [];
  let emergency = false;
  for (const obligation of obligations) {
    switch (obligation.kind) {
      case 'add-security-label':
        addCoding(copy.meta, 'security', obligation.coding);
        break;
      case 'attach-notice':
        notice = obligation.text;
        addCoding(copy.meta, 'tag', { system: NOTICE_TAG_SYSTEM, code: 'part2-notice', display: obligation.text });
        break;
      case 'redact':
        if (obligation.elements.some((path) => removePath(copy as unknown as Record<string, unknown>, path))) addCoding(copy.meta, 'security', REDACTED);
        break;
      case 'notify-program':
        notifyPrograms.push(obligation.organizationId);
        break;
      case 'audit-emergency':
        emergency = true;
        break;
      default: {
        const unknown: never = obligation;
        throw new Error(`unhandled obligation ${JSON.stringify(unknown)}`);
      }
    }
  }
  return { resource: copy, effects: { ...(notice ? { notice } : {}), notifyPrograms, emergency } };
}

function addCoding(meta: NonNullable<Resource['meta']>, field: 'security' | 'tag', coding: Coding): void {
  const list = [...(meta[field] ?? [])];
  if (!list.some((c) => c.system === coding.system && c.code === coding.code)) list.push(coding);
  meta[field] = list;
}

/** Removes `Type.a.b.c` (through arrays) from the resource; true when something was removed. */
function removePath(root: Record<string, unknown>, path: string): boolean {
  const [, ...segments] = path.split('.');
  let parents: Record<string, unknown>[] = [root];
  for (let i = 0; i < segments.length - 1; i++) {
    const next: Record<string, unknown>[] = [];
    for (const parent of parents) {
      const child = parent[segments[i]!];
      for (const item of Array.isArray(child) ? child : [child]) if (item && typeof item === 'object') next.push(item as Record<string, unknown>);
    }
    parents = next;
  }
  const last = segments.at(-1);
  let removed = false;
  for (const parent of parents) {
    if (last !== undefined && last in parent) {
      delete parent[last];
      removed = true;
    }
  }
  return removed;
}
