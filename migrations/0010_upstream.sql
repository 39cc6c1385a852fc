-- Upstream mode (UPSTREAM_FHIR_URL): resources live on an existing FHIR server; the gateway keeps
-- only what the upstream cannot be trusted to hold. One row per version written THROUGH the
-- gateway: its disclosure columns (part2, patient_id, holder_org), the version and lastUpdated the
-- gateway assigned, and the upstream's own version id once the upstream committed it.
-- state: 'pending' is recorded BEFORE the upstream transaction, 'committed' after it answered.
-- A version the upstream holds but this table does not know as committed is released to no one
-- (fail closed), so a crash between the two steps can hide a record but never leak one.
CREATE TABLE IF NOT EXISTS upstream_version (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  version_id INTEGER NOT NULL,
  upstream_version TEXT,
  last_updated TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  part2 INTEGER NOT NULL,
  patient_id TEXT,
  holder_org TEXT,
  -- The labels (meta.security, JSON) the gateway computed: put back on every read, so an upstream
  -- that drops or rewrites labels cannot change what consent enforcement sees.
  security TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (resource_type, id, version_id)
);
CREATE INDEX IF NOT EXISTS upstream_version_by_upstream ON upstream_version (resource_type, id, upstream_version);
-- The change feed (Store.changes) in upstream mode: a row is appended when a version is
-- confirmed, so rowid order is commit order even when writers confirm out of start order.
CREATE TABLE IF NOT EXISTS upstream_change (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  version_id INTEGER NOT NULL
);
