-- Tombstones of forgotten accounts (`earshot forget`). A tombstone is a keyed BLAKE3 hash of the account's
-- stable id, never the id, ext_id or handle: the database keeps no value that names a forgotten account,
-- yet an import can still recognise one and leave it out. The key is this database's own, so a tombstone
-- means nothing outside it.
CREATE TABLE forget_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB NOT NULL
);
INSERT INTO forget_key (id, key) VALUES (1, randomblob(32));

CREATE TABLE forgotten (
    mark         BLOB PRIMARY KEY,
    forgotten_at INTEGER NOT NULL
) WITHOUT ROWID;
