import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../outcomes/index.js';
import { createValidator, isInValueSet, listProfiles, PROJECT_CANONICAL, type ResourceValidator } from './index.js';

const REENTRY = `${PROJECT_CANONICAL}/StructureDefinition/reentry-participant`;
const DOC_SYSTEM = `${PROJECT_CANONICAL}/sid/doc-number`;

let validator: ResourceValidator;
beforeAll(async () => {
  validator = await createValidator();
});

/** Runs validate() and returns the GatewayError it throws (fails the test if it doesn't). */
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

const observation = { resourceType: 'Observation', status: 'final', code: { text: 'UDS' }, subject: { reference: 'Patient/p1' } };

describe('envelope', () => {
  it('accepts a valid Patient and returns it', () => {
    const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jo'] }], gender: 'female', birthDate: '1990-02-03' };
    expect(validator.validate(patient)).toBe(patient);
  });

  it('refuses a body that is not an object with 400', () => {
    for (const body of [null, [], 'Patient', 42]) expect(rejection(body).status).toBe(400);
    expect(rejection({ id: 'x' })).toMatchObject({ status: 400, code: 'HTTP_BAD_REQUEST' });
  });

  it('refuses a resource type the gateway does not serve with 422 on `resourceType`', () => {
    for (const resourceType of ['Medication', 'Project', 'NotAType']) {
      const err = rejection({ resourceType });
      expect(err).toMatchObject({ status: 422, code: 'FHIR_UNKNOWN_RESOURCE_TYPE' });
      expect(expressions(err)).toEqual(['resourceType']);
    }
  });

  it('refuses a contained resource of a type the gateway does not serve', () => {
    const err = rejection({ resourceType: 'Patient', contained: [{ resourceType: 'Practitioner', id: 'a' }, { resourceType: 'Medication', id: 'm' }] });
    expect(expressions(err)).toEqual(['Patient.contained[1].resourceType']);
  });

  it('refuses a malformed id', () => {
    expect(expressions(rejection({ resourceType: 'Patient', id: 'a b' }))).toEqual(['Patient.id']);
  });
});

describe('R4 structure (Medplum)', () => {
  it('reports an unknown element with its path', () => {
    const err = rejection({ resourceType: 'Patient', foo: 1 });
    expect(err).toMatchObject({ status: 422, code: 'FHIR_INVALID_RESOURCE' });
    expect(expressions(err)).toEqual(['Patient.foo']);
  });

  it('reports a wrong JSON type', () => {
    expect(expressions(rejection({ resourceType: 'Patient', birthDate: 19900203 }))).toEqual(['Patient.birthDate']);
  });

  it('reports missing required elements', () => {
    const err = rejection({ resourceType: 'Observation' });
    expect(err.status).toBe(422);
    expect(expressions(err)).toEqual(expect.arrayContaining(['Observation.status', 'Observation.code']));
  });

  it('reports a missing required element inside a backbone element', () => {
    const consent = {
      resourceType: 'Consent',
      status: 'active',
      scope: { text: 'privacy' },
      category: [{ text: 'x' }],
      policyRule: { text: 'Part 2' },
      provision: { actor: [{ reference: { reference: 'Organization/o1' } }] },
    };
    expect(expressions(rejection(consent))).toEqual(['Consent.provision.actor[0].role']);
  });

  it('refuses Medplum-only Meta elements', () => {
    expect(expressions(rejection({ resourceType: 'Patient', meta: { project: 'p' } }))).toEqual(['Patient.meta.project']);
  });
});

