/**
 * The reentry profiles (profiles/input/fsh): every profile accepts its valid example
 * (test/fixtures/profiles/<id>.valid.json) and refuses broken variants with a 422 whose issues
 * point at the offending element. Each root invariant that covers a Medplum 4.5.2 gap
 * (ARCHITECTURE §6: backbone/datatype cardinality, extension contents, fixed values on repeating
 * elements) has its own case, keyed by the invariant id.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../outcomes/index.js';
import { projectDefinitions } from './definitions.js';
import { createValidator, isInValueSet, listProfiles, PROJECT_CANONICAL, type ResourceValidator } from './index.js';

const FIXTURES = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'test', 'fixtures', 'profiles');
const SD = (id: string): string => `${PROJECT_CANONICAL}/StructureDefinition/${id}`;
const CS = (id: string): string => `${PROJECT_CANONICAL}/CodeSystem/${id}`;
const VS = (id: string): string => `${PROJECT_CANONICAL}/ValueSet/${id}`;

/** Profile id → the resource type it constrains. */
const PROFILES: Record<string, string> = {
  'reentry-participant': 'Patient',
  'supervision-episode': 'EpisodeOfCare',
  'custody-event': 'Encounter',
  'risk-needs-assessment': 'Observation',
  'clinical-screening': 'Observation',
  'drug-test-result': 'Observation',
  'drug-test-specimen': 'Specimen',
  'treatment-episode': 'EpisodeOfCare',
  'treatment-attendance': 'Encounter',
  'aftercare-wellness-check': 'Encounter',
  'wellness-check-finding': 'Observation',
  'reentry-referral': 'ServiceRequest',
  'reentry-organization': 'Organization',
  'reentry-care-team': 'CareTeam',
  'case-plan-goal': 'Goal',
  'case-plan': 'CarePlan',
};

// Fixtures are plain JSON that the cases below edit freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

function fixture(id: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, `${id}.valid.json`), 'utf8')) as Json;
}

/** A deep copy of the profile's valid example, changed by `edit`. */
function variant(id: string, edit: (r: Json) => void): Json {
  const r = fixture(id);
  edit(r);
  return r;
}

const cc = (cs: string, code: string): Json => ({ coding: [{ system: CS(cs), code }] });
const ext = (id: string, value: Json): Json => ({ url: SD(id), ...value });
const withoutExt = (r: Json, id: string): Json[] => (r.extension as Json[]).filter((e) => e.url !== SD(id));

let validator: ResourceValidator;
beforeAll(async () => {
  validator = await createValidator();
});

