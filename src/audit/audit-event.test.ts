import { describe, expect, it } from 'vitest';
import { actCode, confidentiality } from '../consent/labels.js';
import { AUDIT_KIND_SYSTEM, auditKindOf, buildAuditEvent, patientIdOf } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';

const recorded = new Date('2026-11-23T10:00:00Z');
const treat = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' };

describe('buildAuditEvent', () => {
  it('P2-13 a disclosure names recipient, purpose, what, when and the consent', () => {
    const event = buildAuditEvent({
      id: 'ae-1',
      kind: 'disclosure',
      interaction: 'search-type',
      recorded,
      outcome: 'success',
      purposeOfUse: treat,
      requester: { organizationId: 'org-ehr', clientId: 'demo-ehr' },
      patientId: 'p1',
      resources: [{ reference: 'Condition/c1', versionId: '3', securityLabel: [confidentiality('R'), actCode('SUD')] }],
      authority: { type: 'consent', consentId: 'consent-7' },
      decisionId: 'dec-9',
      ruleIds: ['P2-03', 'P2-04'],
    });
    expect(event.type).toMatchObject({ code: '110106' });
    expect(event.action).toBe('R');
    expect(event.outcome).toBe('0');
    expect(event.recorded).toBe('2026-11-23T10:00:00.000Z');
    expect(event.purposeOfEvent?.[0]?.coding?.[0]).toEqual(treat);
    expect(event.agent[0]).toMatchObject({
      requestor: true,
      who: { reference: 'Organization/org-ehr', identifier: { system: 'urn:gateway:client-id', value: 'demo-ehr' } },
    });
    expect(event.agent[1]?.requestor).toBe(false);
    expect(event.source.observer.identifier?.value).toBe('reentry-fhir-gateway');
    const refs = event.entity?.map((e) => e.what?.reference);
    expect(refs).toEqual(['Condition/c1/_history/3', 'Patient/p1', 'Consent/consent-7']);
    expect(event.entity?.[0]?.securityLabel).toHaveLength(2);
    const details = event.entity?.[2]?.detail?.map((d) => `${d.type}=${d.valueString}`);
    expect(details).toEqual(['authority=consent', 'decision-id=dec-9', 'rule=P2-03', 'rule=P2-04']);
    expect(auditKindOf(event)).toBe('disclosure');
    expect(patientIdOf(event)).toBe('p1');
  });

  it('P2-12 an emergency disclosure names the emergency authority', () => {
    const event = buildAuditEvent({
      kind: 'emergency',
      interaction: 'read',
      recorded,
      outcome: 'success',
      purposeOfUse: { ...treat, code: 'ETREAT' },
      requester: { organizationId: 'org-er', clientId: 'er' },
      patientId: 'p1',
      resources: [{ reference: 'Condition/c1' }],
      authority: { type: 'emergency', note: 'overdose, unconscious' },
    });
    const authority = event.entity?.at(-1);
    expect(authority?.name).toBe('emergency');
    expect(authority?.what).toBeUndefined();
    expect(authority?.detail?.map((d) => d.valueString)).toEqual(['emergency', 'overdose, unconscious']);
    expect(event.subtype).toContainEqual({ system: AUDIT_KIND_SYSTEM, code: 'emergency' });
  });

  it('P2-20 a denial is a minor failure with the rule ids and no resources', () => {
    const event = buildAuditEvent({
      kind: 'denial',
      interaction: 'read',
      recorded,
      outcome: 'denied',
      requester: { organizationId: 'org-housing', clientId: 'demo-housing' },
      patientId: 'p1',
      resources: [],
      authority: { type: 'none' },
      ruleIds: ['P2-01'],
    });
    expect(event.outcome).toBe('4');
    expect(event.type.code).toBe('rest');
    expect(event.entity?.map((e) => e.name ?? e.what?.reference)).toEqual(['Patient/p1', 'none']);
  });
});

describe('canonicalJson', () => {
  it('P2-13 is independent of key order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: undefined }], e: null })).toBe('{"a":[{"d":"x"}],"b":1,"e":null}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(() => canonicalJson({ n: Infinity })).toThrow();
  });
});
