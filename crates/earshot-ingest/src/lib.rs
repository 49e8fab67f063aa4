//! Streaming parsers from earshot's input formats into [`earshot_model::Event`]s.
//!
//! Every format is read line by line (or record by record) from a plain or gzip file, so memory does not
//! grow with file size. A bad line never stops the stream: it comes out as a [`Rejection`] naming the
//! file, line and field, and the reader goes on with the next line. Only a broken *stream* (a truncated
//! gzip member, an I/O error) ends the iteration, after reporting itself as a final rejection.
//!
//! Conventions shared by the formats:
//! - **Files**: gzip is detected by its magic bytes (`1f 8b`, concatenated members too); [`Progress`]
//!   counts the bytes of the file on disk. A UTF-8 BOM at the start of the text is dropped for every
//!   format (before CSV headers are read and before profiles are sniffed as CSV or JSON). Lines are 1-based
//!   physical lines; `\r\n` is accepted; a line longer than [`Options::max_line_bytes`] (not counting its
//!   `\r\n`) is rejected (field `<line>`) without being held in memory; bad UTF-8 is rejected (`<line>`,
//!   `invalid UTF-8 at byte N (if the file is latin-1, pass --encoding latin1)`, N 1-based) unless
//!   [`Encoding::Latin1`] is chosen; a truncated gzip or read error ends the stream with one `<stream>`
//!   rejection.
//! - **CSV records** may span several lines inside quotes, up to [`MAX_RECORD_LINES`] lines and
//!   [`Options::max_line_bytes`] bytes. A quote still open at either limit or at the end of the file
//!   abandons the record: it is rejected (`unclosed quote opened on line Q; record abandoned at line L`) and
//!   reading resumes at the line after the record's first line, so one stray `"` costs one row, not the rest
//!   of the file.
//! - **Rejections** name the field (`time`, `actor`, `kind`, for CSV the column name such as
//!   `followers_count`) and quote the bad value (cut at 80 characters).
//! - **Keys**: inputs without interaction ids key each interaction `source:line`, plus `#n` when a line
//!   gives several (`#0`/`#1` for both directions of an undirected edge, `#m0`, `#m1`... for mentions,
//!   which hang off the post's ext_id; a cascade's post is `source:line` and its `k`-th adoption
//!   `source:line#k`; a retweet tree's reshares `file:line`, each tree file its own source).
//!   `source` is [`Options::source`] or the file name without `.gz`. The social graph
//!   beside cascades is the exception: an undated relation, each edge is keyed by its ids, `edge:a,b`.
//!   Re-importing the same file therefore yields the same keys, and parallel edges stay distinct.
//! - **Platforms**: [`Options::platform`] (checked with [`earshot_model::check_platform`]) wins; else
//!   `twitter` for CSV posts and profiles, [`platform_from_source`] for Higgs, SNAP and cascades (their ids
//!   are local to the dataset: `higgs-activity_time.txt` → `higgs-activity_time`; a cascades file named
//!   `cascades.txt`, or its graph `edges.txt`, is named after its directory, `data/twitter/cascades.txt` →
//!   `twitter`), the directory of retweet trees (passing over one named `tree`: `twitter15/tree` →
//!   `twitter15`), and each record's own for JSONL.
//! - **Warnings** that concern a file rather than a line (a SNAP header whose edge count disagrees, Excel-
//!   mangled ids replaced by derived keys, a skipped line of column names) are collected in [`Progress`]
//!   and complete once the reader is exhausted.
//! - Time parsing for every format is in [`time`], public for reuse.
//!
//! This crate knows nothing of SQL or scoring.

pub mod airline_labels;
pub mod bluesky_car;
pub(crate) mod bsky;
mod cascade_edges;
mod cascades;
mod csv_posts;
mod csv_rec;
mod fields;
mod higgs;
pub mod jetstream;
mod json_array;
mod json_fields;
mod json_lines;
mod jsonl;
mod jsonl_scan;
pub mod mastodon;
pub mod mastodon_api;
pub mod mastodon_archive;
mod messages;
pub mod offline;
mod profiles;
mod reader;
pub mod reddit;
mod retweet_tree;
mod snap;
pub mod time;
pub mod tweeteval;
mod values;
pub mod x_api;
pub mod x_archive;

