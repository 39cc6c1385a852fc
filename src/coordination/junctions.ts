/**
 * TASC "junctions of vulnerability" (seeds: clinical reentry management): the points where reentry
 * most often fails and the team must act. Pure: one stored version in, the team Tasks it calls for
 * out. No clock — every due date counts from the version's own `lastUpdated` or the dates it
 * carries, so replaying the change feed after a crash decides exactly the same way.
 */
import type { Appointment, CodeableConcept, Encounter, EpisodeOfCare, Extension, Observation, Resource } from '@medplum/fhirtypes';
import type { StoredVersion } from '../storage/store.js';
import {
  ATTENDANCE_STATUS_SYSTEM,
  CUSTODY_EVENT_TYPE_SYSTEM,
  DRUG_TEST_CATEGORY_SYSTEMS,
  DRUG_TEST_RESULT_SYSTEM,
  EXT_ATTENDANCE_STATUS,
  EXT_EXPECTED_RELEASE_DATE,
  PROFILE_SUPERVISION_EPISODE,
  SUPERVISION_TYPE_SYSTEM,
  type CareTaskKind,
} from './vocabulary.js';

/** One Task the team should get, before it is addressed to the team (see junction-task.ts). */
export interface Junction {
  readonly kind: CareTaskKind;
  /** The vulnerability-junction code, when TASC's list names this transition. */
  readonly junction?: string;
  readonly patientId: string;
  /** `Type/id` of the record that raised it (Task.focus). */
  readonly focus: string;
  /** Date (YYYY-MM-DD) by which the team should have acted (Task.restriction.period.end). */
  readonly due: string;
  readonly priority: 'routine' | 'urgent' | 'asap';
  readonly description: string;
}

export interface JunctionOptions {
  /** An active supervision whose period ends within this many days raises the discharge Task. */
  readonly supervisionEndWindowDays: number;
}

export const DEFAULT_JUNCTION_OPTIONS: JunctionOptions = { supervisionEndWindowDays: 30 };

/** Days before release by which release-day linkage should be planned. */
const PLAN_BEFORE_RELEASE_DAYS = 7;
/** A release this close (days) makes its planning urgent. */
const URGENT_RELEASE_DAYS = 14;

/** The team Tasks `version` calls for; none for deletions, non-patient records and ordinary updates. */
export function junctionsOf(version: StoredVersion, options: JunctionOptions = DEFAULT_JUNCTION_OPTIONS): Junction[] {
  if (version.deleted) return [];
  const patientId = version.disclosure.patientId;
  if (!patientId) return [];
  const at = { patientId, focus: `${version.resourceType}/${version.id}`, observed: version.lastUpdated };
  const r = version.resource;
  switch (r.resourceType) {
    case 'Encounter':
      return [...custodyJunctions(r, at), ...missedAttendance(r, at)];
    case 'EpisodeOfCare':
      return supervisionEnding(r, at, options);
    case 'Appointment':
      return missedAppointment(r, at);
    case 'Observation':
      return positiveDrugTest(r, at);
    default:
      return [];
  }
}

interface At {
  readonly patientId: string;
  readonly focus: string;
  /** When the gateway stored the version (ISO instant). */
  readonly observed: string;
}

function custodyJunctions(encounter: Encounter, at: At): Junction[] {
  const out: Junction[] = [];
  if (hasCode(encounter.type, CUSTODY_EVENT_TYPE_SYSTEM, 'booking')) {
    const expected = extensionOf(encounter.extension, EXT_EXPECTED_RELEASE_DATE)?.valueDate;
    if (expected && isDate(expected)) {
      const soon = daysBetween(at.observed, expected) <= URGENT_RELEASE_DAYS;
      out.push({
        kind: 'release-linkage-plan',
        junction: 'pre-release',
        patientId: at.patientId,
        focus: at.focus,
        due: addDays(expected, -PLAN_BEFORE_RELEASE_DAYS),
        priority: soon ? 'urgent' : 'routine',
        description: `Expected release on ${expected}: plan release-day linkage (housing, treatment intake, supervision reporting, benefits, identification).`,
      });
    }
  }
  if (hasCode(encounter.type, CUSTODY_EVENT_TYPE_SYSTEM, 'release')) {
    const released = encounter.period?.start ?? at.observed;
    out.push({
      kind: 'release-day-linkage',
      junction: 'release',
      patientId: at.patientId,
      focus: at.focus,
      due: addDays(released, 3),
      priority: 'asap',
      description: `Released on ${released.slice(0, 10)}: confirm the first days' linkage (housing tonight, treatment intake, reporting to supervision).`,
    });
  }
  return out;
}

