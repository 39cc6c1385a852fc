import type { Consent } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { decide, decideAll } from './decide.js';
import { fhirConsent, purpose, recipient, requestFrom, resourceClass, RESOURCES } from './fixtures.js';
import { actCode, PART2_NOTICE, REFRAIN_NORDSCLCD } from './labels.js';
import type { AccessRequest, Authority, ConsentParseError, CourtOrder, DenyCode, EventFacts, ResourceFacts, TraceStep } from './model.js';
import { parseConsent } from './parse-consent.js';
import { OBSERVATION_CATEGORY_SYSTEM } from './sud-codes.js';
import { EXT_EXPIRY_EVENT } from './vocabulary.js';

const NOW = '2026-03-01T12:00:00Z';
const ONGOING: EventFacts[] = [{ reference: 'EpisodeOfCare/supervision' }, { reference: 'EpisodeOfCare/case' }, { reference: 'EpisodeOfCare/tx' }];
const R = RESOURCES;

const tpo = fhirConsent('tpo');
const specific = fhirConsent('specific-disclosure');
const cj = fhirConsent('criminal-justice-2-35');
const notes = fhirConsent('counseling-notes');
const restriction = fhirConsent('restriction-2-26');
const legal = fhirConsent('legal-proceeding');
const order = fhirConsent('court-order');

/** A copy of `c` with changes applied (the fixtures stay untouched). */
function edit(c: Consent, change: (c: Consent) => void): Consent {
  const copy = structuredClone(c);
  change(copy);
  return copy;
}
const withStatus = (c: Consent, status: Consent['status']) => edit(c, (x) => { x.status = status; });
const withProvision = (c: Consent, p: Partial<NonNullable<Consent['provision']>>) => edit(c, (x) => { x.provision = { ...x.provision, ...p }; });
const expiringOnDischarge = edit(specific, (x) => {
  x.provision!.period = { start: '2026-01-10' };
  x.extension!.push({ url: EXT_EXPIRY_EVENT, extension: [{ url: 'event', valueReference: { reference: 'EpisodeOfCare/tx' } }, { url: 'kind', valueCode: 'discharge' }] });
});
const tpoNoConditions = withProvision(tpo, { provision: [{ type: 'deny', class: [resourceClass('Condition')] }] });
const tpoPaymentObservationsOnly = withProvision(tpo, { provision: [{ type: 'deny', purpose: [purpose('HPAYMT')], provision: [{ type: 'permit', class: [resourceClass('Observation')] }] }] });
const tpoNotToEhr = withProvision(tpo, { provision: [{ type: 'deny', actor: [recipient('Organization/ehr')] }] });
const conditionsToClinic = withProvision(specific, { actor: [recipient('Organization/clinic')], purpose: [purpose('TREAT')], class: [resourceClass('Condition')] });
const toPayer = withProvision(specific, { actor: [recipient('Organization/payer')], purpose: [purpose('HPAYMT')] });
const toCareTeam = withProvision(specific, { actor: [recipient('CareTeam/ct1')] });
const onlyUds1 = withProvision(specific, { class: undefined, data: [{ meaning: 'instance', reference: { reference: 'Observation/uds-1' } }] });
const auditScoresOnly = withProvision(specific, { class: undefined, code: [{ coding: [{ system: 'http://loinc.org', code: '75624-7' }] }] });
const otherPatient = edit(tpo, (x) => { x.patient = { reference: 'Patient/p2' }; });
const unparseable = withProvision(tpo, { data: [{ meaning: 'related', reference: { reference: 'Observation/uds-1' } }] });
const notDated = edit(tpo, (x) => { delete x.dateTime; });
const foreignPurpose = withProvision(tpo, { purpose: [{ system: 'urn:example:purposes', code: 'TREAT' }] });
const badPeriod = withProvision(tpo, { period: { start: '2026-01-10', end: 'soon' } });
const courtOrder: CourtOrder = { id: 'co-1', patientId: 'p1', recipientRefs: ['Organization/court'] };
const orphanError: ConsentParseError = { kind: 'parse-error', problems: ['Consent.patient: not a Patient reference'] };
const notCovered: AccessRequest = { ...requestFrom('clinic', 'TREAT'), requester: { ...requestFrom('clinic', 'TREAT').requester, isCoveredEntity: false } };

