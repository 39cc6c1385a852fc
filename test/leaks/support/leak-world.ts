import type { CapabilityStatement, Resource } from '@medplum/fhirtypes';
import { createPart2World, type Client, type Part2World } from '../../support/part2-world.js';

const LOCAL = 'https://reentry-gateway.example.org/fhir/CodeSystem';
/** An identifier system only the leak suite uses, so `identifier=` shapes match exactly one record. */
export const LEAK_IDENTIFIER = 'urn:gateway:test:leak';

/** A requester with no consent in this world, and the purpose of use its token carries. */
export interface Requester {
  readonly client: Client;
  readonly purpose: string;
}

/** Every requester the leak suite asks as: none has a consent, so none may see a Part 2 record. */
export const REQUESTERS: readonly Requester[] = [
  { client: 'demo-ehr', purpose: 'TREAT' },
  { client: 'demo-housing', purpose: 'COC' },
  { client: 'demo-corrections', purpose: 'CJMONITOR' },
  { client: 'demo-admin', purpose: 'TREAT' },
];

/** The program that wrote every Part 2 record here: it sees all of them (the control). */
export const HOLDER: Requester = { client: 'demo-treatment', purpose: 'TREAT' };

/** The current holder's view of one Part 2 record. */
export interface HiddenRecord {
  readonly type: string;
  readonly id: string;
  readonly versionId: string;
  readonly resource: Resource;
  readonly deleted?: boolean;
}

/** A raw answer: status, the body as text (what a leak would be searched in) and headers. */
export interface Probe {
  readonly status: number;
  readonly text: string;
  readonly json: any;
  readonly headers: Headers;
}

export interface ProbeRequest {
  readonly method?: string;
  readonly path: string;
  readonly body?: unknown;
  readonly form?: string;
  readonly headers?: Record<string, string>;
}

/**
 * The leak world: the Part 2 world of test/support plus more Part 2 records that reference each
 * other (a referral ServiceRequest and its Task, a care plan, a provenance, an episode, a record
 * with three versions, a deleted record) and non-Part 2 records of the same types written by the
 * other clients. `hidden` is every Part 2 record by id; `visible` the non-Part 2 ids written here.
 */
export interface LeakWorld {
  readonly w: Part2World;
  readonly patientId: string;
  readonly hidden: ReadonlyMap<string, HiddenRecord>;
  readonly hiddenIds: readonly string[];
  readonly visible: ReadonlyMap<string, { type: string; id: string }>;
  readonly ids: Record<string, string>;
  readonly metadata: CapabilityStatement;
  probe(who: Requester, req: ProbeRequest): Promise<Probe>;
  /** The holder's current view of a hidden record (to prove a write did not touch it). */
  holderRead(type: string, id: string): Promise<Probe>;
  close(): Promise<void>;
}

