import type { CodeSystem, CodeSystemConcept, ValueSet } from '@medplum/fhirtypes';

/** An expanded value set: code system URL → the codes it contributes (sorted). */
export type CodeTable = Record<string, string[]>;

export interface TerminologySource {
  valueSet(url: string): ValueSet | undefined;
  codeSystem(url: string): CodeSystem | undefined;
}

/** Drops a `|version` suffix from a canonical reference. */
export function canonicalUrl(reference: string): string {
  const bar = reference.indexOf('|');
  return bar < 0 ? reference : reference.slice(0, bar);
}

function allCodes(system: CodeSystem): string[] | undefined {
  if (system.content !== 'complete') return undefined;
  const codes: string[] = [];
  const stack: CodeSystemConcept[] = [...(system.concept ?? [])];
  for (let concept = stack.pop(); concept; concept = stack.pop()) {
    if (concept.code) codes.push(concept.code);
    if (concept.concept) stack.push(...concept.concept);
  }
  return codes;
}

/**
 * Expands a value set whose compose uses only whole code systems, listed concepts and other such
 * value sets. Returns undefined when it can't be expanded completely here (filters, external or
 * fragment code systems): the caller then skips the check rather than rejecting valid codes.
 */
export function expandValueSet(url: string, source: TerminologySource, seen: Set<string> = new Set()): CodeTable | undefined {
  const key = canonicalUrl(url);
  if (seen.has(key)) return undefined;
  seen.add(key);
  const vs = source.valueSet(key);
  if (!vs?.compose?.include) return undefined;
  const table = new Map<string, Set<string>>();
  const add = (system: string, codes: Iterable<string>): void => {
    const set = table.get(system) ?? new Set<string>();
    for (const c of codes) set.add(c);
    table.set(system, set);
  };
  for (const include of vs.compose.include) {
    if (include.filter?.length) return undefined;
    for (const ref of include.valueSet ?? []) {
      const nested = expandValueSet(ref, source, seen);
      if (!nested) return undefined;
      for (const [system, codes] of Object.entries(nested)) add(system, codes);
    }
    if (!include.system) continue;
    if (include.concept?.length) {
      add(include.system, include.concept.map((c) => c.code ?? ''));
    } else {
      const cs = source.codeSystem(canonicalUrl(include.system));
      const codes = cs && allCodes(cs);
      if (!codes) return undefined;
      add(include.system, codes);
    }
  }
  for (const exclude of vs.compose.exclude ?? []) {
    if (!exclude.system || exclude.filter?.length || exclude.valueSet?.length || !exclude.concept?.length) return undefined;
    const set = table.get(exclude.system);
    for (const c of exclude.concept) set?.delete(c.code ?? '');
  }
  const out: CodeTable = {};
  for (const system of [...table.keys()].sort()) out[system] = [...(table.get(system) ?? [])].sort();
  return out;
}

/** Membership checks against expanded value sets, keyed by canonical URL (no version). */
export class Terminology {
  private readonly sets = new Map<string, Map<string, ReadonlySet<string>>>();

  add(url: string, table: CodeTable): void {
    this.sets.set(canonicalUrl(url), new Map(Object.entries(table).map(([system, codes]) => [system, new Set(codes)])));
  }

  /** Whether the value set is known and fully expanded (so membership can be decided). */
  has(url: string): boolean {
    return this.sets.has(canonicalUrl(url));
  }

  /** A `code` (system implied, any system of the set) or a Coding (`system` given) is in the set. */
  contains(url: string, code: string, system?: string): boolean {
    const set = this.sets.get(canonicalUrl(url));
    if (!set) return false;
    if (system !== undefined) return set.get(system)?.has(code) ?? false;
    for (const codes of set.values()) if (codes.has(code)) return true;
    return false;
  }
}
