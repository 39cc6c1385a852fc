Profile: DrugTestResult
Parent: Observation
Id: drug-test-result
Title: "Drug Test Result"
Description: "A drug or alcohol test done for supervision or treatment accountability (e.g. ICTS random drug testing): what was tested (panel or LOINC analyte), the specimen, whether collection was observed, why the test was selected, and the result (positive | negative | dilute | refused | adulterated)."
* extension contains
    CollectionObservedExtension named collectionObserved 0..1 and
    TestSelectionExtension named testSelection 0..1
* category 2..*
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains laboratory 1..1 and drugTest 1..1
* category[laboratory] = $ObsCat#laboratory
* category[drugTest] = ReentryObservationCategoryCS#drug-test
* code from DrugTestCodeVS (extensible)
* code ^short = "Panel (drug-test-panel) or LOINC analyte screen"
* subject 1..1
* subject only Reference(Patient)
* effective[x] 1..1
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from DrugTestResultVS (required)
* specimen only Reference(DrugTestSpecimen)
* specimen ^short = "The specimen (absent only when the participant refused)"
* obeys dtr-1 and dtr-2 and dtr-3 and dtr-4

Invariant: dtr-1
Description: "Category includes observation-category#laboratory and reentry-observation-category#drug-test."
Expression: "category.coding.where(system = 'http://terminology.hl7.org/CodeSystem/observation-category' and code = 'laboratory').exists() and category.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/reentry-observation-category' and code = 'drug-test').exists()"
Severity: #error

Invariant: dtr-2
Description: "A specimen is referenced unless the result is `refused`."
Expression: "value.ofType(CodeableConcept).coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/drug-test-result' and code = 'refused').exists() or specimen.exists()"
Severity: #error

Invariant: dtr-3
Description: "The test-selection extension is coded random | scheduled | for-cause (test-selection code system), at most once."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/test-selection').count() <= 1 and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/test-selection').all(value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/test-selection' and code in ('random' | 'scheduled' | 'for-cause')).exists())"
Severity: #error

Invariant: dtr-4
Description: "The collection-observed extension holds a boolean, at most once."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/collection-observed').count() <= 1 and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/collection-observed').all(value.ofType(boolean).exists())"
Severity: #error

Profile: DrugTestSpecimen
Parent: Specimen
Id: drug-test-specimen
Title: "Drug Test Specimen"
Description: "A specimen collected for a drug test: urine, oral fluid, hair, blood, sweat patch or breath; when it was collected and whether collection was observed."
* extension contains CollectionObservedExtension named collectionObserved 0..1
* type 1..1
* type from DrugTestSpecimenTypeVS (required)
* subject 1..1
* subject only Reference(Patient)
* collection 1..1
* collection.collected[x] 1..1
* obeys dts-1

Invariant: dts-1
Description: "The collection time is recorded."
Expression: "collection.collected.exists()"
Severity: #error
