import type { Coding, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { V3_ACT_CODE, V3_CONFIDENTIALITY, actCode, confidentiality } from './labels.js';
import { computeLabels, referencesOf, type LabelContext } from './labeling.js';
import {
  ASSESSMENT_DOMAIN_SYSTEM,
  ASSESSMENT_INSTRUMENT_SYSTEM,
  ICD10CM,
  LINKAGE_DOMAIN_SYSTEM,
  LOINC,
  NOTE_TYPE_SYSTEM,
  OBSERVATION_CATEGORY_SYSTEM,
  TREATMENT_TYPE_SYSTEM,
} from './sud-codes.js';

const none: LabelContext = { writerIsPart2Program: false, referencedLabels: [] };
const codes = (labels: Coding[]): string[] => labels.map((l) => l.code ?? '').sort();
const part2Labels = [confidentiality('R'), actCode('42CFRPart2'), actCode('SUD')];

interface Case {
  name: string;
  resource: Resource;
  ctx?: LabelContext;
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'P2-18 Condition F11.20 → SUD + OPIOIDUD + 42CFRPart2 + R',
    resource: { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: ICD10CM, code: 'F11.20' }] } },
    expected: ['42CFRPart2', 'OPIOIDUD', 'R', 'SUD'],
  },
  {
    name: 'P2-18 Condition F10.20 (alcohol) → ETHUD',
    resource: { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: ICD10CM, code: 'F10.20' }] } },
    expected: ['42CFRPart2', 'ETHUD', 'R', 'SUD'],
  },
  {
    name: 'P2-18 F17 nicotine is not SUD (§2.11 excludes tobacco) → N',
    resource: { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: ICD10CM, code: 'F17.210' }] } },
    expected: ['N'],
  },
  {
    name: 'P2-18 drug test Observation (LOINC opiates screen) → SUD + 42CFRPart2 + R',
    resource: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC, code: '19295-5' }] } },
    expected: ['42CFRPart2', 'R', 'SUD'],
  },
  {
    name: 'P2-18 drug test Observation (project drug-test category) → labeled',
    resource: {
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'drug-test' }] }],
      code: { text: 'urine cup' },
    },
    expected: ['42CFRPart2', 'R', 'SUD'],
  },
  {
    name: 'P2-18 referral ServiceRequest to SUD treatment (linkage domain substance-use) from corrections → labeled',
    resource: {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      category: [{ coding: [{ system: LINKAGE_DOMAIN_SYSTEM, code: 'substance-use' }] }],
    },
    expected: ['42CFRPart2', 'R', 'SUD'],
  },
  {
    name: 'P2-18 Observation derivedFrom a Part 2 labeled Condition inherits its labels',
    resource: { resourceType: 'Observation', status: 'final', code: { text: 'progress' }, derivedFrom: [{ reference: 'Condition/c1' }] },
    ctx: { writerIsPart2Program: false, referencedLabels: [[...part2Labels, actCode('OPIOIDUD')]] },
    expected: ['42CFRPart2', 'OPIOIDUD', 'R', 'SUD'],
  },
  {
    name: 'P2-18 anything written by a Part 2 program is Part 2',
    resource: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' } } as Resource,
    ctx: { writerIsPart2Program: true, referencedLabels: [] },
    expected: ['42CFRPart2', 'R', 'SUD'],
  },
  {
    name: 'P2-07/P2-18 SUD counseling note DocumentReference → PSYTHPN + Part 2',
    resource: {
      resourceType: 'DocumentReference',
      status: 'current',
      type: { coding: [{ system: NOTE_TYPE_SYSTEM, code: 'sud-counseling-note' }] },
      content: [{ attachment: { contentType: 'text/plain' } }],
    },
    expected: ['42CFRPart2', 'PSYTHPN', 'R', 'SUD'],
  },
  {
    name: 'P2-18 PHQ-9 Observation → MH + BH + R, not Part 2',
    resource: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC, code: '44249-1' }] } },
    expected: ['BH', 'MH', 'R'],
  },
  {
    name: 'P2-18 TCU Drug Screen 5 assessment (local instrument code) → Part 2',
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: ASSESSMENT_INSTRUMENT_SYSTEM, code: 'TCU-DS-5' }] },
    },
    expected: ['42CFRPart2', 'R', 'SUD'],
  },
  {
    name: 'P2-18 co-occurring treatment episode → SUD + MH + BH + Part 2',
    resource: { resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: 'Patient/p1' }, type: [{ coding: [{ system: TREATMENT_TYPE_SYSTEM, code: 'co-occurring' }] }] },
    expected: ['42CFRPart2', 'BH', 'MH', 'R', 'SUD'],
  },
  {
    name: 'P2-18 an ORAS substance-use domain score from corrections is not a Part 2 record → N',
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: ASSESSMENT_INSTRUMENT_SYSTEM, code: 'ORAS-CST' }] },
      component: [{ code: { coding: [{ system: ASSESSMENT_DOMAIN_SYSTEM, code: 'substance-use' }] }, valueInteger: 3 }],
    },
    expected: ['N'],
  },
  {
    name: 'P2-18 a Questionnaire (form definition, no patient data) is never labeled by its codes',
    resource: { resourceType: 'Questionnaire', status: 'active', code: [{ system: LOINC, code: '82666-9' }] },
    expected: ['N'],
  },
  {
    name: 'P2-18 plain housing ServiceRequest → N only',
    resource: {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      category: [{ coding: [{ system: LINKAGE_DOMAIN_SYSTEM, code: 'housing' }] }],
    },
    expected: ['N'],
  },
  {
    name: 'P2-18 a reference to a labeled Patient does not propagate (caller never loads it)',
    resource: { resourceType: 'Goal', lifecycleStatus: 'active', subject: { reference: 'Patient/p1' }, description: { text: 'job' } },
    expected: ['N'],
  },
  {
    name: 'P2-18 a contained Part 2 labeled resource labels its container',
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      contained: [{ resourceType: 'Condition', id: 'c', meta: { security: part2Labels }, subject: { reference: 'Patient/p1' } }],
    },
    expected: ['42CFRPart2', 'R', 'SUD'],
  },
  {
    name: 'P2-20 a malformed meta.security does not crash labeling',
    resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, meta: { security: 'R' as unknown as Coding[] } },
    expected: ['N'],
  },
  {
    name: 'P2-20 an R3-era confidentiality URL is normalized, still one confidentiality code',
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      meta: { security: [{ system: 'http://hl7.org/fhir/v3/Confidentiality', code: 'V' }] },
    },
    expected: ['V'],
  },
  {
    name: 'P2-20 client label V is kept (highest confidentiality wins)',
    resource: {
      resourceType: 'Condition',
      meta: { security: [confidentiality('V')] },
      subject: { reference: 'Patient/p1' },
      code: { coding: [{ system: ICD10CM, code: 'F11.20' }] },
    },
    expected: ['42CFRPart2', 'OPIOIDUD', 'SUD', 'V'],
  },
  {
    name: 'P2-20 client cannot drop computed labels by sending a lower confidentiality',
    resource: {
      resourceType: 'Condition',
      meta: { security: [confidentiality('N')] },
      subject: { reference: 'Patient/p1' },
      code: { coding: [{ system: ICD10CM, code: 'F11.20' }] },
    },
    expected: ['42CFRPart2', 'OPIOIDUD', 'R', 'SUD'],
  },
  {
    name: 'P2-20 labels only go up: an update keeps the previous version labels',
    resource: { resourceType: 'Observation', status: 'final', code: { text: 'edited' } },
    ctx: { writerIsPart2Program: false, referencedLabels: [], previousLabels: part2Labels },
    expected: ['42CFRPart2', 'R', 'SUD'],
  },
  {
    name: 'P2-16 retired NORDSLCD is never stored; its refrain intent becomes NORDSCLCD',
    resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, meta: { security: [actCode('NORDSLCD')] } },
    expected: ['N', 'NORDSCLCD'],
  },
  {
    name: 'P2-11 other client labels (NORDSCLCD) are preserved, once',
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      meta: { security: [actCode('NORDSCLCD'), actCode('NORDSCLCD'), { system: 'urn:x', code: 'y' }] },
    },
    expected: ['N', 'NORDSCLCD', 'y'],
  },
  {
    name: 'P2-18 a client-added SUD label makes the record Part 2',
    resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, meta: { security: [actCode('SUD')] } },
    expected: ['42CFRPart2', 'R', 'SUD'],
  },
];

