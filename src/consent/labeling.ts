/**
 * Security labeling on write (P2-18). Pure: (resource, context) → the complete `meta.security`
 * to store. No I/O; the caller loads the labels of referenced resources with referencesOf().
 *
 * Policy decisions (documented for the README):
 * - SUD-related codes label a record Part 2 (SUD + 42CFRPart2 + R) whoever writes it, not only
 *   when a Part 2 program wrote it. The gateway cannot tell where a SUD diagnosis, drug test or
 *   SUD referral came from, and PART2-RULES P2-18 names exactly these as labeled; over-labeling
 *   costs access that a consent can grant, under-labeling leaks (P2-01, P2-20).
 * - Mental-health codes give MH + BH and confidentiality R, but not the Part 2 policy.
 * - Labels only go up: computed, client-supplied and (optionally) previous-version labels are
 *   unioned; a client cannot remove a computed one. NORDSLCD (retired) becomes NORDSCLCD so a
 *   client's refrain intent is kept rather than silently dropped (P2-16).
 */
import type { Coding, Resource } from '@medplum/fhirtypes';
import {
  CONFIDENTIALITY_ORDER,
  PART2_SENSITIVITIES,
  POLICY_42CFRPART2,
  REFRAIN_NORDSCLCD,
  SENSITIVITY_CODES,
  V3_ACT_CODE,
  V3_CONFIDENTIALITY,
  actCode,
  confidentiality,
  type ConfidentialityCode,
  type SensitivityCode,
} from './labels.js';
import { codingsOf, containedLabelsOf } from './labeling-walk.js';
import { classifyCoding } from './sud-codes.js';

export { referencesOf } from './labeling-walk.js';

/** The retired refrain code; never stored (PART2-RULES terminology). */
export const RETIRED_NORDSLCD = 'NORDSLCD';

/** What the caller knows about a write besides the resource itself. */
export interface LabelContext {
  /** The writing client's organization is a 42 CFR Part 2 program (P2-18: everything it writes is Part 2). */
  readonly writerIsPart2Program: boolean;
  /** `meta.security` of each resource named by referencesOf(resource), loaded by the caller. */
  readonly referencedLabels: readonly (readonly Coding[])[];
  /** `meta.security` of the stored version on update, so an update cannot lower labels. */
  readonly previousLabels?: readonly Coding[];
}

/**
 * Types that are not records about a patient (definitions, directories, consent directives):
 * they get no computed sensitivity, only confidentiality N plus whatever the client supplied.
 */
const UNLABELED_TYPES: ReadonlySet<string> = new Set([
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'Location',
  'HealthcareService',
  'Endpoint',
  'Questionnaire',
  'Measure',
  'Subscription',
  'Consent',
  'AuditEvent',
  'CapabilityStatement',
  'StructureDefinition',
  'CodeSystem',
  'ValueSet',
]);

const SENSITIVITY_SET: ReadonlySet<string> = new Set(SENSITIVITY_CODES);

/**
 * Computes the complete `meta.security` for `resource`: exactly one v3-Confidentiality code (the
 * highest of computed, client and previous; floor N), then 42CFRPart2 when Part 2, then the
 * sensitivity codes in vocabulary order, then every other client label in its original order.
 * Never throws on odd input: malformed client codings (no system or code) are dropped.
 */
