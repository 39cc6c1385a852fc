Profile: CasePlanGoal
Parent: Goal
Id: case-plan-goal
Title: "Case Plan Goal"
Description: "A goal in a CC case plan (component 6, prioritized needs and goals): the need it addresses (criminogenic need or linkage domain), the need's priority rank, targets with due dates and measures, and achievement status."
* extension contains NeedPriorityExtension named needPriority 0..1
* category 1..*
* category from NeedDomainVS (required)
* category ^short = "Need domain: criminogenic-need or linkage-domain code"
* priority ^short = "high-priority | medium-priority | low-priority"
* subject only Reference(Patient)
* target 1..*
* target.due[x] 1..1
* target.measure ^short = "What is measured (e.g. days housed, negative drug tests)"
* achievementStatus ^short = "in-progress | improving | worsening | no-change | achieved | ..."
* addresses ^short = "Need (Condition) or assessment (Observation) the goal addresses"
* obeys cpg-1 and cpg-2

Invariant: cpg-1
Description: "Every target has a due date or duration."
Expression: "target.exists() and target.all(due.exists())"
Severity: #error

Invariant: cpg-2
Description: "The need-priority extension is a positive integer rank, at most once."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/need-priority').count() <= 1 and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/need-priority').all(value.ofType(positiveInt).exists())"
Severity: #error
