Profile: ReentryReferral
Parent: ServiceRequest
Id: reentry-referral
Title: "Reentry Referral (Linkage)"
Description: "A referral linking a participant to a service (RICMS linkage: mental health, substance use, medical, housing, employment, benefits, legal, court-mandated programs, family reunification, identification, transportation...; TASC linkage and placement into levels of care). supportingInfo may reference the Consent that authorises disclosing records to the performer, and the assessment that justifies the referral."
* extension contains LevelOfCareExtension named levelOfCare 0..1
* category 1..*
* category from LinkageDomainVS (required)
* category ^short = "Linkage domain"
* priority ^short = "routine | urgent | asap | stat"
* subject only Reference(Patient)
* requester 1..1
* requester only Reference(Practitioner or PractitionerRole or Organization)
* requester ^short = "Referring case manager, officer, community health worker or agency"
* performer ^short = "The provider / organization the participant is linked to"
* performer only Reference(Organization or Practitioner or PractitionerRole or HealthcareService or CareTeam)
* reasonCode ^short = "Why: the need being addressed"
* reasonReference only Reference(Condition or Observation or DocumentReference)
* supportingInfo ^short = "Consent authorising disclosure; assessments; case plan"
* authoredOn 1..1
* obeys rr-1

Invariant: rr-1
Description: "The level-of-care extension is an ASAM level (asam-level code system), at most once."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/level-of-care').count() <= 1 and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/level-of-care').all(value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/asam-level' and code in ('0.5' | '1' | '2.1' | '2.5' | '3.1' | '3.3' | '3.5' | '3.7' | '4')).exists())"
Severity: #error
