import type { Consent } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { createValidator, type ResourceValidator } from '../conformance/index.js';
import { GatewayError } from '../outcomes/index.js';
import { fhirConsent, purpose } from './fixtures.js';
import { checkConsentIntake } from './intake.js';
import { CONSENT_KINDS } from './model.js';
import { EXT_CONDITIONING_STATEMENT, EXT_EXPIRY_EVENT, EXT_IRREVOCABLE_UNTIL, EXT_REVOCATION_STATEMENT, EXT_SIGNATURE } from './vocabulary.js';

const withoutExtension = (c: Consent, url: string): Consent => ({ ...c, extension: (c.extension ?? []).filter((e) => e.url !== url) });
const texts = (c: Consent) => checkConsentIntake(c).map((i) => `${i.expression?.[0]} ${i.details?.text}`);

/** P2-02: each §2.31 element removed in turn yields one issue naming it, at its FHIRPath. */
const ELEMENTS: { element: string; remove: (c: Consent) => Consent; expression: string; words: RegExp }[] = [
  { element: 'patient', remove: (c) => ({ ...c, patient: undefined }), expression: 'Consent.patient', words: /patient/ },
  { element: 'discloser', remove: (c) => ({ ...c, organization: undefined }), expression: 'Consent.organization', words: /who discloses/ },
  { element: 'description of the information', remove: (c) => ({ ...c, provision: { ...c.provision, securityLabel: undefined, class: undefined } }), expression: 'Consent.provision.class', words: /describe the information/ },
  { element: 'recipients', remove: (c) => ({ ...c, provision: { ...c.provision, actor: undefined } }), expression: 'Consent.provision.actor', words: /recipient/ },
  { element: 'purpose', remove: (c) => ({ ...c, provision: { ...c.provision, purpose: undefined } }), expression: 'Consent.provision.purpose', words: /purpose/ },
  { element: 'revocation statement', remove: (c) => withoutExtension(c, EXT_REVOCATION_STATEMENT), expression: `Consent.extension('${EXT_REVOCATION_STATEMENT}')`, words: /right to revoke/ },
  { element: 'expiration', remove: (c) => ({ ...c, provision: { ...c.provision, period: { start: '2026-01-10' } } }), expression: 'Consent.provision.period.end', words: /expiration/ },
  { element: 'signature', remove: (c) => withoutExtension(c, EXT_SIGNATURE), expression: `Consent.extension('${EXT_SIGNATURE}')`, words: /signature/ },
  { element: 'date signed', remove: (c) => ({ ...c, dateTime: undefined }), expression: 'Consent.dateTime', words: /date it was signed/ },
  { element: 'conditioning statement', remove: (c) => withoutExtension(c, EXT_CONDITIONING_STATEMENT), expression: `Consent.extension('${EXT_CONDITIONING_STATEMENT}')`, words: /not conditioned/ },
];

let validator: ResourceValidator;
beforeAll(async () => {
  validator = await createValidator();
});

function profileErrors(c: Consent): string[] {
  try {
    validator.validate(structuredClone(c));
    return [];
  } catch (err) {
    if (err instanceof GatewayError) return err.issues.map((i) => `${i.expression?.[0] ?? ''} ${i.details?.text ?? ''}`);
    throw err;
  }
}

describe('checkConsentIntake (P2-02)', () => {
  it.each(CONSENT_KINDS)('P2-02 a complete %s consent passes intake and the Part2Consent profile', (kind) => {
    const consent = fhirConsent(kind);
    expect(checkConsentIntake(consent)).toEqual([]);
    expect(profileErrors(consent)).toEqual([]);
  });

  it.each(ELEMENTS)('P2-02 a consent without its $element is refused with one issue naming it', ({ remove, expression, words }) => {
    const issues = checkConsentIntake(remove(fhirConsent('specific-disclosure')));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.expression).toEqual([expression]);
    expect(issues[0]?.details?.text).toMatch(words);
  });

  it.each(ELEMENTS)('P2-02 the Part2Consent profile also refuses a consent without its $element', ({ remove }) => {
    expect(profileErrors(remove(fhirConsent('specific-disclosure'))).length).toBeGreaterThan(0);
  });

  it('P2-02 a signed form in sourceAttachment carries signature and statements', () => {
    let c = fhirConsent('tpo');
    for (const url of [EXT_SIGNATURE, EXT_REVOCATION_STATEMENT, EXT_CONDITIONING_STATEMENT]) c = withoutExtension(c, url);
    expect(checkConsentIntake(c)).toHaveLength(3);
    const signed = { ...c, sourceAttachment: { contentType: 'application/pdf', url: 'DocumentReference/form-1', creation: '2026-01-10' } };
    expect(checkConsentIntake(signed)).toEqual([]);
    expect(profileErrors(signed)).toEqual([]);
  });

  it('P2-02 an expiry event stands in for an end date', () => {
    const c = fhirConsent('specific-disclosure', 'c1', { period: { start: '2026-01-10' } });
    c.extension!.push({ url: EXT_EXPIRY_EVENT, extension: [{ url: 'event', valueReference: { reference: 'EpisodeOfCare/tx' } }, { url: 'kind', valueCode: 'discharge' }] });
    expect(checkConsentIntake(c)).toEqual([]);
  });

  it('P2-02 the consent kind, LOINC category and Part 2 policy are required', () => {
    const c = fhirConsent('specific-disclosure');
    expect(texts({ ...c, category: [c.category![0]!] })).toEqual([expect.stringMatching(/^Consent.category .*kind/)]);
    expect(texts({ ...c, policy: [{ uri: 'https://example.org/other' }] })).toEqual([expect.stringMatching(/^Consent.policy /)]);
    expect(profileErrors({ ...c, category: [c.category![1]!] }).length).toBeGreaterThan(0);
  });
});

