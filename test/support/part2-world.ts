import type { Bundle, Consent, ConsentProvision, Resource } from '@medplum/fhirtypes';
import { fhirConsent, recipient } from '../../src/consent/fixtures.js';
import type { ConsentKind } from '../../src/consent/index.js';
import { MONITORING_CATEGORY_SYSTEM } from '../../src/consent/vocabulary.js';
import { createTestGateway, type TestGateway } from './test-gateway.js';

/** The demo participant's supervision episode (demo seed) and their identifier. */
const DEMO_DOC = 'urn:gateway:demo:doc-number|DEMO-100001';
const LOCAL = 'https://reentry-gateway.example.org/fhir/CodeSystem';

export type Client = 'demo-treatment' | 'demo-corrections' | 'demo-housing' | 'demo-ehr' | 'demo-admin';

/**
 * A Part 2 world over the real HTTP API: the demo participant, their supervision episode, and
 * records written by the treatment program (a Part 2 program), so every label is computed by the
 * gateway itself. Tests add consents and then ask as other clients.
 */
export interface Part2World {
  readonly gw: TestGateway;
  readonly patientId: string;
  readonly supervisionId: string;
  readonly org: Record<Client, string>;
  readonly records: { drugTest: string; diagnosis: string; attendance: string; counselingNote: string; goal: string };
  token(client: Client, purpose?: string): Promise<string>;
  /** Creates a resource as `client`, returning its id (throws on any status but 201). */
  create(client: Client, resource: Resource): Promise<string>;
  /** A complete Part 2 consent of `kind` for the participant, disclosed by the treatment program. */
  consent(kind: ConsentKind, recipients: string[], provision?: Partial<ConsentProvision>): Consent;
  get(client: Client, path: string, purpose?: string): Promise<{ status: number; body: Resource & Bundle; headers: Headers }>;
  close(): Promise<void>;
}

export async function createPart2World(options: { now?: () => Date } = {}): Promise<Part2World> {
  const gw = await createTestGateway(options);
  const org = gw.demoOrganizations as Record<Client, string>;
  const tokens = new Map<string, string>();
  const token = async (client: Client, purpose = 'TREAT'): Promise<string> => {
    const k = `${client}|${purpose}`;
    if (!tokens.has(k)) tokens.set(k, await gw.token(client, { purpose }));
    return tokens.get(k)!;
  };
  const create = async (client: Client, resource: Resource): Promise<string> => {
    const res = await gw.fhir(`/fhir/${resource.resourceType}`, { method: 'POST', token: await token(client), json: resource });
    if (res.status !== 201) throw new Error(`create ${resource.resourceType} as ${client}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as Resource).id!;
  };
  const get = async (client: Client, path: string, purpose?: string) => {
    const res = await gw.fhir(path, { token: await token(client, purpose) });
    return { status: res.status, body: (await res.json()) as Resource & Bundle, headers: res.headers };
  };
  const admin = await token('demo-admin');
  const patientBundle = (await (await gw.fhir(`/fhir/Patient?identifier=${DEMO_DOC}`, { token: admin })).json()) as Bundle;
  const patientId = patientBundle.entry![0]!.resource!.id!;
  const episodes = (await (await gw.fhir(`/fhir/EpisodeOfCare?patient=Patient/${patientId}`, { token: admin })).json()) as Bundle;
  const supervisionId = episodes.entry![0]!.resource!.id!;
  const subject = { reference: `Patient/${patientId}` };

  const records = {
    drugTest: await create('demo-treatment', {
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: MONITORING_CATEGORY_SYSTEM, code: 'drug-test' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '19295-5' }] },
      subject,
      effectiveDateTime: '2026-10-01T10:00:00Z',
      valueCodeableConcept: { coding: [{ system: `${LOCAL}/drug-test-result`, code: 'negative' }] },
      note: [{ text: 'synthetic clinical note' }],
    }),
    diagnosis: await create('demo-treatment', {
      resourceType: 'Condition',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F11.20' }] },
      subject,
    }),
    attendance: await create('demo-treatment', {
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject,
      period: { start: '2026-10-02T15:00:00Z', end: '2026-10-02T16:00:00Z' },
      reasonCode: [{ text: 'synthetic reason' }],
    }),
    counselingNote: await create('demo-treatment', {
      resourceType: 'DocumentReference',
      status: 'current',
      type: { coding: [{ system: `${LOCAL}/note-type`, code: 'sud-counseling-note' }] },
      subject,
      content: [{ attachment: { contentType: 'text/plain', data: 'c3ludGhldGlj' } }],
    }),
    goal: await create('demo-treatment', {
      resourceType: 'Goal',
      lifecycleStatus: 'active',
      achievementStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: 'improving' }] },
      description: { text: 'Stay in outpatient treatment' },
      subject,
    }),
  };

  const consent = (kind: ConsentKind, recipients: string[], provision: Partial<ConsentProvision> = {}): Consent => {
    const base = fhirConsent(kind, undefined, provision);
    const { id: _id, ...rest } = base;
    const withRecipients = (p: ConsentProvision | undefined): ConsentProvision | undefined =>
      p && { ...p, ...(p.actor ? { actor: recipients.map(recipient) } : {}) };
    const json = JSON.stringify({ ...rest, provision: withRecipients(rest.provision) })
      .replaceAll('"Patient/p1"', JSON.stringify(`Patient/${patientId}`))
      .replaceAll('"Organization/program"', JSON.stringify(`Organization/${org['demo-treatment']}`))
      .replaceAll('"EpisodeOfCare/supervision"', JSON.stringify(`EpisodeOfCare/${supervisionId}`))
      .replaceAll('"EpisodeOfCare/case"', JSON.stringify(`EpisodeOfCare/${supervisionId}`));
    return JSON.parse(json) as Consent;
  };

  return { gw, patientId, supervisionId, org, records, token, create, consent, get, close: () => gw.close() };
}
