//! Keeping a database in bounds: `earshot retention` (old runs, old raw text), `earshot backup` (an
//! online copy while the server runs) and `earshot vacuum` (give free pages back to the disk).

use crate::error::UsageError;
use anyhow::Result;
use earshot_store::{PrunedRuns, PrunedText, Store};
use std::path::Path;

/// What `earshot retention` keeps.
#[derive(Debug, Clone, Copy, Default)]
pub struct RetentionRequest {
    /// Keep the latest this many score runs (with their scores and topic scores); older ones go.
    pub keep_runs: Option<usize>,
    /// Clear the text of posts older than this many days, and of triage messages answered and received
    /// before then.
    pub text_days: Option<u32>,
    /// Keep the latest this many rows of the import log (every API write adds one).
    pub keep_imports: Option<usize>,
    /// The instant "older than" counts from (seconds; default now). Datasets of past years would
    /// otherwise lose all their text at once, so tests and replays pass the data's own end.
    pub now: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RetentionReport {
    #[schema(value_type = Option<Object>)]
    pub runs: Option<PrunedRuns>,
    #[schema(value_type = Option<Object>)]
    pub text: Option<PrunedText>,
    /// Import-log rows deleted.
    pub imports: Option<u64>,
    /// Text older than this instant (UTC) was cleared.
    pub text_before: Option<String>,
}

pub fn retention(store: &mut Store, req: &RetentionRequest) -> Result<RetentionReport> {
    if req.keep_runs.is_none() && req.text_days.is_none() {
        return Err(
            UsageError("say what to prune: --keep-runs N and/or --text-days D".into()).into(),
        );
    }
    if req.keep_runs == Some(0) {
        return Err(UsageError(
            "--keep-runs 0 would delete every score run; keep at least 1".into(),
        )
        .into());
    }
    let runs = req.keep_runs.map(|n| store.prune_runs(n)).transpose()?;
    let imports = req
        .keep_imports
        .map(|n| store.prune_import_log(n))
        .transpose()?;
    let before = req
        .text_days
        .map(|d| req.now.unwrap_or_else(crate::time::now) - i64::from(d) * 86_400);
    let text = before.map(|b| store.prune_text(b)).transpose()?;
    Ok(RetentionReport {
        runs,
        text,
        imports,
        text_before: before.map(earshot_model::format_utc),
    })
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BackupReport {
    pub file: String,
    pub bytes: u64,
}

/// Copy the database to `to` (refusing to overwrite an existing file unless `overwrite`).
pub fn backup(store: &Store, to: &Path, overwrite: bool) -> Result<BackupReport> {
    if to.exists() && !overwrite {
        return Err(UsageError(format!(
            "{} already exists; pass --force to replace it",
            to.display()
        ))
        .into());
    }
    if same_file(store.path(), to) {
        return Err(
            UsageError("the backup must go to another file than the database".into()).into(),
        );
    }
    let bytes = store.backup_to(to)?;
    Ok(BackupReport {
        file: to.display().to_string(),
        bytes,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct VacuumReport {
    pub bytes_before: u64,
    pub bytes_after: u64,
}

pub fn vacuum(store: &mut Store) -> Result<VacuumReport> {
    let (bytes_before, bytes_after) = store.vacuum()?;
    Ok(VacuumReport {
        bytes_before,
        bytes_after,
    })
}
