-- Version 9: threads (issue 17). A post's reply_to, quote_of or reshare_of implies a reply, quote or reshare
-- by its author to the referenced post's author (crates/earshot-store/src/implied.rs has the rule).
-- `implied_by`: the post whose reference implies the interaction; NULL for interactions the input stated.
ALTER TABLE interactions ADD COLUMN implied_by INTEGER;

-- Replies, quotes and reshares by the post they are about and their actor: an implied interaction is made
-- only when no stated one of the same kind, actor and post exists, and a stated one removes implied ones.
-- Partial, so edge lists without posts (Higgs, SNAP), mentions and likes cost nothing here. `implied_by` is
-- part of the key so that both questions are answered from the index alone, without reading the table:
-- a stated interaction's own row, just written, always matches its post, actor and kind.
CREATE INDEX interactions_by_post ON interactions(post, actor, kind, implied_by)
    WHERE post IS NOT NULL AND kind IN (1, 3, 4);

-- References to posts not stored yet: `child` refers to `parent` with interaction kind `kind`. When the
-- parent is stored, its waiting references become interactions and their rows go. Keyed by parent first:
-- every new post looks here for references waiting for it.
CREATE TABLE waiting_references (
    parent INTEGER NOT NULL,
    kind   INTEGER NOT NULL,
    child  INTEGER NOT NULL,
    PRIMARY KEY (parent, child, kind)
) WITHOUT ROWID;
