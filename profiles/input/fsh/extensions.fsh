// Extensions used by the reentry profiles. Medplum 4.5.2 does not check extension contents against
// these definitions (ARCHITECTURE §6), so every profile that uses one restates its value type and
// required codes as a root invariant (see the profile files).

Extension: SupervisionLevelExtension
Id: supervision-level
Title: "Supervision Level"
Description: "The current supervision intensity of a supervision episode."
Context: EpisodeOfCare
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from SupervisionLevelVS (required)

Extension: SupervisionConditionExtension
Id: supervision-condition
Title: "Supervision Condition"
Description: "One condition of supervision or release: its kind, its wording and when it applies."
Context: EpisodeOfCare
* extension contains code 1..1 and text 0..1 and period 0..1
* extension[code] ^short = "Kind of condition"
* extension[code].value[x] 1..1
* extension[code].value[x] only CodeableConcept
* extension[code].valueCodeableConcept from SupervisionConditionVS (required)
* extension[text] ^short = "The condition as worded by the court or paroling authority"
* extension[text].value[x] 1..1
* extension[text].value[x] only string
* extension[period] ^short = "When the condition applies"
* extension[period].value[x] 1..1
* extension[period].value[x] only Period

Extension: ReentryProgramExtension
Id: reentry-program
Title: "Reentry Program"
Description: "The reentry or diversion program (ICTS, RICMS, TASC clinical reentry management...) an episode or plan belongs to."
Context: EpisodeOfCare, CarePlan
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from ReentryProgramVS (extensible)

Extension: EligibilityBasisExtension
Id: eligibility-basis
Title: "Program Eligibility Basis"
Description: "Why the participant is eligible for, or prioritised in, the program (e.g. high risk of reoffending, opioid use disorder priority entry, Proposition 47, pretrial in custody)."
Context: EpisodeOfCare
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from EligibilityBasisVS (required)

Extension: ExpectedReleaseDateExtension
Id: expected-release-date
Title: "Expected Release Date"
Description: "The date the person is expected to be released from custody."
Context: Encounter, EpisodeOfCare
* value[x] 1..1
* value[x] only date

Extension: LevelOfCareExtension
Id: level-of-care
Title: "ASAM Level of Care"
Description: "The ASAM level of care of a treatment episode (or placement recommendation)."
Context: EpisodeOfCare, ServiceRequest
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from AsamLevelVS (required)

Extension: CollectionObservedExtension
Id: collection-observed
Title: "Collection Observed"
Description: "Whether staff directly observed the specimen collection."
Context: Observation, Specimen
* value[x] 1..1
* value[x] only boolean

Extension: TestSelectionExtension
Id: test-selection
Title: "Drug Test Selection"
Description: "Why the drug test was done: random, scheduled or for cause."
Context: Observation, ServiceRequest
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from TestSelectionVS (required)

Extension: AttendanceStatusExtension
Id: attendance-status
Title: "Attendance Status"
Description: "Whether the participant attended: attended, no-show, excused or late."
Context: Encounter
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from AttendanceStatusVS (required)

Extension: AftercareMonthExtension
Id: aftercare-month
Title: "Aftercare Month"
Description: "Which month of aftercare (1-6) a wellness check falls in. ICTS aftercare lasts up to six months."
Context: Encounter
* value[x] 1..1
* value[x] only positiveInt

Extension: InformationSharingAgreementExtension
Id: information-sharing-agreement
Title: "Information Sharing Agreement"
Description: "CC component 1: a consent (e.g. a 42 CFR Part 2 consent) or agreement (MOU, data sharing agreement) under which the team shares the participant's information."
Context: CarePlan, CareTeam
* value[x] 1..1
* value[x] only Reference(Consent or DocumentReference)

Extension: StaffTrainingExtension
Id: staff-training
Title: "Staff Training"
Description: "CC component 2: training the case management team has completed or plans (RNR, recovery principles, cross-training)."
Context: CarePlan, CareTeam
* extension contains topic 1..1 and completed 0..1 and trainee 0..*
* extension[topic].value[x] 1..1
* extension[topic].value[x] only CodeableConcept
* extension[topic].valueCodeableConcept from TrainingTopicVS (required)
* extension[completed] ^short = "Date completed (absent: planned)"
* extension[completed].value[x] 1..1
* extension[completed].value[x] only date
* extension[trainee].value[x] 1..1
* extension[trainee].value[x] only Reference(Practitioner or PractitionerRole or Organization or CareTeam)

