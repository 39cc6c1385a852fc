Profile: ClinicalScreening
Parent: Observation
Id: clinical-screening
Title: "Clinical Screening Score"
Description: "The total score of a standard behavioral-health screen, coded with the LOINC total-score code (not the panel code): PHQ-9 44261-6 (panel 44249-1), GAD-7 70274-6 (panel 69737-5), AUDIT-C 75626-2 (panel 72109-2), DAST-10 82667-7 (panel 82666-9). The item answers may be linked via derivedFrom (QuestionnaireResponse)."
* category 1..*
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains survey 1..1
* category[survey] = $ObsCat#survey
* code from ClinicalScreeningScoreVS (required)
* subject 1..1
* subject only Reference(Patient)
* effective[x] 1..1
* value[x] only integer
* derivedFrom only Reference(QuestionnaireResponse or Observation)
* obeys csc-1 and csc-2 and csc-3

Invariant: csc-1
Description: "Category includes observation-category#survey."
Expression: "category.coding.where(system = 'http://terminology.hl7.org/CodeSystem/observation-category' and code = 'survey').exists()"
Severity: #error

Invariant: csc-2
Description: "A final screening carries its total score (valueInteger)."
Expression: "status in ('final' | 'amended' | 'corrected') implies value.exists()"
Severity: #error

Invariant: csc-3
Description: "The total score is within the instrument's range: PHQ-9 0-27, GAD-7 0-21, AUDIT-C 0-12, DAST-10 0-10."
Expression: "value.exists() implies (value >= 0 and (code.coding.where(system = 'http://loinc.org' and code = '44261-6').exists() implies value <= 27) and (code.coding.where(system = 'http://loinc.org' and code = '70274-6').exists() implies value <= 21) and (code.coding.where(system = 'http://loinc.org' and code = '75626-2').exists() implies value <= 12) and (code.coding.where(system = 'http://loinc.org' and code = '82667-7').exists() implies value <= 10))"
Severity: #error
