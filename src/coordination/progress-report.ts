/**
 * TASC "accountability monitoring": a progress and compliance report on a case plan for the body
 * that referred or mandates treatment (e.g. probation under a §2.35 consent). Every record in it
 * is read through the caller's request-bound repository, so the report holds exactly what that
 * caller's consents release (P2-10: monitoring information, clinical detail redacted) and each
 * release is audited like any read. Records that are withheld are not mentioned at all — not even
 * counted — because a count of hidden records would itself disclose them (P2-17).
 */
import type { Bundle, BundleEntry, CarePlan, Composition, CompositionSection, Encounter, Goal, Observation, Resource, Task } from '@medplum/fhirtypes';
import { isPart2Labeled } from '../consent/labels.js';
import { documentBundle } from '../fhir/bundles.js';
import type { FhirRepository } from '../fhir/repository.js';
import { parseSearch } from '../fhir/search/parse-search.js';
import { isGatewayError } from '../outcomes/index.js';
import type { ReportingPeriod } from '../indicators/index.js';
import { ATTENDANCE_STATUS_SYSTEM, DRUG_TEST_CATEGORY_SYSTEMS, ENCOUNTER_KIND_SYSTEM, DRUG_TEST_RESULT_SYSTEM, EXT_ATTENDANCE_STATUS } from './vocabulary.js';

/** Records read per section; a progress report is a digest of one period. */
export const PROGRESS_SECTION_LIMIT = 200;

/** Wording of the report's last section: true whatever was withheld, so it reveals nothing. */
export const WITHHELD_STATEMENT =
  'This report holds only the records released to the requester for its purpose of use under the participant\u2019s consents; a section with nothing releasable is left out. It does not indicate whether other records exist.';

interface Section {
  readonly title: string;
  readonly loinc?: string;
  readonly resources: readonly Resource[];
  readonly summary: string;
}

/**
 * Builds the report for `CarePlan/{carePlanId}` over `period`: the plan, its goals with progress,
 * attendance and drug-test results in the period with counts, and the participant's Tasks
 * (referrals and team Tasks) by status. A document Bundle (Composition first); unsigned.
 * Throws 404 when the plan may not be seen. `mayRead` says which types the token's scopes cover.
 */
export async function buildProgressReport(
  repo: FhirRepository,
  carePlanId: string,
  period: ReportingPeriod,
  base: string,
  now: Date,
  purposeOfUse: string,
  mayRead: (type: string) => boolean,
): Promise<Bundle> {
  const plan = (await repo.read('CarePlan', carePlanId)).resource as CarePlan;
  const patientRef = plan.subject?.reference ?? '';
  const sections: Section[] = [];
  if (mayRead('Goal')) sections.push(goalSection(await visibleGoals(repo, plan)));
  if (patientRef.startsWith('Patient/')) {
    const range = { start: period.start, end: period.end };
    // The date search also matches open-ended periods that began earlier; a contact belongs to
    // the period it started in, so each is checked again by its own start.
    const inPeriod = (when: string | undefined) => !!when && when.slice(0, 10) >= period.start && when.slice(0, 10) <= period.end;
    if (mayRead('Encounter')) {
      const encounters = (await searchFor<Encounter>(repo, 'Encounter', patientRef, range)).filter((e) => inPeriod(e.period?.start));
      sections.push(caseConferenceSection(encounters), attendanceSection(encounters));
    }
    if (mayRead('Observation')) sections.push(drugTestSection((await searchFor<Observation>(repo, 'Observation', patientRef, range)).filter((o) => inPeriod(o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant))));
    if (mayRead('Task')) sections.push(taskSection(await searchFor<Task>(repo, 'Task', patientRef), period));
  }
  const shown = sections.filter((s) => s.resources.length > 0);
  const all: Resource[] = [plan, ...shown.flatMap((s) => s.resources)];
  const part2 = all.some((r) => isPart2Labeled(r.meta?.security));
  const compositionId = crypto.randomUUID();
  const composition: Composition = {
    resourceType: 'Composition',
    id: compositionId,
    status: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
    ...(patientRef ? { subject: { reference: patientRef } } : {}),
    date: now.toISOString(),
    author: [{ display: 'Reentry FHIR Gateway (progress and compliance report)' }],
    title: `Progress and compliance report, ${period.start} to ${period.end} (purpose of use ${purposeOfUse})`,
    ...(part2 ? { confidentiality: 'R' as const } : {}),
    event: [{ period: { start: period.start, end: period.end }, detail: [{ reference: `CarePlan/${carePlanId}` }] }],
    section: [
      { title: 'Case plan', text: narrative(`Case plan status: ${plan.status}.`), entry: [{ reference: `CarePlan/${carePlanId}` }] },
      ...shown.map(toCompositionSection),
      { title: 'About this report', text: narrative(WITHHELD_STATEMENT) },
    ],
  };
  const entries: BundleEntry[] = [
    { fullUrl: `urn:uuid:${compositionId}`, resource: composition },
    ...dedupe(all).map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource })),
  ];
  return documentBundle(entries, part2, now);
}

/** The plan's goals the caller may see; a hidden goal answers like a missing one and is skipped. */
async function visibleGoals(repo: FhirRepository, plan: CarePlan): Promise<Goal[]> {
  const out: Goal[] = [];
  for (const ref of (plan.goal ?? []).slice(0, PROGRESS_SECTION_LIMIT)) {
    const id = /^Goal\/([A-Za-z0-9\-.]{1,64})$/.exec(ref.reference ?? '')?.[1];
    if (!id) continue;
    try {
      out.push((await repo.read('Goal', id)).resource as Goal);
    } catch (err) {
      if (!isGatewayError(err) || (err.status !== 404 && err.status !== 410)) throw err;
    }
  }
  return out;
}

