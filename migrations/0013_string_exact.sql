-- `:exact` and uri searches no longer need their own index on search_string.raw: value is always
-- normalizeString(raw), so `value = normalizeString(x) AND raw = x` selects exactly the rows
-- `raw = x` did, through search_string_lookup. One index fewer on the index table that takes the
-- most rows per resource (13 per participant) cut an ingest's SQLite time by about a fifth.
DROP INDEX IF EXISTS search_string_raw;
