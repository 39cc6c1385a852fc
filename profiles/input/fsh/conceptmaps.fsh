// ConceptMaps the mappings (JSONata) use to translate source-system codes. Source "code systems"
// are the sending systems' local code lists, named by URIs under .../fhir/source/.

Instance: mo-doc-supervision-level
InstanceOf: ConceptMap
Usage: #definition
Title: "Missouri DOC supervision level → supervision-level"
Description: "Maps Missouri DOC (Division of Probation and Parole) supervision levels 1-4 to the gateway's supervision-level codes. Level 1 is the least, level 4 the most intensive supervision."
* url = "https://reentry-gateway.example.org/fhir/ConceptMap/mo-doc-supervision-level"
* name = "MoDocSupervisionLevelMap"
* status = #active
* experimental = false
* sourceUri = "https://reentry-gateway.example.org/fhir/source/mo-doc/supervision-level"
* targetCanonical = "https://reentry-gateway.example.org/fhir/ValueSet/supervision-level"
* group[0].source = "https://reentry-gateway.example.org/fhir/source/mo-doc/supervision-level"
* group[0].target = "https://reentry-gateway.example.org/fhir/CodeSystem/supervision-level"
* group[0].element[0].code = #1
* group[0].element[0].display = "Level 1"
* group[0].element[0].target[0].code = #minimum
* group[0].element[0].target[0].display = "Minimum"
* group[0].element[0].target[0].equivalence = #equivalent
* group[0].element[1].code = #2
* group[0].element[1].display = "Level 2"
* group[0].element[1].target[0].code = #medium
* group[0].element[1].target[0].display = "Medium"
* group[0].element[1].target[0].equivalence = #equivalent
* group[0].element[2].code = #3
* group[0].element[2].display = "Level 3"
* group[0].element[2].target[0].code = #high
* group[0].element[2].target[0].display = "High"
* group[0].element[2].target[0].equivalence = #equivalent
* group[0].element[3].code = #4
* group[0].element[3].display = "Level 4"
* group[0].element[3].target[0].code = #intensive
* group[0].element[3].target[0].display = "Intensive"
* group[0].element[3].target[0].equivalence = #equivalent

Instance: lab-drug-test-result
InstanceOf: ConceptMap
Usage: #definition
Title: "Lab drug test result → drug-test-result"
Description: "Maps the result abbreviations toxicology labs and supervision case management systems send (POS, NEG, DIL, REF, ADL) to drug-test-result codes."
* url = "https://reentry-gateway.example.org/fhir/ConceptMap/lab-drug-test-result"
* name = "LabDrugTestResultMap"
* status = #active
* experimental = false
* sourceUri = "https://reentry-gateway.example.org/fhir/source/lab/drug-test-result"
* targetCanonical = "https://reentry-gateway.example.org/fhir/ValueSet/drug-test-result"
* group[0].source = "https://reentry-gateway.example.org/fhir/source/lab/drug-test-result"
* group[0].target = "https://reentry-gateway.example.org/fhir/CodeSystem/drug-test-result"
* group[0].element[0].code = #POS
* group[0].element[0].target[0].code = #positive
* group[0].element[0].target[0].equivalence = #equivalent
* group[0].element[1].code = #NEG
* group[0].element[1].target[0].code = #negative
* group[0].element[1].target[0].equivalence = #equivalent
* group[0].element[2].code = #DIL
* group[0].element[2].target[0].code = #dilute
* group[0].element[2].target[0].equivalence = #equivalent
* group[0].element[3].code = #REF
* group[0].element[3].target[0].code = #refused
* group[0].element[3].target[0].equivalence = #equivalent
* group[0].element[4].code = #ADL
* group[0].element[4].target[0].code = #adulterated
* group[0].element[4].target[0].equivalence = #equivalent

RuleSet: LinkageMapEntry(index, source, target)
* group[=].element[{index}].code = #"{source}"
* group[=].element[{index}].target[0].code = #{target}
* group[=].element[{index}].target[0].equivalence = #equivalent

Instance: service-category-linkage-domain
InstanceOf: ConceptMap
Usage: #definition
Title: "RICMS / TASC service category → linkage-domain"
Description: "Maps the free-text service categories of LA County RICMS providers and TASC (lower-cased, trimmed, inner whitespace collapsed to one space by the mapping before lookup) to linkage-domain codes. Unmapped categories map to `other` via group.unmapped."
* url = "https://reentry-gateway.example.org/fhir/ConceptMap/service-category-linkage-domain"
* name = "ServiceCategoryLinkageDomainMap"
* status = #active
* experimental = false
* sourceUri = "https://reentry-gateway.example.org/fhir/source/ricms/service-category"
* targetCanonical = "https://reentry-gateway.example.org/fhir/ValueSet/linkage-domain"
* group[0].source = "https://reentry-gateway.example.org/fhir/source/ricms/service-category"
* group[=].target = "https://reentry-gateway.example.org/fhir/CodeSystem/linkage-domain"
* insert LinkageMapEntry(0, mental health, mental-health)
* insert LinkageMapEntry(1, mental health services, mental-health)
* insert LinkageMapEntry(2, substance use, substance-use)
* insert LinkageMapEntry(3, substance use disorder treatment, substance-use)
* insert LinkageMapEntry(4, medical, medical)
* insert LinkageMapEntry(5, housing, housing)
* insert LinkageMapEntry(6, employment, employment)
* insert LinkageMapEntry(7, career services, employment)
* insert LinkageMapEntry(8, benefits establishment, benefits)
* insert LinkageMapEntry(9, legal, legal)
* insert LinkageMapEntry(10, court mandated programs, court-mandated-program)
* insert LinkageMapEntry(11, family reunification, family-reunification)
* insert LinkageMapEntry(12, obtaining identification, identification)
* insert LinkageMapEntry(13, transportation assistance, transportation)
* insert LinkageMapEntry(14, other, other)
* group[=].unmapped.mode = #fixed
* group[=].unmapped.code = #other
* group[+].source = "https://reentry-gateway.example.org/fhir/source/tasc/service-category"
* group[=].target = "https://reentry-gateway.example.org/fhir/CodeSystem/linkage-domain"
* insert LinkageMapEntry(0, substance abuse treatment, substance-use)
* insert LinkageMapEntry(1, relapse prevention, substance-use)
* insert LinkageMapEntry(2, mental health treatment, mental-health)
* insert LinkageMapEntry(3, employment, employment)
* insert LinkageMapEntry(4, legitimate income, employment)
* insert LinkageMapEntry(5, housing, housing)
* insert LinkageMapEntry(6, family services, family-reunification)
* insert LinkageMapEntry(7, community restoration, other)
* insert LinkageMapEntry(8, wraparound services, other)
* insert LinkageMapEntry(9, peer support, peer-support)
* insert LinkageMapEntry(10, education, education)
* insert LinkageMapEntry(11, medical care, medical)
* insert LinkageMapEntry(12, treatment placement, substance-use)
* group[=].unmapped.mode = #fixed
* group[=].unmapped.code = #other
