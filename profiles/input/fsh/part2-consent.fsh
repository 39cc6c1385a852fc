// 42 CFR Part 2 consent (PART2-RULES P2-02, P2-09, P2-10; ARCHITECTURE §2 and §6).
// Aliases are global in SUSHI, so the ones defined here carry a P2 prefix to avoid clashes.
Alias: $P2LOINC = http://loinc.org
Alias: $P2ConsentScope = http://terminology.hl7.org/CodeSystem/consentscope

Profile: Part2Consent
Parent: Consent
Id: part2-consent
Title: "42 CFR Part 2 Consent"
Description: "A patient's written consent (or a court order, or a §2.26 restriction) governing disclosure of 42 CFR Part 2 records. Carries every §2.31 element: patient, discloser, description of the information, recipients, purpose, revocation statement, expiration, signature, date signed and the conditioning statement where it applies."
* ^experimental = false
* extension contains
    Part2ExpiryEvent named expiryEvent 0..* and
    Part2IrrevocableUntil named irrevocableUntil 0..1 and
    Part2RevocationStatement named revocationStatement 0..1 and
    Part2ConditioningStatement named conditioningStatement 0..1 and
    Part2Signature named signature 0..1
* patient 1..1
* dateTime 1..1
* scope = $P2ConsentScope#patient-privacy
// P2-02 / ARCHITECTURE §6: a fixed value on repeating `category` breaks Medplum, so: pattern slices.
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "The LOINC Patient Consent category plus exactly one Part 2 consent kind."
* category contains patientConsent 1..1 and kind 1..1
* category[patientConsent] = $P2LOINC#59284-0
* category[kind] from Part2ConsentKindVS (required)
* category[kind].coding 1..1
* category[kind].coding.system = "https://reentry-gateway.example.org/fhir/CodeSystem/part2-consent-kind"
* policy 1..*
* provision 1..1
* obeys p2c-1 and p2c-2 and p2c-3 and p2c-4 and p2c-5 and p2c-6 and p2c-7 and p2c-8 and p2c-9 and p2c-10 and p2c-11 and p2c-12

// Medplum 4.5.2 ignores cardinality inside backbone elements, slices and extension contents
// (ARCHITECTURE §6): every rule that matters is restated here as a root invariant.
Invariant: p2c-1
Description: "P2-02: category carries LOINC 59284-0 (Patient Consent) and exactly one Part 2 consent kind."
Expression: "category.coding.where(system = 'http://loinc.org' and code = '59284-0').exists() and category.coding.where(system = 'https://reentry-gateway.example.org/fhir/CodeSystem/part2-consent-kind').count() = 1"
Severity: #error

Invariant: p2c-2
Description: "The consent names the 42 CFR Part 2 policy."
Expression: "policy.where(uri = 'https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2').exists()"
Severity: #error

Invariant: p2c-3
Description: "P2-02: the consent names who discloses (organization or performer)."
Expression: "organization.exists() or performer.exists()"
Severity: #error

Invariant: p2c-4
Description: "P2-02: the consent names at least one recipient (provision.actor with role IRCP); a §2.26 restriction may omit it."
Expression: "category.coding.where(code = 'restriction-2-26').exists() or provision.actor.where(role.coding.where(code = 'IRCP').exists()).exists()"
Severity: #error

Invariant: p2c-5
Description: "P2-02: the consent states its purpose (provision.purpose)."
Expression: "provision.purpose.exists()"
Severity: #error

Invariant: p2c-6
Description: "P2-02: the consent expires at a date (provision.period.end), on an event (expiry-event extension) or, for §2.35, when its irrevocability ends; a §2.26 restriction may omit it."
Expression: "category.coding.where(code = 'restriction-2-26').exists() or provision.period.end.exists() or extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/part2-expiry-event').exists() or extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/part2-irrevocable-until').exists()"
Severity: #error

Invariant: p2c-7
Description: "P2-02: the consent describes the information (provision class, code, securityLabel or data, or a narrative)."
Expression: "text.div.exists() or provision.class.exists() or provision.code.exists() or provision.securityLabel.exists() or provision.data.exists() or provision.provision.exists()"
Severity: #error

