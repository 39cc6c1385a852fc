CodeSystem: CJPurposeOfUse
Id: cj-purpose-of-use
Title: "Criminal-Justice Purpose of Use"
Description: "Purposes of use for criminal-justice actors that have no standard code in v3-ActReason."
* ^caseSensitive = true
* ^content = #complete
* ^experimental = false
* #CJMONITOR "criminal-justice supervision monitoring" "Use of information by a probation, parole or other supervising agency to monitor compliance with the conditions of community supervision."

ValueSet: GatewayPurposeOfUse
Id: gateway-purpose-of-use
Title: "Gateway Purpose of Use"
Description: "The purposes of use a gateway client may assert: the v3-ActReason codes the gateway recognises plus the project's criminal-justice codes."
* ^experimental = false
* $ActReason#TREAT "treatment"
* $ActReason#ETREAT "Emergency Treatment"
* $ActReason#HPAYMT "healthcare payment"
* $ActReason#HOPERAT "healthcare operations"
* $ActReason#COC "coordination of care"
* $ActReason#PUBHLTH "public health"
* $ActReason#HRESCH "healthcare research"
* $ActReason#PATRQT "patient requested"
* include codes from system CJPurposeOfUse
