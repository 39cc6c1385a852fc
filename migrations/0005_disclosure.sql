-- Disclosure columns: set on every write by the consent layer, so a search can leave out, in SQL,
-- the 42 CFR Part 2 rows a requester can never see (exact totals and paging, P2-17).
-- part2: 1 when the stored version is labeled as a Part 2 record.
-- patient_id: the patient the record is about (consents are per patient).
-- holder_org: the Part 2 program holding the record; its own records are not a disclosure to it.
ALTER TABLE resource_current ADD COLUMN part2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE resource_current ADD COLUMN patient_id TEXT;
ALTER TABLE resource_current ADD COLUMN holder_org TEXT;
ALTER TABLE resource_version ADD COLUMN part2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE resource_version ADD COLUMN patient_id TEXT;
ALTER TABLE resource_version ADD COLUMN holder_org TEXT;
CREATE INDEX IF NOT EXISTS resource_current_patient ON resource_current (patient_id, resource_type);
