-- The score log: one row per `earshot score` run, written before any work and completed in the
-- transaction that stores the run's scores, so that a run killed part-way leaves a record (issue 19).
-- `run_id` is the stored run, set only when it completed.
CREATE TABLE score_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    status        TEXT NOT NULL,
    run_id        INTEGER,
    model_version TEXT NOT NULL,
    window_from   INTEGER,
    window_to     INTEGER,
    platform      TEXT,
    error         TEXT
);