function missedAttendance(encounter: Encounter, at: At): Junction[] {
  const status = extensionOf(encounter.extension, EXT_ATTENDANCE_STATUS)?.valueCodeableConcept;
  if (!hasCode(status ? [status] : undefined, ATTENDANCE_STATUS_SYSTEM, 'no-show')) return [];
  return [missed(at, encounter.period?.start ?? at.observed)];
}

function missedAppointment(appointment: Appointment, at: At): Junction[] {
  return appointment.status === 'noshow' ? [missed(at, appointment.start ?? at.observed)] : [];
}

function missed(at: At, when: string): Junction {
  return {
    kind: 'missed-appointment-follow-up',
    patientId: at.patientId,
    focus: at.focus,
    due: addDays(at.observed, 2),
    priority: 'urgent',
    description: `Missed appointment on ${when.slice(0, 10)}: reach the participant and find out what got in the way.`,
  };
}

function supervisionEnding(episode: EpisodeOfCare, at: At, options: JunctionOptions): Junction[] {
  const isSupervision = episode.meta?.profile?.includes(PROFILE_SUPERVISION_EPISODE) || hasSystem(episode.type, SUPERVISION_TYPE_SYSTEM);
  if (!isSupervision) return [];
  const end = episode.period?.end;
  const base = { kind: 'supervision-discharge-plan' as const, junction: 'supervision-discharge', patientId: at.patientId, focus: at.focus };
  if (episode.status === 'finished') {
    return [{ ...base, due: addDays(at.observed, 7), priority: 'urgent', description: `Supervision ended${end ? ` on ${end.slice(0, 10)}` : ''}: plan the transition to self-sufficiency and aftercare.` }];
  }
  if (episode.status === 'active' && end) {
    const left = daysBetween(at.observed, end);
    if (left >= 0 && left <= options.supervisionEndWindowDays) {
      return [{ ...base, due: end.slice(0, 10), priority: 'routine', description: `Supervision ends on ${end.slice(0, 10)}: plan the transition to self-sufficiency and aftercare.` }];
    }
  }
  return [];
}

function positiveDrugTest(observation: Observation, at: At): Junction[] {
  const isDrugTest = (observation.category ?? []).some((c) => (c.coding ?? []).some((k) => k.code === 'drug-test' && DRUG_TEST_CATEGORY_SYSTEMS.has(k.system ?? '')));
  if (!isDrugTest || observation.status === 'entered-in-error') return [];
  const value = observation.valueCodeableConcept;
  if (!hasCode(value ? [value] : undefined, DRUG_TEST_RESULT_SYSTEM, 'positive')) return [];
  return [
    {
      kind: 'positive-drug-test-response',
      junction: 'relapse',
      patientId: at.patientId,
      focus: at.focus,
      due: addDays(at.observed, 1),
      priority: 'urgent',
      description: 'Positive drug test: convene the team on a clinical response (level of care, relapse prevention) before any sanction.',
    },
  ];
}

function hasCode(concepts: readonly CodeableConcept[] | undefined, system: string, code: string): boolean {
  return (concepts ?? []).some((c) => (c.coding ?? []).some((k) => k.system === system && k.code === code));
}

function hasSystem(concepts: readonly CodeableConcept[] | undefined, system: string): boolean {
  return (concepts ?? []).some((c) => (c.coding ?? []).some((k) => k.system === system));
}

function extensionOf(extensions: readonly Extension[] | undefined, url: string): Extension | undefined {
  return extensions?.find((e) => e.url === url);
}

const isDate = (s: string): boolean => !Number.isNaN(Date.parse(s.slice(0, 10)));

/** `date` (date or instant) plus `days`, as YYYY-MM-DD (UTC). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (dates or instants, compared by calendar date, UTC). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
}

/** Resource types whose versions can raise a junction (the runner skips the rest cheaply). */
export const JUNCTION_TYPES: ReadonlySet<Resource['resourceType']> = new Set(['Encounter', 'EpisodeOfCare', 'Appointment', 'Observation']);
