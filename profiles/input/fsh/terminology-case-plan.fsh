// Code systems and value sets for referrals/linkage, collaborative comprehensive (CC) case plans,
// case-plan goals and the TASC clinical reentry model.

CodeSystem: LinkageDomainCS
Id: linkage-domain
Title: "Linkage Domain"
Description: "Service domains a participant is linked to (RICMS linkage list, ICTS housing/employment specialists, TASC linkage)."
* insert LocalCodeSystem
* #mental-health "Mental health" "Mental health services."
* #substance-use "Substance use" "Substance use disorder treatment and recovery services."
* #medical "Medical" "Medical care."
* #housing "Housing" "Housing (safe, substance-free housing, recovery residences)."
* #employment "Employment" "Employment and career services."
* #benefits "Benefits establishment" "Establishing public benefits (Medicaid, SNAP, SSI...)."
* #legal "Legal" "Legal services."
* #court-mandated-program "Court-mandated program" "Court-mandated programs."
* #family-reunification "Family reunification" "Family reunification and family services."
* #identification "Identification" "Obtaining or reinstating government-issued identification."
* #transportation "Transportation" "Transportation assistance."
* #peer-support "Peer support" "Peer support / peer mentoring."
* #education "Education" "Education and training."
* #other "Other" "Other services based on client need."

ValueSet: LinkageDomainVS
Id: linkage-domain
Title: "Linkage Domain"
Description: "All linkage domains (closed; `other` for anything else)."
* insert LocalValueSet
* include codes from system LinkageDomainCS

CodeSystem: CriminogenicNeedCS
Id: criminogenic-need
Title: "Criminogenic Need"
Description: "Criminogenic need areas (Risk-Need-Responsivity central eight plus housing and mental health) that case-plan goals target."
* insert LocalCodeSystem
* #criminal-thinking "Criminal thinking" "Antisocial cognition / criminal thinking."
* #antisocial-associates "Antisocial associates" "Antisocial peers and associates."
* #substance-use "Substance use" "Substance use."
* #employment "Employment" "Employment."
* #education "Education" "Education."
* #family "Family" "Family / marital relationships."
* #leisure "Leisure" "Leisure and recreation."
* #housing "Housing" "Housing."
* #mental-health "Mental health" "Mental health."

ValueSet: CriminogenicNeedVS
Id: criminogenic-need
Title: "Criminogenic Need"
Description: "All criminogenic needs (closed)."
* insert LocalValueSet
* include codes from system CriminogenicNeedCS

ValueSet: NeedDomainVS
Id: need-domain
Title: "Case Plan Need Domain"
Description: "What a case-plan goal addresses: a criminogenic need or a linkage (service) domain."
* insert LocalValueSet
* include codes from system CriminogenicNeedCS
* include codes from system LinkageDomainCS

CodeSystem: CasePlanCategoryCS
Id: case-plan-category
Title: "Case Plan Category"
Description: "Kinds of reentry plans."
* insert LocalCodeSystem
* #comprehensive-case-plan "Collaborative comprehensive case plan" "A CC case plan built by the lead case planner with criminal justice, behavioral health and social service partners."
* #service-plan "Individualized treatment and service plan" "TASC individualized treatment and service plan."
* #aftercare-plan "Aftercare plan" "Aftercare plan for a participant transitioning out of a program (up to six months)."

ValueSet: CasePlanCategoryVS
Id: case-plan-category
Title: "Case Plan Category"
Description: "All case plan categories (closed)."
* insert LocalValueSet
* include codes from system CasePlanCategoryCS

