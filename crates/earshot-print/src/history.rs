//! `earshot history`: an account's score across runs.
