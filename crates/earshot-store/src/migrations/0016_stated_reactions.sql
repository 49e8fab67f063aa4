-- Version 16: one fact about the interactions the write path would otherwise ask SQLite per post.
-- `stated_reactions` is 1 once any reply, quote or reshare about a post that the input stated (not
-- implied by a post's reference) has been stored, and 0 while certainly none has. While it is 0, the
-- reference rule knows no stated reaction can cover an implied one without probing
-- `interactions_by_post` for each (crates/earshot-store/src/implied.rs). It is set in the transaction
-- that stores the first such reaction and never cleared (deleting rows leaves it 1: still correct,
-- only the probe comes back).
CREATE TABLE log_facts (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO log_facts (name, value) VALUES ('stated_reactions', EXISTS (
    SELECT 1 FROM interactions WHERE post IS NOT NULL AND kind IN (1, 3, 4) AND implied_by IS NULL));
