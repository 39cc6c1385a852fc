import type { Coding, Consent, ConsentProvision } from '@medplum/fhirtypes';
import { V3_ACT_REASON } from '../auth/purpose-of-use.js';
import { actCode, confidentiality } from './labels.js';
import type { AccessRequest, ConsentKind, ResourceFacts } from './model.js';
import {
  CJ_PURPOSE_SYSTEM, CONSENT_KIND_SYSTEM, CONSENT_SCOPE_SYSTEM, EXT_CONDITIONING_STATEMENT, EXT_EXPIRY_EVENT, EXT_IRREVOCABLE_UNTIL, EXT_REVOCATION_STATEMENT,
  EXT_SIGNATURE, LOINC, LOINC_PATIENT_CONSENT, MONITORING_CATEGORY_SYSTEM, PART2_CONSENT_PROFILE, PART2_POLICY_URI, PARTICIPATION_TYPE,
  RECIPIENT_CLASS_SYSTEM, RESOURCE_TYPES_SYSTEM,
} from './vocabulary.js';

/**
 * Synthetic consents, requesters and resources shared by the consent tests and the benchmark.
 * No real data. The disclosing program is `Organization/program`; the patient is `Patient/p1`.
 */

/** A purpose-of-use coding: v3-ActReason, or the project's criminal-justice CodeSystem for CJMONITOR. */
export const purpose = (code: string): Coding => ({ system: code === 'CJMONITOR' ? CJ_PURPOSE_SYSTEM : V3_ACT_REASON, code });
/** A recipient actor (role IRCP): a relative reference, or `class:<code>` for a recipient class. */
export const recipient = (reference: string): NonNullable<ConsentProvision['actor']>[number] => ({
  role: { coding: [{ system: PARTICIPATION_TYPE, code: 'IRCP' }] },
  reference: reference.startsWith('class:') ? { identifier: { system: RECIPIENT_CLASS_SYSTEM, value: reference.slice(6) } } : { reference },
});
/** A provision.class coding naming a resource type. */
export const resourceClass = (type: string): Coding => ({ system: RESOURCE_TYPES_SYSTEM, code: type });

/** Root provisions per kind: recipients, purposes and the information described. */
const PROVISIONS: Record<ConsentKind, ConsentProvision> = {
  tpo: { type: 'permit', actor: [recipient('class:treating-providers')], purpose: ['TREAT', 'COC', 'HPAYMT', 'HOPERAT'].map(purpose), securityLabel: [actCode('42CFRPart2')] },
  'specific-disclosure': { type: 'permit', actor: [recipient('Organization/housing')], purpose: [purpose('COC')], class: [resourceClass('Observation'), resourceClass('CarePlan')] },
  'criminal-justice-2-35': { type: 'permit', actor: [recipient('Organization/probation')], purpose: [purpose('CJMONITOR')], securityLabel: [actCode('42CFRPart2')] },
  'counseling-notes': { type: 'permit', actor: [recipient('Organization/clinic')], purpose: [purpose('TREAT')], securityLabel: [actCode('PSYTHPN')] },
  'restriction-2-26': { type: 'deny', actor: [recipient('Organization/payer')], purpose: [purpose('HPAYMT')], securityLabel: [actCode('42CFRPart2')] },
  'legal-proceeding': { type: 'permit', actor: [recipient('Organization/court')], purpose: [purpose('HLEGAL')], class: [resourceClass('Observation')] },
  'court-order': { type: 'permit', actor: [recipient('Organization/court')], purpose: [purpose('HLEGAL')], class: [resourceClass('Observation')] },
};

