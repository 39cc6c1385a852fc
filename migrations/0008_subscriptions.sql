-- The notification outbox (src/notify): one row per (Subscription, resource version) the
-- dispatcher matched, inserted in the same batch that advances its change cursor, so a crash
-- neither loses a notification nor enqueues it twice. The delivery worker moves a row from
-- pending to delivered (2xx received), dead (too many failed attempts) or dropped (consent no
-- longer releases it, the owner lost access, or the Subscription was turned off or deleted).
-- next_attempt_at is epoch milliseconds; claim marks the tick that leased the row.
CREATE TABLE IF NOT EXISTS notification_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subscription_id TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  version_id INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead', 'dropped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  claim TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  UNIQUE (subscription_id, resource_type, resource_id, version_id)
);
CREATE INDEX IF NOT EXISTS notification_outbox_due ON notification_outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS notification_outbox_claim ON notification_outbox (claim);
CREATE INDEX IF NOT EXISTS notification_outbox_subscription ON notification_outbox (subscription_id, status);
