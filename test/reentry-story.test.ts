import type { Bundle, MeasureReport, Resource, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AFTERCARE_IDENTIFIER_SYSTEM, CARE_TASK_KIND_SYSTEM, JUNCTION_IDENTIFIER_SYSTEM } from '../src/coordination/index.js';
import { purpose, resourceClass } from '../src/consent/fixtures.js';
import { MONITORING_CATEGORY_SYSTEM } from '../src/consent/vocabulary.js';
import { EXT_INDICATOR_SUPPRESSION } from '../src/indicators/index.js';
import { verifySummary } from '../src/operations/summary-signature.js';
import { BUSINESS_STATUS_SYSTEM, WAIT_LIST_EXTENSION, WAIT_LISTED } from '../src/referral/index.js';
import { startReceiver, verifyNotification, type Receiver } from './support/notify-receiver.js';
import { auditedRefs, auditKind, createPart2World, type Client, type Part2World, type Reply } from './support/part2-world.js';

/*
 * Issue 6, done-when: one participant's reentry, end to end through the HTTP API, by four
 * different clients — corrections (probation & jail), treatment (a Part 2 SUD program), housing
 * (social services, also running employment services) and an EHR vendor — with the program office
 * (admin) reading the indicators at the end. Nothing is seeded behind the API except the demo world.
 *
 * booking → release → assessment → consents → case plan → referrals to SUD treatment, housing and
 * employment → accept / hold / reject → attendance and drug tests → progress report back to
 * probation under its §2.35 consent → aftercare check-ins → indicators.
 */

const CS = 'https://reentry-gateway.example.org/fhir/CodeSystem';
const SD = 'https://reentry-gateway.example.org/fhir/StructureDefinition';
const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

let w: Part2World;
let receiver: Receiver;
let team: string;
const subject = () => ({ reference: `Patient/${w.patientId}` });
const org = (client: Client) => `Organization/${w.org[client]}`;
const story: Record<string, string> = {};

beforeAll(async () => {
  w = await createPart2World();
  receiver = await startReceiver();
  const teams = (await w.get('demo-admin', `/fhir/CareTeam?subject=Patient/${w.patientId}`)).body as Bundle;
  team = `CareTeam/${teams.entry![0]!.resource!.id}`;
  // Start from a quiet feed: the demo world's own records are not part of this story.
  await w.gw.careCoordinator.drain();
  await w.gw.notifier.drain();
}, 60_000);
afterAll(async () => {
  await receiver?.close();
  await w?.close();
});

async function ok(client: Client, method: string, path: string, json?: unknown, purpose?: string): Promise<Reply> {
  const reply = await w.send(client, method, path, json, purpose);
  expect(reply.status, `${client} ${method} ${path}: ${reply.text.slice(0, 400)}`).toBeLessThan(300);
  return reply;
}

async function create(client: Client, resource: Resource, purpose?: string): Promise<string> {
  return (await ok(client, 'POST', `/fhir/${resource.resourceType}`, resource, purpose)).body.id as string;
}

/** Moves a Task as `client` (a PUT of the current version with `changes`). */
async function move(client: Client, id: string, changes: Partial<Task>, purpose?: string): Promise<Task> {
  const current = (await ok(client, 'GET', `/fhir/Task/${id}`, undefined, purpose)).body as unknown as Task;
  return (await ok(client, 'PUT', `/fhir/Task/${id}`, { ...current, meta: undefined, ...changes }, purpose)).body as unknown as Task;
}

/** The team Tasks the gateway raised with `focus`, as the gateway sees them. */
async function raisedFor(focus: string, system = JUNCTION_IDENTIFIER_SYSTEM): Promise<Task[]> {
  const [type, id] = focus.split('/') as [string, string];
  const found = await w.gw.repo.store.referencesTo([{ type, id }], 'Task', 'focus');
  return found.map((v) => v.resource as Task).filter((t) => t.identifier?.some((i) => i.system === system));
}
const kindOf = (t: Task) => t.code?.coding?.find((c) => c.system === CARE_TASK_KIND_SYSTEM)?.code;

function drugTest(result: 'positive' | 'negative', effective: string): Resource {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: MONITORING_CATEGORY_SYSTEM, code: 'drug-test' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '19295-5', display: 'Opiates [Presence] in Urine' }] },
    subject: subject(),
    effectiveDateTime: effective,
    valueCodeableConcept: { coding: [{ system: `${CS}/drug-test-result`, code: result }] },
    note: [{ text: 'synthetic clinical note' }],
  } as Resource;
}

