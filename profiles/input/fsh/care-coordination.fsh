// Care coordination (issue 6): the Tasks the gateway raises for the reentry team, and the
// extensions of the RICMS-style program indicators (Measure / MeasureReport).

CodeSystem: CareTaskKindCS
Id: care-task-kind
Title: "Care Team Task Kind"
Description: "What a team Task raised by the gateway asks for (src/coordination). TASC junctions of vulnerability, ICTS aftercare wellness checks. Next to it, Task.code carries the vulnerability-junction code when TASC's list names the transition."
* insert LocalCodeSystem
* #release-linkage-plan "Plan release-day linkage" "A booking carries an expected release date: plan housing, treatment intake, supervision reporting, benefits and identification before release (junction pre-release)."
* #release-day-linkage "Release-day linkage" "The participant was released: confirm the first days' linkage (junction release)."
* #supervision-discharge-plan "Plan transition at end of supervision" "Supervision ends within the notice window or has ended: plan the transition to self-sufficiency and aftercare (junction supervision-discharge)."
* #missed-appointment-follow-up "Follow up a missed appointment" "A no-show Appointment or attendance Encounter: reach the participant."
* #positive-drug-test-response "Respond to a positive drug test" "A positive drug test: convene the team on a clinical response (junction relapse)."
* #aftercare-wellness-check "Aftercare wellness check" "The monthly peer-support wellness check of aftercare (up to six months)."

ValueSet: CareTaskKindVS
Id: care-task-kind
Title: "Care Team Task Kind"
Description: "All care team Task kinds (closed)."
* insert LocalValueSet
* include codes from system CareTaskKindCS

CodeSystem: IndicatorSuppressionCS
Id: indicator-suppression
Title: "Indicator Suppression Rule"
Description: "Why an indicator count is not shown (P2-19)."
* insert LocalCodeSystem
* #small-cell "Small cell" "The count is between 1 and 10."
* #complementary "Complementary" "Suppressed so that a small cell cannot be recovered by subtracting the shown cells from a total."

Extension: IndicatorBaseline
Id: indicator-baseline
Title: "Indicator Baseline"
Description: "The program's published baseline for an indicator (e.g. RICMS indicator baselines)."
Context: Measure, MeasureReport
* value[x] 1..1
* value[x] only Quantity

Extension: IndicatorTarget
Id: indicator-target
Title: "Indicator Target"
Description: "The program's published target for an indicator over its grant period (e.g. RICMS: connect 5,500 people to mental health services)."
Context: Measure, MeasureReport
* value[x] 1..1
* value[x] only Quantity

Extension: IndicatorSuppression
Id: indicator-suppression
Title: "Indicator Suppression"
Description: "On a MeasureReport population whose count is withheld (next to data-absent-reason `masked`): which suppression rule applied."
Context: MeasureReport.group.population, MeasureReport.group.stratifier.stratum.population
* value[x] 1..1
* value[x] only code
* valueCode from IndicatorSuppressionVS (required)

ValueSet: IndicatorSuppressionVS
Id: indicator-suppression
Title: "Indicator Suppression Rule"
Description: "All suppression rules (closed)."
* insert LocalValueSet
* include codes from system IndicatorSuppressionCS
