import type { Consent, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { V3_ACT_CODE } from './labels.js';
import { allPurposeCodes, allProvisions, consentKind, consentKinds, extensionsOf, subExtension } from './consent-shape.js';
import type { ConsentKind } from './model.js';
import {
  CJ_MONITOR, CLASS_TREATING_PROVIDERS, CONSENT_SCOPE_SYSTEM, EXT_CONDITIONING_STATEMENT, EXT_EXPIRY_EVENT, EXT_IRREVOCABLE_UNTIL,
  EXT_REVOCATION_STATEMENT, EXT_SIGNATURE, LEGAL_PURPOSES, LOINC, LOINC_PATIENT_CONSENT, PART2_POLICY_URI, RECIPIENT_CLASS_SYSTEM,
  ROLE_RECIPIENT, TPO_PURPOSES,
} from './vocabulary.js';

/**
 * Write-path check of a Part 2 consent (P2-02, P2-07, P2-09, P2-10, P2-14). Returns one issue per
 * problem, each naming the §2.31 element in domain words with a FHIRPath `expression`; an empty
 * list means the consent is acceptable. The caller answers 422 with these issues. Pure.
 *
 * Exemptions (our reading): a court order is not signed by the patient and cannot be revoked by
 * them, so it needs no signature, revocation or conditioning statement; a §2.26 restriction is a
 * limit the patient asks for, so it needs no recipient, expiration, revocation or conditioning
 * statement; §2.35 consents may condition treatment on signing, so they need no conditioning
 * statement. A signed form in `sourceAttachment` carries signature and statements (ARCHITECTURE §2).
 */
export function checkConsentIntake(consent: Consent): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const add = (code: OperationOutcomeIssue['code'], text: string, expression: string): void => {
    issues.push({ severity: 'error', code, details: { text }, expression: [expression] });
  };
  const kind = consentKind(consent);
  const is = (...kinds: ConsentKind[]): boolean => kind !== undefined && kinds.includes(kind);
  const root = consent.provision;
  const signedForm = consent.sourceAttachment !== undefined && (consent.sourceAttachment.data !== undefined || consent.sourceAttachment.url !== undefined);

  // Structure of the contract (ARCHITECTURE §2).
  if (!kind) add('required', `The consent must name exactly one Part 2 consent kind in its category (found ${consentKinds(consent).length}).`, 'Consent.category');
  if (!(consent.category ?? []).some((cc) => cc.coding?.some((c) => c.system === LOINC && c.code === LOINC_PATIENT_CONSENT))) {
    add('required', 'The consent category must include LOINC 59284-0 (Patient Consent).', 'Consent.category');
  }
  if (!consent.scope?.coding?.some((c) => c.system === CONSENT_SCOPE_SYSTEM && c.code === 'patient-privacy')) add('required', 'The consent scope must be patient-privacy.', 'Consent.scope');
  if (!(consent.policy ?? []).some((p) => p.uri === PART2_POLICY_URI)) add('required', 'The consent must name the 42 CFR Part 2 policy.', 'Consent.policy');

  // P2-02: the §2.31 elements, one issue each.
  if (!consent.patient?.reference) add('required', 'The consent does not name the patient.', 'Consent.patient');
  if (!consent.organization?.length && !consent.performer?.length) add('required', 'The consent does not name who discloses the information (the Part 2 program).', 'Consent.organization');
  const described = root && (root.class?.length || root.code?.length || root.securityLabel?.length || root.data?.length);
  if (!described && !consent.text?.div) add('required', 'The consent does not describe the information to be disclosed.', 'Consent.provision.class');
  const recipients = (root?.actor ?? []).filter((a) => a.role?.coding?.some((c) => c.code === ROLE_RECIPIENT));
  if (!recipients.length && !is('restriction-2-26')) add('required', 'The consent does not name any recipient.', 'Consent.provision.actor');
  recipients.forEach((a, i) => {
    const cls = a.reference?.identifier?.system === RECIPIENT_CLASS_SYSTEM ? a.reference.identifier.value : undefined;
    if (cls !== undefined && (cls !== CLASS_TREATING_PROVIDERS || !is('tpo'))) {
      add('business-rule', `A class of recipients (\`${cls}\`) is allowed only in a TPO consent naming \`${CLASS_TREATING_PROVIDERS}\`.`, `Consent.provision.actor[${i}]`);
    }
  });
  if (!root?.purpose?.length) add('required', 'The consent does not state the purpose of the disclosure.', 'Consent.provision.purpose');
  if (!is('court-order', 'restriction-2-26') && !extensionsOf(consent, EXT_REVOCATION_STATEMENT).some((e) => e.valueString?.trim()) && !signedForm) {
    add('required', 'The consent does not state the right to revoke it and how.', `Consent.extension('${EXT_REVOCATION_STATEMENT}')`);
  }
  const expires = root?.period?.end !== undefined || extensionsOf(consent, EXT_EXPIRY_EVENT).length > 0 || (is('criminal-justice-2-35') && extensionsOf(consent, EXT_IRREVOCABLE_UNTIL).length > 0);
  if (!expires && !is('restriction-2-26')) add('required', 'The consent has no expiration date, event or condition.', 'Consent.provision.period.end');
  if (!is('court-order') && !extensionsOf(consent, EXT_SIGNATURE).some(isCompleteSignature) && !signedForm) {
    add('required', 'The consent does not record the signature of the patient or an authorized person.', `Consent.extension('${EXT_SIGNATURE}')`);
  }
  if (!consent.dateTime) add('required', 'The consent does not record the date it was signed.', 'Consent.dateTime');
  if (!is('criminal-justice-2-35', 'court-order', 'restriction-2-26') && !extensionsOf(consent, EXT_CONDITIONING_STATEMENT).some((e) => e.valueString?.trim()) && !signedForm) {
    add('required', 'The consent does not state that treatment is not conditioned on signing it.', `Consent.extension('${EXT_CONDITIONING_STATEMENT}')`);
  }
  checkKindRules(consent, kind, add);
  return issues;
}

