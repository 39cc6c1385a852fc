Profile: CasePlan
Parent: CarePlan
Id: case-plan
Title: "Collaborative Comprehensive Case Plan"
Description: """A collaborative comprehensive (CC) case plan, owned by the lead case planner (author), that gives each of the ten CC components a home:
1 interagency collaboration & information sharing: careTeam (reentry-care-team) + extension information-sharing-agreement (Consent / agreement references);
2 staff training: extension staff-training (topic, completion date, trainees) and activities tagged cc-component#staff-training;
3 screening & assessment: supportingInfo → risk-needs-assessment / clinical-screening Observations, QuestionnaireResponses;
4 case conferences: extension case-conference-schedule (Timing) + activities whose detail.code is encounter-kind#case-conference (outcomeReference → the attendance Encounters);
5 participant engagement: contributor (participant, family) + extension support-involvement (RelatedPerson / peer mentor with engagement-role);
6 prioritized needs & goals: goal → case-plan-goal (need domain category, need-priority rank, targets);
7 responsivity: extension responsivity (responsivity-factor + adaptation);
8 legal information: extension legal-information (court dates, supervision conditions → supervision-episode, custody orders);
9 participant strengths: extension participant-strength;
10 gender considerations: extension gender-considerations (gender-responsive-approach).
Any activity may carry extension cc-component to say which component it serves. Also carries the program (reentry-program) and TASC junctions of vulnerability."""
* extension contains
    InformationSharingAgreementExtension named informationSharingAgreement 0..* and
    StaffTrainingExtension named staffTraining 0..* and
    CaseConferenceScheduleExtension named caseConferenceSchedule 0..1 and
    SupportInvolvementExtension named supportInvolvement 0..* and
    ResponsivityExtension named responsivity 0..* and
    LegalInformationExtension named legalInformation 0..* and
    ParticipantStrengthExtension named participantStrength 0..* and
    GenderConsiderationsExtension named genderConsiderations 0..* and
    ReentryProgramExtension named reentryProgram 0..* and
    VulnerabilityJunctionExtension named vulnerabilityJunction 0..*
* extension[informationSharingAgreement] ^short = "CC 1: consent / information sharing agreement"
* extension[staffTraining] ^short = "CC 2: staff training"
* extension[caseConferenceSchedule] ^short = "CC 4: case conference schedule"
* extension[supportInvolvement] ^short = "CC 5: family / peer mentor involvement"
* extension[responsivity] ^short = "CC 7: responsivity factors"
* extension[legalInformation] ^short = "CC 8: legal information"
* extension[participantStrength] ^short = "CC 9: participant strengths"
* extension[genderConsiderations] ^short = "CC 10: gender considerations"
* category 1..*
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains ccCasePlan 1..1
* category[ccCasePlan] = CasePlanCategoryCS#comprehensive-case-plan
* subject only Reference(Patient)
* period 1..1
* author 1..1
* author only Reference(Practitioner or PractitionerRole or Organization)
* author ^short = "The lead case planner"
* contributor ^short = "CC 5: the participant, family and others who helped develop the plan"
* careTeam 1..*
* careTeam only Reference(CareTeam)
* careTeam ^short = "CC 1: the interagency case management team (reentry-care-team)"
* supportingInfo ^short = "CC 3: screening and assessment results (risk-needs-assessment, clinical-screening)"
* goal only Reference(Goal)
* goal ^short = "CC 6: prioritized goals (case-plan-goal)"
* activity.extension contains CCComponentExtension named ccComponent 0..*
* activity.detail.code ^short = "e.g. encounter-kind#case-conference (CC 4), a linkage-domain code"
* obeys ccp-1 and ccp-2 and ccp-3 and ccp-4 and ccp-5 and ccp-6 and ccp-7 and ccp-8 and ccp-9 and ccp-10 and ccp-11 and ccp-12

Invariant: ccp-1
Description: "Category includes case-plan-category#comprehensive-case-plan."
Expression: "category.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/case-plan-category' and code = 'comprehensive-case-plan').exists()"
Severity: #error

