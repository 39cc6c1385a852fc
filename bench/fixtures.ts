/**
 * Realistic request bodies for the validation benchmark: the sizes and shapes a reentry
 * coordination workflow actually posts (not minimal resources, which would flatter the figure).
 */
import type { CarePlan, Consent, Observation, Patient, Task } from '@medplum/fhirtypes';

const P = 'Patient/p-1';
const ORG = 'Organization/org-treatment';
const period = (start: string, end: string): { start: string; end: string } => ({ start, end });
const cc = (system: string, code: string, display?: string): { coding: { system: string; code: string; display?: string }[] } => ({
  coding: [{ system, code, ...(display ? { display } : {}) }],
});

/** A reentry care plan: categories, period, care team, goals, addresses, 4 activities. */
export const carePlan: CarePlan = {
  resourceType: 'CarePlan',
  status: 'active',
  intent: 'plan',
  title: 'Reentry transition plan',
  category: [cc('http://hl7.org/fhir/us/core/CodeSystem/careplan-category', 'assess-plan'), { text: 'Reentry coordination' }],
  subject: { reference: P, display: 'Jordan Example' },
  period: period('2026-01-15', '2026-07-15'),
  created: '2026-01-10T09:30:00Z',
  author: { reference: 'Practitioner/pr-1' },
  careTeam: [{ reference: 'CareTeam/ct-1' }],
  addresses: [{ reference: 'Condition/cond-oud' }, { reference: 'Condition/cond-housing' }],
  goal: [{ reference: 'Goal/g-housing' }, { reference: 'Goal/g-employment' }, { reference: 'Goal/g-mat' }],
  activity: [
    { detail: { kind: 'ServiceRequest', code: cc('http://snomed.info/sct', '308440001', 'Referral to housing service'), status: 'in-progress', scheduledPeriod: period('2026-01-20', '2026-02-20'), performer: [{ reference: 'Organization/org-housing' }], description: 'Transitional housing placement' } },
    { detail: { kind: 'Appointment', code: cc('http://snomed.info/sct', '410177006', 'Medication management'), status: 'scheduled', scheduledString: 'Weekly MOUD check-in', performer: [{ reference: ORG }], goal: [{ reference: 'Goal/g-mat' }] } },
    { detail: { kind: 'Task', status: 'not-started', description: 'Obtain state ID', scheduledPeriod: period('2026-01-16', '2026-01-31') } },
    { reference: { reference: 'ServiceRequest/sr-employment' }, progress: [{ time: '2026-01-18T10:00:00Z', text: 'Intake scheduled with workforce board' }] },
  ],
  note: [{ text: 'Release date confirmed with DOC; coordinate first-week appointments.' }],
};

/** A 42 CFR Part 2 consent: nested provisions, actors, purposes, security labels, periods. */
export const consent: Consent = {
  resourceType: 'Consent',
  status: 'active',
  scope: cc('http://terminology.hl7.org/CodeSystem/consentscope', 'patient-privacy'),
  category: [cc('http://loinc.org', '59284-0', 'Patient Consent'), cc('http://terminology.hl7.org/CodeSystem/consentcategorycodes', 'npp')],
  patient: { reference: P },
  dateTime: '2026-01-12T14:00:00Z',
  organization: [{ reference: ORG }],
  policy: [{ authority: 'https://www.ecfr.gov', uri: 'https://www.ecfr.gov/current/title-42/part-2' }],
  provision: {
    type: 'deny',
    period: period('2026-01-12', '2027-01-12'),
    provision: [
      {
        type: 'permit',
        period: period('2026-01-12', '2026-12-31'),
        actor: [
          { role: cc('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP'), reference: { reference: 'Organization/org-probation' } },
          { role: cc('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP'), reference: { reference: 'Organization/org-housing' } },
        ],
        action: [cc('http://terminology.hl7.org/CodeSystem/consentaction', 'access'), cc('http://terminology.hl7.org/CodeSystem/consentaction', 'disclose')],
        securityLabel: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '42CFRPart2' }, { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }, { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'COC' }],
        class: [{ system: 'http://hl7.org/fhir/resource-types', code: 'Observation' }, { system: 'http://hl7.org/fhir/resource-types', code: 'MedicationStatement' }],
        provision: [{ type: 'deny', actor: [{ role: cc('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP'), reference: { reference: 'Organization/org-probation' } }], purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HPAYMT' }] }],
      },
      { type: 'permit', period: period('2026-01-12', '2026-06-30'), actor: [{ role: cc('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP'), reference: { reference: 'Organization/org-ehr' } }], purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'ETREAT' }] },
    ],
  },
};

/** A reentry participant carrying the project profile (exercises the profile path too). */
export const patient: Patient = {
  resourceType: 'Patient',
  meta: { profile: ['https://reentry-gateway.example.org/fhir/StructureDefinition/reentry-participant'] },
  identifier: [{ system: 'https://reentry-gateway.example.org/fhir/sid/doc-number', value: 'DOC-48213' }, { system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-12-3456' }],
  name: [{ use: 'official', family: 'Example', given: ['Jordan', 'Lee'] }],
  gender: 'male',
  birthDate: '1988-04-02',
  telecom: [{ system: 'phone', value: '555-0100', use: 'mobile' }],
  address: [{ line: ['12 Main St', 'Apt 4'], city: 'Springfield', state: 'IL', postalCode: '62701' }],
  managingOrganization: { reference: 'Organization/org-probation' },
};

/** A lab result. */
export const observation: Observation = {
  resourceType: 'Observation',
  status: 'final',
  category: [cc('http://terminology.hl7.org/CodeSystem/observation-category', 'laboratory')],
  code: cc('http://loinc.org', '19295-5', 'Opiates [Presence] in Urine'),
  subject: { reference: P },
  effectiveDateTime: '2026-02-03T08:15:00Z',
  issued: '2026-02-03T12:00:00Z',
  performer: [{ reference: ORG }],
  valueCodeableConcept: cc('http://snomed.info/sct', '260385009', 'Negative'),
  interpretation: [cc('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', 'N')],
};

/** A housing referral task between organizations. */
export const task: Task = {
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  priority: 'routine',
  code: cc('http://hl7.org/fhir/CodeSystem/task-code', 'fulfill'),
  focus: { reference: 'ServiceRequest/sr-housing' },
  for: { reference: P },
  authoredOn: '2026-01-20T10:00:00Z',
  requester: { reference: 'Organization/org-probation' },
  owner: { reference: 'Organization/org-housing' },
  restriction: { period: { end: '2026-02-20' } },
  note: [{ text: 'Client released 2026-01-15; needs placement within 30 days.' }],
};