Invariant: p2c-8
Description: "P2-02: a patient consent states the right to revoke and how (extension or the signed form); court orders and restrictions are exempt."
Expression: "category.coding.where(code = 'court-order' or code = 'restriction-2-26').exists() or extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/part2-revocation-statement').exists() or sourceAttachment.exists()"
Severity: #error

Invariant: p2c-9
Description: "P2-02: a patient consent is signed (signature extension or the signed form); court orders are exempt."
Expression: "category.coding.where(code = 'court-order').exists() or extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/part2-signature').exists() or sourceAttachment.exists()"
Severity: #error

Invariant: p2c-10
Description: "P2-02: a patient consent states that treatment is not conditioned on signing; §2.35 criminal-justice consents, court orders and restrictions are exempt."
Expression: "category.coding.where(code = 'criminal-justice-2-35' or code = 'court-order' or code = 'restriction-2-26').exists() or extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/part2-conditioning-statement').exists() or sourceAttachment.exists()"
Severity: #error

Invariant: p2c-11
Description: "P2-09: a consent for use in legal proceedings may not be combined with any other purpose (root and first nested level; the intake check walks the whole tree)."
Expression: "(provision.purpose | provision.provision.purpose).where(code = 'HLEGAL').exists() implies (provision.purpose | provision.provision.purpose).all(code = 'HLEGAL')"
Severity: #error

Invariant: p2c-12
Description: "P2-10: irrevocability ends at a stated time or event, and only §2.35 consents may be irrevocable."
Expression: "extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/part2-irrevocable-until').exists() implies (category.coding.where(code = 'criminal-justice-2-35').exists() and extension.where(url = 'https://reentry-gateway.example.org/fhir/StructureDefinition/part2-irrevocable-until').extension.where(url = 'dateTime' or url = 'event').exists())"
Severity: #error

Extension: Part2ExpiryEvent
Id: part2-expiry-event
Title: "Part 2 consent expiry event"
Description: "P2-03: the event whose occurrence ends the consent, e.g. the end of the supervision EpisodeOfCare or the discharge from the treatment EpisodeOfCare."
* ^context[0].type = #element
* ^context[0].expression = "Consent"
* extension contains event 1..1 and kind 1..1
* extension[event].value[x] only Reference(EpisodeOfCare or Encounter or ServiceRequest or CarePlan)
* extension[event] ^short = "The resource whose end (e.g. EpisodeOfCare.period.end) expires the consent"
* extension[kind].value[x] only code
* extension[kind].valueCode from Part2ExpiryEventKindVS (required)

Extension: Part2IrrevocableUntil
Id: part2-irrevocable-until
Title: "Part 2 §2.35 irrevocable until"
Description: "P2-10: a §2.35 criminal-justice consent may be irrevocable until a stated time or event, no later than final disposition of the case. Revocation before then has no effect."
* ^context[0].type = #element
* ^context[0].expression = "Consent"
* extension contains dateTime 0..1 and event 0..1 and eventKind 0..1
* extension[dateTime].value[x] only dateTime
* extension[event].value[x] only Reference(EpisodeOfCare or Encounter or ServiceRequest or CarePlan)
* extension[eventKind].value[x] only code
* extension[eventKind].valueCode from Part2ExpiryEventKindVS (required)

Extension: Part2RevocationStatement
Id: part2-revocation-statement
Title: "Part 2 revocation statement"
Description: "P2-02: the statement of the patient's right to revoke the consent and how to do so, as shown on the signed form."
* ^context[0].type = #element
* ^context[0].expression = "Consent"
* value[x] only string
* value[x] 1..1

Extension: Part2ConditioningStatement
Id: part2-conditioning-statement
Title: "Part 2 conditioning statement"
Description: "P2-02: the statement that treatment, payment, enrollment or eligibility is not conditioned on signing the consent."
* ^context[0].type = #element
* ^context[0].expression = "Consent"
* value[x] only string
* value[x] 1..1

Extension: Part2Signature
Id: part2-signature
Title: "Part 2 consent signature"
Description: "P2-02: who signed the consent (the patient or an authorized representative) and when."
* ^context[0].type = #element
* ^context[0].expression = "Consent"
* extension contains signer 1..1 and signerRole 1..1 and signed 1..1
* extension[signer].value[x] only Reference(Patient or RelatedPerson or Practitioner)
* extension[signerRole].value[x] only code
* extension[signerRole].valueCode from Part2SignerRoleVS (required)
* extension[signed].value[x] only dateTime

