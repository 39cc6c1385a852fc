-- Ingest dead letters: source records a mapping refused, kept so they can be fixed and replayed
-- (POST /ingest/dead-letters/{id}/$replay). Plain SQLite shared by libSQL and D1; every statement
-- ends with `;` at a line end (src/storage/migrate.ts splits on that).
-- record: the record as received (CSV rows as their text cells, source_format 'csv', so a replay
-- coerces them exactly as the first attempt did). outcome: the OperationOutcome of the last try.
-- status: 'open' until a replay succeeds, then 'replayed' (with replayed_at).
CREATE TABLE IF NOT EXISTS ingest_dead_letter (
  id TEXT PRIMARY KEY NOT NULL,
  mapping_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  row_index INTEGER NOT NULL,
  record TEXT NOT NULL,
  source_format TEXT NOT NULL DEFAULT 'json',
  outcome TEXT NOT NULL,
  replayed_at TEXT,
  status TEXT NOT NULL DEFAULT 'open'
);
CREATE INDEX IF NOT EXISTS ingest_dead_letter_mapping ON ingest_dead_letter (mapping_id, status, received_at);