type Expectation =
  | { effect: 'permit'; by?: string; authority?: Authority; redact?: string }
  | { effect: 'deny'; reason: DenyCode };
interface Case {
  name: string;
  request: AccessRequest;
  resource: ResourceFacts;
  consents: (Consent | ConsentParseError)[];
  expect: Expectation;
  now?: string;
  events?: EventFacts[];
  courtOrders?: CourtOrder[];
  step?: Partial<TraceStep>;
}

const CASES: Case[] = [
  // P2-20 / P2-01: labels and default deny
  { name: 'P2-20 a resource with no confidentiality label is denied LABELS_MISSING', request: requestFrom('clinic', 'TREAT'), resource: R.unlabeled, consents: [tpo], expect: { effect: 'deny', reason: 'LABELS_MISSING' }, step: { rule: 'P2-20', outcome: 'error' } },
  { name: 'P2-01 a record not labeled Part 2 is outside the engine (not-part2)', request: requestFrom('housing', 'COC'), resource: R.ordinary, consents: [], expect: { effect: 'permit', authority: 'not-part2' } },
  { name: 'P2-01 a Part 2 record with no consent is denied NO_CONSENT', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [], expect: { effect: 'deny', reason: 'NO_CONSENT' }, step: { rule: 'P2-01', outcome: 'deny' } },
  { name: "P2-01 another patient's consent never applies", request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [otherPatient], expect: { effect: 'deny', reason: 'NO_CONSENT' } },
  // P2-08 / P2-04: TPO consents and recipient classes
  { name: 'P2-08 a TPO consent permits a covered-entity treating provider', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [tpo], expect: { effect: 'permit', by: 'c-tpo', authority: 'consent' } },
  { name: 'P2-08 a TPO consent permits an EHR covered entity for operations', request: requestFrom('ehr', 'HOPERAT'), resource: R.diagnosis, consents: [tpo], expect: { effect: 'permit', by: 'c-tpo' } },
  { name: 'P2-04 a TPO recipient class never matches a housing agency', request: requestFrom('housing', 'COC'), resource: R.drugTest, consents: [tpo], expect: { effect: 'deny', reason: 'CONSENT_NO_MATCHING_RECIPIENT' }, step: { rule: 'P2-04', outcome: 'no-match' } },
  { name: 'P2-04 a TPO recipient class needs a covered entity', request: notCovered, resource: R.drugTest, consents: [tpo], expect: { effect: 'deny', reason: 'CONSENT_NO_MATCHING_RECIPIENT' } },
  { name: 'P2-04 a TPO consent does not serve a purpose it does not name', request: requestFrom('clinic', 'PUBHLTH'), resource: R.drugTest, consents: [tpo], expect: { effect: 'deny', reason: 'CONSENT_PURPOSE_MISMATCH' } },
  // P2-04 / P2-05: specific consents
  { name: 'P2-04 a specific consent permits the named housing agency', request: requestFrom('housing', 'COC'), resource: R.drugTest, consents: [specific], expect: { effect: 'permit', by: 'c-specific-disclosure' } },
  { name: 'P2-04 a recipient matches through memberOf (CareTeam)', request: requestFrom('clinic', 'COC', ['CareTeam/ct1']), resource: R.drugTest, consents: [toCareTeam], expect: { effect: 'permit' } },
  { name: 'P2-04 a wrong recipient is denied', request: requestFrom('probation', 'COC'), resource: R.drugTest, consents: [specific], expect: { effect: 'deny', reason: 'CONSENT_NO_MATCHING_RECIPIENT' } },
  { name: 'P2-04 a wrong purpose is denied', request: requestFrom('housing', 'TREAT'), resource: R.drugTest, consents: [specific], expect: { effect: 'deny', reason: 'CONSENT_PURPOSE_MISMATCH' } },
  { name: 'P2-05 information the consent does not describe is denied', request: requestFrom('housing', 'COC'), resource: R.diagnosis, consents: [specific], expect: { effect: 'deny', reason: 'CONSENT_INFORMATION_NOT_COVERED' }, step: { rule: 'P2-05', outcome: 'no-match' } },
  { name: 'P2-05 a consent naming one resource releases it', request: requestFrom('housing', 'COC'), resource: R.drugTest, consents: [onlyUds1], expect: { effect: 'permit' } },
  { name: 'P2-05 a consent naming one resource releases nothing else', request: requestFrom('housing', 'COC'), resource: R.assessmentScore, consents: [onlyUds1], expect: { effect: 'deny', reason: 'CONSENT_INFORMATION_NOT_COVERED' } },
  { name: 'P2-05 provision.code limits release to that code', request: requestFrom('housing', 'COC'), resource: R.drugTest, consents: [auditScoresOnly], expect: { effect: 'deny', reason: 'CONSENT_INFORMATION_NOT_COVERED' } },
  { name: 'P2-02 a consent of another disclosing program does not release this record', request: requestFrom('clinic', 'TREAT'), resource: R.otherProgram, consents: [tpo], expect: { effect: 'deny', reason: 'CONSENT_DISCLOSER_MISMATCH' } },
  { name: 'P2-20 a record whose holding program is unknown is not released under a consent', request: requestFrom('clinic', 'TREAT'), resource: R.noHolder, consents: [tpo], expect: { effect: 'deny', reason: 'CONSENT_DISCLOSER_MISMATCH' } },
  // P2-03 / P2-15: in force
  { name: 'P2-03 a consent past provision.period.end is expired', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [tpo], now: '2027-02-01T00:00:00Z', expect: { effect: 'deny', reason: 'CONSENT_EXPIRED' }, step: { rule: 'P2-03', outcome: 'no-match' } },
  { name: 'P2-03 a consent before its period start is not in force', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [tpo], now: '2025-12-01T00:00:00Z', expect: { effect: 'deny', reason: 'CONSENT_NOT_ACTIVE' } },
  { name: 'P2-03 a consent expires by event (discharge)', request: requestFrom('housing', 'COC'), resource: R.drugTest, consents: [expiringOnDischarge], events: [{ reference: 'EpisodeOfCare/tx', endedAt: '2026-02-01' }], expect: { effect: 'deny', reason: 'CONSENT_EXPIRED' } },
  { name: 'P2-03 an expiry event that has not happened keeps the consent in force', request: requestFrom('housing', 'COC'), resource: R.drugTest, consents: [expiringOnDischarge], expect: { effect: 'permit' } },
  { name: 'P2-20 an expiry event with no facts counts as expired', request: requestFrom('housing', 'COC'), resource: R.drugTest, consents: [expiringOnDischarge], events: [], expect: { effect: 'deny', reason: 'CONSENT_EXPIRED' }, step: { rule: 'P2-03', outcome: 'error' } },
  { name: 'P2-15 a revoked consent (status inactive) is denied', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [withStatus(tpo, 'inactive')], expect: { effect: 'deny', reason: 'CONSENT_REVOKED' } },
  { name: 'P2-03 a draft consent does not permit', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [withStatus(tpo, 'draft')], expect: { effect: 'deny', reason: 'CONSENT_NOT_ACTIVE' } },
  // P2-10: §2.35 criminal-justice consents
  { name: 'P2-10 a §2.35 consent releases a drug test to probation', request: requestFrom('probation', 'CJMONITOR'), resource: R.drugTest, consents: [cj], expect: { effect: 'permit', by: 'c-criminal-justice-2-35', redact: 'Observation.note' } },
  { name: 'P2-10 a profiled drug test (reentry-observation-category) is monitoring information too', request: requestFrom('probation', 'CJMONITOR'), resource: { ...R.drugTest, codes: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'drug-test' }] }, consents: [cj], expect: { effect: 'permit', redact: 'Observation.note' } },
  { name: 'P2-10 a wellness-check Observation is not monitoring information', request: requestFrom('probation', 'CJMONITOR'), resource: { ...R.drugTest, codes: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'wellness-check' }] }, consents: [cj], expect: { effect: 'deny', reason: 'CONSENT_CJ_NOT_MONITORING_INFO' } },
  { name: 'P2-10 attendance (Encounter) is released without its reasons', request: requestFrom('probation', 'CJMONITOR'), resource: R.attendance, consents: [cj], expect: { effect: 'permit', redact: 'Encounter.diagnosis' } },
  { name: 'P2-10 goal progress is released', request: requestFrom('probation', 'CJMONITOR'), resource: R.goal, consents: [cj], expect: { effect: 'permit', redact: 'Goal.addresses' } },
  { name: 'P2-10 a diagnosis (Condition) is never released to probation', request: requestFrom('probation', 'CJMONITOR'), resource: R.diagnosis, consents: [cj], expect: { effect: 'deny', reason: 'CONSENT_CJ_NOT_MONITORING_INFO' }, step: { rule: 'P2-10', outcome: 'no-match' } },
  { name: 'P2-10 an assessment Observation is not monitoring information', request: requestFrom('probation', 'CJMONITOR'), resource: R.assessmentScore, consents: [cj], expect: { effect: 'deny', reason: 'CONSENT_CJ_NOT_MONITORING_INFO' } },
  { name: 'P2-10 an irrevocable §2.35 consent revoked early stays in force', request: requestFrom('probation', 'CJMONITOR'), resource: R.drugTest, consents: [withStatus(cj, 'inactive')], expect: { effect: 'permit' } },
  { name: 'P2-10 revocation takes effect after the irrevocable-until date', request: requestFrom('probation', 'CJMONITOR'), resource: R.drugTest, consents: [withStatus(cj, 'inactive')], now: '2026-10-15T00:00:00Z', expect: { effect: 'deny', reason: 'CONSENT_REVOKED' } },
  { name: 'P2-10 revocation takes effect once the case is disposed', request: requestFrom('probation', 'CJMONITOR'), resource: R.drugTest, consents: [withStatus(cj, 'inactive')], events: [...ONGOING.slice(0, 1), { reference: 'EpisodeOfCare/case', endedAt: '2026-02-15' }], expect: { effect: 'deny', reason: 'CONSENT_REVOKED' } },
  { name: 'P2-03 a §2.35 consent expires at the end of supervision', request: requestFrom('probation', 'CJMONITOR'), resource: R.drugTest, consents: [cj], events: [{ reference: 'EpisodeOfCare/supervision', endedAt: '2026-02-20T00:00:00Z' }, { reference: 'EpisodeOfCare/case' }], expect: { effect: 'deny', reason: 'CONSENT_EXPIRED' } },
  { name: 'P2-10 a §2.35 consent does not serve a treatment purpose', request: requestFrom('probation', 'TREAT'), resource: R.drugTest, consents: [cj], expect: { effect: 'deny', reason: 'CONSENT_PURPOSE_MISMATCH' } },
  // P2-07: counseling notes
  { name: 'P2-07 a TPO consent never releases PSYTHPN', request: requestFrom('clinic', 'TREAT'), resource: R.counselingNote, consents: [tpo], expect: { effect: 'deny', reason: 'CONSENT_PSYTHPN_REQUIRES_SPECIFIC' }, step: { rule: 'P2-07', outcome: 'no-match' } },
  { name: 'P2-07 a counseling-notes consent releases PSYTHPN to its recipient', request: requestFrom('clinic', 'TREAT'), resource: R.counselingNote, consents: [tpo, notes], expect: { effect: 'permit', by: 'c-counseling-notes' } },
  { name: 'P2-07 a counseling-notes consent releases nothing but PSYTHPN', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [notes], expect: { effect: 'deny', reason: 'CONSENT_INFORMATION_NOT_COVERED' } },
  { name: 'P2-07 a §2.35 consent never releases counseling notes', request: requestFrom('probation', 'CJMONITOR'), resource: R.counselingNote, consents: [cj], expect: { effect: 'deny', reason: 'CONSENT_PSYTHPN_REQUIRES_SPECIFIC' } },
  // P2-06: nested provisions
  { name: 'P2-06 a nested deny inside a permit wins', request: requestFrom('clinic', 'TREAT'), resource: R.diagnosis, consents: [tpoNoConditions], expect: { effect: 'deny', reason: 'CONSENT_DENIED_BY_PROVISION' }, step: { rule: 'P2-06', provision: 'provision.provision[0]', outcome: 'deny' } },
  { name: 'P2-06 a nested deny leaves the rest of the permit in place', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [tpoNoConditions], expect: { effect: 'permit' } },
  { name: 'P2-06 a permit nested in a deny re-opens the narrower set', request: requestFrom('ehr', 'HPAYMT'), resource: R.drugTest, consents: [tpoPaymentObservationsOnly], expect: { effect: 'permit' }, step: { rule: 'P2-05', provision: 'provision.provision[0].provision[0]', outcome: 'permit' } },
  { name: 'P2-06 outside the re-opened set the nested deny holds', request: requestFrom('ehr', 'HPAYMT'), resource: R.diagnosis, consents: [tpoPaymentObservationsOnly], expect: { effect: 'deny', reason: 'CONSENT_DENIED_BY_PROVISION' } },
  { name: 'P2-06 a nested deny can exclude one recipient', request: requestFrom('ehr', 'TREAT'), resource: R.drugTest, consents: [tpoNotToEhr], expect: { effect: 'deny', reason: 'CONSENT_DENIED_BY_PROVISION' } },
  { name: 'P2-06 a deny in one consent overrides a permit in another', request: requestFrom('clinic', 'TREAT'), resource: R.diagnosis, consents: [conditionsToClinic, tpoNoConditions], expect: { effect: 'deny', reason: 'CONSENT_DENIED_BY_PROVISION' } },
  // P2-14: §2.26 restrictions
  { name: 'P2-14 an agreed restriction denies TPO disclosure to the payer', request: requestFrom('payer', 'HPAYMT'), resource: R.drugTest, consents: [toPayer, restriction], expect: { effect: 'deny', reason: 'CONSENT_RESTRICTED' }, step: { rule: 'P2-14', outcome: 'deny' } },
  { name: 'P2-14 a restriction leaves other recipients alone', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [tpo, restriction], expect: { effect: 'permit', by: 'c-tpo' } },
  { name: 'P2-14 a withdrawn restriction no longer applies', request: requestFrom('payer', 'HPAYMT'), resource: R.drugTest, consents: [toPayer, withStatus(restriction, 'inactive')], expect: { effect: 'permit' } },
  // P2-09: legal proceedings
  { name: 'P2-09 HLEGAL without a court order is denied even under a TPO consent', request: requestFrom('court', 'HLEGAL'), resource: R.drugTest, consents: [tpo], expect: { effect: 'deny', reason: 'LEGAL_PROCEEDING_NEEDS_COURT_ORDER' }, step: { rule: 'P2-09', outcome: 'deny' } },
  { name: 'P2-09 HLEGAL with a matching court order is permitted', request: requestFrom('court', 'HLEGAL'), resource: R.drugTest, consents: [], courtOrders: [courtOrder], expect: { effect: 'permit', authority: 'court-order' } },
  { name: 'P2-09 a court order for another recipient does not authorize', request: requestFrom('lawfirm', 'HLEGAL'), resource: R.drugTest, consents: [], courtOrders: [courtOrder], expect: { effect: 'deny', reason: 'LEGAL_PROCEEDING_NEEDS_COURT_ORDER' } },
  { name: 'P2-09 an expired court order does not authorize', request: requestFrom('court', 'HLEGAL'), resource: R.drugTest, consents: [], courtOrders: [{ ...courtOrder, validUntil: '2026-02-01' }], expect: { effect: 'deny', reason: 'LEGAL_PROCEEDING_NEEDS_COURT_ORDER' } },
  { name: 'P2-09 a consent for the proceeding alone permits its recipient', request: requestFrom('court', 'HLEGAL'), resource: R.drugTest, consents: [legal], expect: { effect: 'permit', by: 'c-legal-proceeding', authority: 'consent' } },
  { name: 'P2-09 a court order recorded as a Consent authorizes as court-order', request: requestFrom('court', 'HLEGAL'), resource: R.drugTest, consents: [order], expect: { effect: 'permit', by: 'c-court-order', authority: 'court-order' } },
  { name: 'P2-09 a legal-proceeding consent never serves another purpose', request: requestFrom('court', 'TREAT'), resource: R.drugTest, consents: [legal], expect: { effect: 'deny', reason: 'NO_CONSENT' }, step: { rule: 'P2-09', outcome: 'no-match' } },
  // P2-12: emergencies
  { name: 'P2-12 ETREAT by a treating provider is permitted without consent', request: requestFrom('clinic', 'ETREAT'), resource: R.drugTest, consents: [], expect: { effect: 'permit', authority: 'emergency' }, step: { rule: 'P2-12', outcome: 'permit' } },
  { name: 'P2-12 break-the-glass by an EHR is permitted', request: requestFrom('ehr', 'BTG'), resource: R.counselingNote, consents: [], expect: { effect: 'permit', authority: 'emergency' } },
  { name: 'P2-12 break-the-glass by probation is no emergency disclosure', request: requestFrom('probation', 'BTG'), resource: R.drugTest, consents: [], expect: { effect: 'deny', reason: 'NO_CONSENT' }, step: { rule: 'P2-12', outcome: 'no-match' } },
  { name: 'P2-12 an emergency needs a known program to notify', request: requestFrom('clinic', 'ETREAT'), resource: R.noHolder, consents: [], expect: { effect: 'deny', reason: 'EMERGENCY_HOLDER_UNKNOWN' } },
  // P2-20 / P2-02: consents the engine cannot interpret
  { name: 'P2-20 an unparseable consent denies even beside a permitting one', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [tpo, edit(unparseable, (x) => { x.id = 'bad'; })], expect: { effect: 'deny', reason: 'CONSENT_UNPARSEABLE' }, step: { rule: 'P2-20', consent: 'bad', outcome: 'error' } },
  { name: 'P2-20 a parse error naming no patient denies too', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [tpo, orphanError], expect: { effect: 'deny', reason: 'CONSENT_UNPARSEABLE' } },
  { name: 'P2-02 a stored consent missing a §2.31 element (date signed) denies', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [notDated], expect: { effect: 'deny', reason: 'CONSENT_UNPARSEABLE' } },
  { name: 'P2-20 a purpose from an unknown system is a parse error', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [foreignPurpose], expect: { effect: 'deny', reason: 'CONSENT_UNPARSEABLE' } },
  { name: 'P2-20 a malformed period date is a parse error', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [badPeriod], expect: { effect: 'deny', reason: 'CONSENT_UNPARSEABLE' } },
];