export function computeLabels(resource: Resource, ctx: LabelContext): Coding[] {
  const sensitivities = new Set<SensitivityCode>();
  let part2 = false;

  if (!UNLABELED_TYPES.has(resource.resourceType)) {
    // P2-18: written by a Part 2 program → Part 2 record.
    if (ctx.writerIsPart2Program) {
      sensitivities.add('SUD');
      part2 = true;
    }
    // P2-18: SUD / drug-test / counseling-note / mental-health codes anywhere in the content.
    for (const coding of codingsOf(resource)) {
      const finding = classifyCoding(coding);
      if (!finding) continue;
      finding.sensitivities.forEach((s) => sensitivities.add(s));
      part2 ||= finding.part2;
    }
    // P2-18: referencing a labeled resource inherits its sensitivities and policy.
    for (const labels of [...ctx.referencedLabels, ...containedLabelsOf(resource)]) {
      inherit(labels, sensitivities, () => (part2 = true));
    }
  }

  const supplied: unknown = resource.meta?.security;
  const clientLabels: readonly Coding[] = [...(Array.isArray(supplied) ? (supplied as Coding[]) : []), ...(ctx.previousLabels ?? [])];
  let highest: ConfidentialityCode = 'N';
  const others: Coding[] = [];
  const seen = new Set<string>();
  for (const raw of clientLabels) {
    if (typeof raw?.system !== 'string' || typeof raw.code !== 'string') continue;
    const label = normalizeSystem(raw as Coding & { system: string; code: string });
    if (label.system === V3_CONFIDENTIALITY) {
      if (isConfidentialityCode(label.code)) highest = maxConfidentiality(highest, label.code);
      continue;
    }
    if (label.system === V3_ACT_CODE) {
      if (SENSITIVITY_SET.has(label.code)) {
        sensitivities.add(label.code as SensitivityCode);
        continue;
      }
      if (label.code === POLICY_42CFRPART2) {
        part2 = true;
        continue;
      }
    }
    // Retired refrain code: keep the client's intent under the current code.
    const kept = label.code === RETIRED_NORDSLCD ? actCode(REFRAIN_NORDSCLCD) : { system: label.system, code: label.code };
    const key = `${kept.system}|${kept.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    others.push(label.code === RETIRED_NORDSLCD ? kept : label);
  }

  // A Part 2 sensitivity (even one a client added) makes the record Part 2 (labels.ts isPart2Labeled).
  if ([...sensitivities].some((s) => PART2_SENSITIVITIES.has(s))) part2 = true;
  if (part2) sensitivities.add('SUD');
  // Part 2 and behavioral-health records are restricted (R); a client's V stays.
  if (part2 || sensitivities.size > 0) highest = maxConfidentiality(highest, 'R');

  // INVARIANT: exactly one confidentiality code, first.
  const out: Coding[] = [confidentiality(highest)];
  if (part2) out.push(actCode(POLICY_42CFRPART2));
  for (const code of SENSITIVITY_CODES) if (sensitivities.has(code)) out.push(actCode(code));
  return [...out, ...others];
}

/** R3-era URLs for the same code systems; stored labels always use the R4 URLs (ARCHITECTURE §2). */
const LEGACY_SYSTEMS: ReadonlyMap<string, string> = new Map([
  ['http://hl7.org/fhir/v3/Confidentiality', V3_CONFIDENTIALITY],
  ['http://hl7.org/fhir/v3/ActCode', V3_ACT_CODE],
]);

function normalizeSystem(label: Coding & { system: string; code: string }): Coding & { system: string; code: string } {
  const system = LEGACY_SYSTEMS.get(label.system);
  return system ? { ...label, system } : label;
}

function inherit(labels: readonly Coding[], into: Set<SensitivityCode>, markPart2: () => void): void {
  for (const label of labels) {
    if (label?.system !== V3_ACT_CODE || typeof label.code !== 'string') continue;
    if (label.code === POLICY_42CFRPART2) markPart2();
    else if (SENSITIVITY_SET.has(label.code)) into.add(label.code as SensitivityCode);
  }
}

function isConfidentialityCode(code: string): code is ConfidentialityCode {
  return (CONFIDENTIALITY_ORDER as readonly string[]).includes(code);
}

function maxConfidentiality(a: ConfidentialityCode, b: ConfidentialityCode): ConfidentialityCode {
  return CONFIDENTIALITY_ORDER.indexOf(a) >= CONFIDENTIALITY_ORDER.indexOf(b) ? a : b;
}
