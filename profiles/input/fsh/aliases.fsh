// One canonical base for every project artifact: https://reentry-gateway.example.org/fhir
Alias: $DOCNumber = https://reentry-gateway.example.org/fhir/sid/doc-number
Alias: $BookingNumber = https://reentry-gateway.example.org/fhir/sid/booking-number
Alias: $CourtCaseNumber = https://reentry-gateway.example.org/fhir/sid/court-case-number
Alias: $ProgramParticipantId = https://reentry-gateway.example.org/fhir/sid/program-participant-id
Alias: $ActReason = http://terminology.hl7.org/CodeSystem/v3-ActReason
Alias: $LOINC = http://loinc.org
Alias: $ObsCat = http://terminology.hl7.org/CodeSystem/observation-category
Alias: $ActCode = http://terminology.hl7.org/CodeSystem/v3-ActCode
