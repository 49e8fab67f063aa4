-- Version 17: posts in the event log (issue 22). Bulk imports may append posts, sorted by id, to Parquet
-- segments of their own beside the interaction segments; `content` says which a catalogued file holds.
-- Every segment catalogued before this version holds interactions.
ALTER TABLE event_segments ADD COLUMN content TEXT NOT NULL DEFAULT 'interactions';