CodeSystem: CCComponentCS
Id: cc-component
Title: "CC Case Plan Component"
Description: "The ten priorities and components of a collaborative comprehensive case plan (CSG Justice Center). The case-plan profile gives each a home (see its description)."
* insert LocalCodeSystem
* #interagency-collaboration "1. Interagency collaboration and information sharing" "Case management team from criminal justice, behavioral health and social service agencies, and the agreements under which they share information."
* #staff-training "2. Staff training" "Risk-Need-Responsivity, behavioral health recovery and cross-training of team members."
* #screening-assessment "3. Screening and assessment" "Validated criminogenic risk, SUD and mental illness screening and assessment results that inform the plan."
* #case-conference "4. Case conference procedures" "Case conferences to identify services and prioritise needs."
* #participant-engagement "5. Participant engagement" "Participant, family and peer mentor involvement in the plan."
* #prioritized-needs-goals "6. Prioritized needs and goals" "Needs prioritised by impact on recidivism, health and public safety; goals for each."
* #responsivity "7. Responsivity" "Services adapted to the person's characteristics and barriers to learning."
* #legal-information "8. Legal information" "Court dates, supervision conditions, custody orders and other legal information affecting the plan."
* #participant-strengths "9. Participant strengths" "Strengths / protective factors the plan builds on."
* #gender-considerations "10. Gender considerations" "Gender-responsive approaches to assessment, case management and programming."

ValueSet: CCComponentVS
Id: cc-component
Title: "CC Case Plan Component"
Description: "All CC case plan components (closed)."
* insert LocalValueSet
* include codes from system CCComponentCS

CodeSystem: ResponsivityFactorCS
Id: responsivity-factor
Title: "Responsivity Factor"
Description: "Individual characteristics and barriers to learning that services must be adapted to."
* insert LocalCodeSystem
* #learning-style "Learning style" "Learning style."
* #literacy "Literacy" "Reading / literacy level."
* #language "Language" "Preferred language / interpretation need (e.g. Spanish)."
* #trauma "Trauma" "Trauma history; needs trauma-informed care."
* #cognitive "Cognitive" "Cognitive functioning."
* #motivation "Motivation" "Motivation / readiness to change."
* #culture "Culture" "Cultural background; needs culturally competent care."

ValueSet: ResponsivityFactorVS
Id: responsivity-factor
Title: "Responsivity Factor"
Description: "All responsivity factors (closed)."
* insert LocalValueSet
* include codes from system ResponsivityFactorCS

CodeSystem: ParticipantStrengthCS
Id: participant-strength
Title: "Participant Strength"
Description: "Personal strengths / protective factors a case plan builds on."
* insert LocalCodeSystem
* #employment-history "Employment history" "Employment experience."
* #family-support "Family support" "Supportive family."
* #education "Education" "Educational attainment."
* #recovery-support "Recovery support" "Recovery supports (sponsor, peer network, recovery community)."
* #faith-community "Faith community" "Faith community involvement."
* #skills "Skills" "Vocational or life skills."

ValueSet: ParticipantStrengthVS
Id: participant-strength
Title: "Participant Strength"
Description: "All participant strengths (closed)."
* insert LocalValueSet
* include codes from system ParticipantStrengthCS

CodeSystem: TrainingTopicCS
Id: training-topic
Title: "Staff Training Topic"
Description: "Training the case management team members complete (CC component 2; TASC cross-training)."
* insert LocalCodeSystem
* #rnr-model "Risk-Need-Responsivity model" "Risk-Need-Responsivity model."
* #behavioral-health-recovery "Behavioral health recovery principles" "Behavioral health recovery principles."
* #cross-training "Interdisciplinary cross-training" "Cross-training between criminal justice and behavioral health agencies."
* #trauma-informed-care "Trauma-informed care" "Trauma-informed care."
* #gender-responsive "Gender-responsive practice" "Gender-responsive practice."
* #cultural-competence "Cultural competence" "Culturally competent care."
* #motivational-interviewing "Motivational interviewing" "Motivational interviewing."
* #confidentiality-part2 "Confidentiality (42 CFR Part 2)" "Confidentiality of SUD records and consent."

