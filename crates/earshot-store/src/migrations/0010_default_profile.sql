-- Whether the account kept the platform's default theme (Twitter's `default_profile`), a feature of the
-- cross-dataset bot model (issue 17). NULL where the source did not say.
ALTER TABLE accounts ADD COLUMN default_profile INTEGER;
