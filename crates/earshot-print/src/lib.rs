//! earshot's reports as terminal text, as ripgrep's `grep-printer` is to its searcher: the command
//! line turns arguments into a use case's request, runs it, and hands the typed report to a renderer
//! here, which writes the text to any `io::Write` (standard output in the binary, a buffer in a
//! test). JSON needs no renderer: the reports serialise themselves.
//!
//! Renderers only format: they compute nothing a report does not carry, open no database and read
//! no file (names they print come with the report or through a `name` callback the front gives).

pub mod advocates;
pub mod audit;
pub mod authority;
pub mod backtest;
pub mod bench;
pub mod chart;
pub mod communities;
pub mod doubling;
pub mod explain;
pub mod export;
pub mod flags;
pub mod fmt;
pub mod forecast;
pub mod history;
pub mod identity;
pub mod import;
pub mod keys;
pub mod plan;
pub mod plan_cascades;
pub mod price;
pub mod redteam;
pub mod score;
pub mod sentiment;
pub mod topics;
pub mod triage;
pub mod trust;
pub mod upkeep;
pub mod watch;
