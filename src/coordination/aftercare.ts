/**
 * ICTS aftercare: for up to six months after a participant transitions out of the program, a peer
 * support specialist checks on them monthly. Pure: an aftercare CarePlan version gives the monthly
 * schedule; an aftercare-wellness-check Encounter says which month it fulfils.
 */
import type { CarePlan, Encounter } from '@medplum/fhirtypes';
import type { StoredVersion } from '../storage/store.js';
import { addDays } from './junctions.js';
import { AFTERCARE_MONTHS, CASE_PLAN_CATEGORY_SYSTEM, ENCOUNTER_KIND_SYSTEM, EXT_AFTERCARE_MONTH } from './vocabulary.js';

/** One month of aftercare: the window in which its wellness check is due. */
export interface AftercareMonth {
  readonly patientId: string;
  /** `CarePlan/id` of the aftercare plan (Task.focus and basedOn). */
  readonly plan: string;
  /** 1 … AFTERCARE_MONTHS. */
  readonly month: number;
  /** First and last day of the month's window (YYYY-MM-DD, inclusive). */
  readonly start: string;
  readonly end: string;
}

/**
 * The wellness-check schedule of an active aftercare plan (CarePlan category
 * case-plan-category#aftercare-plan with period.start): month k runs from start + (k−1) months to
 * the day before start + k months. Never more than six months (INVARIANT), and no month that
 * would start after the plan's own period.end.
 */
export function aftercareScheduleOf(version: StoredVersion): AftercareMonth[] {
  if (version.deleted || version.resourceType !== 'CarePlan') return [];
  const plan = version.resource as CarePlan;
  const isAftercare = (plan.category ?? []).some((c) => (c.coding ?? []).some((k) => k.system === CASE_PLAN_CATEGORY_SYSTEM && k.code === 'aftercare-plan'));
  const start = plan.period?.start?.slice(0, 10);
  const patientId = version.disclosure.patientId;
  if (!isAftercare || plan.status !== 'active' || !start || !patientId) return [];
  const planEnd = plan.period?.end?.slice(0, 10);
  const out: AftercareMonth[] = [];
  for (let month = 1; month <= AFTERCARE_MONTHS; month++) {
    const windowStart = addMonths(start, month - 1);
    if (planEnd && windowStart > planEnd) break;
    out.push({ patientId, plan: `CarePlan/${version.id}`, month, start: windowStart, end: addDays(addMonths(start, month), -1) });
  }
  return out;
}

/** A wellness check that took place: which participant and aftercare month it fulfils. */
export interface WellnessCheck {
  readonly patientId: string;
  readonly month: number;
  readonly encounter: string;
  /** When it took place (YYYY-MM-DD): picks the plan whose window holds it. */
  readonly date: string;
}

/**
 * An aftercare-wellness-check Encounter (type encounter-kind#wellness-check with the aftercare-month
 * extension) that was not cancelled; undefined for anything else.
 */
export function wellnessCheckOf(version: StoredVersion): WellnessCheck | undefined {
  if (version.deleted || version.resourceType !== 'Encounter') return undefined;
  const encounter = version.resource as Encounter;
  const isCheck = (encounter.type ?? []).some((t) => (t.coding ?? []).some((k) => k.system === ENCOUNTER_KIND_SYSTEM && k.code === 'wellness-check'));
  const month = encounter.extension?.find((e) => e.url === EXT_AFTERCARE_MONTH)?.valuePositiveInt;
  const patientId = version.disclosure.patientId;
  if (!isCheck || !month || !patientId || encounter.status === 'cancelled' || encounter.status === 'entered-in-error') return undefined;
  return { patientId, month, encounter: `Encounter/${version.id}`, date: (encounter.period?.start ?? version.lastUpdated).slice(0, 10) };
}

/** `date` plus `months`, clamped to the target month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}
