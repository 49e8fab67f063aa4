-- Version 6: what the HTTP API needs (issue 7).
-- Each account's authenticity weight as the run used it, so the API shows it without re-scoring.
-- NULL for runs before this version and for runs made without an authenticity model.
ALTER TABLE scores ADD COLUMN authenticity REAL;

-- API keys: only a hash of the token is kept (the token is shown once, at creation). `prefix` is the
-- token's first characters, enough for a person to tell keys apart; `scopes` is a comma-separated list
-- of read, write, admin. Rate limits are per key: a steady rate per second and a burst.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    rate_per_sec INTEGER NOT NULL,
    burst        INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

-- Long work started over the API (forecast, plan): parameters in, progress while running, result out.
-- `status` is queued, running, done or failed.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    params      TEXT NOT NULL,
    progress    REAL NOT NULL DEFAULT 0,
    message     TEXT,
    result      TEXT,
    error       TEXT,
    key_id      INTEGER,
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER
);