function isCompleteSignature(ext: { extension?: { url: string; valueReference?: unknown; valueCode?: string; valueDateTime?: string }[] }): boolean {
  const part = (url: string) => (ext.extension ?? []).find((e) => e.url === url);
  return part('signer')?.valueReference !== undefined && !!part('signerRole')?.valueCode && !!part('signed')?.valueDateTime;
}

type Add = (code: OperationOutcomeIssue['code'], text: string, expression: string) => void;

/** Rules specific to a consent kind (P2-07, P2-09, P2-10, P2-14). */
function checkKindRules(consent: Consent, kind: ConsentKind | undefined, add: Add): void {
  const root = consent.provision;
  const purposes = allPurposeCodes(root);
  const legal = purposes.filter((p) => LEGAL_PURPOSES.has(p));
  // P2-09: a consent for use in a proceeding is for that use alone (§2.31, §2.64).
  if (legal.length && legal.length < purposes.length) add('business-rule', 'A consent for use in legal proceedings may not be combined with any other purpose.', 'Consent.provision.purpose');
  if (legal.length && kind !== 'legal-proceeding' && kind !== 'court-order') add('business-rule', 'Legal-proceeding purposes need a consent of kind `legal-proceeding` or `court-order`.', 'Consent.category');
  if ((kind === 'legal-proceeding' || kind === 'court-order') && legal.length !== purposes.length) add('business-rule', `A \`${kind}\` consent may only name legal-proceeding purposes.`, 'Consent.provision.purpose');
  if (root && root.type !== (kind === 'restriction-2-26' ? 'deny' : 'permit')) {
    add('business-rule', kind === 'restriction-2-26' ? 'A §2.26 restriction must be a deny provision.' : 'The root provision of a consent must permit.', 'Consent.provision.type');
  }
  // P2-14: §2.26 restrictions limit TPO disclosures.
  if (kind === 'restriction-2-26' && purposes.some((p) => !TPO_PURPOSES.has(p))) add('business-rule', 'A §2.26 restriction may only name treatment, payment or operations purposes.', 'Consent.provision.purpose');
  // P2-10: §2.35 consents are for monitoring, and irrevocability must end at a stated time or event.
  if (kind === 'criminal-justice-2-35' && purposes.some((p) => p !== CJ_MONITOR)) add('business-rule', `A §2.35 criminal-justice consent may only name the purpose \`${CJ_MONITOR}\`.`, 'Consent.provision.purpose');
  extensionsOf(consent, EXT_IRREVOCABLE_UNTIL).forEach((ext) => {
    if (kind !== 'criminal-justice-2-35') add('business-rule', 'Only a §2.35 criminal-justice consent may be irrevocable.', `Consent.extension('${EXT_IRREVOCABLE_UNTIL}')`);
    if (!subExtension(ext, 'dateTime')?.valueDateTime && !subExtension(ext, 'event')?.valueReference?.reference) {
      add('required', 'An irrevocable consent must say until when (a time or an event no later than final disposition of the case).', `Consent.extension('${EXT_IRREVOCABLE_UNTIL}')`);
    }
  });
  // P2-07: counseling notes need their own consent, naming PSYTHPN and nothing broader.
  const permits = allProvisions(root).filter((p) => p.type === 'permit');
  const psy = (labels: { system?: string; code?: string }[] | undefined) => (labels ?? []).some((c) => c.system === V3_ACT_CODE && c.code === 'PSYTHPN');
  if (kind === 'counseling-notes') {
    const labels = root?.securityLabel ?? [];
    if (!psy(labels) || labels.length !== 1) add('business-rule', 'A counseling-notes consent must name the PSYTHPN label, and only that label, on its root provision.', 'Consent.provision.securityLabel');
  } else if (permits.some((p) => psy(p.securityLabel))) {
    add('business-rule', 'SUD counseling notes (PSYTHPN) need their own counseling-notes consent.', 'Consent.provision.securityLabel');
  }
}