describe('computeLabels', () => {
  it.each(cases)('$name', ({ resource, ctx, expected }) => {
    const labels = computeLabels(resource, ctx ?? none);
    expect(codes(labels)).toEqual([...expected].sort());
    // INVARIANT (ARCHITECTURE §2): exactly one confidentiality code, always.
    expect(labels.filter((l) => l.system === V3_CONFIDENTIALITY)).toHaveLength(1);
    expect(labels.some((l) => l.code === 'NORDSLCD')).toBe(false);
    expect(labels.filter((l) => l.system === V3_ACT_CODE).every((l) => l.code !== undefined)).toBe(true);
  });

  it('P2-20 walks a resource nested 10,000 deep without recursion', () => {
    let deep: Record<string, unknown> = { coding: [{ system: ICD10CM, code: 'F11.20' }] };
    for (let i = 0; i < 10_000; i++) deep = { extension: [{ valueCodeableConcept: deep }] };
    const resource = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, extension: [deep] } as unknown as Resource;
    expect(codes(computeLabels(resource, none))).toContain('OPIOIDUD');
  });
});

describe('referencesOf', () => {
  it('P2-18 lists relative references to clinical resources, deduplicated, without who/where types', () => {
    const resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: 'Patient/p1' },
      performer: [{ reference: 'Organization/o1' }],
      derivedFrom: [{ reference: 'Condition/c1' }, { reference: 'Condition/c1/_history/2' }],
      hasMember: [{ reference: 'https://elsewhere.example/fhir/Observation/9' }, { reference: '#contained' }],
      basedOn: [{ reference: 'ServiceRequest/sr-1' }],
    } as Resource;
    expect(referencesOf(resource).sort()).toEqual(['Condition/c1', 'ServiceRequest/sr-1']);
  });
});
