Profile: TreatmentAttendance
Parent: Encounter
Id: treatment-attendance
Title: "Attendance"
Description: "Attendance at a scheduled contact: a treatment session, case conference, supervision contact, wellness check or court appearance, with whether the participant attended (attended | no-show | excused | late), linked to the treatment or supervision episode it belongs to."
* extension contains AttendanceStatusExtension named attendanceStatus 1..1
// Restating value[x] unfolds the slice's `url` (fixed) into the snapshot: Medplum matches extension
// slices on that element, so a required slice is never satisfied without it.
* extension[attendanceStatus].value[x] 1..1
* status ^short = "finished/in-progress when attended or late; cancelled when no-show or excused"
* type 1..*
* type from EncounterKindVS (required)
* type ^short = "treatment-session | case-conference | supervision-contact | wellness-check | court-appearance"
* subject 1..1
* subject only Reference(Patient)
* episodeOfCare 1..*
* episodeOfCare only Reference(EpisodeOfCare)
* period 1..1
* obeys ta-1 and ta-2

Invariant: ta-1
Description: "Exactly one attendance-status extension, coded attended | no-show | excused | late (attendance-status code system)."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/attendance-status').count() = 1 and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/attendance-status').all(value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/attendance-status' and code in ('attended' | 'no-show' | 'excused' | 'late')).exists())"
Severity: #error

Invariant: ta-2
Description: "Status agrees with attendance: no-show/excused is `cancelled`; attended/late is `in-progress` or `finished`."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/attendance-status').value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/attendance-status').all(iif(code in ('no-show' | 'excused'), %resource.status = 'cancelled', %resource.status in ('in-progress' | 'finished')))"
Severity: #error