pub use cascade_edges::edges_beside;
pub use cascades::{ORDER_TOLERANCE, PLAUSIBLE_UNIX};
pub use messages::{open_messages, CustomerMessage, MessageReader};
pub use reader::platform_from_source;
pub use retweet_tree::{snowflake_time, RootTime, MIN_SNOWFLAKE_ID, SNOWFLAKE_EPOCH_MS};
pub use snap::SnapColumn;
pub use time::TimeUnit;

use earshot_model::{Event, InteractionKind};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The most physical lines one CSV record may span (a quoted field with embedded newlines). Real exports
/// stay far below it (the airline-sentiment CSVs: at most 9); a record still inside quotes after this many
/// lines is taken to have a stray `"`: it is rejected and reading resumes at its second line.
pub const MAX_RECORD_LINES: u64 = 64;

/// The input formats earshot reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// earshot's own JSON-lines format (docs/jsonl.md): one event object per line.
    Jsonl,
    /// A CSV of posts (social-listening export) with a column mapping; mentions are taken from the text.
    /// Emits per row an Account (author), a Post and mention Interactions (the store adds the reply,
    /// quote or reshare a post's references imply).
    Csv,
    /// A SNAP-style edge list: `src dst [weight]`, `#` comments, optional `n m` header line; other column
    /// layouts (`src dst time`, `src,dst,rating,time`) through [`Options::snap_columns`].
    Snap,
    /// The Higgs activity format: `userA userB unix_ts RT|MT|RE`.
    Higgs,
    /// Account profiles from CSV (with a mapping) or from a JSON array / JSON lines of objects.
    Profiles,
    /// Diffusion cascades (`cascades.txt` of the diffusion-prediction benchmarks): `user ts,user ts,...` per
    /// line in adoption order, optionally after a cascade id. Emits per line a Post by the first adopter and
    /// a reshare Interaction of it per later adoption (see `cascades.rs` for times that go backwards).
    Cascades,
    /// The social graph beside diffusion cascades (`edges.txt`): `a,b` per line, `a` influencing `b`.
    /// Emits a follow Interaction, actor `b`, target `a`, undated (see `cascade_edges.rs` for the
    /// direction, measured on the cascades).
    CascadeEdges,
    /// Retweet trees (Twitter15/16, `tree/<root tweet id>.txt`): `[parent user, tweet, delay]->[child user,
    /// tweet, delay]` per line, delays in minutes since the root; a file or a directory of them. Emits the
    /// root as a Post and each child as a reshare Interaction of it, through its parent (see
    /// `retweet_tree.rs`; the roots' time is [`Options::root_time`]).
    RetweetTree,
    /// Reddit submissions and comments as Pushshift dumped them (JSON lines): each its author, a post
    /// named by its fullname (`t3_…`, `t1_…`) answering its `parent_id`, and its `u/name` mentions
    /// (see `reddit.rs`).
    Reddit,
    /// Bluesky's Jetstream (the AT Protocol firehose as JSON lines): posts with their replies, quotes
    /// and mentions, reposts, likes and follows, DIDs as ids and handles from identity events (see
    /// `jetstream.rs`).
    Jetstream,
    /// A Mastodon archive's `outbox.json` (an ActivityStreams OrderedCollection, streamed item by
    /// item): notes with their replies and mentions, boosts as reshares; actor URIs as ids, handles
    /// `user@instance` (see `mastodon.rs`).
    MastodonOutbox,
    /// A Bluesky repository export (CAR v1 of DAG-CBOR blocks, as `com.atproto.sync.getRepo` returns
    /// it): the owner's posts, reposts, likes, follows and profile, keyed by AT URI as Jetstream's
    /// are (see `bluesky_car.rs`).
    BlueskyCar,
    /// A Mastodon account archive, unpacked: `actor.json` (the owner), `outbox.json`, `likes.json`
    /// and, beside them, the `following_accounts.csv` export (see `mastodon_archive.rs`).
    MastodonArchive,
    /// Statuses from Mastodon's REST API (`/api/v1/…/statuses`): a JSON array or JSON lines of Status
    /// entities, with their authors, boosts, quotes and mentions (see `mastodon_api.rs`).
    MastodonApi,
    /// An X (Twitter) personal archive, unzipped: `account.js`, `tweets.js` (and parts), `like.js`,
    /// `follower.js`, `following.js` (see `x_archive.rs`).
    XArchive,
    /// X API v2 pages: `data` tweets with `includes.users` and `includes.tweets` (see `x_api.rs`).
    XApi,
    /// Offline evidence (publications, talks, press, …) about persons or accounts, from a CSV file:
    /// not events, so [`open`] refuses it; [`offline::read_offline`] reads it (see `offline.rs`).
    Offline,
}

