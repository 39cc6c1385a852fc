import type { Coding } from '@medplum/fhirtypes';
import type { Sector } from '../auth/requester.js';

/**
 * Normalized types the consent engine works on. `parseConsent` turns FHIR Consents into
 * {@link ConsentPolicy}; loaders turn tokens and resources into {@link AccessRequest} and
 * {@link ResourceFacts}; `decide()` turns them into a {@link Decision}. All plain data.
 */

/** A rule id from PART2-RULES.md. */
export type RuleId =
  | 'P2-01' | 'P2-02' | 'P2-03' | 'P2-04' | 'P2-05' | 'P2-06' | 'P2-07' | 'P2-08' | 'P2-09' | 'P2-10'
  | 'P2-11' | 'P2-12' | 'P2-13' | 'P2-14' | 'P2-15' | 'P2-16' | 'P2-17' | 'P2-18' | 'P2-19' | 'P2-20';

/** Codes of the `part2-consent-kind` CodeSystem (profiles/input/fsh/part2-consent.fsh). */
export const CONSENT_KINDS = [
  'tpo',
  'specific-disclosure',
  'criminal-justice-2-35',
  'counseling-notes',
  'restriction-2-26',
  'legal-proceeding',
  'court-order',
] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** Codes of the `part2-expiry-event-kind` CodeSystem. */
export const EXPIRY_EVENT_KINDS = ['end-of-supervision', 'discharge', 'case-disposition'] as const;
export type ExpiryEventKind = (typeof EXPIRY_EVENT_KINDS)[number];

/** FHIR Consent.status values. */
export type ConsentStatus = 'draft' | 'proposed' | 'active' | 'rejected' | 'inactive' | 'entered-in-error';

/** A time span as epoch milliseconds; a missing bound is open. Date-only ends include the whole day (UTC). */
export interface TimeSpan {
  readonly start?: number;
  readonly end?: number;
}

/** An event whose occurrence ends a consent (P2-03) or its §2.35 irrevocability (P2-10). */
export interface ExpiryEvent {
  /** Relative reference of the event-bearing resource, e.g. `EpisodeOfCare/sup-1`. */
  readonly reference: string;
  readonly kind: ExpiryEventKind;
}

/** One recipient (or other) actor of a provision. A recipient class is written `class:<code>`. */
export interface ProvisionActor {
  /** Role code, e.g. `IRCP` (v3-ParticipationType). */
  readonly role: string;
  /** `Organization/x`, `Practitioner/y`, `CareTeam/z` or `class:treating-providers`. */
  readonly reference: string;
}

/** One node of the provision tree (the root is `provision`). */
export interface ProvisionNode {
  /** FHIRPath-like location: `provision`, `provision.provision[0]`, … (used in traces). */
  readonly path: string;
  readonly type: 'permit' | 'deny';
  readonly period?: TimeSpan;
  readonly actors: readonly ProvisionActor[];
  /** Purpose-of-use codes (v3-ActReason or the local criminal-justice code). */
  readonly purposes: readonly string[];
  readonly securityLabels: readonly Coding[];
  /** Resource types (`Observation`) or other class codes written `system|code`. */
  readonly classes: readonly string[];
  readonly codes: readonly Coding[];
  /** Relative references of specific resources (`provision.data.reference`). */
  readonly dataRefs: readonly string[];
  readonly children: readonly ProvisionNode[];
}

/** A FHIR Consent in the form the engine evaluates. */
export interface ConsentPolicy {
  readonly id: string;
  readonly status: ConsentStatus;
  readonly patientId: string;
  /** Disclosing Part 2 program(s): `Organization/x` or `Practitioner/y`. */
  readonly discloserRefs: readonly string[];
  readonly kind: ConsentKind;
  /** Consent.dateTime (ISO string, as written). */
  readonly dateSigned: string;
  /** The root provision's period. */
  readonly period?: TimeSpan;
  readonly expiryEvents: readonly ExpiryEvent[];
  /** §2.35 only: revocation has no effect before this time and/or event (P2-10). */
  readonly irrevocableUntil?: { readonly at?: number; readonly event?: ExpiryEvent };
  readonly root: ProvisionNode;
}

/** A Consent the parser could not interpret. `decide()` denies on it (P2-20), never skips it. */
export interface ConsentParseError {
  readonly kind: 'parse-error';
  readonly consentId?: string;
  readonly patientId?: string;
  /** One line per problem: FHIRPath location and what is wrong (no resource content). */
  readonly problems: readonly string[];
}

