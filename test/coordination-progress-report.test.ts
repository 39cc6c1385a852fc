import type { Bundle, Composition, Resource } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WITHHELD_STATEMENT } from '../src/coordination/index.js';
import { MONITORING_CATEGORY_SYSTEM } from '../src/consent/vocabulary.js';
import { verifySummary } from '../src/operations/summary-signature.js';
import { auditedRefs, auditKind, createPart2World, type Part2World } from './support/part2-world.js';

const CS = 'https://reentry-gateway.example.org/fhir/CodeSystem';
const SD = 'https://reentry-gateway.example.org/fhir/StructureDefinition';

let w: Part2World;
let plan: string;
let positive: string;
let attended: string;
let noShow: string;
let oldSession: string;
let conference: string;

const report = (client: 'demo-corrections' | 'demo-housing' | 'demo-treatment', query = 'periodStart=2026-10-01&periodEnd=2026-10-31', purpose = 'CJMONITOR') =>
  w.send(client, 'GET', `/fhir/CarePlan/${plan}/$progress-report?${query}`, undefined, purpose);

function session(start: string, status: 'attended' | 'no-show'): Resource {
  return {
    resourceType: 'Encounter',
    status: status === 'attended' ? 'finished' : 'cancelled',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    type: [{ coding: [{ system: `${CS}/encounter-kind`, code: 'treatment-session' }] }],
    subject: { reference: `Patient/${w.patientId}` },
    period: { start },
    reasonCode: [{ text: 'synthetic session reason' }],
    extension: [{ url: `${SD}/attendance-status`, valueCodeableConcept: { coding: [{ system: `${CS}/attendance-status`, code: status }] } }],
  } as Resource;
}

const released = (b: Bundle) => (b.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
const ids = (b: Bundle) => (b.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
const composition = (b: Bundle) => b.entry![0]!.resource as Composition;
const sectionText = (b: Bundle, title: string) => composition(b).section?.find((s) => s.title === title)?.text?.div;

beforeAll(async () => {
  w = await createPart2World();
  const subject = { reference: `Patient/${w.patientId}` };
  positive = await w.create('demo-treatment', {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: MONITORING_CATEGORY_SYSTEM, code: 'drug-test' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '19295-5' }] },
    subject,
    effectiveDateTime: '2026-10-12T10:00:00Z',
    valueCodeableConcept: { coding: [{ system: `${CS}/drug-test-result`, code: 'positive' }] },
  } as Resource);
  attended = await w.create('demo-treatment', session('2026-10-03T15:00:00Z', 'attended'));
  noShow = await w.create('demo-treatment', session('2026-10-10T15:00:00Z', 'no-show'));
  oldSession = await w.create('demo-treatment', session('2026-08-03T15:00:00Z', 'attended'));
  conference = await w.create('demo-corrections', {
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    type: [{ coding: [{ system: `${CS}/encounter-kind`, code: 'case-conference' }] }],
    subject,
    period: { start: '2026-10-15T14:00:00Z' },
    participant: [
      { type: [{ coding: [{ system: `${CS}/care-team-role`, code: 'probation-officer' }] }], individual: { display: 'PO (synthetic)' } },
      { type: [{ coding: [{ system: `${CS}/care-team-role`, code: 'housing-specialist' }] }], individual: { display: 'Housing specialist (synthetic)' } },
    ],
  } as Resource);
  // Probation's own case plan; its goal is the treatment program's (so the plan inherits Part 2).
  plan = await w.create('demo-corrections', {
    resourceType: 'CarePlan',
    status: 'active',
    intent: 'plan',
    category: [{ coding: [{ system: `${CS}/case-plan-category`, code: 'comprehensive-case-plan' }] }],
    subject,
    period: { start: '2026-09-01' },
    goal: [{ reference: `Goal/${w.records.goal}` }],
  } as Resource);
}, 60_000);
afterEach(async () => w.retireConsents());
afterAll(async () => w?.close());

