-- Version 7: a run is dated by its data, not by the wall clock (issue 15).
-- `last_event`: the latest interaction time in the run's window and platform when it ran, so a run
-- without `--to` is "as of" its last event (2012 data is not "as of" the day it was scored).
ALTER TABLE score_runs ADD COLUMN last_event INTEGER;

-- Earlier runs: the latest interaction in their window and platform dated no later than the run itself
-- (events imported afterwards with later times cannot have been read by it). NULL when none is dated.
UPDATE score_runs SET last_event = (
    SELECT MAX(i.time) FROM interactions i
    WHERE i.time <= score_runs.created_at
      AND (score_runs.window_from IS NULL OR i.time >= score_runs.window_from)
      AND (score_runs.window_to IS NULL OR i.time < score_runs.window_to)
      AND (score_runs.platform IS NULL
           OR i.target IN (SELECT id FROM accounts WHERE platform = score_runs.platform))
);
