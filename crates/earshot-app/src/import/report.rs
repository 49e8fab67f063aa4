//! What one file's import did.

use earshot_store::{ImportStatus, WriteCounts};

/// The outcome of importing one file, as printed and as JSON.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FileReport {
    pub file: String,
    pub format: &'static str,
    #[schema(value_type = String)]
    pub status: ImportStatus,
    /// Records read: lines, or CSV records (which may span lines), or JSON array elements; for cascades,
    /// lines plus each adoption rejected on its own.
    pub records: u64,
    pub events: u64,
    pub rejected: u64,
    #[schema(value_type = Object)]
    pub written: WriteCounts,
    /// After this file, references from stored posts to posts not stored yet, in the whole database: their
    /// replies, quotes and reshares are made when those posts are imported (docs/jsonl.md, "Threads").
    /// `None` after an `--event-log posts` import: counting them there derives every reference's reaction
    /// (`earshot stats` reports them).
    pub references_waiting: Option<u64>,
    pub warnings: Vec<String>,
    pub rejects_file: Option<String>,
    pub seconds: f64,
    pub records_per_second: f64,
    pub events_per_second: f64,
    pub peak_rss_kib: Option<u64>,
}
