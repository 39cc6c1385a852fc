// Code systems and value sets for supervision and custody (Missouri ICTS, LA County RICMS pretrial,
// TASC clinical reentry management). Every local code system is `complete` so the gateway can expand
// its value set offline and check required bindings (src/conformance/terminology.ts).

RuleSet: LocalCodeSystem
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* ^experimental = false

RuleSet: LocalValueSet
* ^status = #active
* ^experimental = false

CodeSystem: SupervisionTypeCS
Id: supervision-type
Title: "Supervision Type"
Description: "The legal form of community or pretrial supervision a participant is under."
* insert LocalCodeSystem
* #probation "Probation" "Court-ordered community supervision in lieu of or following incarceration, supervised by a probation officer."
* #parole "Parole" "Supervised conditional release from prison, supervised by a parole officer (e.g. Missouri Division of Probation and Parole)."
* #pretrial "Pretrial" "Supervision of a person released from custody before trial (e.g. LA County RICMS pretrial release)."
* #community-supervision "Community Supervision" "Other community supervision (diversion, conditional release, mandatory supervised release)."

ValueSet: SupervisionTypeVS
Id: supervision-type
Title: "Supervision Type"
Description: "All supervision types (closed)."
* insert LocalValueSet
* include codes from system SupervisionTypeCS

CodeSystem: SupervisionLevelCS
Id: supervision-level
Title: "Supervision Level"
Description: "Intensity of community supervision, normalised from the source systems' levels (see ConceptMap mo-doc-supervision-level)."
* insert LocalCodeSystem
* #minimum "Minimum" "Minimum supervision: infrequent reporting."
* #medium "Medium" "Medium (regular) supervision."
* #high "High" "High supervision: frequent contacts, for people at high risk of reoffending."
* #intensive "Intensive" "Intensive supervision (ISP): the most frequent contact and monitoring."

ValueSet: SupervisionLevelVS
Id: supervision-level
Title: "Supervision Level"
Description: "All supervision levels (closed)."
* insert LocalValueSet
* include codes from system SupervisionLevelCS

CodeSystem: SupervisionConditionCS
Id: supervision-condition
Title: "Supervision Condition"
Description: "Kinds of conditions of supervision or release a court or paroling authority imposes."
* insert LocalCodeSystem
* #treatment-mandate "Treatment mandate" "Must participate in substance use and/or mental health treatment."
* #drug-testing "Drug testing" "Must submit to (random) drug testing."
* #curfew "Curfew" "Must be at home during set hours."
* #no-contact "No contact" "Must not contact named persons or places (victims, co-defendants, gang associates)."
* #employment "Employment" "Must seek or maintain employment."
* #electronic-monitoring "Electronic monitoring" "Must wear an electronic monitoring device."
* #reporting "Reporting" "Must report to the supervising officer as directed."
* #other "Other" "Any other condition; describe it in the condition text."

ValueSet: SupervisionConditionVS
Id: supervision-condition
Title: "Supervision Condition"
Description: "All supervision condition kinds (closed; use `other` plus text for anything else)."
* insert LocalValueSet
* include codes from system SupervisionConditionCS

CodeSystem: CustodyEventTypeCS
Id: custody-event-type
Title: "Custody Event Type"
Description: "Events in a period of incarceration (jail or prison)."
* insert LocalCodeSystem
* #booking "Booking" "Admission to a jail or prison (booking / intake)."
* #release "Release" "Release from custody (to supervision, pretrial release, or end of sentence)."
* #transfer "Transfer" "Transfer between facilities."

ValueSet: CustodyEventTypeVS
Id: custody-event-type
Title: "Custody Event Type"
Description: "All custody event types (closed)."
* insert LocalValueSet
* include codes from system CustodyEventTypeCS

CodeSystem: ReentryProgramCS
Id: reentry-program
Title: "Reentry Program"
Description: "The reentry and diversion programs whose records the gateway exchanges."
* insert LocalCodeSystem
* #icts "Improving Community Treatment Success (ICTS)" "Missouri DOC / DMH community behavioral health program for people on probation or parole with SUD or co-occurring disorders at high risk of reoffending (formerly JRITP)."
* #ricms "Reentry Intensive Case Management Services (RICMS)" "LA County Office of Diversion and Reentry intensive case management and system navigation network, including the pretrial expansion."
* #tasc-crm "TASC Clinical Reentry Management" "TASC (Illinois) clinical case management model applied to corrections, parole and reentry."
* #cc-case-plan "Collaborative Comprehensive Case Plan program" "A reentry or diversion program run on collaborative comprehensive case plans (CSG Justice Center model)."
* #other "Other program" "Another reentry or diversion program."

ValueSet: ReentryProgramVS
Id: reentry-program
Title: "Reentry Program"
Description: "Reentry programs (extensible: other programs may be coded elsewhere)."
* insert LocalValueSet
* include codes from system ReentryProgramCS

