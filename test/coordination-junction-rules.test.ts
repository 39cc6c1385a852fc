import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { junctionsOf } from '../src/coordination/index.js';
import type { StoredVersion } from '../src/storage/store.js';

const CS = 'https://reentry-gateway.example.org/fhir/CodeSystem';
const SD = 'https://reentry-gateway.example.org/fhir/StructureDefinition';

function version(resource: Record<string, unknown>, lastUpdated = '2026-10-01T12:00:00.000Z', deleted = false, patientId: string | null = 'p1'): StoredVersion {
  return { resource: resource as unknown as Resource, resourceType: String(resource['resourceType']), id: 'r1', versionId: 1, lastUpdated, deleted, disclosure: { part2: false, ...(patientId ? { patientId } : {}) } };
}

const booking = (expected: string) => ({
  resourceType: 'Encounter',
  status: 'in-progress',
  type: [{ coding: [{ system: `${CS}/custody-event-type`, code: 'booking' }] }],
  extension: [{ url: `${SD}/expected-release-date`, valueDate: expected }],
});
const supervision = (status: string, end?: string) => ({
  resourceType: 'EpisodeOfCare',
  status,
  type: [{ coding: [{ system: `${CS}/supervision-type`, code: 'parole' }] }],
  period: { start: '2025-01-01', ...(end ? { end } : {}) },
});
const drugTest = (result: string, status = 'final') => ({
  resourceType: 'Observation',
  status,
  category: [{ coding: [{ system: `${CS}/reentry-observation-category`, code: 'drug-test' }] }],
  valueCodeableConcept: { coding: [{ system: `${CS}/drug-test-result`, code: result }] },
});

describe('junction rules (pure; due dates count from the version, never the clock)', () => {
  const cases: [string, StoredVersion, { kind: string; due: string; priority: string } | undefined][] = [
    ['release 10 days after booking is urgent, planned a week ahead', version(booking('2026-10-11')), { kind: 'release-linkage-plan', due: '2026-10-04', priority: 'urgent' }],
    ['release months away is routine', version(booking('2027-02-01')), { kind: 'release-linkage-plan', due: '2027-01-25', priority: 'routine' }],
    ['a booking without an expected release date raises nothing', version({ ...booking('x'), extension: [] }), undefined],
    ['supervision ending within 30 days', version(supervision('active', '2026-10-25')), { kind: 'supervision-discharge-plan', due: '2026-10-25', priority: 'routine' }],
    ['supervision ending in 60 days: not yet', version(supervision('active', '2026-11-30')), undefined],
    ['supervision already ended (finished)', version(supervision('finished', '2026-09-30')), { kind: 'supervision-discharge-plan', due: '2026-10-08', priority: 'urgent' }],
    ['a treatment episode finishing is not a supervision discharge', version({ ...supervision('finished', '2026-09-30'), type: [{ coding: [{ system: `${CS}/treatment-type`, code: 'sud' }] }] }), undefined],
    ['positive drug test', version(drugTest('positive')), { kind: 'positive-drug-test-response', due: '2026-10-02', priority: 'urgent' }],
    ['negative drug test', version(drugTest('negative')), undefined],
    ['a positive entered in error', version(drugTest('positive', 'entered-in-error')), undefined],
    ['an Appointment marked noshow', version({ resourceType: 'Appointment', status: 'noshow', start: '2026-09-30T10:00:00Z' }), { kind: 'missed-appointment-follow-up', due: '2026-10-03', priority: 'urgent' }],
    ['a deleted positive test', version(drugTest('positive'), undefined, true), undefined],
    ['a record about no participant', version(drugTest('positive'), undefined, false, null), undefined],
  ];
  for (const [name, v, expected] of cases) {
    it(name, () => {
      const found = junctionsOf(v);
      if (!expected) return expect(found).toEqual([]);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ ...expected, patientId: 'p1', focus: `${v.resourceType}/r1` });
    });
  }
});
