//! Importing files into the store in atomic batches, every rejected record kept (`earshot import`, and
//! the messages of `earshot triage ingest`).
//!
//! A reader thread parses while the calling thread writes to SQLite, so two cores work at once. Each
//! batch is one transaction: killed at any moment, the database holds whole batches only, and running
//! the same import again adds exactly what is missing (rows are keyed by stable ids).

mod pipeline;
pub mod rejects;
mod report;
mod source;

pub use pipeline::import_file;
pub use rejects::{default_source, RejectSink};
pub use report::FileReport;

use crate::error::UsageError;
use anyhow::Result;
use earshot_ingest::{Format, Options, Rejection};
use earshot_store::Store;
use std::path::Path;

/// In bulk mode the write-ahead log is copied back into the database only when it passes this size.
const WAL_CHECKPOINT_BYTES: u64 = 512 << 20;

/// One file to import and how.
pub struct FileImport<'a> {
    pub path: &'a Path,
    pub format: Format,
    /// The format's name, for the import log and the report.
    pub format_name: &'static str,
    /// Events per transaction.
    pub batch_size: usize,
    /// The whole file is one transaction, rolled back at its first bad record.
    pub strict: bool,
    /// Where the file's interactions go.
    pub event_log: EventLog,
    /// Interactions per segment (`EventLog::Segments`): memory held while a run fills, ~64 bytes each.
    pub segment_rows: usize,
}

/// Where an import stores interactions that no post's reference can imply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventLog {
    /// Append-only Parquet segments beside the database (`<database>.events/`): several times faster
    /// to import and to read; see `earshot-store/src/segments/mod.rs`.
    #[default]
    Segments,
    /// Segments for posts too (sorted by id, `posts-*.parquet`) and for every interaction, whatever it
    /// names: the replies, quotes and reshares posts' references imply are derived when read rather than
    /// stored (`earshot-store/src/segments/derive.rs`). The fastest import of post-heavy streams.
    Posts,
    /// Rows of the SQLite file, as earshot stored every interaction before the event log: one file to
    /// copy, and each repeated event is refused on write rather than met once on read.
    Sqlite,
}

/// What the person importing sees while a file is read: how far it got, and the first rejections.
pub trait ImportWatch {
    /// The file is open; it holds `bytes` (0 when unknown, such as a pipe).
    fn started(&self, bytes: u64);
    /// `bytes` of the file read, `records` seen, `seconds` since the start.
    fn progress(&self, bytes: u64, records: u64, seconds: f64);
    /// One of the run's first rejected records.
    fn rejected(&self, r: &Rejection);
    /// The file is done (or failed).
    fn finished(&self);
}

/// Option errors are the user's to fix (exit 2 on the command line); anything else is an error reading
/// the file.
pub fn open_error(e: earshot_ingest::OpenError) -> anyhow::Error {
    match e {
        earshot_ingest::OpenError::BadOption(msg) => UsageError(msg).into(),
        other => other.into(),
    }
}

/// Check that each file opens with its format and options (a CSV's header is read, a JSON file
/// sniffed), so a bad mapping is found before the database is touched.
/// A pipe (`/dev/stdin`, a FIFO) is not checked: it can be read only once, and checking would lose its
/// first bytes; it is checked as it is imported.
pub fn check_files(files: &[(&Path, Format)], opts: &Options) -> Result<()> {
    for &(path, format) in files {
        let once = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if !once {
            drop(earshot_ingest::open(path, format, opts).map_err(open_error)?);
        }
    }
    Ok(())
}

/// Before a bulk import of `files` (the store in exclusive bulk mode): set aside the indexes only
/// readers use when the input is at least as large as the database, so that they are built once, by
/// sorting, at the end ([`finish_bulk_import`]) instead of row by row. Returns whether they were.
/// A pipe's size is unknown: it counts as large (`earshot gen --out - | earshot import /dev/stdin`).
pub fn prepare_bulk_import(store: &mut Store, files: &[(&Path, Format)]) -> Result<bool> {
    let mut total: Option<u64> = Some(0);
    for &(path, _) in files {
        let size = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        total = total.zip(size).map(|(a, b)| a.saturating_add(b));
    }
    Ok(store.defer_read_indexes(total)?)
}

/// After a bulk import, whether it succeeded or not: build the indexes [`prepare_bulk_import`] set
/// aside. Returns how many were built.
pub fn finish_bulk_import(store: &mut Store) -> Result<usize> {
    Ok(store.restore_read_indexes()?)
}
