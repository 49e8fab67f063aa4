//! The event log: interactions in append-only Parquet segments beside the database.
//!
//! Issue 2 measured SQLite's per-row B-trees (idempotency key, time index, actor index) as the wall on
//! import speed. Bulk imports therefore append the interactions that no post's reference can imply
//! (likes, follows, mentions, and reactions that name no post) to a [`SegmentSink`]: an in-memory run,
//! sorted by (kind, target, time, id) and written as one Parquet file when full ([`file`]). Everything
//! else stays in SQLite: accounts, posts, the reactions a post's `reply_to`, `quote_of` or `reshare_of`
//! implies (and the stated reactions that replace them), and every write made outside a bulk import (the
//! API's), so the rules of `implied.rs` hold unchanged.
//!
//! - **Atomic.** A file is written as `*.partial`, synced and renamed, then catalogued in
//!   `event_segments` inside the import's open transaction; a rolled-back or killed transaction leaves
//!   only a file no row names, which the next bulk writer deletes ([`Store::begin_bulk_mode`]).
//! - **Idempotent.** Each segment records which ordinals of its source's segment-bound interactions it
//!   holds (`segment_sources`); a source is the hash of the file's bytes, format and options, so a
//!   re-import skips what is stored and a killed import resumes where its last segment ended. The same
//!   event in two different files is stored twice and met once: readers merge the segments (and the
//!   SQLite rows) in key order and keep one of equal ids ([`merge`]); `earshot compact` rewrites them as
//!   one segment.
//! - **Readers** see the union of SQLite's `interactions` and the catalogued segments
//!   ([`Store::scan_interactions`] and the counts in `read.rs` and `stats.rs`). A database with no
//!   segment reads exactly as before.

pub(crate) mod catalogue;
pub(crate) mod derive;
pub(crate) mod file;
pub(crate) mod merge;
pub(crate) mod post_file;
pub(crate) mod posts;
pub(crate) mod rewrite;

use crate::{Result, Store, StoreError};
use post_file::{PostLogRow, Span};
use std::path::{Path, PathBuf};

/// Interactions per run: the sink writes a segment when it holds this many (~64 bytes each in memory).
pub const RUN_ROWS: usize = 4 << 20;

/// One interaction as the log holds it. `platform` indexes the run's (or row group's) platform names.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LogRow {
    pub kind: u8,
    pub platform: u16,
    pub target: i64,
    pub time: Option<i64>,
    pub id: i64,
    pub actor: i64,
    pub post: Option<i64>,
    pub weight: f64,
}

/// The log's sort key: (kind, target, time, id).
pub(crate) type LogKey = (u8, i64, Option<i64>, i64);

impl LogRow {
    /// The log's sort key: a target's reactions of one kind together, undated first, then by id.
    pub fn key(&self) -> LogKey {
        (self.kind, self.target, self.time, self.id)
    }
}

/// The folder of a database's segments: `<database>.events`.
pub fn folder_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".events");
    PathBuf::from(name)
}

/// Which of a source's ordinals earlier imports stored, and which the run being filled takes.
struct Ordinals {
    /// Ordinal ranges `[first, last)` of this source already stored, sorted and disjoint.
    covered: Vec<(u64, u64)>,
    /// Index into `covered` of the first range not wholly before `next`.
    cursor: usize,
    next: u64,
    /// The ranges the run holds.
    run_ranges: Vec<(u64, u64)>,
    skipped: u64,
}

impl Ordinals {
    fn new(covered: Vec<(u64, u64)>) -> Self {
        Ordinals {
            covered,
            cursor: 0,
            next: 0,
            run_ranges: Vec::new(),
            skipped: 0,
        }
    }

