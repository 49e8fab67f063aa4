-- Version 15: the event log (issue 22). Interactions that no post's reference can imply (likes, follows,
-- mentions, and replies, quotes and reshares that name no post) are appended by bulk imports to Parquet
-- segments in the folder beside the database (`<database>.events/`), sorted by (kind, target, time, id);
-- this table is the catalogue: a segment exists for readers only once its row is committed, so a killed
-- import leaves at most an orphan file, which the next bulk writer removes.
CREATE TABLE event_segments (
    id         INTEGER PRIMARY KEY,
    file       TEXT NOT NULL UNIQUE,
    rows       INTEGER NOT NULL,
    undated    INTEGER NOT NULL,
    min_time   INTEGER,
    max_time   INTEGER,
    bytes      INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
-- Which of a source's segment-bound interactions each segment holds: ordinals [first, last) in the order
-- the source's reader yields them. `source` is a hash of the file's bytes, its format and the options that
-- shape its events, so importing the same file again skips what is stored, and a killed import resumes.
CREATE TABLE segment_sources (
    segment INTEGER NOT NULL,
    source  TEXT NOT NULL,
    first   INTEGER NOT NULL,
    last    INTEGER NOT NULL
);
CREATE INDEX segment_sources_by_source ON segment_sources(source, first);
CREATE INDEX segment_sources_by_segment ON segment_sources(segment);