ValueSet: TrainingTopicVS
Id: training-topic
Title: "Staff Training Topic"
Description: "All training topics (closed)."
* insert LocalValueSet
* include codes from system TrainingTopicCS

CodeSystem: LegalInformationTypeCS
Id: legal-information-type
Title: "Legal Information Type"
Description: "Legal information that affects a case plan (CC component 8)."
* insert LocalCodeSystem
* #court-date "Court date" "A court date the participant must attend."
* #supervision-conditions "Conditions of supervision" "Conditions of supervision or release."
* #court-participation-requirement "Court participation requirement" "Requirements of a treatment or specialty court."
* #child-custody-order "Child custody order" "A child custody order."
* #protective-order "Protective order" "A protective / no-contact order."
* #warrant "Warrant" "An outstanding warrant."
* #other "Other" "Other legal information."

ValueSet: LegalInformationTypeVS
Id: legal-information-type
Title: "Legal Information Type"
Description: "All legal information types (closed)."
* insert LocalValueSet
* include codes from system LegalInformationTypeCS

CodeSystem: GenderResponsiveApproachCS
Id: gender-responsive-approach
Title: "Gender-Responsive Approach"
Description: "Gender-responsive approaches a case plan uses (CC component 10)."
* insert LocalCodeSystem
* #gender-responsive-assessment "Gender-responsive assessment" "Risk and behavioral health tools validated for women."
* #trauma-informed-services "Trauma-informed services" "Trauma-informed services."
* #women-specific-programming "Women-specific programming" "Programming designed for women."
* #relational-approach "Relational approach" "Relationship-based case management."
* #parenting-family-support "Parenting and family support" "Parenting, childcare and family reunification support."
* #gender-specific-housing "Gender-specific housing" "Gender-specific housing."
* #not-applicable "Not applicable" "Considered; no gender-specific adaptation needed."

ValueSet: GenderResponsiveApproachVS
Id: gender-responsive-approach
Title: "Gender-Responsive Approach"
Description: "All gender-responsive approaches (closed)."
* insert LocalValueSet
* include codes from system GenderResponsiveApproachCS

CodeSystem: EngagementRoleCS
Id: engagement-role
Title: "Engagement Support Role"
Description: "How a person in the participant's support system is involved in the case plan (CC component 5)."
* insert LocalCodeSystem
* #family-member "Family member" "Whomever the participant identifies as family."
* #peer-mentor "Peer mentor" "Peer mentor."
* #recovery-sponsor "Recovery sponsor" "Recovery sponsor."
* #faith-leader "Faith leader" "Faith community leader."
* #friend "Friend" "Friend or other natural support."

ValueSet: EngagementRoleVS
Id: engagement-role
Title: "Engagement Support Role"
Description: "All engagement roles (closed)."
* insert LocalValueSet
* include codes from system EngagementRoleCS

CodeSystem: VulnerabilityJunctionCS
Id: vulnerability-junction
Title: "Junction of Vulnerability"
Description: "TASC 'junctions of vulnerability': transition points where reentry is most likely to fail and case management intensifies."
* insert LocalCodeSystem
* #institutional-admission "Institutional admission" "Admission to prison or jail."
* #pre-release "Pre-release" "Preparation for release."
* #release "Release" "Day of release and first days in the community."
* #supervision-change "Supervision change" "Change of supervision level, officer or conditions."
* #treatment-transition "Treatment transition" "Change of level of care or provider."
* #relapse "Relapse" "Relapse or return to use."
* #housing-loss "Housing loss" "Loss of housing."
* #employment-loss "Employment loss" "Loss of employment or income."
* #supervision-discharge "Discharge from supervision" "End of supervision; transition to self-sufficiency."

ValueSet: VulnerabilityJunctionVS
Id: vulnerability-junction
Title: "Junction of Vulnerability"
Description: "All junctions of vulnerability (closed)."
* insert LocalValueSet
* include codes from system VulnerabilityJunctionCS
