/**
 * The consent gate on the ServiceRequest side of a referral (issue 6). A ServiceRequest carries
 * records to its recipients — the Organizations in `performer` and the owners of referral Tasks
 * already focused on it — through `supportingInfo` and `reasonReference`. Records a write adds
 * there are gated like a Task's (referral-gate.ts): refused, or with `Prefer: withhold-part2` left
 * out. Labels are computed after the rules, so a ServiceRequest sent without the Part 2 records
 * it pointed at is no longer Part 2 because of them (it still is when its own codes say so).
 */
import type { ServiceRequest } from '@medplum/fhirtypes';
import type { WriteRule } from '../fhir/repository.js';
import { gateReferral } from './referral-gate.js';
import { carriedByServiceRequest, referencesIn, without } from './referral-carried.js';

/** Tasks read to find a ServiceRequest's recipients; a referral has one or a few. */
const MAX_TASKS = 50;

export const serviceRequestGateRule: WriteRule = async ({ resource, previous, writer, store }) => {
  if (resource.resourceType !== 'ServiceRequest') return undefined;
  const sr = resource as ServiceRequest;
  const before = previous && !previous.deleted ? (previous.resource as ServiceRequest) : undefined;
  const added = carriedByServiceRequest(sr, true, before ? referencesIn(carriedByServiceRequest(before, true)) : new Set());
  if (added.length === 0) return undefined;
  const recipients = new Set((sr.performer ?? []).map((p) => p.reference ?? '').filter((r) => r.startsWith('Organization/')));
  if (sr.id) {
    const tasks = await store.referencesTo([{ type: 'ServiceRequest', id: sr.id }], 'Task', 'focus');
    for (const t of tasks.slice(0, MAX_TASKS)) {
      const owner = (t.resource as { owner?: { reference?: string } }).owner?.reference;
      if (owner) recipients.add(owner);
    }
  }
  const withheld = new Set<string>();
  for (const recipient of recipients) {
    const { withhold } = await gateReferral(store, writer, { reference: recipient }, added);
    withhold.forEach((w) => withheld.add(w.reference));
  }
  if (withheld.size === 0) return undefined;
  const { supportingInfo: _s, reasonReference: _r, ...rest } = sr;
  const supportingInfo = without(sr.supportingInfo, withheld, (r) => r.reference);
  const reasonReference = without(sr.reasonReference, withheld, (r) => r.reference);
  return { ...rest, ...(supportingInfo ? { supportingInfo } : {}), ...(reasonReference ? { reasonReference } : {}) } as ServiceRequest;
};
