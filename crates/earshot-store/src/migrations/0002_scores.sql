-- Version 2: score runs and scores.
-- A run stores the exact model (JSON) and window it used, so any stored score can be recomputed.

CREATE TABLE score_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    INTEGER NOT NULL,
    model_version TEXT NOT NULL,
    model_json    TEXT NOT NULL,
    window_from   INTEGER,
    window_to     INTEGER,
    platform      TEXT,
    accounts      INTEGER NOT NULL,
    interactions  INTEGER NOT NULL,
    -- JSON array of the five component weights as used (audience, amplification, conversation,
    -- authority, reach).
    weights       TEXT NOT NULL
);

CREATE TABLE scores (
    run_id            INTEGER NOT NULL,
    account           INTEGER NOT NULL,
    overall           REAL NOT NULL,
    audience          REAL NOT NULL,
    audience_pct      REAL NOT NULL,
    amplification     REAL NOT NULL,
    amplification_pct REAL NOT NULL,
    conversation      REAL NOT NULL,
    conversation_pct  REAL NOT NULL,
    authority         REAL NOT NULL,
    authority_pct     REAL NOT NULL,
    reach             REAL NOT NULL,
    reach_pct         REAL NOT NULL,
    askers            INTEGER NOT NULL,
    askers_answered   INTEGER NOT NULL,
    PRIMARY KEY (run_id, account)
) WITHOUT ROWID;
CREATE INDEX scores_by_account ON scores(account, run_id);
CREATE INDEX scores_by_overall ON scores(run_id, overall);