function rejection(input: unknown): GatewayError {
  try {
    validator.validate(input);
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected the resource to be rejected');
}

function expressions(err: GatewayError): string[] {
  return err.issues.flatMap((i: OperationOutcomeIssue) => i.expression ?? []);
}

function texts(err: GatewayError): string {
  return err.issues.map((i) => i.details?.text ?? '').join(' | ');
}

interface Broken {
  /** What is wrong. */
  name: string;
  resource: Json;
  /** An expression the 422 must name. */
  expression?: string;
  /** An invariant id (or other text) the 422 must mention. */
  text?: string;
  /** The issue code (e.g. code-invalid for a required binding). */
  code?: string;
}

/** Invalid variants, at least one per profile: missing required element, wrong code, broken invariant. */
const BROKEN: Record<string, Broken[]> = {
  'reentry-participant': [
    { name: 'no DOC number', resource: variant('reentry-participant', (r) => (r.identifier = r.identifier.slice(1))), expression: 'Patient.identifier' },
    { name: 'booking number without value (rp-2)', resource: variant('reentry-participant', (r) => delete r.identifier[1].value), text: 'rp-2', expression: 'Patient' },
  ],
  'supervision-episode': [
    { name: 'type not a supervision type', resource: variant('supervision-episode', (r) => (r.type = [cc('supervision-type', 'house-arrest')])), code: 'code-invalid', expression: 'EpisodeOfCare.type[0]' },
    { name: 'no managingOrganization', resource: variant('supervision-episode', (r) => delete r.managingOrganization), expression: 'EpisodeOfCare.managingOrganization' },
    { name: 'supervision level not in supervision-level (se-1)', resource: variant('supervision-episode', (r) => (r.extension[0].valueCodeableConcept = cc('supervision-level', 'extreme'))), text: 'se-1', expression: 'EpisodeOfCare' },
    { name: 'supervision level as a string (se-1)', resource: variant('supervision-episode', (r) => (r.extension[0] = ext('supervision-level', { valueString: 'high' }))), text: 'se-1' },
    { name: 'condition without code (se-2)', resource: variant('supervision-episode', (r) => (r.extension[1].extension = r.extension[1].extension.slice(1))), text: 'se-2' },
    { name: 'condition with unknown code (se-2)', resource: variant('supervision-episode', (r) => (r.extension[1].extension[0].valueCodeableConcept = cc('supervision-condition', 'shave'))), text: 'se-2' },
    { name: 'period without start (se-3)', resource: variant('supervision-episode', (r) => (r.period = { end: '2025-01-01' })), text: 'se-3' },
    { name: 'finished without end (se-4)', resource: variant('supervision-episode', (r) => (r.status = 'finished')), text: 'se-4' },
  ],
  'custody-event': [
    { name: 'type not a custody event type', resource: variant('custody-event', (r) => (r.type = [cc('custody-event-type', 'escape')])), code: 'code-invalid', expression: 'Encounter.type[0]' },
    { name: 'no serviceProvider', resource: variant('custody-event', (r) => delete r.serviceProvider), expression: 'Encounter.serviceProvider' },
    { name: 'period without start (ce-1)', resource: variant('custody-event', (r) => (r.period = { end: '2024-01-16' })), text: 'ce-1' },
    { name: 'booking without booking number (ce-2)', resource: variant('custody-event', (r) => delete r.identifier), text: 'ce-2', expression: 'Encounter' },
    { name: 'expected release date as a string (ce-3)', resource: variant('custody-event', (r) => (r.extension = [ext('expected-release-date', { valueString: 'soon' })])), text: 'ce-3' },
  ],
  'risk-needs-assessment': [
    { name: 'instrument not in assessment-instrument', resource: variant('risk-needs-assessment', (r) => (r.code = cc('assessment-instrument', 'COMPAS-X'))), code: 'code-invalid', expression: 'Observation.code' },
    { name: 'risk level not in risk-needs-result', resource: variant('risk-needs-assessment', (r) => (r.valueCodeableConcept = cc('risk-level', 'extreme'))), code: 'code-invalid', expression: 'Observation.valueCodeableConcept' },
    { name: 'domain risk level not in risk-level (rna-4)', resource: variant('risk-needs-assessment', (r) => (r.component[0].valueCodeableConcept = cc('risk-level', 'meh'))), text: 'rna-4' },
    { name: 'no risk-needs category (rna-1)', resource: variant('risk-needs-assessment', (r) => (r.category = [r.category[0], { text: 'other' }])), text: 'rna-1', expression: 'Observation.category' },
    { name: 'ASAM-LOC result given as a risk level (rna-2)', resource: variant('risk-needs-assessment', (r) => (r.code = cc('assessment-instrument', 'ASAM-LOC'))), text: 'rna-2' },
    { name: 'final without any result (rna-3)', resource: variant('risk-needs-assessment', (r) => { delete r.valueCodeableConcept; delete r.component; }), text: 'rna-3' },
  ],
  'clinical-screening': [
    { name: 'panel code instead of the total-score code', resource: variant('clinical-screening', (r) => (r.code = { coding: [{ system: 'http://loinc.org', code: '44249-1' }] })), code: 'code-invalid', expression: 'Observation.code' },
    { name: 'score as a string', resource: variant('clinical-screening', (r) => { delete r.valueInteger; r.valueString = '14'; }), expression: 'Observation.valueString' },
    { name: 'final without a score (csc-2)', resource: variant('clinical-screening', (r) => delete r.valueInteger), text: 'csc-2' },
    { name: 'PHQ-9 score above 27 (csc-3)', resource: variant('clinical-screening', (r) => (r.valueInteger = 30)), text: 'csc-3' },
    { name: 'DAST-10 score above 10 (csc-3)', resource: variant('clinical-screening', (r) => { r.code = { coding: [{ system: 'http://loinc.org', code: '82667-7' }] }; r.valueInteger = 11; }), text: 'csc-3' },
    { name: 'no survey category (csc-1)', resource: variant('clinical-screening', (r) => (r.category = [{ text: 'screening' }])), text: 'csc-1', expression: 'Observation.category' },
  ],
  'drug-test-result': [
    { name: 'result not in drug-test-result', resource: variant('drug-test-result', (r) => (r.valueCodeableConcept = cc('drug-test-result', 'inconclusive'))), code: 'code-invalid', expression: 'Observation.valueCodeableConcept' },
    { name: 'no result', resource: variant('drug-test-result', (r) => delete r.valueCodeableConcept), expression: 'Observation.value[x]' },
    { name: 'no drug-test category (dtr-1)', resource: variant('drug-test-result', (r) => (r.category = [r.category[0], { text: 'x' }])), text: 'dtr-1', expression: 'Observation.category' },
    { name: 'negative result without specimen (dtr-2)', resource: variant('drug-test-result', (r) => delete r.specimen), text: 'dtr-2' },
    { name: 'test selection not in test-selection (dtr-3)', resource: variant('drug-test-result', (r) => (r.extension[1] = ext('test-selection', { valueCodeableConcept: cc('test-selection', 'court-ordered') }))), text: 'dtr-3' },
    { name: 'collection-observed as a string (dtr-4)', resource: variant('drug-test-result', (r) => (r.extension[0] = ext('collection-observed', { valueString: 'yes' }))), text: 'dtr-4' },
  ],
  'drug-test-specimen': [
    { name: 'type not a drug-test specimen type', resource: variant('drug-test-specimen', (r) => (r.type = cc('drug-test-specimen-type', 'nail'))), code: 'code-invalid', expression: 'Specimen.type' },
    { name: 'no collection time (dts-1)', resource: variant('drug-test-specimen', (r) => (r.collection = { quantity: { value: 30, unit: 'mL' } })), text: 'dts-1' },
  ],
  'treatment-episode': [
    { name: 'type not a treatment type', resource: variant('treatment-episode', (r) => (r.type = [cc('treatment-type', 'housing')])), code: 'code-invalid', expression: 'EpisodeOfCare.type[0]' },
    { name: 'no treatment program', resource: variant('treatment-episode', (r) => delete r.managingOrganization), expression: 'EpisodeOfCare.managingOrganization' },
    { name: 'level of care not an ASAM level (te-1)', resource: variant('treatment-episode', (r) => (r.extension[0] = ext('level-of-care', { valueCodeableConcept: cc('asam-level', '3') }))), text: 'te-1' },
    { name: 'period without start (te-2)', resource: variant('treatment-episode', (r) => (r.period = {})), text: 'te-2' },
  ],
  'treatment-attendance': [
    { name: 'no attendance status', resource: variant('treatment-attendance', (r) => delete r.extension), expression: 'Encounter.extension' },
    { name: 'type not an encounter kind', resource: variant('treatment-attendance', (r) => (r.type = [cc('encounter-kind', 'party')])), code: 'code-invalid', expression: 'Encounter.type[0]' },
    { name: 'no episodeOfCare', resource: variant('treatment-attendance', (r) => delete r.episodeOfCare), expression: 'Encounter.episodeOfCare' },
    { name: 'attendance status not in attendance-status (ta-1)', resource: variant('treatment-attendance', (r) => (r.extension[0].valueCodeableConcept = cc('attendance-status', 'absent'))), text: 'ta-1' },
    { name: 'no-show recorded as finished (ta-2)', resource: variant('treatment-attendance', (r) => (r.extension[0].valueCodeableConcept = cc('attendance-status', 'no-show'))), text: 'ta-2' },
  ],
  'aftercare-wellness-check': [
    { name: 'no aftercare month', resource: variant('aftercare-wellness-check', (r) => delete r.extension), expression: 'Encounter.extension' },
    { name: 'aftercare month 7 (awc-1)', resource: variant('aftercare-wellness-check', (r) => (r.extension[0].valuePositiveInt = 7)), text: 'awc-1' },
    { name: 'not by a peer support specialist (awc-2)', resource: variant('aftercare-wellness-check', (r) => (r.participant[0].type = [cc('care-team-role', 'treatment-counselor')])), text: 'awc-2' },
    { name: 'not typed wellness-check (awc-3)', resource: variant('aftercare-wellness-check', (r) => (r.type = [cc('encounter-kind', 'treatment-session')])), text: 'awc-3', expression: 'Encounter.type' },
  ],
  'wellness-check-finding': [
    { name: 'code not a wellness check item', resource: variant('wellness-check-finding', (r) => (r.code = cc('wellness-check-item', 'mood'))), code: 'code-invalid', expression: 'Observation.code' },
    { name: 'no encounter', resource: variant('wellness-check-finding', (r) => delete r.encounter), expression: 'Observation.encounter' },
  ],
  'reentry-referral': [
    { name: 'category not a linkage domain', resource: variant('reentry-referral', (r) => (r.category = [cc('linkage-domain', 'dental')])), code: 'code-invalid', expression: 'ServiceRequest.category[0]' },
    { name: 'no requester', resource: variant('reentry-referral', (r) => delete r.requester), expression: 'ServiceRequest.requester' },
    { name: 'level of care not an ASAM level (rr-1)', resource: variant('reentry-referral', (r) => (r.extension = [ext('level-of-care', { valueCodeableConcept: cc('asam-level', 'residential') })])), text: 'rr-1' },
  ],
  'reentry-organization': [
    { name: 'type not an organization role', resource: variant('reentry-organization', (r) => (r.type = [cc('organization-role', 'church')])), code: 'code-invalid', expression: 'Organization.type[0]' },
    { name: 'no name', resource: variant('reentry-organization', (r) => delete r.name), expression: 'Organization.name' },
  ],
  'reentry-care-team': [
    { name: 'no subject', resource: variant('reentry-care-team', (r) => delete r.subject), expression: 'CareTeam.subject' },
    { name: 'participant without role (rct-1)', resource: variant('reentry-care-team', (r) => delete r.participant[1].role), text: 'rct-1' },
    { name: 'no role from care-team-role (rct-2)', resource: variant('reentry-care-team', (r) => (r.participant = [r.participant[4]])), text: 'rct-2' },
    { name: 'training topic unknown (rct-3)', resource: variant('reentry-care-team', (r) => (r.extension = [ext('staff-training', { extension: [{ url: 'topic', valueCodeableConcept: cc('training-topic', 'golf') }] })])), text: 'rct-3' },
  ],
  'case-plan-goal': [
    { name: 'category not a need domain', resource: variant('case-plan-goal', (r) => (r.category = [cc('criminogenic-need', 'romance')])), code: 'code-invalid', expression: 'Goal.category[0]' },
    { name: 'no target', resource: variant('case-plan-goal', (r) => delete r.target), expression: 'Goal.target' },
    { name: 'target without due date (cpg-1)', resource: variant('case-plan-goal', (r) => delete r.target[0].dueDate), text: 'cpg-1' },
    { name: 'need priority as a string (cpg-2)', resource: variant('case-plan-goal', (r) => (r.extension = [ext('need-priority', { valueString: 'first' })])), text: 'cpg-2' },
  ],
  'case-plan': [
    { name: 'no care team (CC 1)', resource: variant('case-plan', (r) => delete r.careTeam), expression: 'CarePlan.careTeam' },
    { name: 'not a comprehensive case plan (ccp-1)', resource: variant('case-plan', (r) => (r.category = [cc('case-plan-category', 'service-plan')])), text: 'ccp-1', expression: 'CarePlan.category' },
    { name: 'active without assessments (ccp-2)', resource: variant('case-plan', (r) => delete r.supportingInfo), text: 'ccp-2' },
    { name: 'sharing agreement not a reference (ccp-3)', resource: variant('case-plan', (r) => (r.extension[0] = ext('information-sharing-agreement', { valueString: 'MOU 2024' }))), text: 'ccp-3' },
    { name: 'training topic unknown (ccp-4)', resource: variant('case-plan', (r) => (r.extension[1].extension[0].valueCodeableConcept = cc('training-topic', 'golf'))), text: 'ccp-4' },
    { name: 'support person without role (ccp-5)', resource: variant('case-plan', (r) => (r.extension[3].extension = r.extension[3].extension.slice(0, 1))), text: 'ccp-5' },
    { name: 'responsivity factor unknown (ccp-6)', resource: variant('case-plan', (r) => (r.extension[5].extension[0].valueCodeableConcept = cc('responsivity-factor', 'height'))), text: 'ccp-6' },
    { name: 'legal information without type (ccp-7)', resource: variant('case-plan', (r) => (r.extension[6].extension = r.extension[6].extension.slice(1))), text: 'ccp-7' },
    { name: 'strength unknown (ccp-8)', resource: variant('case-plan', (r) => (r.extension[8].extension[0].valueCodeableConcept = cc('participant-strength', 'charm'))), text: 'ccp-8' },
    { name: 'gender approach unknown (ccp-9)', resource: variant('case-plan', (r) => (r.extension[9].extension[0].valueCodeableConcept = cc('gender-responsive-approach', 'none'))), text: 'ccp-9' },
    { name: 'activity cc-component unknown (ccp-10)', resource: variant('case-plan', (r) => (r.activity[0].extension[0].valueCodeableConcept = cc('cc-component', 'component-11'))), text: 'ccp-10' },
    { name: 'vulnerability junction unknown (ccp-11)', resource: variant('case-plan', (r) => (r.extension = [...withoutExt(r, 'vulnerability-junction'), ext('vulnerability-junction', { valueCodeableConcept: cc('vulnerability-junction', 'lottery-win') })])), text: 'ccp-11' },
    { name: 'case conference schedule not a Timing (ccp-12)', resource: variant('case-plan', (r) => (r.extension = [...withoutExt(r, 'case-conference-schedule'), ext('case-conference-schedule', { valueString: 'biweekly' })])), text: 'ccp-12' },
  ],
};

describe('reentry profiles', () => {
  it('are all compiled, listed with their resource type, and have a description', () => {
    const listed = new Map(listProfiles().map((p) => [p.url, p.type]));
    for (const [id, type] of Object.entries(PROFILES)) {
      expect(listed.get(SD(id)), id).toBe(type);
      const sd = projectDefinitions.structureDefinitions.find((s) => s.url === SD(id));
      expect(sd?.snapshot?.element?.length, id).toBeGreaterThan(0);
    }
    for (const type of new Set(Object.values(PROFILES))) expect(validator.profilesByType()[type]?.length).toBeGreaterThan(0);
  });

  for (const [id, type] of Object.entries(PROFILES)) {
    describe(id, () => {
      it(`accepts the valid example (${type})`, () => {
        const r = fixture(id);
        expect(r.meta.profile).toEqual([SD(id)]);
        expect(() => validator.validate(r)).not.toThrow();
      });

      const cases = BROKEN[id] ?? [];
      it('has invalid examples', () => expect(cases.length).toBeGreaterThan(0));
      for (const c of cases) {
        it(`refuses: ${c.name}`, () => {
          const err = rejection(c.resource);
          expect(err.status).toBe(422);
          if (c.expression) expect(expressions(err)).toContain(c.expression);
          if (c.text) expect(texts(err)).toContain(c.text);
          if (c.code) expect(err.issues.map((i) => i.code)).toContain(c.code);
        });
      }
    });
  }
});

describe('profile details', () => {
  it('accepts standard gender identity and pronoun extensions on a participant', () => {
    const r = variant('reentry-participant', (p) =>
      p.extension.push({ url: 'http://hl7.org/fhir/StructureDefinition/individual-pronouns', extension: [{ url: 'value', valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA29519-8', display: 'she/her/her/hers/herself' }] } }] }),
    );
    expect(() => validator.validate(r)).not.toThrow();
  });

  it('accepts a refused drug test without a specimen', () => {
    const r = variant('drug-test-result', (o) => {
      o.valueCodeableConcept = cc('drug-test-result', 'refused');
      delete o.specimen;
    });
    expect(() => validator.validate(r)).not.toThrow();
  });

  it('accepts an ASAM-LOC assessment whose result is a level of care', () => {
    const r = variant('risk-needs-assessment', (o) => {
      o.code = cc('assessment-instrument', 'ASAM-LOC');
      o.valueCodeableConcept = cc('asam-level', '3.5');
      o.component = [{ code: cc('assessment-domain', 'asam-dimension-4'), valueInteger: 2 }];
    });
    expect(() => validator.validate(r)).not.toThrow();
  });

  it('accepts each screening total-score code with an in-range score', () => {
    for (const [code, max] of [['44261-6', 27], ['70274-6', 21], ['75626-2', 12], ['82667-7', 10]] as const) {
      const r = variant('clinical-screening', (o) => {
        o.code = { coding: [{ system: 'http://loinc.org', code }] };
        o.valueInteger = max;
      });
      expect(() => validator.validate(r), code).not.toThrow();
    }
  });

  it('accepts an excused absence recorded as cancelled, and aftercare month 6', () => {
    const excused = variant('treatment-attendance', (e) => {
      e.extension[0].valueCodeableConcept = cc('attendance-status', 'excused');
      e.status = 'cancelled';
    });
    expect(() => validator.validate(excused)).not.toThrow();
    expect(() => validator.validate(variant('aftercare-wellness-check', (e) => (e.extension[0].valuePositiveInt = 6)))).not.toThrow();
  });

  it('accepts a draft case plan with no assessments or goals yet', () => {
    const r = variant('case-plan', (p) => {
      p.status = 'draft';
      delete p.supportingInfo;
      delete p.goal;
    });
    expect(() => validator.validate(r)).not.toThrow();
  });
});

describe('terminology', () => {
  /** The reentry code systems; each has a value set of the same id holding all its codes. */
  const REENTRY_CODE_SYSTEMS = [
    'supervision-type', 'supervision-level', 'supervision-condition', 'custody-event-type', 'reentry-program', 'eligibility-basis',
    'organization-role', 'care-team-role', 'reentry-observation-category', 'assessment-instrument', 'risk-level', 'asam-level',
    'assessment-domain', 'drug-test-panel', 'drug-test-result', 'test-selection', 'drug-test-specimen-type', 'treatment-type',
    'encounter-kind', 'attendance-status', 'wellness-check-item', 'linkage-domain', 'criminogenic-need', 'case-plan-category',
    'cc-component', 'responsivity-factor', 'participant-strength', 'training-topic', 'legal-information-type',
    'gender-responsive-approach', 'engagement-role', 'vulnerability-junction',
  ];
  const local = projectDefinitions.codeSystems.filter((c) => c.url?.startsWith(`${PROJECT_CANONICAL}/CodeSystem/`));

  it('has a complete value set with all its codes for every reentry code system', () => {
    for (const id of REENTRY_CODE_SYSTEMS) {
      const cs = local.find((c) => c.url === CS(id));
      expect(cs?.content, id).toBe('complete');
      const codes = (cs?.concept ?? []).map((c) => c.code ?? '').sort();
      expect(codes.length, id).toBeGreaterThan(0);
      expect(projectDefinitions.expansions[VS(id)]?.[CS(id)], `${VS(id)} ⊇ ${CS(id)}`).toEqual(codes);
    }
  });

  it('enumerates the ten CC case plan components', () => {
    const cs = local.find((c) => c.url === CS('cc-component'));
    expect(cs?.concept?.map((c) => c.code)).toEqual([
      'interagency-collaboration', 'staff-training', 'screening-assessment', 'case-conference', 'participant-engagement',
      'prioritized-needs-goals', 'responsivity', 'legal-information', 'participant-strengths', 'gender-considerations',
    ]);
  });

  it('uses the LOINC total-score codes for screenings and keeps the panel codes apart', () => {
    for (const code of ['44261-6', '70274-6', '75626-2', '82667-7']) expect(isInValueSet(VS('clinical-screening-score'), code, 'http://loinc.org')).toBe(true);
    for (const code of ['44249-1', '69737-5', '72109-2', '82666-9']) {
      expect(isInValueSet(VS('clinical-screening-score'), code, 'http://loinc.org')).toBe(false);
      expect(isInValueSet(VS('clinical-screening-panel'), code, 'http://loinc.org')).toBe(true);
    }
  });

  it('marks 42 CFR Part 2 programs with organization-role#part2-program', () => {
    expect(isInValueSet(VS('organization-role'), 'part2-program', CS('organization-role'))).toBe(true);
  });

  it('combines criminogenic needs and linkage domains for goals, risk and ASAM levels for assessment results', () => {
    expect(isInValueSet(VS('need-domain'), 'criminal-thinking', CS('criminogenic-need'))).toBe(true);
    expect(isInValueSet(VS('need-domain'), 'identification', CS('linkage-domain'))).toBe(true);
    expect(isInValueSet(VS('risk-needs-result'), 'very-high', CS('risk-level'))).toBe(true);
    expect(isInValueSet(VS('risk-needs-result'), '3.7', CS('asam-level'))).toBe(true);
  });
});

describe('concept maps', () => {
  function translate(mapId: string, source: string, code: string): string | undefined {
    const map = projectDefinitions.conceptMaps.find((m) => m.url === `${PROJECT_CANONICAL}/ConceptMap/${mapId}`);
    const group = map?.group?.find((g) => g.source === source);
    return group?.element?.find((e) => e.code === code)?.target?.[0]?.code ?? group?.unmapped?.code;
  }

  it('maps MO DOC supervision levels 1-4', () => {
    const src = `${PROJECT_CANONICAL}/source/mo-doc/supervision-level`;
    expect(['1', '2', '3', '4'].map((c) => translate('mo-doc-supervision-level', src, c))).toEqual(['minimum', 'medium', 'high', 'intensive']);
  });

  it('maps lab drug test results', () => {
    const src = `${PROJECT_CANONICAL}/source/lab/drug-test-result`;
    expect(['POS', 'NEG', 'DIL', 'REF', 'ADL'].map((c) => translate('lab-drug-test-result', src, c))).toEqual(['positive', 'negative', 'dilute', 'refused', 'adulterated']);
  });

  it('maps RICMS and TASC service categories to linkage domains, unmapped to other', () => {
    const ricms = `${PROJECT_CANONICAL}/source/ricms/service-category`;
    const tasc = `${PROJECT_CANONICAL}/source/tasc/service-category`;
    expect(translate('service-category-linkage-domain', ricms, 'benefits establishment')).toBe('benefits');
    expect(translate('service-category-linkage-domain', ricms, 'obtaining identification')).toBe('identification');
    expect(translate('service-category-linkage-domain', ricms, 'karaoke')).toBe('other');
    expect(translate('service-category-linkage-domain', tasc, 'relapse prevention')).toBe('substance-use');
  });

  it('targets only codes of the target code system', () => {
    for (const map of projectDefinitions.conceptMaps) {
      for (const group of map.group ?? []) {
        const cs = projectDefinitions.codeSystems.find((c) => c.url === group.target);
        const codes = new Set<string | undefined>(cs?.concept?.map((c) => c.code));
        for (const e of group.element ?? []) for (const t of e.target ?? []) expect(codes.has(t.code), `${map.url} ${e.code} → ${t.code}`).toBe(true);
        if (group.unmapped?.code) expect(codes.has(group.unmapped.code)).toBe(true);
      }
    }
  });
});
