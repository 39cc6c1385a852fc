// Codes of the ingest batch-response (src/mapping/ingest-response.ts): each record's
// `response.outcome` carries one informational issue per resource, coded with what happened.

CodeSystem: IngestResultCS
Id: ingest-result
Title: "Ingest Result"
Description: "What the ingest endpoint did with a source record's resource, or with the record itself (POST /ingest/{mapping}, batch-response `entry.response.outcome.issue.details.coding`)."
* insert LocalCodeSystem
* #created "Created" "The record's resource did not exist and was created (version 1)."
* #updated "Updated" "The record's resource existed with different content; a new version was written."
* #unchanged "Unchanged" "The record's resource already had exactly this content; nothing was written."
* #dead-lettered "Dead-lettered" "The record was refused and kept as a dead letter (or merged into its open one) for fixing and replay."

ValueSet: IngestResultVS
Id: ingest-result
Title: "Ingest Result"
Description: "All ingest result codes."
* insert LocalValueSet
* include codes from system IngestResultCS
