/**
 * Audits what one request wrote (issue 6: "each transition is versioned and audited"). The
 * request's policy labels every version a request prepares; the ones the store really committed
 * become `write` AuditEvents, appended to the hash chain with the request's disclosures before the
 * response leaves (request-access.ts). A prepared version counts as written when the store holds
 * exactly it — a transaction that failed, a batch entry that lost a version race, or an update
 * that changed nothing wrote no version and is not audited.
 *
 * INVARIANT: a write event carries references, version ids, labels and status codes only, never
 * resource content (the audit log outlives every consent).
 *
 * Deletes are not prepared through the policy's labeling, so they are not audited here yet.
 */
import type { AuditEvent, Coding, Resource } from '@medplum/fhirtypes';
import type { Requester } from '../auth/requester.js';
import { resolvePurposeOfUse } from '../auth/purpose-of-use.js';
import { buildAuditEvent, canonicalJson, type AuditedResource, type AuditInteraction } from '../audit/index.js';
import type { DisclosureColumns, Store, StoredVersion } from '../storage/store.js';

interface Prepared {
  readonly resource: Resource;
  readonly previous: StoredVersion | undefined;
  readonly patientId: string | undefined;
}

export class WriteAudit {
  readonly #prepared: Prepared[] = [];

  constructor(
    private readonly store: Store,
    private readonly requester: Requester,
    private readonly now: Date,
    private readonly decisionId: string,
  ) {}

  get hasRecords(): boolean {
    return this.#prepared.length > 0;
  }

  /** Remembers a labeled version about to be written (it may still fail or be dropped). */
  record(resource: Resource, previous: StoredVersion | undefined, disclosure: DisclosureColumns): void {
    this.#prepared.push({ resource, previous, patientId: disclosure.patientId });
  }

  /** One `write` event per interaction and patient, listing only versions the store committed. */
  async auditEvents(): Promise<AuditEvent[]> {
    const purpose = resolvePurposeOfUse(this.requester.purposeOfUse);
    const groups = new Map<string, { interaction: AuditInteraction; patientId: string | undefined; resources: AuditedResource[] }>();
    for (const p of this.#prepared) {
      if (!(await this.committed(p.resource))) continue;
      const interaction: AuditInteraction = p.previous && !p.previous.deleted ? 'update' : 'create';
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

  private async committed(resource: Resource): Promise<boolean> {
    const versionId = Number(resource.meta?.versionId);
    if (!resource.id || !Number.isInteger(versionId)) return false;
    const stored = await this.store.vread(resource.resourceType, resource.id, versionId);
    return !!stored && !stored.deleted && canonicalJson(stored.resource) === canonicalJson(resource);
  }
}

/** The version, its labels and, for resources with a status, the move it made (codes only). */
function audited({ resource, previous }: Prepared): AuditedResource {
  const to = statusOf(resource);
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
