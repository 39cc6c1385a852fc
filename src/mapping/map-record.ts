/**
 * Maps one validated source record to FHIR resources: concept maps, reference resolution,
 * JSONata templates, the conditional key, the profile switch and Part 2 labels. No storage here:
 * the caller passes a Resolver, so golden tests run it with a deterministic stub.
 */
import type { Coding, Identifier, Resource } from '@medplum/fhirtypes';
import { getProfile } from '../conformance/index.js';
import type { GatewayError } from '../outcomes/index.js';
import type { CompiledMapping } from './compiled-mapping.js';
import { mappingLabels } from './part2-labels.js';
import { fieldError, schemaError } from './record-errors.js';

/** How the engine finds ids: existing resources by identifier, or fresh ids. */
export interface Resolver {
  /** `Type/id` of the one resource of `type` carrying identifier `system|value`, if any. */
  find(type: string, system: string, value: string): Promise<string | undefined>;
  /** A new id for a resource no store holds yet. */
  newId(type: string, system: string, value: string): string;
}

/** One mapped resource and its conditional key. */
export interface MappedResource {
  readonly type: string;
  readonly id: string;
  /** False when the key matched nothing, so the write is a create. */
  readonly existed: boolean;
  readonly key: Identifier & { system: string; value: string };
  readonly resource: Resource & { id: string };
}

/** Options of {@link mapRecord}. */
export interface MapOptions {
  /** The record's keys when the caller already evaluated them (recordKeys). */
  readonly keys?: readonly RecordKey[];
  /**
   * Whether to claim a mapping's target profile in meta.profile. Default: only when the profile
   * is compiled and loaded (getProfile), since the validator refuses unknown profiles; golden
   * files claim every target so they stay right as profiles arrive.
   */
  readonly claimProfile?: (url: string) => boolean;
}

/** Result of mapping one record: its resources, or the error that refused it. */
export type MappedRecord = { ok: true; resources: MappedResource[] } | { ok: false; error: GatewayError };

/**
 * The fast evaluator returns values, jsonata returns promises. Awaiting only thenables gives the
 * same values as awaiting everything (`await` of anything else resolves to that value) without a
 * microtask turn per expression.
 */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** Parses the record with the mapping's schema; returns the typed record or the 422. */
export function validateRecord(mapping: CompiledMapping, raw: unknown, row: number): { ok: true; record: Record<string, unknown> } | { ok: false; error: GatewayError } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: fieldError(row, undefined, 'A record must be a JSON object.', 'structure') };
  const parsed = mapping.schema.safeParse(raw);
  return parsed.success ? { ok: true, record: parsed.data } : { ok: false, error: schemaError(row, parsed.error, raw as Record<string, unknown>) };
}

/** A resource's conditional key: `<type>?identifier=<system>|<value>`. */
export interface RecordKey {
  readonly type: string;
  readonly system: string;
  readonly value: string;
  /** True when the resource's `when` predicate was false (the record does not produce it). */
  readonly skipped?: boolean;
}

/** The conditional keys of a validated record, evaluated before any lookup (for batching). */
export async function recordKeys(mapping: CompiledMapping, record: Record<string, unknown>): Promise<RecordKey[]> {
  const keys: RecordKey[] = [];
  for (const r of mapping.resources) {
    // A resource whose `when` is false is not produced, so it has no key: value '' marks it.
    const produced = r.when ? (await r.when.evaluate(record)) === true : true;
    const value: unknown = produced ? await r.key.evaluate(record) : undefined;
    keys.push(keyOf(r, produced, value));
  }
  return keys;
}

/** recordKeys without awaiting, when every key and `when` runs on the (synchronous) fast path. */
function keysNow(mapping: CompiledMapping, record: Record<string, unknown>): RecordKey[] | undefined {
  if (!mapping.resources.every((r) => r.key.fast && (!r.when || r.when.fast))) return undefined;
  return mapping.resources.map((r) => {
    const produced = r.when ? r.when.evaluate(record) === true : true;
    return keyOf(r, produced, produced ? r.key.evaluate(record) : undefined);
  });
}

function keyOf(r: CompiledMapping['resources'][number], produced: boolean, value: unknown): RecordKey {
  return { type: r.spec.type, system: r.spec.key.system, value: value === undefined ? '' : String(value), ...(produced ? {} : { skipped: true }) };
}

/**
 * Maps one validated record. Errors come back as values (a 422 naming `record[row].field`);
 * a template that throws is a mapping bug and also comes back as a 422 so one bad record
 * never stops a batch.
 */
