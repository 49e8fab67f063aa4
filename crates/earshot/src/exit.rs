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