impl Format {
    /// Every format, in the order the command line lists them.
    pub const ALL: [Format; 17] = [
        Format::Jsonl,
        Format::Csv,
        Format::Snap,
        Format::Higgs,
        Format::Profiles,
        Format::Cascades,
        Format::CascadeEdges,
        Format::RetweetTree,
        Format::Reddit,
        Format::Jetstream,
        Format::MastodonOutbox,
        Format::BlueskyCar,
        Format::MastodonArchive,
        Format::MastodonApi,
        Format::XArchive,
        Format::XApi,
        Format::Offline,
    ];

    /// The format's name, as `--format` takes it and the import log keeps it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Snap => "snap",
            Format::Higgs => "higgs",
            Format::Profiles => "profiles",
            Format::Cascades => "cascades",
            Format::CascadeEdges => "cascade-edges",
            Format::RetweetTree => "retweet-tree",
            Format::Reddit => "reddit",
            Format::Jetstream => "jetstream",
            Format::MastodonOutbox => "mastodon-outbox",
            Format::BlueskyCar => "bluesky-car",
            Format::MastodonArchive => "mastodon-archive",
            Format::MastodonApi => "mastodon-api",
            Format::XArchive => "x-archive",
            Format::XApi => "x-api",
            Format::Offline => "offline",
        }
    }

    /// The format a file's name implies, where it implies one: only earshot's own JSON lines
    /// (`.jsonl`, `.ndjson`, either also `.gz`, any case) have an extension of their own; a `.csv` or
    /// `.txt` could be any of the others.
    pub fn from_file_name(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        (name.ends_with(".jsonl") || name.ends_with(".ndjson")).then_some(Format::Jsonl)
    }
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
    /// (`twitter` for CSV posts and profiles; the source name for Higgs, SNAP and cascades files, whose ids
    /// are local to their dataset, or for a file named `cascades.txt` its directory's name; JSONL records
    /// carry their own).
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
    /// For SNAP: treat each line as an undirected edge and emit both directions (keys `source:line#0` and
    /// `source:line#1`; a self-loop is emitted once, as `#0`).
    pub undirected: bool,
    /// For SNAP: is the first data line an `n m` header? `None`: detect (see [`SnapColumn`] docs and
    /// `snap.rs`): it is a header when it has exactly two non-negative integers `n m`, no `#` comment came
    /// before it, and the second data line either has another number of columns or only ids below `n`.
    pub header: Option<bool>,
    /// For SNAP: the meaning of each column (see [`SnapColumn::parse_list`]). `None`: `src dst [weight]`.
    pub snap_columns: Option<Vec<SnapColumn>>,
    /// For profiles: the names of the columns of a file without a header row (`-` for a column to
    /// ignore). The file is then read from its first line; with them, a tab-separated file is detected
    /// as with a header.
    pub profile_columns: Option<Vec<String>>,
    /// For profiles: the label of every record (`bot`, `human`, ...), for files whose class is in their
    /// name (`legitimate_users.txt`). Refused together with a mapped or found label column.
    pub label: Option<String>,
    /// For profiles: raw label values and the class each means (`E13` → `human`), compared
    /// case-insensitively. A value not listed is kept as it is (and is then neither class).
    pub label_values: Vec<(String, String)>,
    /// For cascades: the unit of the file's times (Memetracker's are [`TimeUnit::Microhours`]).
    pub time_unit: TimeUnit,
    /// For retweet trees: when their roots were posted (the files give delays only).
    pub root_time: RootTime,
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
            header: None,
            snap_columns: None,
            profile_columns: None,
            label: None,
            label_values: Vec::new(),
            time_unit: TimeUnit::Seconds,
            root_time: RootTime::Zero,
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
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// Errors that prevent reading a file at all (as opposed to rejecting a line of it).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file cannot be opened; the cause is the [`std::error::Error::source`], not repeated in the
    /// message (so `anyhow`'s `{:#}` prints it once).
    #[error("{path}: cannot open")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    BadHeader { path: PathBuf, reason: String },
    #[error("{0}")]
    BadOption(String),
    /// The input holds nothing to read (a directory of retweet trees without files).
    #[error("{path}: {reason}")]
    BadInput { path: PathBuf, reason: String },
}

