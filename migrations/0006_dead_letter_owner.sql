-- Dead letters hold raw source records (PHI, possibly 42 CFR Part 2): each belongs to the
-- organization that submitted it, and only that organization may list or replay it. Rows from
-- before this column (NULL) are visible to no client (fail closed).
ALTER TABLE ingest_dead_letter ADD COLUMN submitted_by TEXT;
CREATE INDEX IF NOT EXISTS ingest_dead_letter_owner ON ingest_dead_letter (submitted_by, mapping_id, status, received_at);
