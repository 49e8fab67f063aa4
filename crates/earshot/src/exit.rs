//! Exit codes, documented in `earshot --help` and README.md.

use std::process::ExitCode;

/// Ordered by severity, so a run over several files exits with the worst outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Ok = 0,
    /// Import finished, some records rejected (the rest imported).
    Rejected = 3,
    /// `--strict` import rolled back.
    RolledBack = 4,
    /// Something failed: see the message.
    Error = 1,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// A mistake on the command line found after clap's own checks (exit code 2, like clap's).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The database does not hold what was asked for: an account, a score run, or an account's score in
/// a run. Exit code 1 on the command line (like any other failure); a 4xx over the API.
#[derive(Debug)]
pub struct Missing(pub String);

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Missing {}
