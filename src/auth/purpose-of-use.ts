import { PROJECT_CANONICAL } from '../conformance/canonical.js';
/** The R4 code system for purpose-of-use codes (ARCHITECTURE §2: labels use R4 code-system URLs). */
export const V3_ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

/**
 * The local code system for purposes v3-ActReason lacks (criminal-justice monitoring), defined
 * in profiles/input/fsh/purpose-of-use.fsh.
 */
export const LOCAL_PURPOSE_SYSTEM = `${PROJECT_CANONICAL}/CodeSystem/cj-purpose-of-use`;

/** One purpose of use a token may carry. */
export interface PurposeOfUse {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

/**
 * Every purpose a client may assert. The token endpoint only checks that the code is known;
 * what a purpose actually releases is the consent engine's decision (ARCHITECTURE §2).
 */
export const KNOWN_PURPOSES: readonly PurposeOfUse[] = [
  { system: V3_ACT_REASON, code: 'TREAT', display: 'treatment' },
  { system: V3_ACT_REASON, code: 'COC', display: 'coordination of care' },
  { system: V3_ACT_REASON, code: 'ETREAT', display: 'emergency treatment' },
  { system: V3_ACT_REASON, code: 'BTG', display: 'break the glass' },
  { system: V3_ACT_REASON, code: 'HPAYMT', display: 'healthcare payment' },
  { system: V3_ACT_REASON, code: 'HOPERAT', display: 'healthcare operations' },
  { system: V3_ACT_REASON, code: 'PATRQT', display: 'patient requested' },
  { system: V3_ACT_REASON, code: 'PUBHLTH', display: 'public health' },
  { system: V3_ACT_REASON, code: 'HRESCH', display: 'healthcare research' },
  { system: V3_ACT_REASON, code: 'HLEGAL', display: 'legal' },
  { system: LOCAL_PURPOSE_SYSTEM, code: 'CJMONITOR', display: 'criminal-justice supervision and monitoring' },
];

/** The purpose bound into a token when the client names none. */
export const DEFAULT_PURPOSE = 'TREAT';

/**
 * Resolves a requested purpose: a bare code (`TREAT`) or `system|code`. Absent or empty means
 * {@link DEFAULT_PURPOSE}. Returns undefined for an unknown code or a code under the wrong
 * system, so the caller can refuse the token.
 */
export function resolvePurposeOfUse(requested: string | undefined): PurposeOfUse | undefined {
  const text = requested?.trim() || DEFAULT_PURPOSE;
  const bar = text.lastIndexOf('|');
  const system = bar >= 0 ? text.slice(0, bar) : undefined;
  const code = bar >= 0 ? text.slice(bar + 1) : text;
  return KNOWN_PURPOSES.find((purpose) => purpose.code === code && (system === undefined || system === purpose.system));
}

/** True when `code` is a known purpose-of-use code (bare code, as carried in tokens). */
export function isKnownPurpose(code: string): boolean {
  return KNOWN_PURPOSES.some((purpose) => purpose.code === code);
}
