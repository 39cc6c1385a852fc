/**
 * Audits what one request wrote (issue 6: "each transition is versioned and audited"). The
 * request's policy labels every version a request prepares; the ones the store really committed
 * become `write` AuditEvents, appended to the hash chain with the request's disclosures before the
 * response leaves (request-access.ts). The request's store reports each batch it committed
 * (storage/recording-store.ts), so a transaction that failed, a batch entry that lost a version
 * race, or an update that changed nothing wrote no version and is not audited — and nothing has
 * to be read back to know it.
 *
 * INVARIANT: a write event carries references, version ids, labels and status codes only, never
 * resource content (the audit log outlives every consent).
 */
import type { AuditEvent, Coding, Resource } from '@medplum/fhirtypes';
import type { Requester } from '../auth/requester.js';
import { resolvePurposeOfUse } from '../auth/purpose-of-use.js';
import { buildAuditEvent, type AuditedResource, type AuditInteraction } from '../audit/index.js';
import type { DisclosureColumns, ResourceWrite, StoredVersion } from '../storage/store.js';

interface Prepared {
  readonly resource: Resource;
  readonly previous: StoredVersion | undefined;
  readonly patientId: string | undefined;
  /** The version is a deletion tombstone. */
  readonly deleted?: boolean;
}

export class WriteAudit {
  /** Labeled versions by `Type/id/versionId`, as prepared (they may still fail or be dropped). */
  readonly #prepared = new Map<string, Prepared>();
  /** What the store committed, in commit order. */
  readonly #committed: Prepared[] = [];

  constructor(
    private readonly requester: Requester,
    private readonly now: Date,
    private readonly decisionId: string,
  ) {}

  get hasRecords(): boolean {
    return this.#committed.length > 0;
  }

  /** Remembers a labeled version about to be written (it may still fail or be dropped). */
  record(resource: Resource, previous: StoredVersion | undefined, disclosure: DisclosureColumns): void {
    this.#prepared.set(`${resource.resourceType}/${resource.id}/${resource.meta?.versionId}`, { resource, previous, patientId: disclosure.patientId });
  }

  /** A batch the store committed: its creates and updates prepared by this request, and its deletes, are audited. */
  committed(writes: readonly ResourceWrite[]): void {
    for (const w of writes) {
      if (w.op === 'delete') {
        // A delete is not labeled (it keeps the last content's labels); the tombstone names the version.
        this.#committed.push({ resource: w.resource, previous: undefined, patientId: w.disclosure?.patientId, deleted: true });
        continue;
      }
      const prepared = this.#prepared.get(`${w.resource.resourceType}/${w.resource.id}/${w.versionId}`);
      if (prepared) this.#committed.push(prepared);
    }
  }

  /** One `write` event per interaction and patient, listing only versions the store committed. */
  auditEvents(): AuditEvent[] {
    const purpose = resolvePurposeOfUse(this.requester.purposeOfUse);
    const groups = new Map<string, { interaction: AuditInteraction; patientId: string | undefined; resources: AuditedResource[] }>();
    for (const p of this.#committed) {
      const interaction: AuditInteraction = p.deleted ? 'delete' : p.previous && !p.previous.deleted ? 'update' : 'create';
      const key = `${interaction}|${p.patientId ?? ''}`;
      const group = groups.get(key) ?? groups.set(key, { interaction, patientId: p.patientId, resources: [] }).get(key)!;
      group.resources.push(audited(p));
    }
    return [...groups.values()].map(({ interaction, patientId, resources }) =>
      buildAuditEvent({
        kind: 'write',
        interaction,
        recorded: this.now,
        outcome: 'success',
        requester: { organizationId: this.requester.organizationId, clientId: this.requester.clientId },
        decisionId: this.decisionId,
        ...(purpose ? { purposeOfUse: { system: purpose.system, code: purpose.code } as Coding } : {}),
        ...(patientId ? { patientId } : {}),
        resources,
        authority: { type: 'none', note: 'write by the requester' },
      }),
    );
  }
}

/** The version, its labels and, for resources with a status, the move it made (codes only). */
function audited({ resource, previous, deleted }: Prepared): AuditedResource {
  // A tombstone carries the last content: its status is not a move.
  const to = deleted ? undefined : statusOf(resource);
  const from = previous && !previous.deleted ? statusOf(previous.resource) : undefined;
  const detail = [...(from ? [{ type: 'status-from', value: from }] : []), ...(to ? [{ type: 'status-to', value: to }] : [])];
  return {
    reference: `${resource.resourceType}/${resource.id}`,
    versionId: String(resource.meta?.versionId),
    securityLabel: resource.meta?.security ?? [],
    ...(detail.length ? { detail } : {}),
  };
}

function statusOf(resource: Resource): string | undefined {
  const status = (resource as { status?: unknown }).status;
  return typeof status === 'string' ? status : undefined;
}
