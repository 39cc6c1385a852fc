-- The referral inbox (src/storage/task-inbox.ts): per current Task, the sort keys of
-- `Task?owner=…&_sort=priority-order,-authored-on`, taken from the same index rows the generic
-- search reads, so both plans return the same rows in the same order, plus the version's disclosure
-- columns. The index walks one owner's Tasks in page order and covers status and visibility, so a
-- page costs its own rows, not the owner's whole backlog, and a visibility probe never leaves it.
CREATE TABLE IF NOT EXISTS task_inbox (
  id TEXT PRIMARY KEY NOT NULL,
  owner_type TEXT,
  owner_id TEXT,
  status TEXT,
  priority_rank REAL NOT NULL,
  authored_end TEXT,
  part2 INTEGER NOT NULL,
  patient_id TEXT,
  holder_org TEXT
);
CREATE INDEX IF NOT EXISTS task_inbox_page ON task_inbox (owner_id, owner_type, priority_rank, authored_end DESC, id, status, part2, holder_org, patient_id);
INSERT OR REPLACE INTO task_inbox (id, owner_type, owner_id, status, priority_rank, authored_end, part2, patient_id, holder_org)
SELECT c.id,
  (SELECT r.target_type FROM search_reference r WHERE r.resource_type = 'Task' AND r.id = c.id AND r.param = 'owner' LIMIT 1),
  (SELECT r.target_id FROM search_reference r WHERE r.resource_type = 'Task' AND r.id = c.id AND r.param = 'owner' LIMIT 1),
  (SELECT t.code FROM search_token t WHERE t.resource_type = 'Task' AND t.id = c.id AND t.param = 'status' LIMIT 1),
  COALESCE((SELECT MIN(n.value) FROM search_number n WHERE n.resource_type = 'Task' AND n.id = c.id AND n.param = 'priority-order'), 1000000000),
  (SELECT MAX(d.end_at) FROM search_date d WHERE d.resource_type = 'Task' AND d.id = c.id AND d.param = 'authored-on'),
  c.part2, c.patient_id, c.holder_org
FROM resource_current c WHERE c.resource_type = 'Task' AND c.deleted = 0;
