-- Dead-letter de-duplication: the same record re-sent by the same organization to the same
-- mapping updates its open dead letter (outcome, received_at, row_index, attempts + 1) instead of
-- adding another. record_key is SHA-256 of the source format and the record's canonical JSON;
-- rows from before this migration have none and are never merged. The partial unique index keeps
-- at most one open letter per key even under concurrent ingests (the insert is an upsert on it).
ALTER TABLE ingest_dead_letter ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE ingest_dead_letter ADD COLUMN record_key TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS ingest_dead_letter_open_record ON ingest_dead_letter (submitted_by, mapping_id, record_key) WHERE status = 'open';
