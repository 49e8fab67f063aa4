-- Version 8: what a score means (issue 15). From earshot-score-4 on, a score is the authentic reactions an
-- account is expected to receive next week, on a log scale; `expected` keeps that number, so a lookup can
-- say it without recomputing the run. NULL for runs of earlier models and for accounts not scored
-- (overall 0: no authentic engagement in the run's window).
ALTER TABLE scores ADD COLUMN expected REAL;
