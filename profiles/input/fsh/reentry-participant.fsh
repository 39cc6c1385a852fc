Profile: ReentryParticipant
Parent: Patient
Id: reentry-participant
Title: "Reentry Participant"
Description: "A person under criminal-justice supervision who is returning to the community. Carries the Department of Corrections (DOC) number the corrections system knows them by, and optionally jail booking numbers, court case numbers and program participant ids. Gender identity and pronouns may be sent with the standard extensions http://hl7.org/fhir/StructureDefinition/patient-genderIdentity and http://hl7.org/fhir/StructureDefinition/individual-pronouns (extension slicing is open)."
* identifier 1..*
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier ^slicing.description = "Slice on the identifier system; the DOC number is required."
* identifier contains docNumber 1..1 and bookingNumber 0..* and courtCaseNumber 0..* and programParticipantId 0..*
* identifier[docNumber] ^short = "Department of Corrections number"
* identifier[docNumber].system 1..1
* identifier[docNumber].system = $DOCNumber
* identifier[docNumber].value 1..1
* identifier[bookingNumber] ^short = "Jail booking number (one per booking)"
* identifier[bookingNumber].system 1..1
* identifier[bookingNumber].system = $BookingNumber
* identifier[bookingNumber].value 1..1
* identifier[courtCaseNumber] ^short = "Court case (docket) number"
* identifier[courtCaseNumber].system 1..1
* identifier[courtCaseNumber].system = $CourtCaseNumber
* identifier[courtCaseNumber].value 1..1
* identifier[programParticipantId] ^short = "Reentry program participant id (ICTS, RICMS, TASC...); assigner names the program"
* identifier[programParticipantId].system 1..1
* identifier[programParticipantId].system = $ProgramParticipantId
* identifier[programParticipantId].value 1..1
* obeys rp-1 and rp-2

// Medplum 4.5.2 does not enforce cardinality inside slices/backbone elements (ARCHITECTURE §6),
// so the slice's `value 1..1` and `1..1` count are restated as a root invariant, which it does run.
Invariant: rp-1
Description: "Exactly one Department of Corrections number identifier, and it has a value."
Expression: "identifier.where(system = 'https://reentry-gateway.example.org/fhir/sid/doc-number').count() = 1 and identifier.where(system = 'https://reentry-gateway.example.org/fhir/sid/doc-number').all(value.exists())"
Severity: #error

Invariant: rp-2
Description: "Booking number, court case number and program participant id identifiers have a value."
Expression: "identifier.where(system = 'https://reentry-gateway.example.org/fhir/sid/booking-number' or system = 'https://reentry-gateway.example.org/fhir/sid/court-case-number' or system = 'https://reentry-gateway.example.org/fhir/sid/program-participant-id').all(value.exists())"
Severity: #error
