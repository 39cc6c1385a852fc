import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { CLIENT_ID_SYSTEM } from '../auth/client-defaults.js';
import { ORGANIZATION_ROLE_SYSTEM } from '../enforcement/requester-facts.js';

const DEMO_SYSTEM = 'urn:gateway:demo';

/** The demo clients and the organization each one acts for. All names and people are synthetic. */
export const DEMO_ORGANIZATIONS = [
  { clientId: 'demo-corrections', name: 'Demo County Probation & Parole (synthetic)', type: 'govt', role: 'probation' },
  { clientId: 'demo-treatment', name: 'Demo Recovery Services — Part 2 SUD program (synthetic)', type: 'prov', role: 'part2-program' },
  { clientId: 'demo-housing', name: 'Demo Housing Partners (synthetic)', type: 'cg', role: 'housing-provider' },
  { clientId: 'demo-ehr', name: 'Demo EHR Vendor (synthetic)', type: 'bus', role: 'ehr-vendor' },
  { clientId: 'demo-admin', name: 'Reentry Gateway Operations (synthetic)', type: 'other', role: 'community-based-organization' },
] as const;

export type DemoClientId = (typeof DEMO_ORGANIZATIONS)[number]['clientId'];

function entry(fullUrl: string, resource: Resource, condition: string): BundleEntry {
  return { fullUrl, resource, request: { method: 'POST', url: resource.resourceType, ifNoneExist: condition } };
}

const org = (clientId: DemoClientId) => `urn:uuid:org-${clientId}`;

/**
 * A transaction Bundle with the demo world: one organization per demo client, a participant
 * under probation supervision with a probation officer, a treatment counselor, and a care team.
 * Every entry is a conditional create, so posting it again changes nothing.
 */
export function demoBundle(): Bundle {
  const organizations = DEMO_ORGANIZATIONS.map((o) =>
    entry(
      org(o.clientId),
      {
        resourceType: 'Organization',
        identifier: [{ system: CLIENT_ID_SYSTEM, value: o.clientId }],
        active: true,
        name: o.name,
        type: [
          { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: o.type }] },
          { coding: [{ system: ORGANIZATION_ROLE_SYSTEM, code: o.role }] },
        ],
      },
      `identifier=${CLIENT_ID_SYSTEM}|${o.clientId}`,
    ),
  );
  const people: BundleEntry[] = [
    entry(
      'urn:uuid:participant',
      {
        resourceType: 'Patient',
        identifier: [{ system: `${DEMO_SYSTEM}:doc-number`, value: 'DEMO-100001' }],
        name: [{ family: 'Example', given: ['Jordan'] }],
        gender: 'unknown',
        birthDate: '1990-01-01',
        managingOrganization: { reference: org('demo-corrections') },
      },
      `identifier=${DEMO_SYSTEM}:doc-number|DEMO-100001`,
    ),
    entry(
      'urn:uuid:officer',
      {
        resourceType: 'Practitioner',
        identifier: [{ system: `${DEMO_SYSTEM}:staff`, value: 'PO-7' }],
        name: [{ family: 'Officer', given: ['Sam'], prefix: ['PO'] }],
      },
      `identifier=${DEMO_SYSTEM}:staff|PO-7`,
    ),
    entry(
      'urn:uuid:counselor',
      {
        resourceType: 'Practitioner',
        identifier: [{ system: `${DEMO_SYSTEM}:staff`, value: 'TC-3' }],
        name: [{ family: 'Counselor', given: ['Riley'] }],
      },
      `identifier=${DEMO_SYSTEM}:staff|TC-3`,
    ),
    entry(
      'urn:uuid:supervision',
      {
        resourceType: 'EpisodeOfCare',
        identifier: [{ system: `${DEMO_SYSTEM}:supervision`, value: 'SUP-2026-0042' }],
        status: 'active',
        type: [{ text: 'Probation supervision' }],
        patient: { reference: 'urn:uuid:participant' },
        managingOrganization: { reference: org('demo-corrections') },
        period: { start: '2026-09-01' },
        careManager: { reference: 'urn:uuid:officer' },
      },
      `identifier=${DEMO_SYSTEM}:supervision|SUP-2026-0042`,
    ),
    entry(
      'urn:uuid:careteam',
      {
        resourceType: 'CareTeam',
        identifier: [{ system: `${DEMO_SYSTEM}:careteam`, value: 'CT-1' }],
        status: 'active',
        name: 'Reentry team for participant DEMO-100001',
        subject: { reference: 'urn:uuid:participant' },
        participant: [
          { role: [{ text: 'Probation officer' }], member: { reference: 'urn:uuid:officer' }, onBehalfOf: { reference: org('demo-corrections') } },
          { role: [{ text: 'Treatment counselor' }], member: { reference: 'urn:uuid:counselor' }, onBehalfOf: { reference: org('demo-treatment') } },
          { role: [{ text: 'Housing specialist' }], member: { reference: org('demo-housing') } },
        ],
      },
      `identifier=${DEMO_SYSTEM}:careteam|CT-1`,
    ),
  ];
  return { resourceType: 'Bundle', type: 'transaction', entry: [...organizations, ...people] };
}
