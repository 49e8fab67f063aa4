-- Version 5: customer-service triage (`earshot triage`; the rules are crates/earshot-triage).
-- Messages are never filtered out: every message has a decision, and every decision is kept.

-- The policies decisions were made under, each stored once: the rules' version and the numbers, as JSON.
CREATE TABLE triage_policies (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL,
    json    TEXT NOT NULL,
    UNIQUE (version, json)
);

-- ext_id: the source's own id of the message; posting the same (channel, ext_id) again returns the stored
-- message and its decision. account: accounts.id when the author is known to the store.
-- decision_id, priority, due_by: the message's current decision, copied from triage_decisions so the queue
-- is one index scan.
CREATE TABLE triage_messages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    channel       TEXT NOT NULL,
    ext_id        TEXT,
    platform      TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    account       INTEGER,
    text          TEXT NOT NULL,
    received_at   INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    answered_at   INTEGER,
    decision_id   INTEGER NOT NULL,
    priority      INTEGER NOT NULL,
    due_by        INTEGER NOT NULL
);
CREATE UNIQUE INDEX triage_messages_by_ext ON triage_messages(channel, ext_id) WHERE ext_id IS NOT NULL;
CREATE INDEX triage_queue ON triage_messages(due_by, id) WHERE answered_at IS NULL;
CREATE INDEX triage_queue_by_channel ON triage_messages(channel, due_by, id) WHERE answered_at IS NULL;

-- The audit log: one row per decision, never updated. author_score and author_authenticity are what the
-- decision read (NULL: unscored, unknown); score_run is the run the score was looked up in.
-- reasons: JSON array of {code, detail, advance_secs}.
CREATE TABLE triage_decisions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id          INTEGER NOT NULL,
    decided_at          INTEGER NOT NULL,
    policy_id           INTEGER NOT NULL,
    author_score        REAL,
    author_authenticity REAL,
    score_run           INTEGER,
    priority            INTEGER NOT NULL,
    due_by              INTEGER NOT NULL,
    floor_due_by        INTEGER NOT NULL,
    reasons             TEXT NOT NULL
);
CREATE INDEX triage_decisions_by_message ON triage_decisions(message_id, id);
