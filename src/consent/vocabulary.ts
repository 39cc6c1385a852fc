import { LOCAL_PURPOSE_SYSTEM, V3_ACT_REASON } from '../auth/purpose-of-use.js';

/**
 * URLs and code sets of the Part 2 consent contract (profiles/input/fsh/part2-consent.fsh,
 * ARCHITECTURE §2). Parser, intake checks and engine read these, never string literals.
 */

/**
 * The project canonical base (same value as conformance's PROJECT_CANONICAL). Restated rather than
 * imported so the pure engine does not pull the conformance definitions (≈1 MB JSON) into its graph.
 */
const PROJECT_CANONICAL = 'https://reentry-gateway.example.org/fhir';

export const PART2_CONSENT_PROFILE = `${PROJECT_CANONICAL}/StructureDefinition/part2-consent`;
export const EXT_EXPIRY_EVENT = `${PROJECT_CANONICAL}/StructureDefinition/part2-expiry-event`;
export const EXT_IRREVOCABLE_UNTIL = `${PROJECT_CANONICAL}/StructureDefinition/part2-irrevocable-until`;
export const EXT_REVOCATION_STATEMENT = `${PROJECT_CANONICAL}/StructureDefinition/part2-revocation-statement`;
export const EXT_CONDITIONING_STATEMENT = `${PROJECT_CANONICAL}/StructureDefinition/part2-conditioning-statement`;
export const EXT_SIGNATURE = `${PROJECT_CANONICAL}/StructureDefinition/part2-signature`;

export const CONSENT_KIND_SYSTEM = `${PROJECT_CANONICAL}/CodeSystem/part2-consent-kind`;
export const RECIPIENT_CLASS_SYSTEM = `${PROJECT_CANONICAL}/CodeSystem/part2-recipient-class`;
export const MONITORING_CATEGORY_SYSTEM = `${PROJECT_CANONICAL}/CodeSystem/part2-monitoring-category`;
/** The criminal-justice purpose CodeSystem as compiled from purpose-of-use.fsh. */
export const CJ_PURPOSE_SYSTEM = `${PROJECT_CANONICAL}/CodeSystem/cj-purpose-of-use`;

/** Consent.policy.uri naming the regulation. */
export const PART2_POLICY_URI = 'https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2';
export const LOINC = 'http://loinc.org';
export const LOINC_PATIENT_CONSENT = '59284-0';
export const CONSENT_SCOPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentscope';
export const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
/** provision.actor.role of a recipient. */
export const ROLE_RECIPIENT = 'IRCP';
/** provision.class system for resource types. */
export const RESOURCE_TYPES_SYSTEM = 'http://hl7.org/fhir/resource-types';

/**
 * Systems a provision.purpose may use. Both local spellings of the criminal-justice system are
 * accepted: src/auth uses a provisional `urn:` while the compiled CodeSystem has the canonical URL.
 */
export const PURPOSE_SYSTEMS: ReadonlySet<string> = new Set([V3_ACT_REASON, LOCAL_PURPOSE_SYSTEM, CJ_PURPOSE_SYSTEM]);

/** Purposes covered by a TPO consent and by §2.26 restrictions (P2-08, P2-14). */
export const TPO_PURPOSES: ReadonlySet<string> = new Set(['TREAT', 'COC', 'HPAYMT', 'HOPERAT']);
/** Emergency purposes (P2-12). */
export const EMERGENCY_PURPOSES: ReadonlySet<string> = new Set(['ETREAT', 'BTG']);
/**
 * Purposes treated as use in a proceeding (P2-09). HLEGAL is read as covering every legal use,
 * so no local code is needed: the engine treats all of it as a §2.12(d) proceeding (stricter).
 */
export const LEGAL_PURPOSES: ReadonlySet<string> = new Set(['HLEGAL']);
/** The criminal-justice monitoring purpose (local code, P2-10). */
export const CJ_MONITOR = 'CJMONITOR';
/** Recipient class of TPO consents: covered-entity providers treating the patient (P2-04, P2-08). */
export const CLASS_TREATING_PROVIDERS = 'treating-providers';
