import type { AuditEvent, Bundle, BundleEntry, BundleLink, Consent, ConsentProvision, Meta, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { fhirConsent, recipient } from '../../src/consent/fixtures.js';
import type { ConsentKind } from '../../src/consent/index.js';
import { MONITORING_CATEGORY_SYSTEM } from '../../src/consent/vocabulary.js';
import { createTestGateway, type TestGateway } from './test-gateway.js';
import type { Store } from '../../src/storage/store.js';
import { startUpstreamServer } from './upstream-gateway.js';
import { serve, type ServerType } from '@hono/node-server';
import { freePort } from './processes.js';

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
  /** Any request as `client` (JSON body optional); never throws on status. */
  send(client: Client, method: string, path: string, json?: unknown, purpose?: string): Promise<Reply>;
  /** POSTs a consent as the treatment program and remembers it for {@link Part2World.retireConsents}. */
  grant(consent: Consent): Promise<string>;
  /** Deletes every consent {@link Part2World.grant} created, so the next test starts without them. */
  retireConsents(): Promise<void>;
  /** The newest audit chain position; pass it to {@link Part2World.auditSince}. */
  auditMark(): Promise<number>;
  /** AuditEvents appended after `mark`, oldest first. */
  auditSince(mark: number): Promise<AuditEvent[]>;
  /**
   * The store a test writes to when it bypasses intake: the gateway's own store, or in upstream
   * mode the upstream's (a record written behind the gateway's back, unknown to its index).
   */
  readonly rawStore: Store;
  close(): Promise<void>;
}

/** A reply body: a Bundle, a resource or an OperationOutcome; tests read it as any of them. */
export interface ReplyBody {
  resourceType: string;
  id?: string;
  meta?: Meta;
  issue?: OperationOutcomeIssue[];
  entry?: BundleEntry[];
  total?: number;
  link?: BundleLink[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- resource-specific elements
  [element: string]: any;
}

export interface Reply {
  readonly status: number;
  readonly body: ReplyBody;
  readonly text: string;
  readonly headers: Headers;
}

/**
 * Where the gateway under test keeps resources. The part2 suite runs every scenario in both: its
 * own libSQL store, and upstream mode against a second gateway instance over real HTTP.
 */
export type StorageMode = 'own-store' | 'upstream';
export const STORAGE_MODES: readonly StorageMode[] = ['own-store', 'upstream'];

export async function createPart2World(options: { now?: () => Date; mode?: StorageMode } = {}): Promise<Part2World> {
  const upstream = options.mode === 'upstream' ? await startUpstreamServer() : undefined;
  const gw = await createTestGateway({ ...(options.now ? { now: options.now } : {}), ...(upstream ? { upstream: upstream.upstreamConfig } : {}) });
  // Scenarios talk to the gateway over real HTTP too (in upstream mode the whole path is HTTP).
  const port = await freePort();
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: gw.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const http = async (path: string, init: { method?: string; token: string; json?: unknown }): Promise<Response> =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token}`, ...(init.json !== undefined ? { 'content-type': 'application/fhir+json' } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
  const org = gw.demoOrganizations as Record<Client, string>;
  const tokens = new Map<string, string>();
  const token = async (client: Client, purpose = 'TREAT'): Promise<string> => {
    const k = `${client}|${purpose}`;
    if (!tokens.has(k)) tokens.set(k, await gw.token(client, { purpose }));
    return tokens.get(k)!;
  };
  const create = async (client: Client, resource: Resource): Promise<string> => {
    const res = await http(`/fhir/${resource.resourceType}`, { method: 'POST', token: await token(client), json: resource });
    if (res.status !== 201) throw new Error(`create ${resource.resourceType} as ${client}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as Resource).id!;
  };
  const get = async (client: Client, path: string, purpose?: string) => {
    const res = await http(path, { token: await token(client, purpose) });
    return { status: res.status, body: (await res.json()) as Resource & Bundle, headers: res.headers };
  };
  const admin = await token('demo-admin');
  const patientBundle = (await (await http(`/fhir/Patient?identifier=${DEMO_DOC}`, { token: admin })).json()) as Bundle;
  const patientId = patientBundle.entry![0]!.resource!.id!;
  const episodes = (await (await http(`/fhir/EpisodeOfCare?patient=Patient/${patientId}`, { token: admin })).json()) as Bundle;
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

  const send = async (client: Client, method: string, path: string, json?: unknown, purpose?: string): Promise<Reply> => {
    const res = await http(path, { method, token: await token(client, purpose), ...(json !== undefined ? { json } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Reply['body'], text, headers: res.headers };
  };
  const granted: string[] = [];
  const grant = async (c: Consent): Promise<string> => {
    const id = await create('demo-treatment', c);
    granted.push(id);
    return id;
  };
  const retireConsents = async (): Promise<void> => {
    for (const id of granted.splice(0)) {
      const res = await send('demo-treatment', 'DELETE', `/fhir/Consent/${id}`);
      if (res.status >= 300) throw new Error(`retire Consent/${id}: ${res.status} ${res.text}`);
    }
  };
  const auditMark = async (): Promise<number> => {
    const [row] = await gw.conn.query('SELECT COALESCE(MAX(seq), 0) AS n FROM audit_event', []);
    return Number(row?.['n'] ?? 0);
  };
  const auditSince = async (mark: number): Promise<AuditEvent[]> =>
    (await gw.conn.query('SELECT content FROM audit_event WHERE seq > ? ORDER BY seq', [mark])).map((r) => JSON.parse(String(r['content'])) as AuditEvent);

  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gw.close();
    await upstream?.close();
  };
  const rawStore = upstream ? upstream.gateway.repo.store : gw.repo.store;
  return { gw, patientId, supervisionId, org, records, token, create, consent, get, send, grant, retireConsents, auditMark, auditSince, rawStore, close };
}

