Profile: ReentryCareTeam
Parent: CareTeam
Id: reentry-care-team
Title: "Reentry Care Team"
Description: "The participant's case management team across criminal justice, behavioral health and social service agencies (ICTS P&P staff with treatment providers and housing/employment specialists; RICMS community health workers; TASC clinical reentry manager with the parole officer; the CC case plan team led by the lead case planner). Each member has a role from care-team-role."
* extension contains
    InformationSharingAgreementExtension named informationSharingAgreement 0..* and
    StaffTrainingExtension named staffTraining 0..*
* subject 1..1
* subject only Reference(Patient)
* participant 1..*
* participant.role 1..*
* participant.role from CareTeamRoleVS (extensible)
* participant.member 1..1
* participant.onBehalfOf ^short = "The member's agency"
* managingOrganization ^short = "Agency of the lead case planner"
* obeys rct-1 and rct-2 and rct-3

Invariant: rct-1
Description: "Every participant has a member and a role."
Expression: "participant.all(member.exists() and role.exists())"
Severity: #error

Invariant: rct-2
Description: "At least one participant's role is coded from care-team-role."
Expression: "participant.role.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/care-team-role' and code in ('probation-officer' | 'parole-officer' | 'treatment-counselor' | 'reentry-case-manager' | 'community-health-worker' | 'housing-specialist' | 'employment-specialist' | 'peer-support-specialist' | 'clinical-reentry-manager' | 'lead-case-planner')).exists()"
Severity: #error

Invariant: rct-3
Description: "Each staff-training extension has one topic coded from training-topic; each information-sharing-agreement holds a reference."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/staff-training').all(extension.where(url = 'topic').count() = 1 and extension.where(url = 'topic').value.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/training-topic' and code in ('rnr-model' | 'behavioral-health-recovery' | 'cross-training' | 'trauma-informed-care' | 'gender-responsive' | 'cultural-competence' | 'motivational-interviewing' | 'confidentiality-part2')).exists()) and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/information-sharing-agreement').all(value.ofType(Reference).exists())"
Severity: #error