    /// Take the next ordinal: `true` when it is not stored yet (its event joins the run).
    fn take(&mut self) -> bool {
        let o = self.next;
        self.next += 1;
        while self.cursor < self.covered.len() && self.covered[self.cursor].1 <= o {
            self.cursor += 1;
        }
        let stored = self
            .covered
            .get(self.cursor)
            .is_some_and(|&(first, last)| first <= o && o < last);
        if stored {
            self.skipped += 1;
            return false;
        }
        match self.run_ranges.last_mut() {
            Some(r) if r.1 == o => r.1 = o + 1,
            _ => self.run_ranges.push((o, o + 1)),
        }
        true
    }
}

/// The number of `platform` among `platforms`, added when new.
fn platform_number(platforms: &mut Vec<String>, platform: &str) -> u16 {
    match platforms.iter().position(|p| p == platform) {
        Some(i) => i as u16,
        None => {
            platforms.push(platform.to_string());
            (platforms.len() - 1) as u16
        }
    }
}

/// Posts on their way to a post segment: rows in arrival order (sorted by id when written, the first
/// copy of a repeated post kept), their strings in one buffer.
struct PostRun {
    /// The name the source's posts are catalogued under (`<source>#posts`).
    source: String,
    ordinals: Ordinals,
    rows: Vec<PostLogRow>,
    bytes: Vec<u8>,
    platforms: Vec<String>,
}

/// A post run is written once it holds this many bytes of strings, whatever its row count.
const POST_RUN_BYTES: usize = 256 << 20;

/// Interactions (and, when asked, posts) on their way to segments, from one source.
pub struct SegmentSink {
    source: String,
    ordinals: Ordinals,
    run: Vec<LogRow>,
    platforms: Vec<String>,
    run_rows: usize,
    /// `Some` when the source's posts go to post segments too ([`Store::segment_sink_with_posts`]).
    posts: Option<PostRun>,
}

impl SegmentSink {
    /// Offer the next segment-bound interaction of the source; `false` when an earlier import stored it.
    pub(crate) fn offer(&mut self, mut row: LogRow, platform: &str) -> bool {
        if !self.ordinals.take() {
            return false;
        }
        row.platform = platform_number(&mut self.platforms, platform);
        self.run.push(row);
        true
    }

    /// Whether posts go to post segments (and every interaction, whatever it names, to the log).
    pub(crate) fn logs_posts(&self) -> bool {
        self.posts.is_some()
    }

    /// Offer the next post of the source (`row`'s strings are `ext_id` and `text`, its platform
    /// `platform`); `false` when an earlier import stored it. Only for a sink that logs posts.
    pub(crate) fn offer_post(
        &mut self,
        mut row: PostLogRow,
        platform: &str,
        ext_id: &str,
        text: Option<&str>,
    ) -> bool {
        let Some(run) = self.posts.as_mut() else {
            return false;
        };
        if !run.ordinals.take() {
            return false;
        }
        row.platform = platform_number(&mut run.platforms, platform);
        row.ext_id = Span::push(&mut run.bytes, ext_id.as_bytes());
        row.text = text.map(|t| Span::push(&mut run.bytes, t.as_bytes()));
        run.rows.push(row);
        true
    }

    /// Interactions and posts waiting for [`Store::flush_segment`].
    pub fn buffered(&self) -> usize {
        self.run.len() + self.posts.as_ref().map_or(0, |p| p.rows.len())
    }

    /// Whether a run is full: flush before the next batch commits.
    pub fn is_full(&self) -> bool {
        let posts_full = self.posts.as_ref().is_some_and(|p| {
            p.rows.len() >= self.run_rows
                || p.bytes.len() >= POST_RUN_BYTES
                || p.platforms.len() >= usize::from(u16::MAX)
        });
        posts_full
            || self.run.len() >= self.run_rows
            || self.platforms.len() >= usize::from(u16::MAX)
    }

    /// Interactions and posts an earlier import of the same source had stored, skipped.
    pub fn skipped(&self) -> u64 {
        self.ordinals.skipped + self.posts.as_ref().map_or(0, |p| p.ordinals.skipped)
    }

    /// Write runs of at most `rows` interactions or posts (tests use small runs to make many segments).
    pub fn with_run_rows(mut self, rows: usize) -> Self {
        self.run_rows = rows.max(1);
        self
    }
}