CodeSystem: EligibilityBasisCS
Id: eligibility-basis
Title: "Program Eligibility Basis"
Description: "Why a person is eligible for (or prioritised in) a reentry program."
* insert LocalCodeSystem
* #high-risk-reoffending "High risk of reoffending" "Assessed as high risk to reoffend (ICTS entry criterion)."
* #sud "Substance use disorder" "Has a substance use disorder."
* #co-occurring-mild-moderate-mi "Co-occurring SUD and mild-to-moderate mental illness" "Has co-occurring SUD and mild to moderate mental illness."
* #opioid-use-disorder-priority "Opioid use disorder (priority entry)" "Has an opioid use disorder; given priority entry (ICTS)."
* #proposition-47 "Proposition 47 criteria" "Meets California Proposition 47 criteria (RICMS)."
* #pretrial-in-custody "Pretrial, in custody" "In-custody pretrial population that could be served in the community (RICMS expansion)."
* #released-from-incarceration "Released from incarceration" "Recently released from jail or prison."
* #mild-moderate-bh "Mild to moderate behavioral health needs" "Mild to moderate mental health and/or substance use issues."

ValueSet: EligibilityBasisVS
Id: eligibility-basis
Title: "Program Eligibility Basis"
Description: "Program eligibility bases (closed)."
* insert LocalValueSet
* include codes from system EligibilityBasisCS

CodeSystem: OrganizationRoleCS
Id: organization-role
Title: "Reentry Organization Role"
Description: "The role an organization plays in the reentry network. `part2-program` marks a federally assisted 42 CFR Part 2 program: records it discloses are labelled and consent-restricted."
* insert LocalCodeSystem
* #part2-program "42 CFR Part 2 program" "A federally assisted substance use disorder program subject to 42 CFR Part 2."
* #probation "Probation department" "Probation agency (e.g. county probation, MO Division of Probation and Parole)."
* #parole "Parole agency" "Parole supervision agency."
* #court "Court" "Court, including treatment/drug courts."
* #jail "Jail" "County jail or sheriff's custody facility."
* #prison "Prison" "State or federal prison / Department of Corrections facility."
* #treatment-provider "Treatment provider" "Behavioral health (SUD / mental health) treatment and recovery provider."
* #housing-provider "Housing provider" "Housing provider or recovery residence."
* #employment-services "Employment services" "Employment or career services provider."
* #benefits-office "Benefits office" "Public benefits office (Medicaid, SNAP, SSI...)."
* #community-based-organization "Community-based organization" "Community-based reentry service provider (e.g. a RICMS contractor)."
* #ehr-vendor "EHR vendor" "Electronic health record vendor or health IT intermediary."
* #behavioral-health-authority "Behavioral health authority" "State or county behavioral health authority (e.g. Missouri DMH Division of Behavioral Health)."
* #diversion-reentry-office "Diversion and reentry office" "Government office coordinating diversion and reentry (e.g. LA County Office of Diversion and Reentry)."
* #case-management-agency "Clinical case management agency" "Independent clinical case management agency (e.g. TASC)."
* #public-defender "Public defender" "Public or alternate public defender."
* #prosecutor "Prosecutor" "District attorney / prosecutor."
* #law-enforcement "Law enforcement" "Sheriff or police department."
* #correctional-health "Correctional health services" "Health services provider inside jails or prisons."

ValueSet: OrganizationRoleVS
Id: organization-role
Title: "Reentry Organization Role"
Description: "All reentry organization roles (closed)."
* insert LocalValueSet
* include codes from system OrganizationRoleCS

CodeSystem: CareTeamRoleCS
Id: care-team-role
Title: "Reentry Care Team Role"
Description: "Roles on a reentry case management team (ICTS teams, RICMS community health workers, TASC clinical reentry managers, CC case plan lead case planners)."
* insert LocalCodeSystem
* #probation-officer "Probation officer" "Supervising probation officer."
* #parole-officer "Parole officer" "Supervising parole officer."
* #treatment-counselor "Treatment counselor" "SUD or mental health treatment counselor / clinician."
* #reentry-case-manager "Reentry case manager" "Reentry or intensive case manager."
* #community-health-worker "Community health worker" "Community health worker, often system-impacted (RICMS)."
* #housing-specialist "Housing specialist" "Connects participants with safe, substance-free housing (ICTS)."
* #employment-specialist "Employment specialist" "Helps with resumes, mock interviews, employer connections (ICTS)."
* #peer-support-specialist "Peer support specialist" "Peer specialist or peer mentor; conducts aftercare wellness checks (ICTS)."
* #clinical-reentry-manager "Clinical reentry manager" "TASC clinical reentry manager: clinical case management complementing parole supervision."
* #lead-case-planner "Lead case planner" "Owns the collaborative comprehensive case plan and convenes the team."

ValueSet: CareTeamRoleVS
Id: care-team-role
Title: "Reentry Care Team Role"
Description: "All reentry care team roles (closed)."
* insert LocalValueSet
* include codes from system CareTeamRoleCS
