/**
 * Finds resources by identifier for one ingest chunk: a prefetch turns up to hundreds of
 * per-record lookups into a few `identifier=a|1,a|2,…` searches, and records prepared earlier
 * in the same chunk are visible before they are written (references within a batch resolve).
 */
import type { Identifier } from '@medplum/fhirtypes';
import type { FhirRepository } from '../fhir/repository.js';
import { newResourceId } from '../storage/resource-id.js';
import { versionKey, type StoredVersion } from '../storage/store.js';
import { preconditionFailed } from '../outcomes/index.js';
import { parseSearch } from '../fhir/search/parse-search.js';
import type { SearchQuery } from '../storage/search-query.js';
import type { Resolver } from './map-record.js';

const PREFETCH_GROUP = 30; // D1 allows 100 bound parameters per statement; 30 OR'd tokens stay under it.
// Values the search syntax would need escaped (`,` `|` `$` `\`) are looked up one by one instead.
const UNSAFE = /[,|$\\]/;

const keyOf = (type: string, system: string, value: string): string => `${type}\u0000${system}\u0000${value}`;

/** A Resolver with a per-chunk cache and an in-chunk view of prepared but unwritten resources. */
export class IdentifierLookup implements Resolver {
  private readonly found = new Map<string, string | null>();
  private readonly pending = new Map<string, string>();

  constructor(private readonly repo: FhirRepository) {}

  /** Looks up many identifiers with few searches; ambiguous ones are left for find() to report. */
  async prefetch(keys: readonly { type: string; system: string; value: string }[]): Promise<void> {
    const groups = new Map<string, Set<string>>();
    for (const k of keys) {
      if (!k.value || UNSAFE.test(k.value) || UNSAFE.test(k.system) || this.found.has(keyOf(k.type, k.system, k.value))) continue;
      const group = `${k.type}\u0000${k.system}`;
      if (!groups.has(group)) groups.set(group, new Set());
      groups.get(group)!.add(k.value);
    }
    for (const [group, values] of groups) {
      const [type = '', system = ''] = group.split('\u0000');
      const all = [...values];
      for (let i = 0; i < all.length; i += PREFETCH_GROUP) {
        const slice = all.slice(i, i + PREFETCH_GROUP);
        const visible = await this.visible(searchFor(type, system, slice));
        const hits = new Map<string, string[]>();
        for (const stored of visible) {
          for (const id of ((stored.resource as { identifier?: Identifier[] }).identifier ?? [])) {
            if (id.system === system && id.value !== undefined && values.has(id.value)) {
              hits.set(id.value, [...(hits.get(id.value) ?? []), `${type}/${stored.id}`]);
            }
          }
        }
        for (const value of slice) {
          const matches = hits.get(value) ?? [];
          if (matches.length <= 1) this.found.set(keyOf(type, system, value), matches[0] ?? null);
        }
      }
    }
  }

  async find(type: string, system: string, value: string): Promise<string | undefined> {
    const key = keyOf(type, system, value);
    const pending = this.pending.get(key);
    if (pending) return pending;
    if (this.found.has(key)) return this.found.get(key) ?? undefined;
    // Two matches make the key ambiguous: 412 FHIR_MULTIPLE_MATCHES.
    const matches = (await this.visible(searchFor(type, system, [value]))).filter((s) => ((s.resource as { identifier?: Identifier[] }).identifier ?? []).some((i) => i.system === system && i.value === value));
    if (matches.length > 1) throw preconditionFailed(`More than one \`${type}\` has identifier \`${system}|${value}\`.`, 'FHIR_MULTIPLE_MATCHES');
    const match = matches[0];
    const ref = match ? `${type}/${match.id}` : null;
    this.found.set(key, ref);
    return ref ?? undefined;
  }

  /**
   * Matches the writer may see. A record hidden from it resolves exactly like a missing one, or
   * "no Patient has identifier X" versus a match would confirm that a Part 2 record exists (P2-17).
   */
  private async visible(query: SearchQuery): Promise<StoredVersion[]> {
    const result = await this.repo.store.search(query);
    const denied = await this.repo.policy.deniedAmong(result.resources);
    return result.resources.filter((v) => !denied.has(versionKey(v)));
  }

  newId(): string {
    return newResourceId();
  }

  /** True when a resource with this key was prepared in this chunk but is not written yet. */
  isPending(type: string, system: string, value: string): boolean {
    return this.pending.has(keyOf(type, system, value));
  }

  /** Makes a prepared resource visible to later records of the chunk. */
  addPending(type: string, system: string, value: string, id: string): void {
    this.pending.set(keyOf(type, system, value), `${type}/${id}`);
  }

  /** After a flush: pending resources are now in the store, so they become plain cache hits. */
  commitPending(): void {
    for (const [key, ref] of this.pending) this.found.set(key, ref);
    this.pending.clear();
  }
}

function searchFor(type: string, system: string, values: readonly string[]): SearchQuery {
  const parsed = parseSearch(type, new URLSearchParams({ identifier: values.map((v) => `${system}|${v}`).join(',') }), true);
  return { ...parsed.query, count: values.length * 2 + 1, offset: 0, total: false };
}
