//! Campaign plans, the one long computation the API still reaches through the binary, live in the
//! algorithm crates and the binary's glue around them. The server does not know their internals: the
//! binary hands it an [`Engine`], and the server calls it on the blocking pool or in a background job.

use std::path::Path;

/// A failure of engine work, as the client should see it.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The request cannot be served as asked (unknown account, no score run, bad parameter): a 4xx.
    #[error("{0}")]
    Invalid(String),
    /// Something broke: a 500; the message is logged, not shown.
    #[error("{0}")]
    Failed(String),
}

/// Reports progress (0–1) and what is being done.
pub type Progress<'a> = &'a (dyn Fn(f64, &str) + Sync);

/// What the server asks of the binary. Each method opens the database at `db` itself, so it can run
/// beside the server's own connections. Results are JSON, in the shape the CLI's `--json` output has.
pub trait Engine: Send + Sync + 'static {
    /// Check a plan's parameters before the job is queued (the audience topic and the excluded
    /// accounts exist), cheaply, so a client hears of a mistake at once: `Invalid` is a 422. The
    /// default checks nothing; `plan` must check again either way.
    fn check_plan(
        &self,
        _db: &Path,
        _params: &crate::routes::jobs::PlanParams,
    ) -> Result<(), EngineError> {
        Ok(())
    }

    /// Seed accounts for a campaign: `earshot --json plan` on the stored interactions.
    fn plan(
        &self,
        db: &Path,
        params: &crate::routes::jobs::PlanParams,
        progress: Progress<'_>,
    ) -> Result<serde_json::Value, EngineError>;
}