/// A segment just written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentWritten {
    pub file: String,
    pub rows: u64,
    /// Equal ids within the run, stored once.
    pub duplicates: u64,
    pub bytes: u64,
}

impl Store {
    /// The folder of this database's segments.
    pub fn segment_folder(&self) -> PathBuf {
        folder_of(&self.path)
    }

    /// A sink for the segment-bound interactions of `source` (see the module docs for what a source is),
    /// knowing which of them earlier imports stored.
    pub fn segment_sink(&self, source: &str) -> Result<SegmentSink> {
        let covered = catalogue::covered(&self.conn, source).map_err(|e| self.err(e))?;
        Ok(SegmentSink {
            source: source.to_string(),
            ordinals: Ordinals::new(covered),
            run: Vec::new(),
            platforms: Vec::new(),
            run_rows: RUN_ROWS,
            posts: None,
        })
    }

    /// [`Store::segment_sink`] for a source whose posts go to post segments too, with every interaction
    /// it states: their references' reactions are then derived when read (`derive.rs`) rather than
    /// stored.
    pub fn segment_sink_with_posts(&self, source: &str) -> Result<SegmentSink> {
        // This sink numbers every interaction, where `segment_sink` numbers only those no reference can
        // imply: its interactions are catalogued under a source name of their own, so that resuming a
        // file's import with the other `--event-log` neither skips nor repeats any.
        let mut sink = self.segment_sink(&format!("{source}#all"))?;
        let posts_source = format!("{source}#posts");
        let covered = catalogue::covered(&self.conn, &posts_source).map_err(|e| self.err(e))?;
        sink.posts = Some(PostRun {
            source: posts_source,
            ordinals: Ordinals::new(covered),
            rows: Vec::new(),
            bytes: Vec::new(),
            platforms: Vec::new(),
        });
        Ok(sink)
    }

    /// Write the sink's runs as segments (interactions, then posts) and catalogue them in the open
    /// transaction (from [`Store::begin`]); `None` when no interaction was buffered. Files are removed
    /// again if the transaction rolls back.
    pub fn flush_segment(&mut self, sink: &mut SegmentSink) -> Result<Option<SegmentWritten>> {
        if sink.buffered() == 0 {
            return Ok(None);
        }
        if !self.in_transaction {
            return Err(StoreError::Invalid {
                path: self.path.clone(),
                what: "segment flush",
                why: "a segment is catalogued inside a transaction (Store::begin)".into(),
            });
        }
        let written = self.flush_interactions(sink)?;
        if let Some(posts) = sink.posts.as_mut().filter(|p| !p.rows.is_empty()) {
            self.flush_posts(posts)?;
        }
        Ok(written)
    }

    fn flush_interactions(&mut self, sink: &mut SegmentSink) -> Result<Option<SegmentWritten>> {
        if sink.run.is_empty() {
            return Ok(None);
        }
        let run = &mut sink.run;
        run.sort_unstable_by_key(LogRow::key);
        let before = run.len();
        run.dedup_by_key(|r| r.key());
        let duplicates = (before - run.len()) as u64;
        let (name, partial, path) = self.new_segment_file("events")?;
        let bytes = file::write(&partial, run, &sink.platforms)
            .map_err(|e| self.parquet_err(&partial, e))?;
        self.place_segment_file(&partial, &path)?;
        let undated = run.iter().filter(|r| r.time.is_none()).count() as u64;
        let min_time = run.iter().filter_map(|r| r.time).min();
        let max_time = run.iter().filter_map(|r| r.time).max();
        let written = SegmentWritten {
            file: name,
            rows: run.len() as u64,
            duplicates,
            bytes,
        };
        catalogue::insert(
            &self.conn,
            &catalogue::NewSegment {
                content: catalogue::Content::Interactions,
                file: &written.file,
                rows: written.rows,
                undated,
                min_time,
                max_time,
                bytes,
                source: &sink.source,
                ranges: &sink.ordinals.run_ranges,
            },
        )
        .map_err(|e| self.err(e))?;
        run.clear();
        sink.ordinals.run_ranges.clear();
        sink.platforms.clear();
        Ok(Some(written))
    }

