//! earshot's application layer: the use cases, between the libraries that compute (store, graph,
//! score, trust, diffusion, …) and the fronts that talk to people (the CLI, the HTTP API, the
//! dashboard).
//!
//! The layer rule: this crate may use every library crate and none of the fronts; it prints nothing,
//! parses no command line and knows no HTTP. A front turns its input into a request, calls the use
//! case, and renders the report. Errors that a front answers differently from a plain failure are
//! typed ([`error::UsageError`], [`error::Missing`]).
//!
//! Moving the use cases here from the binary is under way (issue 16): [`sources`] reads the store for
//! every kernel, [`score`] holds what scoring's fronts share, [`explain`] says why an account scored
//! what it did.

pub mod accounts;
pub mod advocates;
pub mod audit;
pub mod authority;
pub mod backtest;
pub mod bench;
pub mod communities;
pub mod dense_window;
pub mod doubling;
pub mod doubtful_bursts;
pub mod error;
pub mod explain;
pub mod export;
pub mod forecast;
pub mod forget;
pub mod history;
pub mod identity;
pub mod import;
pub mod intervals;
pub mod keys;
pub mod offline;
pub mod plan;
pub mod price;
pub mod redteam;
pub mod report;
pub mod score;
pub mod sentiment;
pub mod sources;
pub mod time;
pub mod topics;
pub mod triage;
pub mod trust;
pub mod upkeep;
pub mod watch;
pub mod webhooks;

/// Told the share of the work done (0–1) and what is being done, from any thread: how a use case
/// reports to a progress bar or a background job.
pub type Progress<'a> = &'a (dyn Fn(f64, &str) + Sync);

/// The process's peak resident memory in KiB (`VmHWM`), where the system reports it (Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
