// Code systems and value sets for assessment, screening, drug testing, treatment and attendance.

CodeSystem: ReentryObservationCategoryCS
Id: reentry-observation-category
Title: "Reentry Observation Category"
Description: "Local Observation categories, used next to the standard observation-category codes."
* insert LocalCodeSystem
* #risk-needs "Risk/needs assessment" "A validated criminogenic risk/needs or level-of-care assessment."
* #drug-test "Drug test" "A drug or alcohol test result (random, scheduled or for-cause)."
* #wellness-check "Wellness check finding" "A finding recorded during an aftercare wellness check."

ValueSet: ReentryObservationCategoryVS
Id: reentry-observation-category
Title: "Reentry Observation Category"
Description: "All local Observation categories (closed)."
* insert LocalValueSet
* include codes from system ReentryObservationCategoryCS

CodeSystem: AssessmentInstrumentCS
Id: assessment-instrument
Title: "Risk/Needs Assessment Instrument"
Description: "Validated criminogenic risk/needs, behavioral-health screening and level-of-care instruments used in reentry."
* insert LocalCodeSystem
* #ORAS-PAT "ORAS Pretrial Assessment Tool" "Ohio Risk Assessment System - Pretrial Assessment Tool."
* #ORAS-CST "ORAS Community Supervision Tool" "Ohio Risk Assessment System - Community Supervision Tool."
* #ORAS-CSST "ORAS Community Supervision Screening Tool" "Ohio Risk Assessment System - Community Supervision Screening Tool."
* #ORAS-PIT "ORAS Prison Intake Tool" "Ohio Risk Assessment System - Prison Intake Tool."
* #ORAS-RT "ORAS Reentry Tool" "Ohio Risk Assessment System - Reentry Tool."
* #LSI-R "LSI-R" "Level of Service Inventory - Revised."
* #LSI-R-SV "LSI-R:SV" "Level of Service Inventory - Revised: Screening Version."
* #LS-CMI "LS/CMI" "Level of Service / Case Management Inventory."
* #TCU-DS-5 "TCU Drug Screen 5" "Texas Christian University Drug Screen 5."
* #ASAM-LOC "ASAM Criteria level of care" "ASAM Criteria multidimensional assessment resulting in a level of care."
* #BJMHS "Brief Jail Mental Health Screen" "Brief Jail Mental Health Screen."
* #CMHS "Correctional Mental Health Screen" "Correctional Mental Health Screen (men's or women's version)."
* #TASC-CLINICAL "TASC comprehensive clinical assessment" "TASC comprehensive assessment of clinical, personal, emotional, social and practical needs."

ValueSet: AssessmentInstrumentVS
Id: assessment-instrument
Title: "Risk/Needs Assessment Instrument"
Description: "All assessment instruments (closed for the risk-needs-assessment profile)."
* insert LocalValueSet
* include codes from system AssessmentInstrumentCS

CodeSystem: RiskLevelCS
Id: risk-level
Title: "Risk Level"
Description: "Normalised risk category produced by a risk/needs instrument."
* insert LocalCodeSystem
* #low "Low" "Low risk."
* #low-moderate "Low/moderate" "Low to moderate risk."
* #moderate "Moderate" "Moderate risk."
* #high "High" "High risk."
* #very-high "Very high" "Very high risk."

ValueSet: RiskLevelVS
Id: risk-level
Title: "Risk Level"
Description: "All risk levels (closed)."
* insert LocalValueSet
* include codes from system RiskLevelCS

CodeSystem: AsamLevelCS
Id: asam-level
Title: "ASAM Level of Care"
Description: "ASAM Criteria (3rd ed.) levels of care, as codes."
* insert LocalCodeSystem
* #0.5 "Level 0.5 Early intervention" "Early intervention."
* #1 "Level 1 Outpatient services" "Outpatient services."
* #2.1 "Level 2.1 Intensive outpatient" "Intensive outpatient services."
* #2.5 "Level 2.5 Partial hospitalization" "Partial hospitalization services."
* #3.1 "Level 3.1 Clinically managed low-intensity residential" "Clinically managed low-intensity residential services."
* #3.3 "Level 3.3 Clinically managed population-specific high-intensity residential" "Clinically managed population-specific high-intensity residential services."
* #3.5 "Level 3.5 Clinically managed high-intensity residential" "Clinically managed high-intensity residential services."
* #3.7 "Level 3.7 Medically monitored intensive inpatient" "Medically monitored intensive inpatient services."
* #4 "Level 4 Medically managed intensive inpatient" "Medically managed intensive inpatient services."

ValueSet: AsamLevelVS
Id: asam-level
Title: "ASAM Level of Care"
Description: "All ASAM levels of care (closed)."
* insert LocalValueSet
* include codes from system AsamLevelCS

