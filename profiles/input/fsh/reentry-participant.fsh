Profile: ReentryParticipant
Parent: Patient
Id: reentry-participant
Title: "Reentry Participant"
Description: "A person under criminal-justice supervision who is returning to the community. Carries the Department of Corrections (DOC) number the corrections system knows them by."
* identifier 1..*
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier ^slicing.description = "Slice on the identifier system; the DOC number is required."
* identifier contains docNumber 1..1
* identifier[docNumber] ^short = "Department of Corrections number"
* identifier[docNumber].system 1..1
* identifier[docNumber].system = $DOCNumber
* identifier[docNumber].value 1..1
* obeys rp-1

// Medplum 4.5.2 does not enforce cardinality inside slices/backbone elements (ARCHITECTURE §6),
// so the slice's `value 1..1` and `1..1` count are restated as a root invariant, which it does run.
Invariant: rp-1
Description: "Exactly one Department of Corrections number identifier, and it has a value."
Expression: "identifier.where(system = 'https://reentry-gateway.example.org/fhir/sid/doc-number').count() = 1 and identifier.where(system = 'https://reentry-gateway.example.org/fhir/sid/doc-number').all(value.exists())"
Severity: #error