/// Something worth telling the user about a file that is not a rejected line: a header whose counts
/// disagree with the data, ids that had to be replaced, a skipped column-name line. `line` is 0 when the
/// warning concerns the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub line: u64,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// The `n m` header line of an edge list, as declared (compare with the data; see [`Progress::warnings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeListHeader {
    pub line: u64,
    pub nodes: u64,
    pub edges: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub bytes: AtomicU64,
    pub file_size: AtomicU64,
    pub notes: Mutex<Notes>,
}

#[derive(Debug, Default)]
pub(crate) struct Notes {
    pub warnings: Vec<Warning>,
    pub header: Option<EdgeListHeader>,
}

impl Shared {
    pub(crate) fn warn(&self, file: &str, line: u64, message: String) {
        if let Ok(mut n) = self.notes.lock() {
            n.warnings.push(Warning {
                file: file.to_string(),
                line,
                message,
            });
        }
    }
}

/// A shared handle on the reading of one file: bytes of the *file on disk* consumed so far (compressed
/// bytes for gzip), for progress bars; and the file's [`Warning`]s and edge-list header, which are
/// complete once the [`EventReader`] has returned `None` (end-of-file checks, such as a header's edge
/// count against the lines read, are made then).
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<Shared>);

impl Progress {
    pub fn bytes_read(&self) -> u64 {
        self.0.bytes.load(Ordering::Relaxed)
    }

    /// Size of the file on disk, for a progress bar's total.
    pub fn file_size(&self) -> u64 {
        self.0.file_size.load(Ordering::Relaxed)
    }

    /// Warnings so far (all of them once the reader is exhausted).
    pub fn warnings(&self) -> Vec<Warning> {
        self.0
            .notes
            .lock()
            .map(|n| n.warnings.clone())
            .unwrap_or_default()
    }

    /// The `n m` header line of a SNAP edge list, if the file had one.
    pub fn edge_list_header(&self) -> Option<EdgeListHeader> {
        self.0.notes.lock().ok().and_then(|n| n.header)
    }
}

/// A stream of parsed records and rejections from one file.
pub type EventReader = Box<dyn Iterator<Item = Result<Record, Rejection>> + Send>;

