-- Version 14: offline influence (issue 21). Evidence of standing off the networks (publications,
-- citations, talks, press mentions, page views), about a person (by name, as persons.name; the person
-- need not exist yet) or an account. Kept apart from the interactions: it never enters the online score
-- unless a score run asks for it.
-- id: a stable hash of the row's content, so the same evidence imported twice, from any file, is one row.
CREATE TABLE offline_evidence (
    id      INTEGER PRIMARY KEY,
    person  TEXT,
    account INTEGER,
    source  TEXT NOT NULL,
    time    INTEGER,
    amount  REAL NOT NULL,
    link    TEXT,
    origin  TEXT NOT NULL,
    CHECK ((person IS NULL) <> (account IS NULL))
);
CREATE INDEX offline_by_person ON offline_evidence(person);
CREATE INDEX offline_by_account ON offline_evidence(account);
