import { PROJECT_CANONICAL } from '../conformance/canonical.js';

/** Code systems and identifiers the care-coordination reactions read and write. */
const CS = `${PROJECT_CANONICAL}/CodeSystem`;
const SD = `${PROJECT_CANONICAL}/StructureDefinition`;

export const VULNERABILITY_JUNCTION_SYSTEM = `${CS}/vulnerability-junction`;
/** What a gateway-raised team Task asks for (profiles/input/fsh/care-coordination.fsh). */
export const CARE_TASK_KIND_SYSTEM = `${CS}/care-task-kind`;
export const CUSTODY_EVENT_TYPE_SYSTEM = `${CS}/custody-event-type`;
export const SUPERVISION_TYPE_SYSTEM = `${CS}/supervision-type`;
export const TREATMENT_TYPE_SYSTEM = `${CS}/treatment-type`;
export const ENCOUNTER_KIND_SYSTEM = `${CS}/encounter-kind`;
export const ATTENDANCE_STATUS_SYSTEM = `${CS}/attendance-status`;
export const DRUG_TEST_RESULT_SYSTEM = `${CS}/drug-test-result`;
export const CASE_PLAN_CATEGORY_SYSTEM = `${CS}/case-plan-category`;
export const CARE_TEAM_ROLE_SYSTEM = `${CS}/care-team-role`;
export const LINKAGE_DOMAIN_SYSTEM = `${CS}/linkage-domain`;
/** Drug tests carry `drug-test` under either of these category systems (profile or §2.35 monitoring). */
export const DRUG_TEST_CATEGORY_SYSTEMS: ReadonlySet<string> = new Set([`${CS}/reentry-observation-category`, `${CS}/part2-monitoring-category`]);

export const EXT_EXPECTED_RELEASE_DATE = `${SD}/expected-release-date`;
export const EXT_ATTENDANCE_STATUS = `${SD}/attendance-status`;
export const EXT_AFTERCARE_MONTH = `${SD}/aftercare-month`;
export const EXT_STAFF_TRAINING = `${SD}/staff-training`;
export const PROFILE_SUPERVISION_EPISODE = `${PROJECT_CANONICAL}/StructureDefinition/supervision-episode`;
export const PROFILE_TREATMENT_EPISODE = `${PROJECT_CANONICAL}/StructureDefinition/treatment-episode`;

/**
 * Identifier systems that make gateway-raised Tasks idempotent: the value names the triggering
 * record and the kind, so a replay of the change feed finds the Task it already wrote.
 */
export const JUNCTION_IDENTIFIER_SYSTEM = 'urn:gateway:junction';
export const AFTERCARE_IDENTIFIER_SYSTEM = 'urn:gateway:aftercare';

/** The kinds of team Task the gateway raises (codes of CARE_TASK_KIND_SYSTEM). */
export type CareTaskKind =
  | 'release-linkage-plan'
  | 'release-day-linkage'
  | 'supervision-discharge-plan'
  | 'missed-appointment-follow-up'
  | 'positive-drug-test-response'
  | 'aftercare-wellness-check';

export const CARE_TASK_KIND_DISPLAY: Readonly<Record<CareTaskKind, string>> = {
  'release-linkage-plan': 'Plan release-day linkage',
  'release-day-linkage': 'Release-day linkage',
  'supervision-discharge-plan': 'Plan transition at end of supervision',
  'missed-appointment-follow-up': 'Follow up a missed appointment',
  'positive-drug-test-response': 'Respond to a positive drug test',
  'aftercare-wellness-check': 'Aftercare wellness check',
};

/** Aftercare lasts up to six months (ICTS); no wellness-check Task is ever scheduled past it. */
export const AFTERCARE_MONTHS = 6;
