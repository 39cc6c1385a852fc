import type { MeasureReport, MeasureReportGroupPopulation, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXT_INDICATOR_SUPPRESSION, INDICATORS } from '../src/indicators/index.js';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';

const CS = 'https://reentry-gateway.example.org/fhir/CodeSystem';
const SD = 'https://reentry-gateway.example.org/fhir/StructureDefinition';

let gw: TestGateway;
let clock = new Date('2026-09-10T12:00:00Z');
let admin: string;
let housing: string;
let other: string;
let treatment: string;

async function create(resource: Resource, token = admin): Promise<string> {
  const res = await gw.fhir(`/fhir/${resource.resourceType}`, { method: 'POST', token, json: resource });
  if (res.status !== 201) throw new Error(`${resource.resourceType}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as Resource).id!;
}

async function participant(n: number): Promise<string> {
  return create({ resourceType: 'Patient', identifier: [{ system: 'urn:test:indicators', value: `P-${n}-${Math.random()}` }], name: [{ family: `Synthetic${n}` }] } as Resource);
}

/** A referral in `domain` owned by `owner`, created directly in `status` (admin back-loading). */
async function referral(patient: string, domain: string, owner: string, status: string, token = admin): Promise<string> {
  const sr = await create({
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: `${CS}/linkage-domain`, code: domain }] }],
    subject: { reference: `Patient/${patient}` },
  } as Resource, token);
  return create({
    resourceType: 'Task',
    status,
    ...(status === 'rejected' ? { statusReason: { text: 'No capacity' } } : {}),
    intent: 'order',
    focus: { reference: `ServiceRequest/${sr}` },
    for: { reference: `Patient/${patient}` },
    owner: { reference: `Organization/${owner}` },
  } as Resource, token);
}

async function evaluate(id: string, query: string, token = admin): Promise<{ status: number; body: MeasureReport & { issue?: { expression?: string[] }[] } }> {
  const res = await gw.fhir(`/fhir/Measure/${id}/$evaluate-measure?${query}`, { token });
  return { status: res.status, body: (await res.json()) as MeasureReport };
}

const OCTOBER = 'periodStart=2026-10-01&periodEnd=2026-10-31';
const countOf = (p: MeasureReportGroupPopulation | undefined) => p?.count;
const suppressionOf = (p: MeasureReportGroupPopulation | undefined) => p?.extension?.find((e) => e.url === EXT_INDICATOR_SUPPRESSION)?.valueCode;
const stratum = (r: MeasureReport, key: string) => r.group?.[0]?.stratifier?.[0]?.stratum?.find((s) => s.value?.text === key);

beforeAll(async () => {
  gw = await createTestGateway({ now: () => clock });
  admin = await gw.token('demo-admin');
  housing = gw.demoOrganizations['demo-housing']!;
  treatment = gw.demoOrganizations['demo-treatment']!;
  other = await create({ resourceType: 'Organization', name: 'Second housing provider (synthetic)', active: true } as Resource);

  // September: one housing connection, completed in October — it counts in September only.
  const early = await participant(0);
  const earlyTask = await referral(early, 'housing', housing, 'accepted');
  clock = new Date('2026-10-05T12:00:00Z');
  admin = await gw.token('demo-admin');
  const current = (await (await gw.fhir(`/fhir/Task/${earlyTask}`, { token: admin })).json()) as Resource;
  expect((await gw.fhir(`/fhir/Task/${earlyTask}`, { method: 'PUT', token: admin, json: { ...current, status: 'completed' } })).status).toBe(200);

  // October: 13 people connected by the first provider, 4 by the second, one rejected.
  for (let i = 1; i <= 13; i++) await referral(await participant(i), 'housing', housing, i % 2 ? 'accepted' : 'in-progress');
  for (let i = 14; i <= 17; i++) await referral(await participant(i), 'housing', other, 'completed');
  await referral(await participant(18), 'housing', housing, 'rejected');
  // 12 people taken on by the SUD program itself (Part 2-labeled referrals), one referral still requested.
  const program = await gw.token('demo-treatment');
  for (let i = 20; i <= 31; i++) await referral(await participant(i), 'substance-use', treatment, 'accepted', program);
  await referral(await participant(32), 'substance-use', treatment, 'requested', program);

  // 11 people with a case plan in force in October, one whose plan ended in September.
  for (let i = 40; i <= 51; i++) {
    await create({
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      category: [{ coding: [{ system: `${CS}/case-plan-category`, code: 'comprehensive-case-plan' }] }],
      subject: { reference: `Patient/${await participant(i)}` },
      author: { reference: `Organization/${housing}` },
      period: i === 51 ? { start: '2026-06-01', end: '2026-09-30' } : { start: '2026-09-15' },
    } as Resource);
  }

  // Trainings: 12 completed in October on one team, one planned, one in November.
  const staff = (topic: string, completed?: string) => ({
    url: `${SD}/staff-training`,
    extension: [{ url: 'topic', valueCodeableConcept: { coding: [{ system: `${CS}/training-topic`, code: topic }] } }, ...(completed ? [{ url: 'completed', valueDate: completed }] : [])],
  });
  const topics = ['rnr-model', 'behavioral-health-recovery', 'cross-training', 'trauma-informed-care', 'gender-responsive', 'cultural-competence'];
  await create({
    resourceType: 'CareTeam',
    status: 'active',
    subject: { reference: `Patient/${await participant(60)}` },
    managingOrganization: [{ reference: `Organization/${housing}` }],
    participant: [{ role: [{ coding: [{ system: `${CS}/care-team-role`, code: 'housing-specialist' }] }], member: { reference: `Organization/${housing}` } }],
    extension: [
      ...topics.map((t) => staff(t, '2026-10-02')),
      ...topics.map((t) => staff(t, '2026-10-20')),
      staff('motivational-interviewing'),
      staff('confidentiality-part2', '2026-11-03'),
    ],
  } as Resource);
}, 120_000);
afterAll(async () => gw?.close());

describe('$evaluate-measure: RICMS indicators', () => {
  it('publishes every indicator as a Measure with its baseline and target', async () => {
    for (const d of INDICATORS) {
      const res = await gw.fhir(`/fhir/Measure/${d.id}`, { token: admin });
      expect(res.status).toBe(200);
      const measure = (await res.json()) as { extension: { valueQuantity: { value: number } }[] };
      expect(measure.extension.map((e) => e.valueQuantity.value)).toEqual([d.baseline, d.target]);
    }
  });

  it('counts people first connected in the period, per organization, with small and complementary cells suppressed', async () => {
    const { status, body } = await evaluate('ricms-connect-housing', OCTOBER);
    expect(status).toBe(200);
    expect(body).toMatchObject({ resourceType: 'MeasureReport', status: 'complete', type: 'summary', period: { start: '2026-10-01', end: '2026-10-31' } });
    // 13 + 4; the September connection and the rejected referral do not count.
    expect(countOf(body.group![0]!.population![0])).toBe(17);
    expect(body.group![0]!.measureScore?.value).toBe(17);
    const second = stratum(body, `Organization/${other}`)!.population![0];
    expect(countOf(second)).toBeUndefined();
    expect(suppressionOf(second)).toBe('small-cell');
    // 13 alone is not small, but 17 − 13 would give the 4 away: it is suppressed too.
    const first = stratum(body, `Organization/${housing}`)!.population![0];
    expect(countOf(first)).toBeUndefined();
    expect(suppressionOf(first)).toBe('complementary');
    expect(JSON.stringify(body)).not.toMatch(/"count":\s*(4|13)\b/);
  });

  it('September sees the earlier connection, suppressed; an organization asked alone gets the full table\u2019s cell', async () => {
    const september = await evaluate('ricms-connect-housing', 'periodStart=2026-09-01&periodEnd=2026-09-30');
    expect(countOf(september.body.group![0]!.population![0])).toBeUndefined();
    expect(suppressionOf(september.body.group![0]!.population![0])).toBe('small-cell');
    const alone = await evaluate('ricms-connect-housing', `${OCTOBER}&reporter=Organization/${housing}`);
    expect(alone.body.reporter?.reference).toBe(`Organization/${housing}`);
    expect(countOf(alone.body.group![0]!.population![0])).toBeUndefined();
    const nobody = await evaluate('ricms-connect-housing', `${OCTOBER}&reporter=Organization/${treatment}`);
    expect(countOf(nobody.body.group![0]!.population![0])).toBe(0);
  });

  it('SUD treatment connections (Part 2 referrals) count only what was taken on: 12', async () => {
    const { body } = await evaluate('ricms-connect-sud-treatment', OCTOBER);
    expect(countOf(body.group![0]!.population![0])).toBe(12);
    expect(countOf(stratum(body, `Organization/${treatment}`)!.population![0])).toBe(12);
  });

  it('participants in intensive case management and trainings delivered', async () => {
    expect(countOf((await evaluate('ricms-intensive-case-management', OCTOBER)).body.group![0]!.population![0])).toBe(11);
    expect(countOf((await evaluate('ricms-intensive-case-management', 'periodStart=2026-09-20&periodEnd=2026-09-30')).body.group![0]!.population![0])).toBe(12);
    expect(countOf((await evaluate('ricms-trainings-delivered', OCTOBER)).body.group![0]!.population![0])).toBe(12);
    const november = (await evaluate('ricms-trainings-delivered', 'periodStart=2026-11-01&periodEnd=2026-11-30')).body.group![0]!.population![0];
    expect(suppressionOf(november)).toBe('small-cell');
    expect(countOf((await evaluate('ricms-connect-mental-health', OCTOBER)).body.group![0]!.population![0])).toBe(0);
  });

  it('only program operations may ask: other sectors get 403 and no numbers', async () => {
    for (const client of ['demo-corrections', 'demo-treatment', 'demo-housing']) {
      const { status, body } = await evaluate('ricms-connect-sud-treatment', OCTOBER, await gw.token(client));
      expect(status).toBe(403);
      expect(body.resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(body)).not.toContain('12');
    }
  });

  it('bad requests are 4xx OperationOutcomes naming the parameter', async () => {
    const cases: [string, string, number, string][] = [
      ['ricms-connect-housing', 'periodStart=2026-10-01', 400, 'periodEnd'],
      ['ricms-connect-housing', 'periodStart=2026-13-01&periodEnd=2026-10-31', 400, 'periodStart'],
      ['ricms-connect-housing', 'periodStart=2026-02-30&periodEnd=2026-10-31', 400, 'periodStart'],
      ['ricms-connect-housing', 'periodStart=2026-10-31&periodEnd=2026-10-01', 400, 'periodEnd'],
      ['ricms-connect-housing', `${OCTOBER}&subject=Patient/x`, 400, 'subject'],
      ['ricms-connect-housing', `${OCTOBER}&reporter=Patient/x`, 400, 'reporter'],
      ['ricms-connect-housing', `${OCTOBER}&bogus=1`, 400, 'bogus'],
      ['not-an-indicator', OCTOBER, 404, ''],
    ];
    for (const [id, query, status, expression] of cases) {
      const reply = await evaluate(id, query);
      expect(reply.status, query).toBe(status);
      expect(reply.body.resourceType).toBe('OperationOutcome');
      if (expression) expect(reply.body.issue?.[0]?.expression, query).toEqual([expression]);
    }
  });
});