ValueSet: RiskNeedsResultVS
Id: risk-needs-result
Title: "Risk/Needs Assessment Result"
Description: "The coded result of a risk/needs assessment: a risk level, or an ASAM level of care for ASAM-LOC."
* insert LocalValueSet
* include codes from system RiskLevelCS
* include codes from system AsamLevelCS

CodeSystem: AssessmentDomainCS
Id: assessment-domain
Title: "Risk/Needs Assessment Domain"
Description: "Domains (sub-scales) of criminogenic risk/needs instruments, for Observation.component."
* insert LocalCodeSystem
* #criminal-history "Criminal history" "Criminal history."
* #education-employment-financial "Education, employment and financial situation" "Education, employment and financial situation."
* #family-social-support "Family and social support" "Family and social support."
* #neighborhood-problems "Neighborhood problems" "Neighborhood problems."
* #substance-use "Substance use" "Substance use."
* #peer-associations "Peer associations" "Antisocial peer associations."
* #criminal-attitudes "Criminal attitudes and behavioral patterns" "Criminal attitudes and behavioral patterns."
* #leisure-recreation "Leisure and recreation" "Leisure and recreation."
* #accommodation "Accommodation" "Accommodation / housing."
* #emotional-personal "Emotional and personal" "Emotional and personal."
* #asam-dimension-1 "ASAM dimension 1" "Acute intoxication and/or withdrawal potential."
* #asam-dimension-2 "ASAM dimension 2" "Biomedical conditions and complications."
* #asam-dimension-3 "ASAM dimension 3" "Emotional, behavioral or cognitive conditions and complications."
* #asam-dimension-4 "ASAM dimension 4" "Readiness to change."
* #asam-dimension-5 "ASAM dimension 5" "Relapse, continued use or continued problem potential."
* #asam-dimension-6 "ASAM dimension 6" "Recovery/living environment."

ValueSet: AssessmentDomainVS
Id: assessment-domain
Title: "Risk/Needs Assessment Domain"
Description: "Assessment domains (extensible: instruments have their own sub-scales)."
* insert LocalValueSet
* include codes from system AssessmentDomainCS

ValueSet: ClinicalScreeningScoreVS
Id: clinical-screening-score
Title: "Clinical Screening Total Score"
Description: "LOINC total-score codes of the behavioral-health screens exchanged as clinical-screening Observations."
* insert LocalValueSet
* $LOINC#44261-6 "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"
* $LOINC#70274-6 "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"
* $LOINC#75626-2 "Total score [AUDIT-C]"
* $LOINC#82667-7 "Total score [DAST-10]"

ValueSet: ClinicalScreeningPanelVS
Id: clinical-screening-panel
Title: "Clinical Screening Panel"
Description: "LOINC panel (questionnaire) codes of the same screens: for Questionnaire.code / QuestionnaireResponse, and for grouping item Observations. Not the code of a total-score Observation."
* insert LocalValueSet
* $LOINC#44249-1 "PHQ-9 quick depression assessment panel [Reported.PHQ]"
* $LOINC#69737-5 "Generalized anxiety disorder 7 item (GAD-7)"
* $LOINC#72109-2 "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]"
* $LOINC#82666-9 "Drug Abuse Screening Test-10 [DAST-10]"

CodeSystem: DrugTestPanelCS
Id: drug-test-panel
Title: "Drug Test Panel"
Description: "Local codes for the drug-test panels supervision agencies order, where a source system does not send a LOINC code."
* insert LocalCodeSystem
* #panel-5 "5-panel drug screen" "THC, cocaine, amphetamines, opiates, PCP."
* #panel-10 "10-panel drug screen" "5-panel plus benzodiazepines, barbiturates, methadone, propoxyphene, methaqualone."
* #panel-12 "12-panel drug screen" "10-panel plus oxycodone and MDMA (varies by lab)."
* #fentanyl "Fentanyl screen" "Fentanyl screen."
* #buprenorphine "Buprenorphine screen" "Buprenorphine screen (MOUD adherence)."
* #ethyl-glucuronide "Ethyl glucuronide (EtG)" "Alcohol metabolite screen."
* #breath-alcohol "Breath alcohol" "Breath alcohol test."

ValueSet: DrugTestPanelVS
Id: drug-test-panel
Title: "Drug Test Panel"
Description: "All local drug-test panel codes (closed)."
* insert LocalValueSet
* include codes from system DrugTestPanelCS

ValueSet: DrugTestCodeVS
Id: drug-test-code
Title: "Drug Test Code"
Description: "What was tested: a local panel code or a LOINC analyte screen (extensible: any LOINC drug/tox code may be used)."
* insert LocalValueSet
* include codes from system DrugTestPanelCS
* $LOINC#19343-3 "Amphetamine [Presence] in Urine by Screen method"
* $LOINC#19359-9 "Cocaine [Presence] in Urine by Screen method"

