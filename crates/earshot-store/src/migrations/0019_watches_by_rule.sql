-- Every API ingest looks up the doubtful_burst watches (issue 24); without this, that is a scan of
-- every watch (a million in the benchmark) on every request.
CREATE INDEX watches_by_rule ON watches(rule, id);