/** The party asking for the record. */
export interface AccessRequest {
  readonly requester: {
    readonly clientId: string;
    readonly organizationId: string;
    readonly sector: Sector;
    /** References the requester acts as: `Organization/x`, `CareTeam/y`, `Practitioner/z`. */
    readonly memberOf: readonly string[];
    /** HIPAA covered entity or business associate (P2-08). */
    readonly isCoveredEntity: boolean;
  };
  /** Purpose-of-use code from the token (bare code, e.g. `TREAT`, `CJMONITOR`). */
  readonly purposeOfUse: string;
}

/** What the engine may know about the requested resource — labels and codes, never content. */
export interface ResourceFacts {
  readonly type: string;
  readonly id: string;
  readonly patientId?: string;
  /** meta.security */
  readonly security: readonly Coding[];
  /** The resource's code/category/type codings. */
  readonly codes: readonly Coding[];
  /** The Part 2 program holding the record (Organization id). */
  readonly holderOrganizationId?: string;
}

/** An event-bearing resource and when it ended, e.g. the supervision EpisodeOfCare. */
export interface EventFacts {
  readonly reference: string;
  /** ISO dateTime; absent while the event has not happened. */
  readonly endedAt?: string;
}

/** A court order under §2.64–2.67 authorizing disclosure for a proceeding (P2-09). */
export interface CourtOrder {
  readonly id: string;
  readonly patientId: string;
  /** Who may receive: `Organization/x`, … */
  readonly recipientRefs: readonly string[];
  /** ISO dateTimes bounding the order. */
  readonly validFrom?: string;
  readonly validUntil?: string;
  /** Resource types the order covers; absent = whatever the order describes in full. */
  readonly resourceTypes?: readonly string[];
}

/** Facts loaders supply next to the consents. */
export interface DecisionFacts {
  readonly events: readonly EventFacts[];
  readonly courtOrders?: readonly CourtOrder[];
}

/** Something the enforcement point must do with a permitted resource; if it cannot, it fails closed. */
export type Obligation =
  | { readonly kind: 'add-security-label'; readonly coding: Coding }
  | { readonly kind: 'attach-notice'; readonly text: string }
  | { readonly kind: 'redact'; readonly elements: readonly string[] }
  | { readonly kind: 'notify-program'; readonly organizationId: string }
  | { readonly kind: 'audit-emergency' };

/** One step of the decision's explanation. Names rules, consents, provisions and labels only. */
export interface TraceStep {
  readonly rule: RuleId;
  readonly consent?: string;
  readonly provision?: string;
  readonly outcome: 'permit' | 'deny' | 'no-match' | 'error';
  readonly note: string;
}

/** Why a request was denied (stable codes; callers branch on them). */
export type DenyCode =
  | 'LABELS_MISSING'
  | 'LEGAL_PROCEEDING_NEEDS_COURT_ORDER'
  | 'EMERGENCY_HOLDER_UNKNOWN'
  | 'CONSENT_UNPARSEABLE'
  | 'CONSENT_RESTRICTED'
  | 'CONSENT_DENIED_BY_PROVISION'
  | 'CONSENT_PSYTHPN_REQUIRES_SPECIFIC'
  | 'CONSENT_CJ_NOT_MONITORING_INFO'
  | 'CONSENT_INFORMATION_NOT_COVERED'
  | 'CONSENT_PURPOSE_MISMATCH'
  | 'CONSENT_NO_MATCHING_RECIPIENT'
  | 'CONSENT_DISCLOSER_MISMATCH'
  | 'CONSENT_REVOKED'
  | 'CONSENT_EXPIRED'
  | 'CONSENT_NOT_ACTIVE'
  | 'NO_CONSENT'
  /** Not a consent decision: the resource is private to the organization that owns it (e.g. a Subscription). */
  | 'OWNER_ONLY';

/** The authority a permit rests on (carried into the AuditEvent, P2-13). */
export type Authority = 'consent' | 'emergency' | 'court-order' | 'not-part2';

export type Decision =
  | {
      readonly effect: 'permit';
      readonly obligations: readonly Obligation[];
      readonly trace: readonly TraceStep[];
      readonly decidedBy?: { readonly consentId?: string; readonly courtOrderId?: string; readonly authority: Authority };
    }
  | { readonly effect: 'deny'; readonly reason: DenyCode; readonly trace: readonly TraceStep[] };