export async function createLeakWorld(): Promise<LeakWorld> {
  const w = await createPart2World();
  const pid = w.patientId;
  const subject = { reference: `Patient/${pid}` };
  const program = { reference: `Organization/${w.org['demo-treatment']}` };
  const r = w.records;
  const create = (client: Client, resource: Record<string, unknown>) => w.create(client, resource as unknown as Resource);
  const ident = (value: string) => [{ system: LEAK_IDENTIFIER, value }];

  const referral = await create('demo-treatment', {
    resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject, identifier: ident('LEAK-SR'),
    code: { coding: [{ system: `${LOCAL}/service`, code: 'sud-outpatient' }] }, authoredOn: '2026-09-30T12:00:00Z',
    reasonReference: [{ reference: `Condition/${r.diagnosis}` }], encounter: { reference: `Encounter/${r.attendance}` }, requester: program,
  });
  const task = await create('demo-treatment', {
    resourceType: 'Task', status: 'in-progress', intent: 'order', for: subject, identifier: ident('LEAK-TASK'),
    focus: { reference: `ServiceRequest/${referral}` }, basedOn: [{ reference: `ServiceRequest/${referral}` }],
    encounter: { reference: `Encounter/${r.attendance}` }, owner: program, authoredOn: '2026-09-30T13:00:00Z',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
  });
  const followUp = await create('demo-treatment', {
    resourceType: 'Observation', status: 'preliminary', identifier: ident('LEAK-OBS-2'), subject,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '3426-4' }] }, effectiveDateTime: '2026-10-05T09:00:00Z',
    derivedFrom: [{ reference: `Observation/${r.drugTest}` }], encounter: { reference: `Encounter/${r.attendance}` },
    basedOn: [{ reference: `ServiceRequest/${referral}` }], performer: [program], valueString: 'synthetic result',
  });
  const carePlan = await create('demo-treatment', {
    resourceType: 'CarePlan', status: 'active', intent: 'plan', subject, identifier: ident('LEAK-CP'),
    goal: [{ reference: `Goal/${r.goal}` }], addresses: [{ reference: `Condition/${r.diagnosis}` }],
    encounter: { reference: `Encounter/${r.attendance}` }, period: { start: '2026-10-01' }, author: program,
  });
  const episode = await create('demo-treatment', {
    resourceType: 'EpisodeOfCare', status: 'active', patient: subject, managingOrganization: program, identifier: ident('LEAK-EOC'),
    type: [{ coding: [{ system: `${LOCAL}/episode-type`, code: 'sud-treatment' }] }], period: { start: '2026-09-30' },
    diagnosis: [{ condition: { reference: `Condition/${r.diagnosis}` } }],
  });
  const provenance = await create('demo-treatment', {
    resourceType: 'Provenance', target: [{ reference: `Observation/${followUp}` }], recorded: '2026-10-05T09:05:00Z',
    agent: [{ who: program }], entity: [{ role: 'source', what: { reference: `Observation/${r.drugTest}` } }],
  });
  const removed = await create('demo-treatment', {
    resourceType: 'Observation', status: 'final', subject, identifier: ident('LEAK-OBS-DEL'),
    code: { coding: [{ system: 'http://loinc.org', code: '3397-7' }] }, effectiveDateTime: '2026-10-04T09:00:00Z',
  });
  const holderToken = await w.token('demo-treatment');
  // Two more versions of the follow-up, then delete `removed`: history, vread and tombstones.
  for (const status of ['final', 'amended']) {
    const current = (await (await w.gw.fhir(`/fhir/Observation/${followUp}`, { token: holderToken })).json()) as Record<string, unknown>;
    const res = await w.gw.fhir(`/fhir/Observation/${followUp}`, { method: 'PUT', token: holderToken, json: { ...current, status } });
    if (res.status !== 200) throw new Error(`update follow-up: ${res.status} ${await res.text()}`);
  }
  const del = await w.gw.fhir(`/fhir/Observation/${removed}`, { method: 'DELETE', token: holderToken });
  if (del.status !== 200) throw new Error(`delete: ${del.status} ${await del.text()}`);

  // Non-Part 2 records of the same types, about the same patient, written by the other clients.
  const visibleRecords = {
    housingStatus: ['Observation', await create('demo-housing', {
      resourceType: 'Observation', status: 'final', subject, code: { coding: [{ system: 'http://loinc.org', code: '71802-3' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'social-history' }] }],
      effectiveDateTime: '2026-10-03T10:00:00Z', valueString: 'stably housed',
    })],
    hypertension: ['Condition', await create('demo-ehr', {
      resourceType: 'Condition', subject, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10' }] },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    })],
    primaryCareVisit: ['Encounter', await create('demo-ehr', {
      resourceType: 'Encounter', status: 'finished', subject, class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      period: { start: '2026-10-02T09:00:00Z', end: '2026-10-02T09:30:00Z' },
    })],
    checkIn: ['Task', await create('demo-corrections', {
      resourceType: 'Task', status: 'requested', intent: 'order', for: subject, authoredOn: '2026-10-01T08:00:00Z', description: 'check-in',
    })],
    housingGoal: ['Goal', await create('demo-housing', {
      resourceType: 'Goal', lifecycleStatus: 'active', description: { text: 'Keep housing' }, subject,
    })],
  } as const;

  const hiddenIdsByName: Record<string, [string, string]> = {
    drugTest: ['Observation', r.drugTest], diagnosis: ['Condition', r.diagnosis], attendance: ['Encounter', r.attendance],
    counselingNote: ['DocumentReference', r.counselingNote], goal: ['Goal', r.goal], referral: ['ServiceRequest', referral],
    task: ['Task', task], followUp: ['Observation', followUp], carePlan: ['CarePlan', carePlan], episode: ['EpisodeOfCare', episode],
    provenance: ['Provenance', provenance], removed: ['Observation', removed],
  };
  const hidden = new Map<string, HiddenRecord>();
  for (const [type, id] of Object.values(hiddenIdsByName)) {
    const history = (await (await w.gw.fhir(`/fhir/${type}/${id}/_history`, { token: holderToken })).json()) as { entry?: { resource?: Resource; response?: { etag?: string } }[] };
    const latest = history.entry?.[0];
    const live = history.entry?.find((e) => e.resource)?.resource;
    // INVARIANT: every record counted as hidden really is labeled Part 2 by the gateway itself.
    if (!live?.meta?.security?.some((c) => c.code === '42CFRPart2')) throw new Error(`${type}/${id} is not labeled 42CFRPart2`);
    const versionId = /\d+/.exec(latest?.response?.etag ?? '')?.[0] ?? '';
    hidden.set(id, { type, id, versionId, resource: live, ...(latest?.resource ? {} : { deleted: true }) });
  }
  const visible = new Map<string, { type: string; id: string }>();
  for (const [type, id] of Object.values(visibleRecords)) {
    const res = (await (await w.gw.fhir(`/fhir/${type}/${id}`, { token: holderToken })).json()) as Resource;
    if (res.meta?.security?.some((c) => c.code === '42CFRPart2')) throw new Error(`${type}/${id} should not be Part 2`);
    visible.set(id, { type, id });
  }
  const metadata = (await (await w.gw.fhir('/fhir/metadata', { token: holderToken })).json()) as CapabilityStatement;

  const probe = async (who: Requester, req: ProbeRequest): Promise<Probe> => {
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    let body: string | undefined;
    if (req.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = req.form;
    } else if (req.body !== undefined) {
      headers['content-type'] = 'application/fhir+json';
      body = JSON.stringify(req.body);
    }
    const res = await w.gw.fhir(req.path, { method: req.method ?? 'GET', token: await w.token(who.client, who.purpose), headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, headers: res.headers };
  };
  const ids = Object.fromEntries([
    ...Object.entries(hiddenIdsByName).map(([k, [, id]]) => [k, id]),
    ...Object.entries(visibleRecords).map(([k, [, id]]) => [k, id]),
  ]) as Record<string, string>;
  return {
    w, patientId: pid, hidden, hiddenIds: [...hidden.keys()], visible, ids, metadata, probe,
    holderRead: (type, id) => probe(HOLDER, { path: `/fhir/${type}/${id}` }),
    close: () => w.close(),
  };
}
