Profile: SupervisionEpisode
Parent: EpisodeOfCare
Id: supervision-episode
Title: "Supervision Episode"
Description: "A period of probation, parole, pretrial or other community supervision: the supervising officer (careManager), agency (managingOrganization), supervision level and conditions of supervision (treatment mandate, drug testing, curfew...)."
* extension contains
    SupervisionLevelExtension named supervisionLevel 0..1 and
    SupervisionConditionExtension named supervisionCondition 0..* and
    ReentryProgramExtension named reentryProgram 0..* and
    EligibilityBasisExtension named eligibilityBasis 0..*
* identifier ^short = "Supervision case number (e.g. DOC number or court case number systems)"
* type 1..*
* type from SupervisionTypeVS (required)
* type ^short = "probation | parole | pretrial | community-supervision"
* patient only Reference(Patient)
* managingOrganization 1..1
* managingOrganization only Reference(Organization)
* managingOrganization ^short = "Supervising agency (probation department, parole agency, pretrial services)"
* period 1..1
* period.start 1..1
* careManager ^short = "The supervising officer"
* team only Reference(CareTeam)
* obeys se-1 and se-2 and se-3 and se-4

Invariant: se-1
Description: "The supervision-level extension holds a code from the supervision-level code system (minimum | medium | high | intensive)."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/supervision-level').all(value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/supervision-level' and code in ('minimum' | 'medium' | 'high' | 'intensive')).exists())"
Severity: #error

Invariant: se-2
Description: "Each supervision-condition extension has exactly one `code` sub-extension coded from the supervision-condition code system."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/supervision-condition').all(extension.where(url = 'code').count() = 1 and extension.where(url = 'code').value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/supervision-condition' and code in ('treatment-mandate' | 'drug-testing' | 'curfew' | 'no-contact' | 'employment' | 'electronic-monitoring' | 'reporting' | 'other')).exists())"
Severity: #error

Invariant: se-3
Description: "The supervision period has a start date."
Expression: "period.start.exists()"
Severity: #error

Invariant: se-4
Description: "A finished supervision episode has an end date."
Expression: "status = 'finished' implies period.end.exists()"
Severity: #error