function session(start: string, attendance: 'attended' | 'no-show'): Resource {
  return {
    resourceType: 'Encounter',
    status: attendance === 'attended' ? 'finished' : 'cancelled',
    class: { system: ACT, code: 'AMB' },
    type: [{ coding: [{ system: `${CS}/encounter-kind`, code: 'treatment-session' }] }],
    subject: subject(),
    period: { start },
    reasonCode: [{ text: 'synthetic session reason' }],
    extension: [{ url: `${SD}/attendance-status`, valueCodeableConcept: { coding: [{ system: `${CS}/attendance-status`, code: attendance }] } }],
  } as Resource;
}

function referral(domain: string, performer: Client, text: string): Resource {
  return {
    resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority: 'routine',
    category: [{ coding: [{ system: `${CS}/linkage-domain`, code: domain }] }], code: { text },
    subject: subject(), authoredOn: '2026-11-21T09:00:00Z', requester: { reference: org('demo-corrections') },
    performer: [{ reference: org(performer) }],
  } as Resource;
}

function referralTask(serviceRequest: string, owner: Client): Task {
  return {
    resourceType: 'Task', status: 'requested', intent: 'order', priority: 'routine',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    focus: { reference: `ServiceRequest/${serviceRequest}` }, for: subject(),
    authoredOn: '2026-11-21T09:05:00Z', owner: { reference: org(owner) },
  };
}