async function searchFor<T extends Resource>(repo: FhirRepository, type: string, patientRef: string, range?: { start: string; end: string }): Promise<T[]> {
  const params = new URLSearchParams({ patient: patientRef, _count: String(PROGRESS_SECTION_LIMIT) });
  if (range) {
    params.append('date', `ge${range.start}`);
    params.append('date', `le${range.end}`);
  }
  return (await repo.search(parseSearch(type, params, true))).resources.map((v) => v.resource as T);
}

function goalSection(goals: Goal[]): Section {
  const achieved = goals.filter((g) => g.lifecycleStatus === 'completed' || codeOf(g.achievementStatus) === 'achieved').length;
  const lines = goals.map((g) => `${g.description?.text ?? 'Goal'}: ${g.lifecycleStatus}${g.achievementStatus ? `, ${codeOf(g.achievementStatus) ?? g.achievementStatus.text ?? ''}` : ''}`);
  return { title: 'Goals and progress', loinc: '61146-7', resources: goals, summary: `${goals.length} goal(s), ${achieved} achieved. ${lines.join('; ')}` };
}

/** CC component 4: case conferences held in the period (Encounters typed encounter-kind#case-conference), with who took part. */
function caseConferenceSection(encounters: Encounter[]): Section {
  const held = encounters.filter((e) => e.status !== 'cancelled' && (e.type ?? []).some((t) => (t.coding ?? []).some((k) => k.system === ENCOUNTER_KIND_SYSTEM && k.code === 'case-conference')));
  const lines = held.map((e) => `${(e.period?.start ?? '').slice(0, 10)} (${e.participant?.length ?? 0} participant(s))`);
  return { title: 'Case conferences', resources: held, summary: `${held.length} case conference(s)${lines.length ? `: ${lines.join(', ')}` : ''}.` };
}

function attendanceSection(encounters: Encounter[]): Section {
  const withStatus = encounters.filter((e) => attendanceOf(e) !== undefined);
  const count = (code: string) => withStatus.filter((e) => attendanceOf(e) === code).length;
  const kept = count('attended') + count('late');
  const expected = kept + count('no-show');
  const rate = expected > 0 ? ` Attendance rate ${Math.round((100 * kept) / expected)}% of contacts not excused.` : '';
  return {
    title: 'Attendance',
    loinc: '46240-8',
    resources: withStatus,
    summary: `Attended ${count('attended')}, late ${count('late')}, no-show ${count('no-show')}, excused ${count('excused')}.${rate}`,
  };
}

function drugTestSection(observations: Observation[]): Section {
  const tests = observations.filter((o) => (o.category ?? []).some((c) => (c.coding ?? []).some((k) => k.code === 'drug-test' && DRUG_TEST_CATEGORY_SYSTEMS.has(k.system ?? ''))));
  const results = new Map<string, number>();
  for (const t of tests) {
    const result = t.valueCodeableConcept?.coding?.find((k) => k.system === DRUG_TEST_RESULT_SYSTEM)?.code ?? 'other';
    results.set(result, (results.get(result) ?? 0) + 1);
  }
  const breakdown = [...results.entries()].sort().map(([code, n]) => `${code} ${n}`).join(', ');
  return { title: 'Drug test results', loinc: '30954-2', resources: tests, summary: `${tests.length} test(s)${breakdown ? `: ${breakdown}` : ''}.` };
}

/** Tasks that were open during the period or changed in it. */
function taskSection(tasks: Task[], period: ReportingPeriod): Section {
  const inPeriod = tasks.filter((t) => (t.authoredOn ?? t.meta?.lastUpdated ?? '').slice(0, 10) <= period.end && (t.meta?.lastUpdated ?? '').slice(0, 10) >= period.start);
  const byStatus = new Map<string, number>();
  for (const t of inPeriod) byStatus.set(t.status, (byStatus.get(t.status) ?? 0) + 1);
  const breakdown = [...byStatus.entries()].sort().map(([s, n]) => `${s} ${n}`).join(', ');
  return { title: 'Referrals and team tasks', resources: inPeriod, summary: `${inPeriod.length} task(s)${breakdown ? `: ${breakdown}` : ''}.` };
}

function attendanceOf(e: Encounter): string | undefined {
  return e.extension?.find((x) => x.url === EXT_ATTENDANCE_STATUS)?.valueCodeableConcept?.coding?.find((k) => k.system === ATTENDANCE_STATUS_SYSTEM)?.code;
}

const codeOf = (c: { coding?: { code?: string }[] } | undefined): string | undefined => c?.coding?.[0]?.code;

function toCompositionSection(s: Section): CompositionSection {
  return {
    title: s.title,
    ...(s.loinc ? { code: { coding: [{ system: 'http://loinc.org', code: s.loinc }] } } : {}),
    text: narrative(s.summary),
    entry: s.resources.map((r) => ({ reference: `${r.resourceType}/${r.id}` })),
  };
}

function narrative(text: string): CompositionSection['text'] {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${escaped}</div>` };
}

function dedupe(resources: Resource[]): Resource[] {
  const seen = new Set<string>();
  return resources.filter((r) => {
    const key = `${r.resourceType}/${r.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