CodeSystem: DrugTestResultCS
Id: drug-test-result
Title: "Drug Test Result"
Description: "Outcome of a drug test as supervision agencies record it (see ConceptMap lab-drug-test-result)."
* insert LocalCodeSystem
* #positive "Positive" "A substance was detected above cutoff."
* #negative "Negative" "No substance detected above cutoff."
* #dilute "Dilute" "Specimen too dilute to be valid; treated per agency policy."
* #refused "Refused" "The participant refused or failed to provide a specimen."
* #adulterated "Adulterated" "The specimen was adulterated or substituted."

ValueSet: DrugTestResultVS
Id: drug-test-result
Title: "Drug Test Result"
Description: "All drug test results (closed)."
* insert LocalValueSet
* include codes from system DrugTestResultCS

CodeSystem: TestSelectionCS
Id: test-selection
Title: "Drug Test Selection"
Description: "Why a drug test was done."
* insert LocalCodeSystem
* #random "Random" "Randomly selected (e.g. ICTS random drug testing)."
* #scheduled "Scheduled" "Scheduled test."
* #for-cause "For cause" "Ordered for cause (suspicion of use)."

ValueSet: TestSelectionVS
Id: test-selection
Title: "Drug Test Selection"
Description: "All drug test selection reasons (closed)."
* insert LocalValueSet
* include codes from system TestSelectionCS

CodeSystem: DrugTestSpecimenTypeCS
Id: drug-test-specimen-type
Title: "Drug Test Specimen Type"
Description: "Specimen types used for drug testing."
* insert LocalCodeSystem
* #urine "Urine" "Urine."
* #oral-fluid "Oral fluid" "Oral fluid (saliva)."
* #hair "Hair" "Hair."
* #blood "Blood" "Blood."
* #sweat "Sweat patch" "Sweat patch."
* #breath "Breath" "Breath (alcohol)."

ValueSet: DrugTestSpecimenTypeVS
Id: drug-test-specimen-type
Title: "Drug Test Specimen Type"
Description: "All drug-test specimen types (closed)."
* insert LocalValueSet
* include codes from system DrugTestSpecimenTypeCS

CodeSystem: TreatmentTypeCS
Id: treatment-type
Title: "Treatment Type"
Description: "Kind of behavioral health treatment episode."
* insert LocalCodeSystem
* #sud "Substance use disorder treatment" "Substance use disorder treatment."
* #mh "Mental health treatment" "Mental health treatment."
* #co-occurring "Co-occurring disorders treatment" "Integrated treatment for co-occurring substance use and mental health disorders."

ValueSet: TreatmentTypeVS
Id: treatment-type
Title: "Treatment Type"
Description: "All treatment types (closed)."
* insert LocalValueSet
* include codes from system TreatmentTypeCS

CodeSystem: EncounterKindCS
Id: encounter-kind
Title: "Reentry Encounter Kind"
Description: "Kinds of contact recorded as Encounters in reentry."
* insert LocalCodeSystem
* #treatment-session "Treatment session" "A treatment or recovery session (individual or group)."
* #case-conference "Case conference" "A case management team conference about the participant."
* #supervision-contact "Supervision contact" "A contact with the supervising officer (office, home or field visit)."
* #wellness-check "Wellness check" "An aftercare wellness check by a peer support specialist."
* #court-appearance "Court appearance" "A court hearing the participant must attend."

ValueSet: EncounterKindVS
Id: encounter-kind
Title: "Reentry Encounter Kind"
Description: "All reentry encounter kinds (closed)."
* insert LocalValueSet
* include codes from system EncounterKindCS

CodeSystem: AttendanceStatusCS
Id: attendance-status
Title: "Attendance Status"
Description: "Whether the participant attended a scheduled contact."
* insert LocalCodeSystem
* #attended "Attended" "Attended as scheduled."
* #no-show "No-show" "Did not attend and was not excused."
* #excused "Excused" "Did not attend, excused."
* #late "Late" "Attended, late."

ValueSet: AttendanceStatusVS
Id: attendance-status
Title: "Attendance Status"
Description: "All attendance statuses (closed)."
* insert LocalValueSet
* include codes from system AttendanceStatusCS

CodeSystem: WellnessCheckItemCS
Id: wellness-check-item
Title: "Wellness Check Item"
Description: "What a peer support specialist checks on during an aftercare wellness check."
* insert LocalCodeSystem
* #overall-wellbeing "Overall wellbeing" "Participant's self-reported overall wellbeing."
* #housing-stable "Housing stable" "Has stable, safe housing."
* #employment-status "Employment status" "Employment status."
* #treatment-engaged "Engaged in treatment" "Still engaged in treatment / recovery services."
* #recovery-support-connected "Connected to recovery supports" "Connected to peer, family or community recovery supports."
* #relapse-risk "Relapse risk" "Signs of relapse risk."
* #needs-assistance "Needs assistance" "Needs assistance reconnecting to services."

ValueSet: WellnessCheckItemVS
Id: wellness-check-item
Title: "Wellness Check Item"
Description: "All wellness check items (closed)."
* insert LocalValueSet
* include codes from system WellnessCheckItemCS