/** Content of the world's Part 2 records that must never appear in a reply that denies them. */
export const PART2_CONTENT = ['F11.20', 'synthetic clinical note', 'synthetic reason', 'c3ludGhldGlj', 'Stay in outpatient treatment', '42CFRPart2', 'NORDSCLCD', 'PSYTHPN'];

/** `Type/id` of each resource an AuditEvent lists (version suffix dropped), patient and authority excluded. */
export function auditedRefs(event: AuditEvent): string[] {
  return (event.entity ?? []).filter((e) => e.role?.code === '4').map((e) => (e.what?.reference ?? '').replace(/\/_history\/\d+$/, ''));
}

/** The audit kind (`disclosure`, `emergency`, `denial`, `access`, …) of an event. */
export function auditKind(event: AuditEvent): string | undefined {
  return event.subtype?.find((c) => c.system?.endsWith('/audit-event-kind'))?.code;
}

/** The authority entity of an event: its name, reference and rule ids. */
export function auditAuthority(event: AuditEvent): { name?: string; reference?: string; rules: string[] } {
  const e = (event.entity ?? []).find((x) => x.role?.code === '13');
  return {
    ...(e?.name ? { name: e.name } : {}),
    ...(e?.what?.reference ? { reference: e.what.reference } : {}),
    rules: (e?.detail ?? []).filter((d) => d.type === 'rule').map((d) => String(d.valueString)),
  };
}

/** Denial events since `mark` that name `ref` (`Type/id`). */
export async function denialsOf(w: Part2World, mark: number, ref: string): Promise<AuditEvent[]> {
  return (await w.auditSince(mark)).filter((e) => auditKind(e) === 'denial' && auditedRefs(e).includes(ref));
}

/**
 * STYLE "A deny test checks…": 404 with an OperationOutcome (a hidden record answers like a
 * missing one, P2-17), none of the record's content in the body, a denial AuditEvent naming the
 * record on an intact chain. Returns that denial for further checks.
 */
export async function expectDeniedRead(w: Part2World, reply: Reply, mark: number, ref: string): Promise<AuditEvent> {
  const { expect } = await import('vitest');
  expect(reply.status).toBe(404);
  expect(reply.body.resourceType).toBe('OperationOutcome');
  expect(reply.body.issue?.[0]?.severity).toBe('error');
  expect(reply.headers.get('x-part2-notice')).toBeNull();
  for (const marker of PART2_CONTENT) expect(reply.text).not.toContain(marker);
  const denials = await denialsOf(w, mark, ref);
  expect(denials.length).toBeGreaterThan(0);
  expect(denials[0]!.outcome).toBe('4');
  expect((await w.gw.auditLog.verify()).ok).toBe(true);
  return denials[0]!;
}

/** A search reply that leaks none of `hidden` (`Type/id`): not in entries, links or total. */
export async function expectSearchExcludes(reply: Reply, hidden: readonly string[]): Promise<void> {
  const { expect } = await import('vitest');
  expect(reply.status).toBe(200);
  const ids = (reply.body.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
  for (const ref of hidden) {
    expect(ids).not.toContain(ref);
    expect(reply.text).not.toContain(ref.split('/')[1]!);
  }
  const matches = (reply.body.entry ?? []).filter((e) => e.search?.mode !== 'include').length;
  if (reply.body.total !== undefined) expect(reply.body.total).toBe(matches);
}