Extension: CaseConferenceScheduleExtension
Id: case-conference-schedule
Title: "Case Conference Schedule"
Description: "CC component 4: how often the case management team conferences about the participant."
Context: CarePlan
* value[x] 1..1
* value[x] only Timing

Extension: SupportInvolvementExtension
Id: support-involvement
Title: "Support Person Involvement"
Description: "CC component 5: a family member, peer mentor or other support person involved in developing the case plan."
Context: CarePlan
* extension contains person 1..1 and role 1..1 and description 0..1
* extension[person].value[x] 1..1
* extension[person].value[x] only Reference(RelatedPerson or Practitioner or PractitionerRole)
* extension[role].value[x] 1..1
* extension[role].value[x] only CodeableConcept
* extension[role].valueCodeableConcept from EngagementRoleVS (required)
* extension[description].value[x] 1..1
* extension[description].value[x] only string

Extension: NeedPriorityExtension
Id: need-priority
Title: "Need Priority"
Description: "CC component 6: the rank of the need this goal addresses among the participant's needs (1 = highest), prioritised by impact on recidivism, health and public safety."
Context: Goal
* value[x] 1..1
* value[x] only positiveInt

Extension: ResponsivityExtension
Id: responsivity
Title: "Responsivity Factor"
Description: "CC component 7: a characteristic or barrier to learning and how services are adapted to it."
Context: CarePlan
* extension contains factor 1..1 and adaptation 0..1
* extension[factor].value[x] 1..1
* extension[factor].value[x] only CodeableConcept
* extension[factor].valueCodeableConcept from ResponsivityFactorVS (required)
* extension[adaptation].value[x] 1..1
* extension[adaptation].value[x] only string

Extension: LegalInformationExtension
Id: legal-information
Title: "Legal Information"
Description: "CC component 8: a court date, supervision conditions, custody order or other legal information that affects the plan."
Context: CarePlan
* extension contains type 1..1 and date 0..1 and reference 0..1 and description 0..1
* extension[type].value[x] 1..1
* extension[type].value[x] only CodeableConcept
* extension[type].valueCodeableConcept from LegalInformationTypeVS (required)
* extension[date].value[x] 1..1
* extension[date].value[x] only dateTime
* extension[reference] ^short = "Supervision episode (conditions), court appearance, appointment or document"
* extension[reference].value[x] 1..1
* extension[reference].value[x] only Reference(EpisodeOfCare or Encounter or Appointment or DocumentReference or ServiceRequest)
* extension[description].value[x] 1..1
* extension[description].value[x] only string

Extension: ParticipantStrengthExtension
Id: participant-strength
Title: "Participant Strength"
Description: "CC component 9: a personal strength / protective factor the plan builds on."
Context: CarePlan
* extension contains strength 1..1 and description 0..1
* extension[strength].value[x] 1..1
* extension[strength].value[x] only CodeableConcept
* extension[strength].valueCodeableConcept from ParticipantStrengthVS (required)
* extension[description].value[x] 1..1
* extension[description].value[x] only string

Extension: GenderConsiderationsExtension
Id: gender-considerations
Title: "Gender Considerations"
Description: "CC component 10: the gender-responsive approach the plan uses."
Context: CarePlan
* extension contains approach 1..1 and description 0..1
* extension[approach].value[x] 1..1
* extension[approach].value[x] only CodeableConcept
* extension[approach].valueCodeableConcept from GenderResponsiveApproachVS (required)
* extension[description].value[x] 1..1
* extension[description].value[x] only string

Extension: CCComponentExtension
Id: cc-component
Title: "CC Case Plan Component"
Description: "Which CC case plan component(s) a plan activity serves (e.g. a staff cross-training or a case conference activity)."
Context: CarePlan.activity
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from CCComponentVS (required)

Extension: VulnerabilityJunctionExtension
Id: vulnerability-junction
Title: "Junction of Vulnerability"
Description: "TASC: a transition point the participant is at, where case management should intensify."
Context: CarePlan
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from VulnerabilityJunctionVS (required)
