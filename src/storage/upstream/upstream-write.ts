/**
 * The write path of the upstream Store: one upstream transaction per Store.write batch, bracketed
 * by the disclosure index (pending before, committed after).
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { ResourceWrite, StoredVersion } from '../store.js';
import { isUniqueViolation } from '../sql-connection.js';
import { conflict, GatewayError } from '../../outcomes/index.js';
import type { UpstreamIndex } from './upstream-index.js';
import { UpstreamStatus, type UpstreamHttp } from './upstream-http.js';
import { upstreamBadResponse } from './upstream-errors.js';
import { checkBundle, versionFromResponse } from './response-shapes.js';

/** A current version plus the upstream's own version id of it (what If-Match must carry). */
export interface Current {
  readonly stored: StoredVersion;
  readonly upstreamVersion?: string;
}

export interface WriteContext {
  readonly http: UpstreamHttp;
  readonly index: UpstreamIndex;
  readonly current: (type: string, id: string) => Promise<Current | undefined>;
}

/**
 * One upstream transaction per batch, so the batch stays atomic upstream too. Order: index rows
 * as 'pending' → upstream transaction → rows 'committed' + change feed. If the last step fails
 * after the upstream committed, the new versions stay unvouched and read as restricted: hidden,
 * never leaked.
 */
export async function writeThrough(ctx: WriteContext, writes: readonly ResourceWrite[]): Promise<void> {
  if (writes.length === 0) return;
  // A transaction may touch a resource once: a resource written twice in the batch is sent as
  // its last write, checked against the version its first write expected.
  const groups = new Map<string, { first: ResourceWrite; last: ResourceWrite }>();
  for (const w of writes) {
    const key = `${w.resource.resourceType}/${w.resource.id}`;
    const group = groups.get(key);
    if (group) {
      if (w.expectedVersion !== group.last.versionId) throw conflict(`${key} has changed within the batch (expected ${w.expectedVersion}).`);
      group.last = w;
    } else groups.set(key, { first: w, last: w });
  }
  const current = new Map<string, Current | undefined>();
  await Promise.all([...groups.keys()].map(async (key) => current.set(key, await ctx.current(...(key.split('/') as [string, string])))));
  for (const [key, { first, last }] of groups) {
    const have = current.get(key)?.stored.versionId ?? 0;
    if (have !== first.expectedVersion) throw conflict(`${key} has changed (version ${have}, expected ${first.expectedVersion}).`);
    if (last.versionId <= have) throw conflict(`${key} version ${last.versionId} is not newer than the stored one.`);
  }
  const lasts = [...groups.values()].map((g) => g.last);
  try {
    await ctx.index.recordPending(lasts);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // The primary key: another gateway writer recorded the same version first.
    throw new GatewayError('STORE_VERSION_CONFLICT', 409, { severity: 'error', code: 'conflict', details: { text: 'A resource in this write was changed concurrently; retry with the new version.' } }, { cause: err });
  }
  let response: Bundle;
  try {
    const entry = [...groups].map(([key, { last }]) => toEntry(key, last, current.get(key)));
    const data = await ctx.http.call('write', (client, options) => client.transaction({ body: { resourceType: 'Bundle', type: 'transaction', entry }, options }));
    response = checkBundle(data, 'transaction-response');
    if ((response.entry ?? []).length !== lasts.length) throw upstreamBadResponse(new Error('transaction-response entry count differs'));
  } catch (err) {
    await ctx.index.dropPending(lasts).catch(() => undefined);
    if (err instanceof UpstreamStatus && (err.status === 409 || err.status === 412)) throw conflict('The resource was changed upstream; retry with the new version.');
    throw err instanceof UpstreamStatus ? upstreamBadResponse(err) : err;
  }
  // FHIR R4 §3.1.0.11.2: response entries are in request order.
  await ctx.index.confirm(lasts.map((write, i) => ({ write, upstreamVersion: versionFromResponse(response.entry![i]!.response) ?? '' })));
}

function toEntry(key: string, write: ResourceWrite, current: Current | undefined): BundleEntry {
  // If-Match carries the UPSTREAM's version of what the gateway checked, so a write made behind its
  // back in between turns into a conflict instead of being overwritten. A create over nothing (or
  // over a tombstone) has no version to match.
  const ifMatch = current && !current.stored.deleted && current.upstreamVersion ? { ifMatch: `W/"${current.upstreamVersion}"` } : {};
  if (write.op === 'delete') return { request: { method: 'DELETE', url: key, ...ifMatch } };
  const { meta, ...rest } = write.resource;
  const { versionId: _v, lastUpdated: _l, ...keptMeta } = meta ?? {};
  return { resource: { ...rest, meta: keptMeta } as BundleEntry['resource'], request: { method: 'PUT', url: key, ...ifMatch } };
}
