import type { ResourceFacts } from './model.js';
import { OBSERVATION_CATEGORY_SYSTEM } from './sud-codes.js';
import { MONITORING_CATEGORY_SYSTEM } from './vocabulary.js';

/**
 * P2-10: what a §2.35 criminal-justice consent may release — information needed to monitor
 * progress: attendance, drug-test results, progress and compliance. Everything else (Condition
 * diagnoses, QuestionnaireResponse assessments, DocumentReference notes, counseling notes, …)
 * is outside the set. Each allowed type lists the elements that carry clinical detail, which
 * the enforcement point redacts (P2-05, minimum necessary).
 */
const MONITORING_TYPES: Readonly<Record<string, readonly string[]>> = {
  // Attendance: that a session happened (or was missed), not why.
  Encounter: ['Encounter.reasonCode', 'Encounter.reasonReference', 'Encounter.diagnosis'],
  Appointment: ['Appointment.reasonCode', 'Appointment.reasonReference', 'Appointment.description', 'Appointment.comment'],
  // Enrollment and discharge status of the treatment episode.
  EpisodeOfCare: ['EpisodeOfCare.diagnosis'],
  // Progress and compliance: goal and plan status, without what they address.
  Goal: ['Goal.addresses', 'Goal.note'],
  CarePlan: ['CarePlan.addresses', 'CarePlan.supportingInfo', 'CarePlan.note', 'CarePlan.activity.detail.reasonCode', 'CarePlan.activity.detail.reasonReference'],
  // Observations only with a monitoring category (drug test, attendance, progress, compliance).
  Observation: ['Observation.note'],
};

const MONITORING_CODES: ReadonlySet<string> = new Set(['drug-test', 'attendance', 'progress', 'compliance']);
/**
 * Drug tests written to the drug-test-result profile (and by the lab mapping) carry the
 * project's observation category instead of the monitoring one; both mean the same result.
 */
const PROFILED_MONITORING_CODES: ReadonlySet<string> = new Set(['drug-test']);

function isMonitoringObservation(codes: ResourceFacts['codes']): boolean {
  return codes.some(
    (c) => (c.system === MONITORING_CATEGORY_SYSTEM && MONITORING_CODES.has(c.code ?? '')) || (c.system === OBSERVATION_CATEGORY_SYSTEM && PROFILED_MONITORING_CODES.has(c.code ?? '')),
  );
}

/** The elements to redact when `resource` is monitoring information, or undefined when it is not. */
export function monitoringRedactions(resource: ResourceFacts): readonly string[] | undefined {
  const redact = MONITORING_TYPES[resource.type];
  if (!redact) return undefined;
  if (resource.type === 'Observation' && !isMonitoringObservation(resource.codes)) return undefined;
  return redact;
}
