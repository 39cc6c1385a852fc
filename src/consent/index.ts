// Public API of the consent capability (STYLE: other folders import only this file).
export { decide, decideAll } from './decide.js';
export { checkConsentIntake } from './intake.js';
export { parseConsent, isConsentParseError } from './parse-consent.js';
export { PART2_CONSENT_PROFILE } from './vocabulary.js';
export type {
  AccessRequest,
  Authority,
  ConsentKind,
  ConsentParseError,
  ConsentPolicy,
  CourtOrder,
  Decision,
  DecisionFacts,
  DenyCode,
  EventFacts,
  Obligation,
  ProvisionNode,
  ResourceFacts,
  RuleId,
  TraceStep,
} from './model.js';