/** A complete, valid Part 2 consent of `kind` (passes intake and the Part2Consent profile). */
export function fhirConsent(kind: ConsentKind, id = `c-${kind}`, provision: Partial<ConsentProvision> = {}): Consent {
  const base: Consent = {
    resourceType: 'Consent',
    id,
    meta: { profile: [PART2_CONSENT_PROFILE] },
    status: 'active',
    scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: 'patient-privacy' }] },
    category: [{ coding: [{ system: LOINC, code: LOINC_PATIENT_CONSENT }] }, { coding: [{ system: CONSENT_KIND_SYSTEM, code: kind }] }],
    patient: { reference: 'Patient/p1' },
    dateTime: '2026-01-10T09:00:00Z',
    organization: [{ reference: 'Organization/program' }],
    policy: [{ uri: PART2_POLICY_URI }],
    provision: { ...PROVISIONS[kind], period: { start: '2026-01-10', end: '2027-01-10' }, ...provision },
    extension: [],
  };
  const ext = base.extension!;
  if (kind !== 'court-order' && kind !== 'restriction-2-26') ext.push({ url: EXT_REVOCATION_STATEMENT, valueString: 'You may revoke this consent at any time, in writing to the program.' });
  if (kind !== 'court-order' && kind !== 'restriction-2-26' && kind !== 'criminal-justice-2-35') {
    ext.push({ url: EXT_CONDITIONING_STATEMENT, valueString: 'Your treatment does not depend on signing this consent.' });
  }
  if (kind !== 'court-order') {
    ext.push({
      url: EXT_SIGNATURE,
      extension: [
        { url: 'signer', valueReference: { reference: 'Patient/p1' } },
        { url: 'signerRole', valueCode: 'patient' },
        { url: 'signed', valueDateTime: '2026-01-10T09:00:00Z' },
      ],
    });
  }
  if (kind === 'criminal-justice-2-35') {
    ext.push({ url: EXT_EXPIRY_EVENT, extension: [{ url: 'event', valueReference: { reference: 'EpisodeOfCare/supervision' } }, { url: 'kind', valueCode: 'end-of-supervision' }] });
    ext.push({ url: EXT_IRREVOCABLE_UNTIL, extension: [{ url: 'dateTime', valueDateTime: '2026-09-30' }, { url: 'event', valueReference: { reference: 'EpisodeOfCare/case' } }, { url: 'eventKind', valueCode: 'case-disposition' }] });
  }
  return base;
}

type Who = 'clinic' | 'ehr' | 'housing' | 'probation' | 'court' | 'payer' | 'lawfirm';
const SECTOR: Record<Who, AccessRequest['requester']['sector']> = {
  clinic: 'treatment', ehr: 'ehr', housing: 'social-services', probation: 'corrections', court: 'corrections', payer: 'admin', lawfirm: 'admin',
};

/** A request from one of the synthetic organizations. */
export function requestFrom(who: Who, purposeOfUse: string, memberOf: string[] = []): AccessRequest {
  const covered = who === 'clinic' || who === 'ehr' || who === 'payer';
  return { requester: { clientId: `demo-${who}`, organizationId: who, sector: SECTOR[who], memberOf, isCoveredEntity: covered }, purposeOfUse };
}

const PART2 = [confidentiality('R'), actCode('42CFRPart2'), actCode('SUD')];

/** Facts of synthetic resources of patient p1 held by `program`. */
export const RESOURCES = {
  drugTest: { type: 'Observation', id: 'uds-1', patientId: 'p1', security: PART2, codes: [{ system: MONITORING_CATEGORY_SYSTEM, code: 'drug-test' }], holderOrganizationId: 'program' },
  assessmentScore: { type: 'Observation', id: 'audit-1', patientId: 'p1', security: PART2, codes: [{ system: 'http://loinc.org', code: '75624-7' }], holderOrganizationId: 'program' },
  diagnosis: { type: 'Condition', id: 'oud-1', patientId: 'p1', security: PART2, codes: [{ system: 'http://snomed.info/sct', code: '5602001' }], holderOrganizationId: 'program' },
  attendance: { type: 'Encounter', id: 'enc-1', patientId: 'p1', security: PART2, codes: [], holderOrganizationId: 'program' },
  goal: { type: 'Goal', id: 'goal-1', patientId: 'p1', security: PART2, codes: [], holderOrganizationId: 'program' },
  carePlan: { type: 'CarePlan', id: 'cp-1', patientId: 'p1', security: PART2, codes: [], holderOrganizationId: 'program' },
  counselingNote: { type: 'DocumentReference', id: 'note-1', patientId: 'p1', security: [confidentiality('R'), actCode('42CFRPart2'), actCode('PSYTHPN')], codes: [], holderOrganizationId: 'program' },
  ordinary: { type: 'Observation', id: 'bp-1', patientId: 'p1', security: [confidentiality('N')], codes: [], holderOrganizationId: 'program' },
  unlabeled: { type: 'Observation', id: 'x-1', patientId: 'p1', security: [], codes: [], holderOrganizationId: 'program' },
  otherProgram: { type: 'Observation', id: 'uds-9', patientId: 'p1', security: PART2, codes: [{ system: MONITORING_CATEGORY_SYSTEM, code: 'drug-test' }], holderOrganizationId: 'other-program' },
  noHolder: { type: 'Observation', id: 'uds-8', patientId: 'p1', security: PART2, codes: [], },
} satisfies Record<string, ResourceFacts>;
