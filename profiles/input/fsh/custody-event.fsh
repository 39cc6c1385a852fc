Profile: CustodyEvent
Parent: Encounter
Id: custody-event
Title: "Custody Event"
Description: "A booking into, release from, or transfer between jail or prison facilities. The facility operator is serviceProvider, the facility is location.location; a booking carries the jail booking number."
* extension contains ExpectedReleaseDateExtension named expectedReleaseDate 0..1
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains bookingNumber 0..1
* identifier[bookingNumber] ^short = "Jail booking number"
* identifier[bookingNumber].system 1..1
* identifier[bookingNumber].system = $BookingNumber
* identifier[bookingNumber].value 1..1
* class ^short = "Use v3-ActCode (e.g. FLD) or a local class; the custody nature is in type"
* type 1..*
* type from CustodyEventTypeVS (required)
* type ^short = "booking | release | transfer"
* subject 1..1
* subject only Reference(Patient)
* period 1..1
* period.start 1..1
* serviceProvider 1..1
* serviceProvider only Reference(Organization)
* serviceProvider ^short = "Jail / prison / DOC operating the facility"
* location ^short = "The facility (and, for a transfer, the facilities in order)"
* obeys ce-1 and ce-2 and ce-3

Invariant: ce-1
Description: "The custody event has a start date/time."
Expression: "period.start.exists()"
Severity: #error

Invariant: ce-2
Description: "A booking carries its booking number (identifier with system https://reentry-gateway.example.org/fhir/sid/booking-number and a value)."
Expression: "type.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/custody-event-type' and code = 'booking').exists() implies identifier.where(system = 'https://reentry-gateway.example.org/fhir/sid/booking-number' and value.exists()).exists()"
Severity: #error

Invariant: ce-3
Description: "The expected-release-date extension holds a date, at most once."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/expected-release-date').count() <= 1 and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/expected-release-date').all(value.ofType(date).exists())"
Severity: #error
