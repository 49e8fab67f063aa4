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

/// What `earshot compact` did: the event log's segments, and SQLite's interactions that belong with
/// them, merged into one segment with each event once.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CompactReport {
    pub segments_before: u64,
    pub segments_after: u64,
    /// Rows the segments held before, copies of one event in several files included.
    pub segment_rows_before: u64,
    /// Interactions moved from the database file into the log (stored before the log existed, with
    /// `--event-log sqlite`, or through the API).
    pub moved_from_sqlite: u64,
    pub rows_after: u64,
    /// Copies of one event stored by different files, now stored once.
    pub duplicates_removed: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// Post segments (`import --event-log posts`) before and after, and the posts they held: a post
    /// two files hold is kept once.
    pub post_segments_before: u64,
    pub post_segments_after: u64,
    pub post_rows_before: u64,
    pub post_rows_after: u64,
    pub seconds: f64,
}

/// Compact the event log. Needs the database alone: refuses while another process has it open.
pub fn compact(store: &mut Store) -> Result<CompactReport> {
    let started = std::time::Instant::now();
    if !store.begin_bulk_mode()? {
        return Err(crate::error::UsageError(
            "another process has the database open (a running `earshot serve`?): compaction replaces \
             files it may be reading; stop it and run `earshot compact` again"
                .into(),
        )
        .into());
    }
    let c = store.compact_events()?;
    Ok(CompactReport {
        segments_before: c.segments_before,
        segments_after: c.segments_after,
        segment_rows_before: c.segment_rows_before,
        moved_from_sqlite: c.moved_from_sqlite,
        rows_after: c.rows_after,
        duplicates_removed: c.duplicates_removed,
        bytes_before: c.bytes_before,
        bytes_after: c.bytes_after,
        post_segments_before: c.post_segments_before,
        post_segments_after: c.post_segments_after,
        post_rows_before: c.post_rows_before,
        post_rows_after: c.post_rows_after,
        seconds: started.elapsed().as_secs_f64(),
    })
}
