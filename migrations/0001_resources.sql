-- Versioned FHIR resources and their search index. Plain SQLite shared by libSQL (Node) and
-- D1 (Workers): no PRAGMA, no triggers. Keep every statement ending with `;` at the end of a
-- line and no `;` inside literals: src/storage/migrate.ts splits on that for libSQL.

-- Every version ever written; a delete is a tombstone version (deleted = 1). The primary key is
-- what makes two racing writers of the same next version fail as a whole batch.
CREATE TABLE IF NOT EXISTS resource_version (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  version_id INTEGER NOT NULL,
  last_updated TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  content TEXT NOT NULL,
  PRIMARY KEY (resource_type, id, version_id)
);
CREATE INDEX IF NOT EXISTS resource_version_type_updated ON resource_version (resource_type, last_updated);
CREATE INDEX IF NOT EXISTS resource_version_updated ON resource_version (last_updated);

-- The newest version of each resource (tombstones included), so reads and searches never
-- need a MAX(version_id) over the history table. The index matches the default search order
-- (last_updated DESC, id) so an unfiltered page stops after LIMIT rows.
CREATE TABLE IF NOT EXISTS resource_current (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  version_id INTEGER NOT NULL,
  last_updated TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  content TEXT NOT NULL,
  PRIMARY KEY (resource_type, id)
);
CREATE INDEX IF NOT EXISTS resource_current_type_updated ON resource_current (resource_type, last_updated DESC, id);

-- Search index rows exist only for current, non-deleted resources. Lookup indexes lead with
-- (resource_type, param, value) and end with id so a filter is answered from the index alone;
-- the (resource_type, id, param, value) indexes serve re-indexing deletes and _sort subqueries.
CREATE TABLE IF NOT EXISTS search_token (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  param TEXT NOT NULL,
  system TEXT,
  code TEXT NOT NULL,
  -- Normalised Coding.display / CodeableConcept.text for `:text`; rare, so not indexed.
  display TEXT
);
CREATE INDEX IF NOT EXISTS search_token_lookup ON search_token (resource_type, param, code, system, id);
CREATE INDEX IF NOT EXISTS search_token_owner ON search_token (resource_type, id, param, code);

-- value is lowercased with accents stripped (default and :contains); raw is the original text
-- (:exact, and uri parameters, which match exactly).
CREATE TABLE IF NOT EXISTS search_string (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  param TEXT NOT NULL,
  value TEXT NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS search_string_lookup ON search_string (resource_type, param, value, id);
CREATE INDEX IF NOT EXISTS search_string_raw ON search_string (resource_type, param, raw, id);
CREATE INDEX IF NOT EXISTS search_string_owner ON search_string (resource_type, id, param, value);

-- [start_at, end_at) as ISO-8601 UTC instants with milliseconds, end exclusive, so text order
-- is time order. A date's precision becomes the width of its range ("2024" = the whole year).
CREATE TABLE IF NOT EXISTS search_date (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  param TEXT NOT NULL,
  start_at TEXT NOT NULL,
  end_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS search_date_start ON search_date (resource_type, param, start_at, end_at, id);
CREATE INDEX IF NOT EXISTS search_date_end ON search_date (resource_type, param, end_at, start_at, id);
CREATE INDEX IF NOT EXISTS search_date_owner ON search_date (resource_type, id, param, start_at, end_at);

-- Only relative "Type/id" references are indexed (absolute, urn: and contained refs are not).
CREATE TABLE IF NOT EXISTS search_reference (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  param TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS search_reference_lookup ON search_reference (resource_type, param, target_id, target_type, id);
CREATE INDEX IF NOT EXISTS search_reference_target ON search_reference (target_type, target_id, resource_type, param, id);
CREATE INDEX IF NOT EXISTS search_reference_owner ON search_reference (resource_type, id, param, target_type, target_id);

CREATE TABLE IF NOT EXISTS search_number (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  param TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS search_number_lookup ON search_number (resource_type, param, value, id);
CREATE INDEX IF NOT EXISTS search_number_owner ON search_number (resource_type, id, param, value);
