//! `earshot explain`: an account's score, or its score within one topic, with the evidence.