describe('CarePlan/{id}/$progress-report', () => {
  it('without a consent, probation gets its own plan and nothing of the Part 2 program, with no hint that anything was left out', async () => {
    const reply = await report('demo-corrections');
    expect(reply.status).toBe(200);
    const bundle = reply.body as unknown as Bundle;
    expect(bundle.type).toBe('document');
    expect(ids(bundle)).toContain(`CarePlan/${plan}`);
    // The plan names its goal (probation wrote that reference itself); the Goal itself is not released.
    expect(released(bundle)).toEqual([`Composition/${composition(bundle).id}`, `CarePlan/${plan}`, `Encounter/${conference}`]);
    // CC component 4: probation's own case conference record, with who took part.
    expect(sectionText(bundle, 'Case conferences')).toContain('1 case conference(s): 2026-10-15 (2 participant(s))');
    for (const hidden of [w.records.drugTest, positive, attended, noShow]) expect(reply.text).not.toContain(hidden);
    expect(composition(bundle).section!.map((s) => s.title)).toEqual(['Case plan', 'Case conferences', 'About this report']);
    expect(sectionText(bundle, 'About this report')).toContain(WITHHELD_STATEMENT.slice(0, 40));
    for (const marker of ['Stay in outpatient treatment', 'synthetic clinical note', 'positive', 'no-show']) expect(reply.text).not.toContain(marker);
  });

  it('under a §2.35 consent: goals, attendance and drug tests of the period, counted, redacted, signed, noticed and audited (P2-10, P2-11, P2-13)', async () => {
    await w.grant(w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]));
    const mark = await w.auditMark();
    const reply = await report('demo-corrections');
    expect(reply.status).toBe(200);
    const bundle = reply.body as unknown as Bundle;
    const releasedRefs = ids(bundle);
    for (const ref of [`Goal/${w.records.goal}`, `Observation/${w.records.drugTest}`, `Observation/${positive}`, `Encounter/${attended}`, `Encounter/${noShow}`]) expect(releasedRefs).toContain(ref);
    // Outside the period, not attendance, or not monitoring information: left out.
    for (const ref of [`Encounter/${oldSession}`, `Encounter/${w.records.attendance}`, `Condition/${w.records.diagnosis}`, `DocumentReference/${w.records.counselingNote}`]) expect(releasedRefs, ref).not.toContain(ref);
    expect(sectionText(bundle, 'Attendance')).toContain('Attended 1, late 0, no-show 1, excused 0. Attendance rate 50%');
    expect(sectionText(bundle, 'Drug test results')).toContain('2 test(s): negative 1, positive 1');
    expect(sectionText(bundle, 'Goals and progress')).toContain('Stay in outpatient treatment');
    // Clinical detail is redacted (P2-10) and the notice travels with the document (P2-11).
    expect(reply.text).not.toContain('synthetic clinical note');
    expect(reply.text).not.toContain('synthetic session reason');
    expect(bundle.meta?.security?.map((c) => c.code)).toContain('NORDSCLCD');
    expect(reply.headers.get('x-part2-notice')).toMatch(/42 CFR part 2/);
    expect(await verifySummary(w.gw.auth, bundle)).toBe(true);
    const disclosed = (await w.auditSince(mark)).filter((e) => auditKind(e) === 'disclosure').flatMap(auditedRefs);
    expect(disclosed).toEqual(expect.arrayContaining([`Observation/${positive}`, `Encounter/${noShow}`, `Goal/${w.records.goal}`]));
  });

  it('the same consent gives another purpose nothing more (P2-04), and a non-recipient cannot see the plan at all', async () => {
    await w.grant(w.consent('criminal-justice-2-35', [`Organization/${w.org['demo-corrections']}`]));
    const treat = await report('demo-corrections', undefined, 'TREAT');
    expect(treat.status).toBe(200);
    expect(treat.text).not.toContain(positive);
    const housing = await report('demo-housing', undefined, 'COC');
    expect(housing.status).toBe(404);
    expect(housing.body.resourceType).toBe('OperationOutcome');
    expect(housing.text).not.toContain(positive);
  });

  it('POST with a Parameters body reports the same period as GET', async () => {
    const body = { resourceType: 'Parameters', parameter: [{ name: 'periodStart', valueDate: '2026-10-01' }, { name: 'periodEnd', valueDate: '2026-10-31' }] };
    const post = await w.send('demo-corrections', 'POST', `/fhir/CarePlan/${plan}/$progress-report`, body, 'CJMONITOR');
    expect(post.status).toBe(200);
    expect(composition(post.body as unknown as Bundle).title).toContain('2026-10-01 to 2026-10-31');
    const bad = await w.send('demo-corrections', 'POST', `/fhir/CarePlan/${plan}/$progress-report`, { resourceType: 'Patient' }, 'CJMONITOR');
    expect(bad.status).toBe(400);
    expect(bad.body.resourceType).toBe('OperationOutcome');
  });

  it('bad periods are 400 naming the parameter; an unknown plan is 404', async () => {
    const bad = await report('demo-corrections', 'periodStart=October');
    expect(bad.status).toBe(400);
    expect(bad.body.issue?.[0]?.expression).toEqual(['periodStart']);
    const backwards = await report('demo-corrections', 'periodStart=2026-10-31&periodEnd=2026-10-01');
    expect(backwards.status).toBe(400);
    const missing = await w.send('demo-corrections', 'GET', '/fhir/CarePlan/does-not-exist/$progress-report', undefined, 'CJMONITOR');
    expect(missing.status).toBe(404);
  });
});
