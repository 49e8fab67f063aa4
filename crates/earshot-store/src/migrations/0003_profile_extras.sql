-- Profile fields for authenticity (issue 4): what the bot and fake-account datasets record beyond the
-- basics. NULL where the source did not say.
ALTER TABLE accounts ADD COLUMN likes_given INTEGER;
ALTER TABLE accounts ADD COLUMN listed INTEGER;
ALTER TABLE accounts ADD COLUMN bio_length INTEGER;
ALTER TABLE accounts ADD COLUMN username_length INTEGER;
ALTER TABLE accounts ADD COLUMN username_digits INTEGER;