describe('required bindings (not checked by Medplum 4.5.2)', () => {
  it('refuses a status code outside its required value set', () => {
    const err = rejection({ ...observation, status: 'done' });
    expect(err.status).toBe(422);
    expect(err.issues[0]?.code).toBe('code-invalid');
    expect(expressions(err)).toEqual(['Observation.status']);
  });

  it('checks codes in datatypes, backbone elements and nested provisions', () => {
    expect(expressions(rejection({ resourceType: 'Patient', gender: 'x' }))).toEqual(['Patient.gender']);
    expect(expressions(rejection({ resourceType: 'Patient', identifier: [{ use: 'primary', value: '1' }] }))).toEqual(['Patient.identifier[0].use']);
    const consent = {
      resourceType: 'Consent',
      status: 'active',
      scope: { text: 'privacy' },
      category: [{ text: 'x' }],
      policyRule: { text: 'Part 2' },
      provision: { type: 'permit', provision: [{ type: 'maybe' }] },
    };
    expect(expressions(rejection(consent))).toEqual(['Consent.provision.provision[0].type']);
  });

  it('requires a CodeableConcept bound `required` to carry a code from the value set', () => {
    const condition = { resourceType: 'Condition', subject: { reference: 'Patient/p1' } };
    const ok = { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' };
    expect(() => validator.validate({ ...condition, clinicalStatus: { coding: [ok] } })).not.toThrow();
    const bad = { ...condition, clinicalStatus: { coding: [{ ...ok, code: 'dormant' }] } };
    expect(expressions(rejection(bad))).toEqual(['Condition.clinicalStatus']);
  });

  it('accepts valid codes', () => {
    expect(() => validator.validate(observation)).not.toThrow();
  });
});

describe('reference targets (only a warning in Medplum 4.5.2)', () => {
  it('refuses a relative reference to a type the element does not allow', () => {
    const err = rejection({ ...observation, subject: { reference: 'Organization/o1' } });
    expect(err.status).toBe(422);
    expect(expressions(err)).toEqual(['Observation.subject']);
    expect(expressions(rejection({ ...observation, performer: [{ reference: 'Practitioner/a' }, { reference: 'Goal/g1' }] }))).toEqual([
      'Observation.performer[1]',
    ]);
  });

  it('accepts allowed targets, placeholders, contained and absolute references', () => {
    for (const reference of ['Patient/p1', 'Patient/p1/_history/2', 'urn:uuid:6f0b8f0e-2b8e-4a7e-9d3c-1c2f0e7d9a11', 'https://ehr.example.org/fhir/Patient/9']) {
      expect(() => validator.validate({ ...observation, subject: { reference } })).not.toThrow();
    }
  });
});

describe('narrative', () => {
  const div = (inner: string) => ({ resourceType: 'Patient', text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${inner}</div>` } });

  it('accepts plain XHTML', () => {
    expect(() => validator.validate(div('<p>Jo <b>Doe</b></p><a href="https://example.org">x</a>'))).not.toThrow();
  });

  it('refuses active content', () => {
    for (const inner of ['<script>alert(1)</script>', '<img src="x" onerror="alert(1)"/>', '<a href="javascript:alert(1)">x</a>', '<iframe src="x"></iframe>']) {
      expect(expressions(rejection(div(inner)))).toEqual(['Patient.text.div']);
    }
  });
});

describe('profiles', () => {
  const participant = {
    resourceType: 'Patient',
    meta: { profile: [REENTRY] },
    name: [{ family: 'Doe' }],
    identifier: [{ system: DOC_SYSTEM, value: 'A123456' }],
  };

  it('lists the project profiles', () => {
    expect(listProfiles()).toContainEqual({ url: REENTRY, type: 'Patient', name: 'ReentryParticipant' });
    expect(validator.profilesByType().Patient).toEqual([REENTRY]);
  });

  it('accepts a ReentryParticipant with its DOC number', () => {
    expect(() => validator.validate(participant)).not.toThrow();
    expect(() => validator.validate({ ...participant, meta: { profile: [`${REENTRY}|0.1.0`] } })).not.toThrow();
  });

  it('refuses a ReentryParticipant without the DOC identifier', () => {
    const err = rejection({ ...participant, identifier: [{ system: 'urn:other', value: '1' }] });
    expect(err.status).toBe(422);
    expect(expressions(err)).toContain('Patient.identifier');
    expect(rejection({ ...participant, identifier: undefined }).status).toBe(422);
  });

  it('enforces cardinality inside the slice via the root invariant rp-1', () => {
    const err = rejection({ ...participant, identifier: [{ system: DOC_SYSTEM }] });
    expect(err.issues.map((i) => i.details?.text).join(' ')).toContain('rp-1');
    const twice = { ...participant, identifier: [participant.identifier[0], { system: DOC_SYSTEM, value: 'B2' }] };
    expect(rejection(twice).status).toBe(422);
  });

  it('does not apply a profile the resource does not claim', () => {
    expect(() => validator.validate({ ...participant, meta: undefined, identifier: undefined })).not.toThrow();
  });

  it('refuses an unknown profile, naming it (fail closed)', () => {
    const err = rejection({ ...participant, meta: { profile: [REENTRY, 'http://example.org/StructureDefinition/nope'] } });
    expect(err.status).toBe(422);
    expect(expressions(err)).toEqual(['Patient.meta.profile[1]']);
    expect(err.message).toContain('http://example.org/StructureDefinition/nope');
    expect(expressions(rejection({ ...participant, meta: { profile: [`${REENTRY}|9.9.9`] } }))).toEqual(['Patient.meta.profile[0]']);
  });

  it('accepts the base R4 profile URL and refuses a profile for another type', () => {
    expect(() => validator.validate({ resourceType: 'Patient', meta: { profile: ['http://hl7.org/fhir/StructureDefinition/Patient'] } })).not.toThrow();
    expect(expressions(rejection({ ...observation, meta: { profile: [REENTRY] } }))).toEqual(['Observation.meta.profile[0]']);
  });
});

describe('terminology', () => {
  it('knows the criminal-justice purpose of use', () => {
    const vs = `${PROJECT_CANONICAL}/ValueSet/gateway-purpose-of-use`;
    expect(isInValueSet(vs, 'CJMONITOR', `${PROJECT_CANONICAL}/CodeSystem/cj-purpose-of-use`)).toBe(true);
    expect(isInValueSet(vs, 'TREAT', 'http://terminology.hl7.org/CodeSystem/v3-ActReason')).toBe(true);
    expect(isInValueSet(vs, 'CJMONITOR', 'http://terminology.hl7.org/CodeSystem/v3-ActReason')).toBe(false);
  });
});

describe('hostile input', () => {
  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    let deep: Record<string, unknown> = { url: 'http://x', valueString: 'leaf' };
    for (let i = 0; i < 100_000; i++) deep = { url: 'http://x', extension: [deep] };
    const err = rejection({ resourceType: 'Patient', extension: [deep] });
    expect(err.status).toBe(422);
    expect(err.issues[0]?.code).toBe('too-costly');
  });

  it('refuses non-finite numbers', () => {
    const err = rejection(JSON.parse('{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1e400}}'));
    expect(expressions(err)).toEqual(['Observation.valueQuantity.value']);
  });
});