describe('kind rules', () => {
  it('P2-09 HLEGAL combined with TREAT is refused', () => {
    const c = fhirConsent('legal-proceeding', 'c1', { purpose: [purpose('HLEGAL'), purpose('TREAT')] });
    expect(texts(c).join('\n')).toMatch(/may not be combined with any other purpose/);
    expect(profileErrors(c).join('\n')).toMatch(/p2c-11/);
  });

  it('P2-09 HLEGAL in a nested provision of a TPO consent is refused', () => {
    const c = fhirConsent('tpo', 'c1', { provision: [{ type: 'permit', purpose: [purpose('HLEGAL')] }] });
    expect(texts(c).join('\n')).toMatch(/may not be combined/);
  });

  it('P2-10 a §2.35 consent must say until when it is irrevocable', () => {
    const c = fhirConsent('criminal-justice-2-35');
    c.extension = c.extension!.map((e) => (e.url === EXT_IRREVOCABLE_UNTIL ? { url: EXT_IRREVOCABLE_UNTIL, extension: [{ url: 'eventKind', valueCode: 'case-disposition' }] } : e));
    expect(texts(c)).toEqual([expect.stringMatching(/until when/)]);
    expect(profileErrors(c).join('\n')).toMatch(/p2c-12/);
  });

  it('P2-10 only a §2.35 consent may be irrevocable', () => {
    const c = fhirConsent('tpo');
    c.extension!.push({ url: EXT_IRREVOCABLE_UNTIL, extension: [{ url: 'dateTime', valueDateTime: '2026-06-01' }] });
    expect(texts(c)).toEqual([expect.stringMatching(/Only a §2.35/)]);
  });

  it('P2-10 a §2.35 consent names only the monitoring purpose', () => {
    expect(texts(fhirConsent('criminal-justice-2-35', 'c1', { purpose: [purpose('TREAT')] }))).toEqual([expect.stringMatching(/CJMONITOR/)]);
  });

  it('P2-07 a counseling-notes consent names PSYTHPN and nothing broader', () => {
    const broad = fhirConsent('counseling-notes', 'c1', { securityLabel: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SUD' }] });
    expect(texts(broad)).toEqual([expect.stringMatching(/PSYTHPN/)]);
    const tpoWithNotes = fhirConsent('tpo', 'c2', { securityLabel: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSYTHPN' }] });
    expect(texts(tpoWithNotes)).toEqual([expect.stringMatching(/their own counseling-notes consent/)]);
  });

  it('P2-14 a restriction is a deny for TPO purposes only', () => {
    expect(texts(fhirConsent('restriction-2-26', 'c1', { type: 'permit' }))).toEqual([expect.stringMatching(/must be a deny/)]);
    expect(texts(fhirConsent('restriction-2-26', 'c2', { purpose: [purpose('PUBHLTH')] }))).toEqual([expect.stringMatching(/treatment, payment or operations/)]);
  });

  it('P2-04 a recipient class is allowed only in a TPO consent', () => {
    const c = fhirConsent('specific-disclosure', 'c1', { actor: [{ role: { coding: [{ code: 'IRCP' }] }, reference: { identifier: { system: 'https://reentry-gateway.example.org/fhir/CodeSystem/part2-recipient-class', value: 'treating-providers' } } }] });
    expect(texts(c)).toEqual([expect.stringMatching(/class of recipients/)]);
  });
});
