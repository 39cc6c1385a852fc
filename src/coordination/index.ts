// Public API of the care-coordination capability (STYLE: other folders import only this file).
export { aftercareScheduleOf, addMonths, wellnessCheckOf } from './aftercare.js';
export type { AftercareMonth, WellnessCheck } from './aftercare.js';
export { CARE_COORDINATION_CONSUMER, createCareCoordinator } from './care-coordinator.js';
export type { CareCoordinator, CareCoordinatorOptions } from './care-coordinator.js';
export { DEFAULT_JUNCTION_OPTIONS, junctionsOf } from './junctions.js';
export type { Junction, JunctionOptions } from './junctions.js';
export { aftercareTask, careTeamOf, junctionTask, writeOnce } from './team-tasks.js';
export * from './vocabulary.js';
export { buildProgressReport, PROGRESS_SECTION_LIMIT, WITHHELD_STATEMENT } from './progress-report.js';
