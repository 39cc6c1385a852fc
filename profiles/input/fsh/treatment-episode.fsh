Profile: TreatmentEpisode
Parent: EpisodeOfCare
Id: treatment-episode
Title: "Treatment Episode"
Description: "An episode of SUD, mental health or co-occurring treatment at a treatment program (managingOrganization; a 42 CFR Part 2 program when that organization's type is part2-program), with its ASAM level of care and the referral(s) that led to it."
* extension contains
    LevelOfCareExtension named levelOfCare 0..1 and
    ReentryProgramExtension named reentryProgram 0..* and
    EligibilityBasisExtension named eligibilityBasis 0..*
* type 1..*
* type from TreatmentTypeVS (required)
* type ^short = "sud | mh | co-occurring"
* patient only Reference(Patient)
* managingOrganization 1..1
* managingOrganization only Reference(Organization)
* managingOrganization ^short = "The treatment program (reentry-organization)"
* period 1..1
* period.start 1..1
* referralRequest only Reference(ServiceRequest)
* referralRequest ^short = "The reentry-referral(s) that led to this episode"
* careManager ^short = "Treatment counselor / clinical case manager"
* team only Reference(CareTeam)
* obeys te-1 and te-2

Invariant: te-1
Description: "The level-of-care extension is an ASAM level (asam-level code system), at most once."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/level-of-care').count() <= 1 and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/level-of-care').all(value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/asam-level' and code in ('0.5' | '1' | '2.1' | '2.5' | '3.1' | '3.3' | '3.5' | '3.7' | '4')).exists())"
Severity: #error

Invariant: te-2
Description: "The treatment period has a start date."
Expression: "period.start.exists()"
Severity: #error
