// Public API of the referral capability (STYLE: other folders import only this file).
export { checkInitialStatus, checkTransition, INITIAL_STATUSES, REFERRAL_STATUSES, STATUS_REASON_REQUIRED, TERMINAL_STATUSES, TRANSITIONS } from './task-state-machine.js';
export type { ReferralStatus, TransitionFailure, TransitionVerdict } from './task-state-machine.js';
export { isReferralTask, REFERRAL_WRITE_RULES, referralTaskRule } from './task-rules.js';
export { BUSINESS_STATUS_SYSTEM, checkWaitList, WAIT_LIST_EXPECTED_START, WAIT_LIST_EXTENSION, WAIT_LIST_POSITION, WAIT_LISTED, waitListOf } from './wait-list.js';
export type { WaitList } from './wait-list.js';
export { OUD_PRIORITY, derivedPriority } from './oud-priority.js';
export { oudEvidence } from './oud-evidence.js';
export { gateReferral, PART2_WITHHELD, REFERRAL_CONSENT_NOT_COVERING, REFERRAL_OUTCOME_SYSTEM } from './referral-gate.js';
export type { Carried, GateResult } from './referral-gate.js';
export { serviceRequestGateRule } from './service-request-rules.js';
export { notPermitted, partyOf, referralPurpose, writerParty } from './recipient-access.js';
export type { Party } from './recipient-access.js';
