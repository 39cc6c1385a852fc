Profile: AftercareWellnessCheck
Parent: Encounter
Id: aftercare-wellness-check
Title: "Aftercare Wellness Check"
Description: "An ICTS aftercare wellness check: a peer support specialist checks on a participant who is transitioning out of the program (aftercare lasts up to six months) and helps them stay connected to their support services. Findings may be recorded as wellness-check-finding Observations."
* extension contains AftercareMonthExtension named aftercareMonth 1..1
// Unfolds the slice's fixed `url` into the snapshot so Medplum can match the required slice.
* extension[aftercareMonth].value[x] 1..1
* type 1..*
* type ^slicing.discriminator.type = #pattern
* type ^slicing.discriminator.path = "$this"
* type ^slicing.rules = #open
* type contains wellnessCheck 1..1
* type[wellnessCheck] = EncounterKindCS#wellness-check
* subject 1..1
* subject only Reference(Patient)
* participant 1..*
* participant ^short = "The peer support specialist (type care-team-role#peer-support-specialist)"
* episodeOfCare ^short = "The program / treatment episode the aftercare follows"
* period 1..1
* obeys awc-1 and awc-2 and awc-3

Invariant: awc-1
Description: "Exactly one aftercare-month extension, a positive integer no greater than 6 (aftercare lasts up to six months)."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/aftercare-month').count() = 1 and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/aftercare-month').all(value.ofType(positiveInt).exists() and value >= 1 and value <= 6)"
Severity: #error

Invariant: awc-2
Description: "Performed by a peer support specialist: a participant typed care-team-role#peer-support-specialist with an individual."
Expression: "participant.where(type.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/care-team-role' and code = 'peer-support-specialist').exists() and individual.exists()).exists()"
Severity: #error

Invariant: awc-3
Description: "Type includes encounter-kind#wellness-check."
Expression: "type.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/encounter-kind' and code = 'wellness-check').exists()"
Severity: #error

Profile: WellnessCheckFinding
Parent: Observation
Id: wellness-check-finding
Title: "Wellness Check Finding"
Description: "One finding of an aftercare wellness check (housing stable, still engaged in treatment, needs assistance...), linked to the wellness-check Encounter."
* category 1..*
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains wellnessCheck 1..1
* category[wellnessCheck] = ReentryObservationCategoryCS#wellness-check
* code from WellnessCheckItemVS (required)
* subject 1..1
* subject only Reference(Patient)
* encounter 1..1
* encounter only Reference(Encounter)
* value[x] only boolean or CodeableConcept or string or integer
* obeys wcf-1

Invariant: wcf-1
Description: "Category includes reentry-observation-category#wellness-check."
Expression: "category.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/reentry-observation-category' and code = 'wellness-check').exists()"
Severity: #error