CodeSystem: Part2ConsentKind
Id: part2-consent-kind
Title: "Part 2 consent kind"
Description: "What a Part 2 consent is for; decides which rules the consent engine applies."
* ^caseSensitive = true
* ^content = #complete
* ^experimental = false
* #tpo "Treatment, payment and health-care operations" "P2-08: a single consent for all future TPO uses and disclosures."
* #specific-disclosure "Specific disclosure" "A consent to disclose described information to named recipients for a stated purpose."
* #criminal-justice-2-35 "Criminal-justice referral (§2.35)" "P2-10: disclosure of monitoring information to the criminal-justice agency that mandates treatment; may be irrevocable until a stated time or event."
* #counseling-notes "SUD counseling notes" "P2-07: a separate consent for SUD counseling notes (PSYTHPN)."
* #restriction-2-26 "Restriction (§2.26)" "P2-14: an agreed restriction on TPO disclosures, enforced as a deny."
* #legal-proceeding "Legal proceeding" "P2-09: written consent for use in a civil, criminal, administrative or legislative proceeding, for that use alone."
* #court-order "Court order" "P2-09: a court order (§2.64–2.67) authorizing use or disclosure, recorded as a Consent."

ValueSet: Part2ConsentKindVS
Id: part2-consent-kind
Title: "Part 2 consent kinds"
Description: "All Part 2 consent kinds."
* ^experimental = false
* include codes from system Part2ConsentKind

CodeSystem: Part2ExpiryEventKind
Id: part2-expiry-event-kind
Title: "Part 2 consent expiry event kind"
Description: "Events that end a Part 2 consent or its §2.35 irrevocability."
* ^caseSensitive = true
* ^content = #complete
* ^experimental = false
* #end-of-supervision "End of supervision" "Probation, parole or other community supervision ends."
* #discharge "Discharge" "The patient is discharged from the Part 2 program."
* #case-disposition "Final disposition of the case" "The criminal case is finally disposed (§2.35 upper bound on irrevocability)."

ValueSet: Part2ExpiryEventKindVS
Id: part2-expiry-event-kind
Title: "Part 2 consent expiry event kinds"
Description: "All Part 2 consent expiry event kinds."
* ^experimental = false
* include codes from system Part2ExpiryEventKind

CodeSystem: Part2SignerRole
Id: part2-signer-role
Title: "Part 2 consent signer role"
Description: "Who signed a Part 2 consent."
* ^caseSensitive = true
* ^content = #complete
* ^experimental = false
* #patient "Patient" "The patient signed."
* #authorized-representative "Authorized representative" "A person authorized to sign for the patient (§2.14, §2.15)."

ValueSet: Part2SignerRoleVS
Id: part2-signer-role
Title: "Part 2 consent signer roles"
Description: "All Part 2 consent signer roles."
* ^experimental = false
* include codes from system Part2SignerRole

CodeSystem: Part2MonitoringCategory
Id: part2-monitoring-category
Title: "Part 2 §2.35 monitoring information category"
Description: "P2-10: marks an Observation as monitoring information a §2.35 criminal-justice consent may release (Observation.category)."
* ^caseSensitive = true
* ^content = #complete
* ^experimental = false
* #drug-test "Drug test result" "A drug or alcohol test result."
* #attendance "Attendance" "Attendance at treatment sessions."
* #progress "Treatment progress" "Progress in treatment, without clinical detail."
* #compliance "Compliance" "Compliance with treatment requirements."

CodeSystem: Part2RecipientClass
Id: part2-recipient-class
Title: "Part 2 recipient class"
Description: "P2-04/P2-08: a class of recipients a TPO consent may name instead of individual recipients, carried in provision.actor.reference.identifier (system = this CodeSystem's URL)."
* ^caseSensitive = true
* ^content = #complete
* ^experimental = false
* #treating-providers "My treating providers" "Covered-entity health-care providers treating the patient (sector treatment or EHR)."
