-- Version 13: one person across networks (issue 21).
-- links: the links an account's profile claims as its own elsewhere (a JSON array of strings), evidence
-- for linking; NULL where the source gave none.
ALTER TABLE accounts ADD COLUMN links TEXT;

-- A person owns accounts on several platforms, linked only by evidence (a verified link, a mapping file,
-- or a person's decision), never by similarity alone. The name is the user's handle for the person.
CREATE TABLE persons (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- An account belongs to at most one person. evidence says why it was linked, in words a user can check
-- (`mapping people.csv:12`, `verified: https://x.com/ann links https://s.example/@ann back`, `by hand`).
CREATE TABLE person_accounts (
    account   INTEGER PRIMARY KEY,
    person    INTEGER NOT NULL REFERENCES persons(id),
    evidence  TEXT NOT NULL,
    linked_at INTEGER NOT NULL
);
CREATE INDEX person_accounts_by_person ON person_accounts(person);
