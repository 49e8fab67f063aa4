-- Version 18: watchlists, their alerts and the webhooks alerts are delivered to (issue 24).

-- One rule on one account. `component` and `topic` are '' where the rule has none, so that the
-- same rule on the same account is one row (NULLs would make every row unique).
CREATE TABLE watches (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account    INTEGER NOT NULL,
    -- score_change, component_change, authenticity_drop, topic_top
    rule       TEXT NOT NULL,
    component  TEXT NOT NULL DEFAULT '',
    topic      TEXT NOT NULL DEFAULT '',
    -- Points of the 1-100 score, percentile points of a component, a drop in authenticity (0-1),
    -- or the k of a topic's top k.
    threshold  REAL NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (account, rule, component, topic)
);
-- Covering: evaluating a run reads every watch in account order beside the run's scores (a merge,
-- not a look-up per watch).
CREATE INDEX watches_by_account ON watches(account, id, rule, component, topic, threshold, created_at);

-- What a rule found. `occasion` names what raised it, once per watch: `run:<id>` for a score run
-- (evaluating a run twice raises nothing new); `run_id` is NULL for occasions other than a run.
-- `payload` is the JSON that webhooks receive.
CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    watch_id   INTEGER NOT NULL,
    account    INTEGER NOT NULL,
    run_id     INTEGER,
    occasion   TEXT NOT NULL,
    rule       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (watch_id, occasion)
);
CREATE INDEX alerts_by_account ON alerts(account);

-- Where alerts are posted. The secret signs each delivery (HMAC-SHA256); it must be stored as it is
-- to sign with it.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    url        TEXT NOT NULL UNIQUE,
    secret     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Each alert's delivery to each webhook that existed when it was raised: pending until the receiver
-- answers 2xx, retried with backoff, dead (the dead-letter list) after the last attempt.
CREATE TABLE deliveries (
    alert_id        INTEGER NOT NULL,
    webhook_id      INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_error      TEXT,
    delivered_at    INTEGER,
    PRIMARY KEY (alert_id, webhook_id)
) WITHOUT ROWID;
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_ms);
