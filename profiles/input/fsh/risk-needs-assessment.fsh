Profile: RiskNeedsAssessment
Parent: Observation
Id: risk-needs-assessment
Title: "Risk/Needs Assessment"
Description: "The result of a validated criminogenic risk/needs or level-of-care instrument (ORAS, LSI-R, TCU-DS-5, ASAM Criteria...): the overall risk level (or, for ASAM-LOC, the level of care) or total score, with one component per domain. CC case plans cite these in supportingInfo (component 3, screening and assessment)."
* category 2..*
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "Pattern slices (Medplum rejects a fixed value on a repeating element)."
* category contains survey 1..1 and riskNeeds 1..1
* category[survey] = $ObsCat#survey
* category[riskNeeds] = ReentryObservationCategoryCS#risk-needs
* code from AssessmentInstrumentVS (required)
* code ^short = "The instrument (ORAS-CST, LSI-R, TCU-DS-5, ASAM-LOC...)"
* subject 1..1
* subject only Reference(Patient)
* effective[x] 1..1
* effective[x] only dateTime or Period
* value[x] only CodeableConcept or integer
// Bound on value[x] itself (not a valueCodeableConcept type slice) so the gateway's binding check,
// which reads the value[x] element, sees it; the binding only applies to the CodeableConcept type.
* value[x] from RiskNeedsResultVS (required)
* value[x] ^short = "Overall risk level (risk-level), ASAM level of care (asam-level, for ASAM-LOC), or total score"
* component.code from AssessmentDomainVS (extensible)
* component.value[x] only CodeableConcept or integer
* component.value[x] from RiskLevelVS (required)
* derivedFrom only Reference(QuestionnaireResponse or Observation or DocumentReference)
* obeys rna-1 and rna-2 and rna-3 and rna-4

Invariant: rna-1
Description: "Category includes both observation-category#survey and reentry-observation-category#risk-needs."
Expression: "category.coding.where(system = 'http://terminology.hl7.org/CodeSystem/observation-category' and code = 'survey').exists() and category.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/reentry-observation-category' and code = 'risk-needs').exists()"
Severity: #error

Invariant: rna-2
Description: "An ASAM-LOC result is an ASAM level of care; any other instrument's coded result is a risk level."
Expression: "value.ofType(CodeableConcept).exists() implies (iif(code.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/assessment-instrument' and code = 'ASAM-LOC').exists(), value.ofType(CodeableConcept).coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/asam-level').exists(), value.ofType(CodeableConcept).coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/risk-level').exists()))"
Severity: #error

Invariant: rna-3
Description: "A final assessment has a result: a value, or at least one domain component with a value."
Expression: "status in ('final' | 'amended' | 'corrected') implies (value.exists() or component.value.exists())"
Severity: #error

// The gateway's binding check does not see profile bindings inside backbone elements (component),
// so the component.value[x] binding is restated here.
Invariant: rna-4
Description: "A coded domain result (component.valueCodeableConcept) is a risk level (risk-level code system)."
Expression: "component.value.ofType(CodeableConcept).all(coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/risk-level' and code in ('low' | 'low-moderate' | 'moderate' | 'high' | 'very-high')).exists())"
Severity: #error