export async function mapRecord(
  mapping: CompiledMapping,
  record: Record<string, unknown>,
  row: number,
  resolver: Resolver,
  options: MapOptions = {},
): Promise<MappedRecord> {
  const claimProfile = options.claimProfile ?? ((url: string) => getProfile(url) !== undefined);
  for (const check of mapping.checks) {
    let ok = check.assert.evaluate(record);
    if (isThenable(ok)) ok = await ok;
    if (ok !== true) return { ok: false, error: fieldError(row, check.field, check.message, 'business-rule') };
  }
  // Values were checked against the tables by the schema, so every lookup hits.
  const coded: Record<string, Coding | Coding[]> = {};
  for (const { field, map } of mapping.coded) {
    const value = record[field.name];
    if (typeof value === 'string') coded[field.name] = { ...map.map[value]! };
    else if (Array.isArray(value)) coded[field.name] = value.map((v: string) => ({ ...map.map[v]! }));
  }
  const ref: Record<string, string> = {};
  for (const { name, spec } of mapping.references) {
    const value = record[spec.field];
    if (value === undefined) continue;
    const found = await resolver.find(spec.type, spec.system, String(value));
    if (!found) {
      return { ok: false, error: fieldError(row, spec.field, `No ${spec.type} has identifier \`${spec.system}|${String(value)}\`; ingest it first.`, 'not-found') };
    }
    ref[name] = found;
  }
  const keys = options.keys ?? keysNow(mapping, record) ?? (await recordKeys(mapping, record));
  const self: Record<string, string> = {};
  const ids: { id: string; existed: boolean }[] = [];
  for (const [i, r] of mapping.resources.entries()) {
    const key = keys[i]!;
    if (key.skipped) {
      ids.push({ id: '', existed: false });
      continue;
    }
    if (!key.value) return { ok: false, error: fieldError(row, undefined, `The key of ${r.spec.type} \`${r.spec.name}\` is empty.`, 'required') };
    const found = await resolver.find(key.type, key.system, key.value);
    const id = found ? found.slice(found.indexOf('/') + 1) : resolver.newId(key.type, key.system, key.value);
    ids.push({ id, existed: found !== undefined });
    self[r.spec.name] = `${r.spec.type}/${id}`;
  }
  let part2When = mapping.part2When?.evaluate(record, { coded });
  if (isThenable(part2When)) part2When = await part2When;
  const part2 = mapping.part2When ? Boolean(part2When) : mapping.spec.labels.part2 === true;
  const resources: MappedResource[] = [];
  for (const [i, r] of mapping.resources.entries()) {
    if (keys[i]!.skipped) continue;
    const key = { system: keys[i]!.system, value: keys[i]!.value };
    let output: unknown;
    try {
      output = r.template.evaluate(record, { key, coded, ref, self });
      if (isThenable(output)) output = await output;
    } catch (err) {
      const message = (err as { message?: string }).message ?? 'error';
      return { ok: false, error: fieldError(row, undefined, `Mapping \`${mapping.spec.id}\` failed on resource \`${r.spec.name}\`: ${message}.`, 'processing') };
    }
    const resource = finish(output, r.spec.type, ids[i]!.id, key, r.spec.profile && claimProfile(r.spec.profile) ? r.spec.profile : undefined, part2, mapping.spec.source.part2Program);
    if (!resource) return { ok: false, error: fieldError(row, undefined, `Mapping \`${mapping.spec.id}\` produced no ${r.spec.type} for \`${r.spec.name}\`.`, 'processing') };
    resources.push({ type: r.spec.type, id: ids[i]!.id, existed: ids[i]!.existed, key, resource });
  }
  return { ok: true, resources };
}

function finish(
  output: unknown,
  type: string,
  id: string,
  key: { system: string; value: string },
  profile: string | undefined,
  part2: boolean,
  part2Program: boolean,
): (Resource & { id: string }) | undefined {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return undefined;
  // prune() rebuilds every array and object, so the flags jsonata (and the fast path) put on
  // result arrays are gone: plain data, as the validator and canonical comparison expect.
  const body = prune(output) as Record<string, unknown> | undefined;
  if (!body || body.resourceType !== type) return undefined;
  const identifiers = Array.isArray(body.identifier) ? (body.identifier as Identifier[]) : [];
  // INVARIANT: every output carries its key, or the next ingest could not find it again.
  if (!identifiers.some((x) => x.system === key.system && x.value === key.value)) body.identifier = [key, ...identifiers];
  const meta = { ...((body.meta as object | undefined) ?? {}) } as NonNullable<Resource['meta']>;
  if (profile) meta.profile = [profile];
  const { resourceType: _t, id: _i, meta: _m, ...rest } = body;
  const resource = { resourceType: type, id, meta, ...rest } as unknown as Resource & { id: string };
  meta.security = mappingLabels(resource, part2, part2Program);
  return resource;
}

/**
 * Drops empty arrays, empty objects and empty strings: FHIR forbids them, and a template that
 * writes `"telecom": [phone ? {...}]` yields `[]` when the source has no phone. Depth-limited:
 * template output nests a few levels at most.
 */
function prune(value: unknown, depth = 0): unknown {
  if (depth > 32) throw new Error('mapping output nests too deep');
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const v = prune(value[i], depth + 1);
      if (v !== undefined) items.push(v);
    }
    return items.length ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    // Object.keys has Object.entries' order (integer-like keys first), so output bytes are unchanged.
    const out: Record<string, unknown> = {};
    let any = false;
    for (const k of Object.keys(value)) {
      const v = prune((value as Record<string, unknown>)[k], depth + 1);
      if (v === undefined) continue;
      // As Object.fromEntries did: `__proto__` stays an own key instead of setting the prototype.
      if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      else out[k] = v;
      any = true;
    }
    return any ? out : undefined;
  }
  return value === '' || value === null ? undefined : value;
}