    /// Write a post run, sorted by id with the first copy of each post, as a post segment.
    fn flush_posts(&mut self, posts: &mut PostRun) -> Result<()> {
        // Copies of a repeated post sort in arrival order (their strings' place in the buffer grows
        // with it), and `dedup` keeps the first.
        posts.rows.sort_unstable_by_key(|r| (r.id, r.ext_id.start));
        posts.rows.dedup_by_key(|r| r.id);
        let (name, partial, path) = self.new_segment_file("posts")?;
        let strings = bytes::Bytes::from(std::mem::take(&mut posts.bytes));
        let bytes = post_file::write(&partial, &posts.rows, strings, &posts.platforms)
            .map_err(|e| self.parquet_err(&partial, e))?;
        self.place_segment_file(&partial, &path)?;
        catalogue::insert(
            &self.conn,
            &catalogue::NewSegment {
                content: catalogue::Content::Posts,
                file: &name,
                rows: posts.rows.len() as u64,
                undated: 0,
                min_time: posts.rows.iter().map(|r| r.time).min(),
                max_time: posts.rows.iter().map(|r| r.time).max(),
                bytes,
                source: &posts.source,
                ranges: &posts.ordinals.run_ranges,
            },
        )
        .map_err(|e| self.err(e))?;
        posts.rows.clear();
        posts.bytes.clear();
        posts.platforms.clear();
        posts.ordinals.run_ranges.clear();
        Ok(())
    }

    /// A new segment file's name (`<prefix>-<sequence>.parquet`), the partial path to write it at and
    /// its final path.
    pub(crate) fn new_segment_file(&self, prefix: &str) -> Result<(String, PathBuf, PathBuf)> {
        let folder = self.segment_folder();
        std::fs::create_dir_all(&folder).map_err(|e| self.io(&folder, e))?;
        let seq = catalogue::next_sequence(&self.conn).map_err(|e| self.err(e))?;
        let name = format!("{prefix}-{seq:08}.parquet");
        let partial = folder.join(format!("{name}.{}.partial", std::process::id()));
        let path = folder.join(&name);
        Ok((name, partial, path))
    }

    /// Move a written file to its final path, durably, to be removed if the transaction rolls back.
    fn place_segment_file(&mut self, partial: &Path, path: &Path) -> Result<()> {
        std::fs::rename(partial, path).map_err(|e| self.io(path, e))?;
        if let Some(folder) = path.parent() {
            sync_dir(folder);
        }
        self.uncommitted_segments.push(path.to_path_buf());
        Ok(())
    }

    /// Delete files in the segment folder that no catalogue row names: runs of a killed or rolled-back
    /// import. Only safe while this connection holds the database alone (another writer's file is
    /// uncatalogued until its transaction commits).
    pub(crate) fn sweep_orphan_segments(&self) -> Result<u64> {
        let folder = self.segment_folder();
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return Ok(0);
        };
        let known = catalogue::files(&self.conn).map_err(|e| self.err(e))?;
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = (name.starts_with("events-") || name.starts_with("posts-"))
                && (name.ends_with(".parquet") || name.ends_with(".partial"));
            if ours && !known.contains(&name) && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Whether any segment is catalogued: when none is, readers take SQLite's own paths.
    pub fn has_segments(&self) -> Result<bool> {
        catalogue::any(&self.conn).map_err(|e| self.err(e))
    }

    pub(crate) fn io(&self, path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn parquet_err(&self, path: &Path, e: parquet::errors::ParquetError) -> StoreError {
        StoreError::Segment {
            path: path.to_path_buf(),
            why: e.to_string(),
        }
    }
}

/// Make a rename durable (best effort: not every platform syncs a directory).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