/// Open `path` as `format`. Fails only when the file cannot be read at all or the options are invalid.
///
/// CSV inputs (posts, profiles) read their header row here, so a missing or unmapped column is an
/// [`OpenError::BadHeader`] before any record is read.
pub fn open(
    path: &Path,
    format: Format,
    opts: &Options,
) -> Result<(EventReader, Progress), OpenError> {
    if let Some(p) = &opts.platform {
        earshot_model::check_platform(p).map_err(|e| OpenError::BadOption(e.to_string()))?;
    }
    if opts.max_line_bytes == 0 {
        return Err(OpenError::BadOption(
            "max_line_bytes must be at least 1".into(),
        ));
    }
    if let Some(s) = &opts.source {
        if s.is_empty() {
            return Err(OpenError::BadOption("source name must not be empty".into()));
        }
    }
    let shared = Arc::new(Shared::default());
    // Every format but retweet trees (a file or a directory of them) reads one file.
    let ctx = || Ctx {
        path: path.to_path_buf(),
        file: path.display().to_string(),
        source: reader::source_name(path, opts.source.as_deref()),
        shared: Arc::clone(&shared),
    };
    let file = || -> Result<(reader::ByteSource, Ctx), OpenError> {
        let src = reader::open_bytes(path, &shared).map_err(|source| OpenError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok((src, ctx()))
    };
    let it: EventReader = match format {
        Format::Higgs => {
            let (src, ctx) = file()?;
            Box::new(higgs::HiggsReader::new(src, ctx, opts))
        }
        Format::Snap => {
            let (src, ctx) = file()?;
            Box::new(snap::SnapReader::new(src, ctx, opts)?)
        }
        Format::Jsonl => {
            let (src, ctx) = file()?;
            Box::new(jsonl::JsonlReader::new(src, ctx, opts))
        }
        Format::Csv => {
            let (src, ctx) = file()?;
            Box::new(csv_posts::CsvPostReader::new(src, ctx, opts)?)
        }
        Format::Profiles => {
            let (src, ctx) = file()?;
            profiles::open(src, ctx, opts)?
        }
        Format::Cascades => {
            let (src, ctx) = file()?;
            Box::new(cascades::CascadeReader::new(src, ctx, opts))
        }
        Format::CascadeEdges => {
            let (src, ctx) = file()?;
            Box::new(cascade_edges::CascadeEdgeReader::new(src, ctx, opts))
        }
        Format::Reddit => {
            let (src, ctx) = file()?;
            Box::new(json_lines::JsonLines::new(
                src,
                ctx,
                opts,
                reddit::PLATFORM,
                reddit::parse,
            ))
        }
        Format::Jetstream => {
            let (src, ctx) = file()?;
            Box::new(json_lines::JsonLines::new(
                src,
                ctx,
                opts,
                jetstream::PLATFORM,
                jetstream::parse,
            ))
        }
        Format::MastodonOutbox => {
            let (src, ctx) = file()?;
            Box::new(mastodon::OutboxReader::new(src, ctx, opts))
        }
        Format::BlueskyCar => {
            // Read in two passes (see bluesky_car.rs): the reader opens the file itself, each time.
            let size = std::fs::metadata(path).map_err(|source| OpenError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            shared.file_size.store(size.len(), Ordering::Relaxed);
            Box::new(bluesky_car::CarReader::new(ctx(), opts))
        }
        Format::MastodonArchive => mastodon_archive::open(path, opts, Arc::clone(&shared))?,
        Format::MastodonApi => {
            let (src, ctx) = file()?;
            Box::new(mastodon_api::StatusReader::new(src, ctx, opts))
        }
        Format::XArchive => x_archive::open(path, opts, Arc::clone(&shared))?,
        Format::XApi => {
            let (src, ctx) = file()?;
            Box::new(x_api::PageReader::new(src, ctx, opts))
        }
        Format::Offline => {
            return Err(OpenError::BadOption(
                "offline evidence is not events: read it with offline::read_offline".into(),
            ))
        }
        Format::RetweetTree => Box::new(retweet_tree::TreeReader::open(
            path,
            opts,
            Arc::clone(&shared),
        )?),
    };
    Ok((it, Progress(shared)))
}

/// `source:line`, the derived key of an interaction, without going through `format!` (the hot path).
pub(crate) fn line_key(source: &str, line: u64) -> String {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = line;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut key = String::with_capacity(source.len() + 1 + digits.len() - i);
    key.push_str(source);
    key.push(':');
    key.extend(digits[i..].iter().map(|&d| d as char));
    key
}

/// What every format reader needs to know about its file.
pub(crate) struct Ctx {
    pub path: PathBuf,
    /// The path as given, for rejections.
    pub file: String,
    /// Source name for derived keys.
    pub source: String,
    pub shared: Arc<Shared>,
}

impl Ctx {
    pub(crate) fn reject(&self, line: u64, field: &str, reason: String) -> Rejection {
        Rejection {
            file: self.file.clone(),
            line,
            field: field.to_string(),
            reason,
        }
    }

    pub(crate) fn warn(&self, line: u64, message: String) {
        self.shared.warn(&self.file, line, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_checks_options_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = test_util::write_file(dir.path(), "x.txt", b"1 2 3 RT\n");
        let bad = Options {
            platform: Some("Bad Platform".into()),
            ..Options::default()
        };
        assert!(matches!(
            open(&p, Format::Higgs, &bad),
            Err(OpenError::BadOption(_))
        ));
        let bad = Options {
            snap_columns: Some(vec![SnapColumn::Src]),
            ..Options::default()
        };
        assert!(matches!(
            open(&p, Format::Snap, &bad),
            Err(OpenError::BadOption(_))
        ));
        let missing = dir.path().join("nope.txt");
        let e = open(&missing, Format::Higgs, &Options::default())
            .err()
            .unwrap();
        // The cause is the error's source, not repeated in its message (anyhow's `{:#}` prints both).
        assert_eq!(e.to_string(), format!("{}: cannot open", missing.display()));
        let cause = std::error::Error::source(&e).expect("the io error is the source");
        assert!(cause.to_string().contains("No such file"), "{cause}");
        let empty = test_util::write_file(dir.path(), "e.csv", b"");
        assert!(matches!(
            open(&empty, Format::Csv, &Options::default()),
            Err(OpenError::BadHeader { .. })
        ));
        let opts = Options {
            source: Some("run1".into()),
            ..Options::default()
        };
        let (mut it, _) = open(&p, Format::Higgs, &opts).unwrap();
        let Some(Ok(r)) = it.next() else { panic!() };
        let Event::Interaction(i) = &r.events[0] else {
            panic!()
        };
        assert_eq!((i.key.as_str(), i.platform.as_str()), ("run1:1", "run1"));
        assert_eq!(line_key("s", 0), "s:0");
        let from = |n: &str| Format::from_file_name(Path::new(n));
        assert_eq!(from("a/Events.JSONL.gz"), Some(Format::Jsonl));
        assert_eq!(from("e.ndjson"), Some(Format::Jsonl));
        assert_eq!((from("t.csv"), from("x.gz"), from("/")), (None, None, None));
        assert_eq!(line_key("s", u64::MAX), format!("s:{}", u64::MAX));
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;
    use std::io::Write;

    pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub fn write_gz(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        write_file(dir, name, &e.finish().unwrap())
    }

    /// A temporary folder with `files` (name, text) written in its subfolder `under` (`""`: in the
    /// folder itself).
    pub fn write_folder(under: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join(under);
        std::fs::create_dir_all(&at).unwrap();
        for (name, text) in files {
            write_file(&at, name, text.as_bytes());
        }
        dir
    }

    /// All records, and all rejections as `file:line: field: reason` strings.
    pub fn read_all(p: &Path, f: Format, opts: &Options) -> (Vec<Record>, Vec<String>) {
        let (it, _) = open(p, f, opts).unwrap();
        collect(it)
    }

    /// The records a reader gives, and its rejections as `file:line: field: reason` strings.
    pub fn collect(
        it: impl Iterator<Item = Result<Record, Rejection>>,
    ) -> (Vec<Record>, Vec<String>) {
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        for r in it {
            match r {
                Ok(r) => good.push(r),
                Err(e) => bad.push(e.to_string()),
            }
        }
        (good, bad)
    }

    /// As [`collect`], for the reader `open` makes with the [`Shared`] it is given, with the
    /// warnings it leaves there, as strings.
    pub fn read_with_warnings(
        open: impl FnOnce(Arc<Shared>) -> EventReader,
    ) -> (Vec<Record>, Vec<String>, Vec<String>) {
        let shared = Arc::new(Shared::default());
        let (good, bad) = collect(open(Arc::clone(&shared)));
        let warnings = Progress(shared)
            .warnings()
            .iter()
            .map(ToString::to_string)
            .collect();
        (good, bad, warnings)
    }

    /// The events of `records`, in order.
    pub fn events(records: &[Record]) -> Vec<&Event> {
        records.iter().flat_map(|r| &r.events).collect()
    }

    /// The interactions among `events`.
    pub fn interactions<'a>(
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Vec<&'a earshot_model::Interaction> {
        events
            .into_iter()
            .filter_map(|e| match e {
                Event::Interaction(i) => Some(i),
                _ => None,
            })
            .collect()
    }
}
