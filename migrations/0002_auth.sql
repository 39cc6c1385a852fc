-- SMART Backend Services: registered clients, assertion replay ledger, the gateway's own signing key.
-- Plain SQLite so the same file runs on libSQL and D1; one statement per `;` at line end, no triggers.

-- One row per registered backend client. `jwks` holds PUBLIC keys only (client-registry.ts refuses
-- private members); `scopes` is the space-separated set a token may be granted at most.
CREATE TABLE IF NOT EXISTS auth_client (
  client_id       TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL,
  sector          TEXT NOT NULL,
  jwks            TEXT NOT NULL,
  scopes          TEXT NOT NULL,
  name            TEXT NOT NULL,
  created_at      TEXT NOT NULL
);

-- RFC 7523 §3 / SMART: a client assertion's jti may be used once. Rows are kept until the
-- assertion's own exp (seconds since epoch), after which it is refused as expired anyway, so
-- expired rows are pruned opportunistically on each token request.
CREATE TABLE IF NOT EXISTS auth_assertion_jti (
  jti        TEXT PRIMARY KEY NOT NULL,
  client_id  TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS auth_assertion_jti_expires_at ON auth_assertion_jti (expires_at);

-- The gateway's own signing key(s) (ES384). Created on first use; never rotated in place, so a
-- token signed by any row stays verifiable for its lifetime.
CREATE TABLE IF NOT EXISTS auth_signing_key (
  kid         TEXT PRIMARY KEY NOT NULL,
  jwk_private TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
