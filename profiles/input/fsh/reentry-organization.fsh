Profile: ReentryOrganization
Parent: Organization
Id: reentry-organization
Title: "Reentry Organization"
Description: "An agency or provider in the reentry network. type says its role; `organization-role#part2-program` marks a federally assisted 42 CFR Part 2 program, which the security-labelling code reads to label and consent-restrict the records it discloses."
* type 1..*
* type from OrganizationRoleVS (required)
* type ^short = "part2-program | probation | parole | court | jail | prison | treatment-provider | ..."
* name 1..1
* partOf only Reference(Organization)
