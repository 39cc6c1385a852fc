-- Where each change-feed consumer (notification dispatcher, care-coordination reactions) has got
-- to in Store.changes(): the last seq it fully handled. A consumer advances its cursor only after
-- its own effects are durable, so a crash replays changes (at-least-once) and never skips one.
CREATE TABLE IF NOT EXISTS change_cursor (
  consumer TEXT PRIMARY KEY NOT NULL,
  position INTEGER NOT NULL
);
