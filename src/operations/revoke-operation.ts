import type { Consent } from '@medplum/fhirtypes';
import type { Requester } from '../auth/requester.js';
import { parseConsent } from '../consent/index.js';
import type { FhirRepository, WriteOutcome } from '../fhir/repository.js';
import { forbidden } from '../outcomes/index.js';

export interface RevokeResult extends WriteOutcome {
  /** When the revocation takes effect, if a §2.35 irrevocability defers it (P2-10). */
  readonly effectiveFrom?: string;
}

/**
 * `POST /fhir/Consent/{id}/$revoke`: records the patient's revocation as `status = inactive`, a new
 * version, so the accounting keeps what was disclosed before it (P2-15). The disclosing program,
 * an admin, or a request on the patient's behalf (PATRQT) may revoke. A §2.35 consent that is
 * still irrevocable is recorded as revoked but keeps permitting until its stated time or event —
 * decide() reads it that way — and the result says from when the revocation counts.
 */
export async function revokeConsent(repo: FhirRepository, requester: Requester, consentId: string, now: Date): Promise<RevokeResult> {
  const current = (await repo.read('Consent', consentId)).resource as Consent;
  const disclosers = [...(current.organization ?? []), ...(current.performer ?? [])].map((r) => r.reference);
  const allowed = requester.sector === 'admin' || requester.purposeOfUse === 'PATRQT' || disclosers.includes(`Organization/${requester.organizationId}`);
  if (!allowed) throw forbidden('Only the disclosing program, an administrator, or a request on the patient’s behalf (purpose PATRQT) may revoke this consent.');
  const outcome = await repo.update('Consent', consentId, { ...current, status: 'inactive' });
  const policy = parseConsent(current);
  if (policy.kind === 'parse-error' || policy.kind !== 'criminal-justice-2-35' || !policy.irrevocableUntil) return outcome;
  const { at, event } = policy.irrevocableUntil;
  if (at !== undefined && at > now.getTime()) return { ...outcome, effectiveFrom: new Date(at).toISOString() + (event ? ` or when ${event.reference} ends, if sooner` : '') };
  if (at === undefined && event) return { ...outcome, effectiveFrom: `when ${event.reference} ends (${event.kind})` };
  return outcome;
}
