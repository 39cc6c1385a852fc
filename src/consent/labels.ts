import type { Coding } from '@medplum/fhirtypes';

/**
 * The security-label vocabulary (PART2-RULES "Terminology to use"). Every capability that
 * reads or writes `meta.security` uses these constants, never string literals.
 */
export const V3_CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const V3_ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

/** Confidentiality codes, lowest to highest; a resource carries exactly one (the highest that applies). */
export const CONFIDENTIALITY_ORDER = ['U', 'L', 'M', 'N', 'R', 'V'] as const;
export type ConfidentialityCode = (typeof CONFIDENTIALITY_ORDER)[number];

/** Sensitivity codes (v3-ActCode) that mark Part 2 / behavioral-health information. */
export const SENSITIVITY_CODES = ['SUD', 'OPIOIDUD', 'ETHUD', 'BH', 'MH', 'PSYTHPN'] as const;
export type SensitivityCode = (typeof SENSITIVITY_CODES)[number];

/** Sensitivities that make a record a 42 CFR Part 2 record. */
export const PART2_SENSITIVITIES: ReadonlySet<string> = new Set(['SUD', 'OPIOIDUD', 'ETHUD', 'PSYTHPN']);

/** Policy label: the record is governed by 42 CFR Part 2. */
export const POLICY_42CFRPART2 = '42CFRPart2';
/** Refrain label: prohibit redisclosure without consent (NORDSLCD is retired — never emit it). */
export const REFRAIN_NORDSCLCD = 'NORDSCLCD';

/** §2.32 short-form notice attached to every Part 2 disclosure (P2-11). */
export const PART2_NOTICE = '42 CFR part 2 prohibits unauthorized use or disclosure of these records.';

export const confidentiality = (code: ConfidentialityCode): Coding => ({ system: V3_CONFIDENTIALITY, code });
export const actCode = (code: string): Coding => ({ system: V3_ACT_CODE, code });

/** True when the labels mark a Part 2 record (policy label or a Part 2 sensitivity). */
export function isPart2Labeled(security: readonly Coding[] | undefined): boolean {
  return (security ?? []).some(
    (c) => c.system === V3_ACT_CODE && (c.code === POLICY_42CFRPART2 || (c.code !== undefined && PART2_SENSITIVITIES.has(c.code))),
  );
}