Invariant: ccp-2
Description: "An active CC case plan cites at least one screening or assessment (supportingInfo, CC 3) and has at least one goal (CC 6)."
Expression: "status = 'active' implies (supportingInfo.exists() and goal.exists())"
Severity: #error

Invariant: ccp-3
Description: "Each information-sharing-agreement extension references a Consent or DocumentReference."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/information-sharing-agreement').all(value.ofType(Reference).exists())"
Severity: #error

Invariant: ccp-4
Description: "Each staff-training extension has one topic coded from training-topic."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/staff-training').all(extension.where(url = 'topic').count() = 1 and extension.where(url = 'topic').value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/training-topic' and code in ('rnr-model' | 'behavioral-health-recovery' | 'cross-training' | 'trauma-informed-care' | 'gender-responsive' | 'cultural-competence' | 'motivational-interviewing' | 'confidentiality-part2')).exists())"
Severity: #error

Invariant: ccp-5
Description: "Each support-involvement extension has a person reference and one role coded from engagement-role."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/support-involvement').all(extension.where(url = 'person').value.ofType(Reference).exists() and extension.where(url = 'role').count() = 1 and extension.where(url = 'role').value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/engagement-role' and code in ('family-member' | 'peer-mentor' | 'recovery-sponsor' | 'faith-leader' | 'friend')).exists())"
Severity: #error

Invariant: ccp-6
Description: "Each responsivity extension has one factor coded from responsivity-factor."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/responsivity').all(extension.where(url = 'factor').count() = 1 and extension.where(url = 'factor').value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/responsivity-factor' and code in ('learning-style' | 'literacy' | 'language' | 'trauma' | 'cognitive' | 'motivation' | 'culture')).exists())"
Severity: #error

Invariant: ccp-7
Description: "Each legal-information extension has one type coded from legal-information-type."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/legal-information').all(extension.where(url = 'type').count() = 1 and extension.where(url = 'type').value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/legal-information-type' and code in ('court-date' | 'supervision-conditions' | 'court-participation-requirement' | 'child-custody-order' | 'protective-order' | 'warrant' | 'other')).exists())"
Severity: #error

Invariant: ccp-8
Description: "Each participant-strength extension has one strength coded from participant-strength."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/participant-strength').all(extension.where(url = 'strength').count() = 1 and extension.where(url = 'strength').value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/participant-strength' and code in ('employment-history' | 'family-support' | 'education' | 'recovery-support' | 'faith-community' | 'skills')).exists())"
Severity: #error

Invariant: ccp-9
Description: "Each gender-considerations extension has one approach coded from gender-responsive-approach."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/gender-considerations').all(extension.where(url = 'approach').count() = 1 and extension.where(url = 'approach').value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/gender-responsive-approach' and code in ('gender-responsive-assessment' | 'trauma-informed-services' | 'women-specific-programming' | 'relational-approach' | 'parenting-family-support' | 'gender-specific-housing' | 'not-applicable')).exists())"
Severity: #error

Invariant: ccp-10
Description: "Activity cc-component extensions are coded from cc-component."
Expression: "activity.extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/cc-component').all(value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/cc-component' and code in ('interagency-collaboration' | 'staff-training' | 'screening-assessment' | 'case-conference' | 'participant-engagement' | 'prioritized-needs-goals' | 'responsivity' | 'legal-information' | 'participant-strengths' | 'gender-considerations')).exists())"
Severity: #error

Invariant: ccp-11
Description: "Vulnerability-junction extensions are coded from vulnerability-junction."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/vulnerability-junction').all(value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/vulnerability-junction' and code in ('institutional-admission' | 'pre-release' | 'release' | 'supervision-change' | 'treatment-transition' | 'relapse' | 'housing-loss' | 'employment-loss' | 'supervision-discharge')).exists())"
Severity: #error

Invariant: ccp-12
Description: "At most one case-conference-schedule extension, holding a Timing."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/case-conference-schedule').count() <= 1 and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/case-conference-schedule').all(value.ofType(Timing).exists())"
Severity: #error
