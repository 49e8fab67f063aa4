-- Version 4: topic scores (`earshot score --topics FILE|auto`, issue 5).
-- A run with topics keeps the taxonomy it used, as TOML, so `explain --topic` can assign the posts again,
-- show which terms matched, and recompute a stored topic score.

CREATE TABLE score_taxonomies (
    run_id          INTEGER PRIMARY KEY,
    -- The taxonomy file as given on the command line, or 'auto' for discovered topics.
    source          TEXT NOT NULL,
    -- Distinct taxonomy terms a post must match to be about a topic (1 for a file; 2 for discovered
    -- topics, as discovery itself assigns posts).
    min_terms       INTEGER NOT NULL,
    taxonomy        TEXT NOT NULL,
    posts_with_text INTEGER NOT NULL,
    posts_assigned  INTEGER NOT NULL
);

-- A topic's id is its position in the taxonomy (keys sorted).
CREATE TABLE score_topics (
    run_id   INTEGER NOT NULL,
    topic    INTEGER NOT NULL,
    key      TEXT NOT NULL,
    label    TEXT NOT NULL,
    posts    INTEGER NOT NULL,
    accounts INTEGER NOT NULL,
    PRIMARY KEY (run_id, topic)
) WITHOUT ROWID;

-- Only accounts that posted on the topic, or took part in a reaction through one of its posts, have a
-- row. `reactions`: reactions from others through the topic's posts that earned credit; audience is
-- the account's "listened to" on the topic (distinct reactors, weighted as the overall score weighs
-- them). Reach has no topic form.
CREATE TABLE topic_scores (
    run_id            INTEGER NOT NULL,
    topic             INTEGER NOT NULL,
    account           INTEGER NOT NULL,
    score             REAL NOT NULL,
    posts_about       INTEGER NOT NULL,
    reactions         INTEGER NOT NULL,
    audience          REAL NOT NULL,
    audience_pct      REAL NOT NULL,
    amplification     REAL NOT NULL,
    amplification_pct REAL NOT NULL,
    conversation      REAL NOT NULL,
    conversation_pct  REAL NOT NULL,
    authority         REAL NOT NULL,
    authority_pct     REAL NOT NULL,
    PRIMARY KEY (run_id, topic, account)
) WITHOUT ROWID;
CREATE INDEX topic_scores_by_account ON topic_scores(account, run_id);
