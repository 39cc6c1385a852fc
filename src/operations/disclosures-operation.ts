import type { Bundle } from '@medplum/fhirtypes';
import type { AuditLog } from '../audit/index.js';
import type { Requester } from '../auth/requester.js';
import { pageLinks } from '../fhir/bundles.js';
import type { FhirRepository } from '../fhir/repository.js';
import { forbidden, invalidSearch } from '../outcomes/index.js';
import type { Store } from '../storage/store.js';

/** P2-13: the accounting covers the past three years unless the caller asks for less. */
const ACCOUNTING_YEARS = 3;

/**
 * Who may read a patient's accounting of disclosures (ARCHITECTURE §2): an admin, a client acting
 * on the patient's own request (purpose PATRQT), or a disclosing program — a program named as the
 * discloser on one of the patient's consents. Anyone else gets 403.
 */
async function assertMayReadAccounting(store: Store, requester: Requester, patientId: string): Promise<void> {
  if (requester.sector === 'admin' || requester.purposeOfUse === 'PATRQT') return;
  const consents = await store.search({
    resourceType: 'Consent',
    filters: [
      { code: 'patient', type: 'reference', values: [{ kind: 'reference', type: 'Patient', id: patientId }] },
      { code: 'organization', type: 'reference', values: [{ kind: 'reference', type: 'Organization', id: requester.organizationId }] },
    ],
    sort: [],
    count: 1,
    offset: 0,
    total: false,
  });
  // The search matched on Consent.organization (the discloser), so any hit is a consent it discloses under.
  if (consents.resources.length > 0) return;
  throw forbidden('Only an administrator, the disclosing program, or a request on the patient’s behalf (purpose PATRQT) may read the accounting of disclosures.', 'AUTH_INSUFFICIENT_SCOPE');
}

/**
 * `GET /fhir/Patient/{id}/$disclosures`: a searchset Bundle of AuditEvents, one per disclosure
 * (consented, emergency or court-ordered), newest first, each naming recipient, purpose, what,
 * when and the authority. `_since` narrows the window; `_count`/`_offset` page it.
 */
export async function disclosuresOperation(
  repo: FhirRepository,
  auditLog: AuditLog,
  requester: Requester,
  patientId: string,
  params: URLSearchParams,
  base: string,
  now: Date,
): Promise<Bundle> {
  // The patient must exist and be visible to the caller, or the accounting would confirm them.
  await repo.read('Patient', patientId);
  await assertMayReadAccounting(repo.store, requester, patientId);
  const sinceText = params.get('_since');
  const floor = new Date(now);
  floor.setUTCFullYear(floor.getUTCFullYear() - ACCOUNTING_YEARS);
  const since = sinceText ? new Date(sinceText) : floor;
  if (Number.isNaN(since.getTime())) throw invalidSearch(`\`_since\` must be an instant, not \`${sinceText}\`.`, '_since');
  const count = Math.min(Number(params.get('_count') ?? 50) || 50, 1000);
  const offset = Number(params.get('_offset') ?? 0) || 0;
  const { events, total } = await auditLog.disclosures(patientId, { since: since < floor ? floor : since, count, offset, now });
  const kept = new URLSearchParams(sinceText ? { _since: sinceText } : {});
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: pageLinks({ path: `${base}/Patient/${patientId}/$disclosures`, params: kept, count, offset, total, pageSize: events.length }),
    entry: events.map((resource) => ({ fullUrl: `${base}/AuditEvent/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}
