//! Streaming parsers from earshot's input formats into [`earshot_model::Event`]s.
//!
//! Every format is read line by line (or record by record) from a plain or gzip file, so memory does not
//! grow with file size. A bad line never stops the stream: it comes out as a [`Rejection`] naming the
//! file, line and field, and the reader goes on with the next line. Only a broken *stream* (a truncated
//! gzip member, an I/O error) ends the iteration, after reporting itself as a final rejection.
//!
//! This crate knows nothing of SQL or scoring.

use earshot_model::{Event, InteractionKind};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The input formats earshot reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// earshot's own JSON-lines format (docs/jsonl.md): one event object per line.
    Jsonl,
    /// A CSV of posts (social-listening export) with a column mapping; mentions are taken from the text.
    Csv,
    /// A SNAP-style edge list: `src dst [weight]`, `#` comments, optional `n m` header line.
    Snap,
    /// The Higgs activity format: `userA userB unix_ts RT|MT|RE`.
    Higgs,
    /// Account profiles from CSV (with a mapping) or from a JSON array / JSON lines of objects.
    Profiles,
}

/// Text encoding of the input. Bad UTF-8 is a rejection under `Utf8`; `Latin1` maps each byte to one char.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    Latin1,
}

/// How to read an ambiguous numeric date like `5/11/2016` (both parts ≤ 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Month first (US exports): `5/11/2016` is May 11.
    #[default]
    Mdy,
    /// Day first: `5/11/2016` is 5 November.
    Dmy,
}

/// Options shared by every format; each format uses the ones that concern it.
#[derive(Debug, Clone)]
pub struct Options {
    /// Platform label for every event (see [`earshot_model::check_platform`]). `None`: the format's default
    /// (`twitter` for CSV posts and profiles; the source name for Higgs and SNAP files, whose ids are local
    /// to their dataset; JSONL records carry their own).
    pub platform: Option<String>,
    /// Name of the source, used in derived interaction keys (`source:line`). Defaults to the file name
    /// without `.gz`.
    pub source: Option<String>,
    /// Interaction kind for SNAP edge lists (default: `follow`).
    pub kind: Option<InteractionKind>,
    /// Column mapping `field=column` for CSV posts and profiles.
    pub map: Vec<(String, String)>,
    pub encoding: Encoding,
    pub date_order: DateOrder,
    /// Lines longer than this are rejected (and skipped without being held in memory).
    pub max_line_bytes: usize,
    /// For SNAP: treat each line as an undirected edge and emit both directions.
    pub undirected: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            platform: None,
            source: None,
            kind: None,
            map: Vec::new(),
            encoding: Encoding::Utf8,
            date_order: DateOrder::Mdy,
            max_line_bytes: 1 << 20,
            undirected: false,
        }
    }
}

/// The events parsed from one input line (or CSV record), with its 1-based line number.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: u64,
    pub events: Vec<Event>,
}

/// One rejected input line: `file:line: field: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}: {}", self.file, self.line, self.field, self.reason)
    }
}

/// Errors that prevent reading a file at all (as opposed to rejecting a line of it).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{path}: cannot open: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {reason}")]
    BadHeader { path: PathBuf, reason: String },
    #[error("{0}")]
    BadOption(String),
}

/// Bytes of the *file on disk* consumed so far (compressed bytes for gzip), for progress bars.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<AtomicU64>);

impl Progress {
    pub fn bytes_read(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A stream of parsed records and rejections from one file.
pub type EventReader = Box<dyn Iterator<Item = Result<Record, Rejection>> + Send>;

/// Open `path` as `format`. Fails only when the file cannot be read at all or the options are invalid.
pub fn open(path: &Path, format: Format, opts: &Options) -> Result<(EventReader, Progress), OpenError> {
    let _ = (path, format, opts);
    todo!("implemented by the ingest work")
}
