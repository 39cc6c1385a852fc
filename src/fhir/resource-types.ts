/**
 * The resource types the gateway serves. The CapabilityStatement, routing and scope checks all
 * read this list, so adding a type here is the only change needed to expose it.
 */
export const RESOURCE_TYPES = [
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'RelatedPerson',
  'CarePlan',
  'CareTeam',
  'Goal',
  'ServiceRequest',
  'Task',
  'Consent',
  'Observation',
  'Condition',
  'QuestionnaireResponse',
  'Questionnaire',
  'EpisodeOfCare',
  'Encounter',
  'Appointment',
  'DocumentReference',
  'Provenance',
  'AuditEvent',
  'Subscription',
  'Measure',
  'MeasureReport',
  'Specimen',
  'HealthcareService',
  'Location',
] as const;

export type GatewayResourceType = (typeof RESOURCE_TYPES)[number];

const known: ReadonlySet<string> = new Set(RESOURCE_TYPES);

export function isGatewayResourceType(type: string): type is GatewayResourceType {
  return known.has(type);
}
