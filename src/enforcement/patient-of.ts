import type { Resource } from '@medplum/fhirtypes';

/** Elements that name the patient a record is about, in the order R4 resources use them. */
const PATIENT_ELEMENTS = ['patient', 'subject', 'for', 'beneficiary'] as const;
const PATIENT_REFERENCE = /^Patient\/([A-Za-z0-9\-.]{1,64})$/;

/**
 * The id of the patient a resource is about, or undefined. Consents are per patient, so this is
 * what ties a record to the consents that may release it; a Patient is about itself.
 */
export function patientIdOf(resource: Resource): string | undefined {
  if (resource.resourceType === 'Patient') return resource.id;
  const record = resource as unknown as Record<string, unknown>;
  for (const element of PATIENT_ELEMENTS) {
    const id = patientFromReference(record[element]);
    if (id) return id;
  }
  if (resource.resourceType === 'Appointment') {
    for (const participant of resource.participant ?? []) {
      const id = patientFromReference(participant.actor);
      if (id) return id;
    }
  }
  return undefined;
}

function patientFromReference(value: unknown): string | undefined {
  const reference = (value as { reference?: unknown } | undefined)?.reference;
  return typeof reference === 'string' ? PATIENT_REFERENCE.exec(reference)?.[1] : undefined;
}
