//! Exit codes, documented in `earshot --help` and README.md.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Error = 1,
    /// Import finished, some lines rejected (the rest imported).
    Rejected = 3,
    /// `--strict` import rolled back.
    RolledBack = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}
