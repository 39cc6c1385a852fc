-- Audit trail (P2-13): one row per AuditEvent, hash-chained. Plain SQLite for libSQL and D1.

-- `seq` is assigned by the appender as previous seq + 1 (not AUTOINCREMENT), so two appenders that
-- read the same chain head collide on the primary key and one retries against the new head.
-- hash = SHA-256 hex of (prev_hash || canonical JSON of content); the first row's prev_hash is
-- 64 zeros. `recorded`, `patient_id` and `kind` are copies of values inside `content` (for the
-- accounting-of-disclosures query) and are checked against it by verify().
CREATE TABLE IF NOT EXISTS audit_event (
  seq        INTEGER PRIMARY KEY NOT NULL,
  id         TEXT UNIQUE NOT NULL,
  recorded   TEXT NOT NULL,
  patient_id TEXT,
  kind       TEXT NOT NULL,
  content    TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);

-- P2-13: accounting of disclosures per patient over a time window.
CREATE INDEX IF NOT EXISTS audit_event_patient_recorded ON audit_event (patient_id, recorded);