function run(c: Case) {
  const consents = c.consents.map((x) => ('resourceType' in x ? parseConsent(x) : x));
  return decide(c.request, c.resource, consents, new Date(c.now ?? NOW), { events: c.events ?? ONGOING, ...(c.courtOrders ? { courtOrders: c.courtOrders } : {}) });
}

describe('decide()', () => {
  it.each(CASES)('$name', (c) => {
    const decision = run(c);
    if (c.expect.effect === 'deny') {
      expect(decision).toMatchObject({ effect: 'deny', reason: c.expect.reason });
    } else {
      expect(decision.effect, JSON.stringify(decision.trace)).toBe('permit');
      if (decision.effect !== 'permit') return;
      if (c.expect.by) expect(decision.decidedBy?.consentId).toBe(c.expect.by);
      if (c.expect.authority) expect(decision.decidedBy?.authority).toBe(c.expect.authority);
      if (c.expect.redact) expect(decision.obligations).toContainEqual({ kind: 'redact', elements: expect.arrayContaining([c.expect.redact]) });
    }
    if (c.step) expect(decision.trace).toContainEqual(expect.objectContaining(c.step));
  });

  it('P2-11 P2-16 every Part 2 disclosure carries the refrain label and the §2.32 notice', () => {
    for (const c of CASES.filter((x) => x.expect.effect === 'permit' && x.resource !== R.ordinary)) {
      const decision = run(c);
      expect(decision.effect === 'permit' && decision.obligations).toEqual(expect.arrayContaining([
        { kind: 'add-security-label', coding: actCode(REFRAIN_NORDSCLCD) },
        { kind: 'attach-notice', text: PART2_NOTICE },
      ]));
    }
  });

  it('P2-12 an emergency disclosure is audited and the program notified', () => {
    const decision = run(CASES.find((c) => c.name.startsWith('P2-12 ETREAT'))!);
    expect(decision.effect === 'permit' && decision.obligations).toEqual(expect.arrayContaining([{ kind: 'audit-emergency' }, { kind: 'notify-program', organizationId: 'program' }]));
  });

  it('P2-15 a revocation applies to the very next decision (no cached result)', () => {
    const request = requestFrom('clinic', 'TREAT');
    const facts = { events: ONGOING };
    expect(decide(request, R.drugTest, [parseConsent(tpo)], new Date(NOW), facts).effect).toBe('permit');
    expect(decide(request, R.drugTest, [parseConsent(withStatus(tpo, 'inactive'))], new Date(NOW), facts)).toMatchObject({ effect: 'deny', reason: 'CONSENT_REVOKED' });
  });

  it('P2-06 P2-17 every decision carries a trace naming rules, never resource content', () => {
    for (const c of CASES) {
      const { trace } = run(c);
      expect(trace.length).toBeGreaterThan(0);
      const text = JSON.stringify(trace);
      for (const secret of ['uds-1', 'oud-1', 'note-1', '5602001', '75624-7']) expect(text).not.toContain(secret);
      for (const step of trace) expect(step.rule).toMatch(/^P2-\d\d$/);
    }
  });

  it('decideAll agrees with decide for every resource', () => {
    const request = requestFrom('probation', 'CJMONITOR');
    const consents = [parseConsent(cj), parseConsent(tpo)];
    const resources = Object.values(R);
    const all = decideAll(request, resources, consents, new Date(NOW), { events: ONGOING });
    expect(all).toEqual(resources.map((r) => decide(request, r, consents, new Date(NOW), { events: ONGOING })));
  });

  it('P2-20 decide never throws on a garbage consent', () => {
    const garbage = { resourceType: 'Consent', id: 'g', status: 'active', category: 'nope', provision: { provision: 7 } } as unknown as Consent;
    expect(run({ name: 'garbage', request: requestFrom('clinic', 'TREAT'), resource: R.drugTest, consents: [garbage], expect: { effect: 'deny', reason: 'CONSENT_UNPARSEABLE' } })).toMatchObject({ effect: 'deny', reason: 'CONSENT_UNPARSEABLE' });
  });
});

describe('purpose systems', () => {
  it('P2-04 a purpose coded in an unknown system matches nothing', () => {
    const urn = edit(cj, (x) => { x.provision!.purpose = [{ system: 'urn:gateway:CodeSystem:purpose-of-use', code: 'CJMONITOR' }]; });
    const decision = decide(requestFrom('probation', 'CJMONITOR'), R.drugTest, [parseConsent(urn)], new Date(NOW), { events: ONGOING });
    expect(decision.effect).toBe('deny');
  });
});
