export { loadDefinitions } from './definitions.js';
export { createValidator } from './validator.js';
export type { ResourceValidator } from './validator.js';
export { getProfile, isInValueSet, listProfiles, PROJECT_CANONICAL } from './profiles.js';
export type { ProfileSummary } from './profiles.js';
export { MAX_DEPTH } from './bounds.js';
