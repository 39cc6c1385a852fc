// One canonical base for every project artifact: https://reentry-gateway.example.org/fhir
Alias: $DOCNumber = https://reentry-gateway.example.org/fhir/sid/doc-number
Alias: $ActReason = http://terminology.hl7.org/CodeSystem/v3-ActReason