describe('a reentry story through the API, four clients', () => {
  it('0. the treatment program subscribes to its referral inbox (rest-hook, signed)', async () => {
    const sub = await create('demo-treatment', {
      resourceType: 'Subscription', status: 'requested', reason: 'referral inbox', criteria: `Task?owner=${org('demo-treatment')}`,
      channel: { type: 'rest-hook', endpoint: receiver.url, payload: 'application/fhir+json' },
    } as Resource);
    await w.gw.notifier.drain();
    expect((await ok('demo-treatment', 'GET', `/fhir/Subscription/${sub}`)).body.status).toBe('active');
  });

  it('1. corrections books the participant with an expected release date, then releases them: the team gets linkage Tasks', async () => {
    story.booking = await create('demo-corrections', {
      resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'FLD' },
      type: [{ coding: [{ system: `${CS}/custody-event-type`, code: 'booking' }] }], subject: subject(),
      period: { start: '2026-09-02T08:00:00Z', end: '2026-11-20T09:00:00Z' },
      extension: [{ url: `${SD}/expected-release-date`, valueDate: '2026-11-20' }],
    } as Resource);
    story.release = await create('demo-corrections', {
      resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'FLD' },
      type: [{ coding: [{ system: `${CS}/custody-event-type`, code: 'release' }] }], subject: subject(),
      period: { start: '2026-11-20T09:00:00Z', end: '2026-11-20T09:00:00Z' },
    } as Resource);
    await w.gw.careCoordinator.drain();
    const [plan] = await raisedFor(`Encounter/${story.booking}`);
    expect(kindOf(plan!)).toBe('release-linkage-plan');
    const [releaseDay] = await raisedFor(`Encounter/${story.release}`);
    expect(kindOf(releaseDay!)).toBe('release-day-linkage');
    expect(releaseDay!.owner?.reference).toBe(team);
    // The team reads its Task through the API.
    expect((await ok('demo-corrections', 'GET', `/fhir/Task?owner=${team}&status=requested`)).body.entry?.map((e) => e.resource?.id)).toContain(releaseDay!.id);
  });

  it('2. treatment assesses (DAST-10, opiate screen): both are Part 2, invisible to probation until the participant consents', async () => {
    story.dast = await create('demo-treatment', {
      resourceType: 'Observation', status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '82666-9', display: 'DAST-10 total score' }] },
      subject: subject(), effectiveDateTime: '2026-11-20T14:00:00Z', valueInteger: 7,
    } as Resource);
    story.intakeScreen = await create('demo-treatment', drugTest('positive', '2026-11-20T14:30:00Z'));
    expect((await w.send('demo-corrections', 'GET', `/fhir/Observation/${story.intakeScreen}`, undefined, 'CJMONITOR')).status).toBe(404);
  });

  it('3. the participant signs Part 2 consents: §2.35 to probation, treatment (TPO) to treating providers', async () => {
    story.cjConsent = await w.grant(w.consent('criminal-justice-2-35', [org('demo-corrections')]));
    story.tpoConsent = await w.grant(w.consent('tpo', ['class:treating-providers']));
    // At probation intake the participant also lets probation send its SUD referral (itself a Part 2
    // record, P2-18) to the treatment program, for treatment.
    const referralRelease = w.consent('specific-disclosure', [org('demo-treatment')], {
      purpose: [purpose('TREAT'), purpose('CJMONITOR')], class: [resourceClass('ServiceRequest'), resourceClass('Task')],
    });
    story.referralConsent = await create('demo-corrections', { ...referralRelease, organization: [{ reference: org('demo-corrections') }] });
    // Probation now sees the screen (monitoring information), never the DAST-10 assessment (P2-10).
    expect((await w.send('demo-corrections', 'GET', `/fhir/Observation/${story.intakeScreen}`, undefined, 'CJMONITOR')).status).toBe(200);
    expect((await w.send('demo-corrections', 'GET', `/fhir/Observation/${story.dast}`, undefined, 'CJMONITOR')).status).toBe(404);
  });

  it('4. corrections writes the comprehensive case plan with a goal and the care team', async () => {
    story.goal = await create('demo-corrections', {
      resourceType: 'Goal', lifecycleStatus: 'active', subject: subject(),
      description: { text: 'Stable housing within 60 days of release' },
      target: [{ measure: { text: 'Days in stable housing' }, detailQuantity: { value: 30, unit: 'd' }, dueDate: '2027-01-19' }],
    } as Resource);
    story.plan = await create('demo-corrections', {
      resourceType: 'CarePlan', status: 'active', intent: 'plan',
      category: [{ coding: [{ system: `${CS}/case-plan-category`, code: 'comprehensive-case-plan' }] }],
      subject: subject(), period: { start: '2026-11-20' }, careTeam: [{ reference: team }], goal: [{ reference: `Goal/${story.goal}` }],
    } as Resource);
    const read = await ok('demo-housing', 'GET', `/fhir/CarePlan/${story.plan}`, undefined, 'COC');
    expect(read.body.careTeam[0].reference).toBe(team);
  });

  it('5. corrections refers to SUD treatment, housing and employment; OUD gives the treatment referral priority entry', async () => {
    story.srTreatment = await create('demo-corrections', referral('substance-use', 'demo-treatment', 'Outpatient SUD treatment with MOUD'));
    story.srHousing = await create('demo-corrections', referral('housing', 'demo-housing', 'Transitional housing'));
    story.srEmployment = await create('demo-corrections', referral('employment', 'demo-housing', 'Career services'));
    const before = receiver.received.length;
    // A court-mandated treatment referral: probation writes it for criminal-justice monitoring, the
    // purpose under which its §2.35 consent lets it see the opiate screen.
    const treatmentTask = (await ok('demo-corrections', 'POST', '/fhir/Task', referralTask(story.srTreatment, 'demo-treatment'), 'CJMONITOR')).body;
    story.taskTreatment = treatmentTask.id as string;
    story.taskHousing = await create('demo-corrections', referralTask(story.srHousing, 'demo-housing'));
    story.taskEmployment = await create('demo-corrections', referralTask(story.srEmployment, 'demo-housing'));
    // ICTS: derived from the participant's data (the positive opiate screen owner, writer and requester may each read).
    expect(treatmentTask.priority).toBe('urgent');
    // The treatment program's inbox is notified, signed with the gateway's key.
    await w.gw.notifier.drain();
    const got = receiver.received.slice(before);
    expect(got.map((n) => (JSON.parse(n.body) as Task).id)).toEqual([story.taskTreatment]);
    const jwks = (await (await w.gw.app.request('http://localhost:8787/.well-known/jwks.json')).json()) as { keys: object[] };
    expect((await verifyNotification(jwks, got[0]!))['alg']).toBe('ES384');
    const inbox = await ok('demo-treatment', 'GET', `/fhir/Task?owner=${org('demo-treatment')}&status=requested&_sort=priority-order,-authored-on&_include=Task:focus`);
    expect(inbox.body.entry?.map((e) => `${e.resource?.resourceType}/${e.resource?.id}`)).toEqual(expect.arrayContaining([`Task/${story.taskTreatment}`, `ServiceRequest/${story.srTreatment}`]));
  });

  it('6. treatment accepts and starts; housing wait-lists the housing referral and rejects the employment one', async () => {
    await move('demo-treatment', story.taskTreatment!, { status: 'accepted' });
    expect((await move('demo-treatment', story.taskTreatment!, { status: 'in-progress' })).meta?.versionId).toBe('3');
    await move('demo-housing', story.taskHousing!, { status: 'accepted' }, 'COC');
    const held = await move('demo-housing', story.taskHousing!, {
      status: 'on-hold', statusReason: { text: 'No unit free yet' },
      businessStatus: { coding: [{ system: BUSINESS_STATUS_SYSTEM, code: WAIT_LISTED }] },
      extension: [{ url: WAIT_LIST_EXTENSION, extension: [{ url: 'position', valueInteger: 3 }, { url: 'expectedStart', valueDateTime: '2026-12-15' }] }],
    }, 'COC');
    expect(held.status).toBe('on-hold');
    const rejected = await move('demo-housing', story.taskEmployment!, { status: 'rejected', statusReason: { text: 'Program full this quarter' } }, 'COC');
    expect(rejected.status).toBe('rejected');
    // Only the owner moves a referral: probation cannot accept on housing's behalf.
    const current = (await ok('demo-corrections', 'GET', `/fhir/Task/${story.taskHousing}`)).body;
    expect((await w.send('demo-corrections', 'PUT', `/fhir/Task/${story.taskHousing}`, { ...current, meta: undefined, status: 'in-progress', statusReason: undefined })).status).toBeGreaterThanOrEqual(400);
    // Every transition is a version and is audited as a write.
    const history = await ok('demo-housing', 'GET', `/fhir/Task/${story.taskHousing}/_history`, undefined, 'COC');
    expect(history.body.total).toBe(3);
  });

  it('7. treatment records attendance and drug tests; a no-show and a positive test raise team Tasks', async () => {
    story.attended = await create('demo-treatment', session('2026-11-21T15:00:00Z', 'attended'));
    story.noShow = await create('demo-treatment', session('2026-11-22T15:00:00Z', 'no-show'));
    story.negative = await create('demo-treatment', drugTest('negative', '2026-11-21T16:00:00Z'));
    story.positive = await create('demo-treatment', drugTest('positive', '2026-11-22T16:00:00Z'));
    await w.gw.careCoordinator.drain();
    expect((await raisedFor(`Encounter/${story.attended}`)).map(kindOf)).toEqual([]);
    expect((await raisedFor(`Encounter/${story.noShow}`)).map(kindOf)).toEqual(['missed-appointment-follow-up']);
    const [relapse] = await raisedFor(`Observation/${story.positive}`);
    expect(kindOf(relapse!)).toBe('positive-drug-test-response');
    // Raised by a Part 2 record, so it is Part 2: housing (no consent) does not see it.
    expect(relapse!.meta?.security?.map((c) => c.code)).toContain('42CFRPart2');
    expect((await w.send('demo-housing', 'GET', `/fhir/Task/${relapse!.id}`, undefined, 'COC')).status).toBe(404);
  });

  it('8. progress report back to probation under its §2.35 consent: monitoring information only, signed, noticed and audited', async () => {
    const mark = await w.auditMark();
    const reply = await ok('demo-corrections', 'GET', `/fhir/CarePlan/${story.plan}/$progress-report?periodStart=2026-11-01&periodEnd=2026-11-30`, undefined, 'CJMONITOR');
    const bundle = reply.body as unknown as Bundle;
    const refs = (bundle.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
    for (const ref of [`CarePlan/${story.plan}`, `Goal/${story.goal}`, `Observation/${story.positive}`, `Observation/${story.negative}`, `Encounter/${story.noShow}`]) expect(refs, ref).toContain(ref);
    // Not monitoring information (P2-10): the assessment and the diagnosis stay with the program.
    for (const ref of [`Observation/${story.dast}`, `Condition/${w.records.diagnosis}`]) expect(refs, ref).not.toContain(ref);
    for (const text of ['F11.20', 'synthetic clinical note', 'synthetic session reason']) expect(reply.text).not.toContain(text);
    expect(reply.headers.get('x-part2-notice')).toMatch(/42 CFR part 2/);
    expect(await verifySummary(w.gw.auth, bundle)).toBe(true);
    const events = await w.auditSince(mark);
    expect(events.filter((e) => auditKind(e) === 'disclosure').flatMap(auditedRefs)).toEqual(expect.arrayContaining([`Observation/${story.positive}`, `Encounter/${story.noShow}`]));
    // Housing asks for the same report: the plan, none of the program's records.
    const housing = await ok('demo-housing', 'GET', `/fhir/CarePlan/${story.plan}/$progress-report?periodStart=2026-11-01&periodEnd=2026-11-30`, undefined, 'COC');
    for (const id of [story.positive, story.negative, story.noShow, story.attended]) expect(housing.text).not.toContain(id);
  });

  it('9. the EHR vendor, a treating provider under the TPO consent, reads the SUD diagnosis with the refrain label', async () => {
    const conditions = await ok('demo-ehr', 'GET', `/fhir/Condition?patient=Patient/${w.patientId}`);
    const diagnosis = conditions.body.entry?.find((e) => e.resource?.id === w.records.diagnosis)?.resource;
    expect(diagnosis?.meta?.security?.map((c) => c.code)).toEqual(expect.arrayContaining(['42CFRPart2', 'NORDSCLCD']));
    // Housing, not covered by that consent, gets nothing of it and cannot count it.
    const housing = await ok('demo-housing', 'GET', `/fhir/Condition?patient=Patient/${w.patientId}&_total=accurate`, undefined, 'COC');
    expect(housing.body.total).toBe(0);
  });

  it('10. aftercare: six monthly wellness checks are scheduled; the peer specialist’s first check-in completes month 1', async () => {
    story.aftercare = await create('demo-corrections', {
      resourceType: 'CarePlan', status: 'active', intent: 'plan',
      category: [{ coding: [{ system: `${CS}/case-plan-category`, code: 'aftercare-plan' }] }],
      subject: subject(), period: { start: '2026-11-22' }, careTeam: [{ reference: team }],
    } as Resource);
    await w.gw.careCoordinator.drain();
    const months = await raisedFor(`CarePlan/${story.aftercare}`, AFTERCARE_IDENTIFIER_SYSTEM);
    expect(months).toHaveLength(6);
    await create('demo-housing', {
      resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'VR' },
      type: [{ coding: [{ system: `${CS}/encounter-kind`, code: 'wellness-check' }] }], subject: subject(), period: { start: '2026-11-23T10:00:00Z' },
      participant: [{ type: [{ coding: [{ system: `${CS}/care-team-role`, code: 'peer-support-specialist' }] }], individual: { display: 'Peer specialist (synthetic)' } }],
      extension: [{ url: `${SD}/aftercare-month`, valuePositiveInt: 1 }],
    } as Resource, 'COC');
    await w.gw.careCoordinator.drain();
    const after = await raisedFor(`CarePlan/${story.aftercare}`, AFTERCARE_IDENTIFIER_SYSTEM);
    const byMonth = (t: Task) => t.input?.[0]?.valuePositiveInt;
    expect(after.filter((t) => t.status === 'completed').map(byMonth)).toEqual([1]);
  });

  it('11. the program office reads the indicators: one connection each, suppressed as a small cell', async () => {
    for (const measure of ['ricms-connect-sud-treatment', 'ricms-connect-housing']) {
      const res = await ok('demo-admin', 'GET', `/fhir/Measure/${measure}/$evaluate-measure?periodStart=2026-11-01&periodEnd=2026-11-30`);
      const report = res.body as unknown as MeasureReport;
      const population = report.group![0]!.population![0]!;
      expect(population.count, measure).toBeUndefined();
      expect(population.extension?.find((e) => e.url === EXT_INDICATOR_SUPPRESSION)?.valueCode).toBe('small-cell');
    }
    // The rejected employment referral is no connection: zero may be shown.
    const employment = await ok('demo-admin', 'GET', '/fhir/Measure/ricms-connect-career-services/$evaluate-measure?periodStart=2026-11-01&periodEnd=2026-11-30');
    expect((employment.body as unknown as MeasureReport).group![0]!.population![0]!.count).toBe(0);
    // Indicators are for the program office only.
    expect((await w.send('demo-corrections', 'GET', '/fhir/Measure/ricms-connect-housing/$evaluate-measure?periodStart=2026-11-01&periodEnd=2026-11-30')).status).toBe(403);
  });
});
