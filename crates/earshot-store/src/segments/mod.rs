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
pub(crate) mod file;
pub(crate) mod merge;
pub(crate) mod rewrite;

use crate::{Result, Store, StoreError};
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

/// Interactions on their way to a segment, from one source.
pub struct SegmentSink {
    source: String,
    /// Ordinal ranges `[first, last)` of this source already stored, sorted and disjoint.
    covered: Vec<(u64, u64)>,
    /// Index into `covered` of the first range not wholly before `next`.
    cursor: usize,
    next: u64,
    run: Vec<LogRow>,
    run_ranges: Vec<(u64, u64)>,
    platforms: Vec<String>,
    run_rows: usize,
    skipped: u64,
}

impl SegmentSink {
    /// Take the next ordinal: `true` when it is not stored yet (the interaction joins the run).
    fn take_ordinal(&mut self) -> bool {
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

    /// Offer the next segment-bound interaction of the source; `false` when an earlier import stored it.
    pub(crate) fn offer(&mut self, mut row: LogRow, platform: &str) -> bool {
        if !self.take_ordinal() {
            return false;
        }
        row.platform = match self.platforms.iter().position(|p| p == platform) {
            Some(i) => i as u16,
            None => {
                self.platforms.push(platform.to_string());
                (self.platforms.len() - 1) as u16
            }
        };
        self.run.push(row);
        true
    }

    /// Interactions waiting for [`Store::flush_segment`].
    pub fn buffered(&self) -> usize {
        self.run.len()
    }

    /// Whether the run is full: flush it before the next batch commits.
    pub fn is_full(&self) -> bool {
        self.run.len() >= self.run_rows || self.platforms.len() >= usize::from(u16::MAX)
    }

    /// Interactions an earlier import of the same source had stored, skipped.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Write runs of at most `rows` interactions (tests use small runs to make many segments).
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
            covered,
            cursor: 0,
            next: 0,
            run: Vec::new(),
            run_ranges: Vec::new(),
            platforms: Vec::new(),
            run_rows: RUN_ROWS,
            skipped: 0,
        })
    }

    /// Write the sink's run as a segment and catalogue it in the open transaction (from
    /// [`Store::begin`]); `None` when the run is empty. The file is removed again if the transaction
    /// rolls back.
    pub fn flush_segment(&mut self, sink: &mut SegmentSink) -> Result<Option<SegmentWritten>> {
        if sink.run.is_empty() {
            return Ok(None);
        }
        if !self.in_transaction {
            return Err(StoreError::Invalid {
                path: self.path.clone(),
                what: "segment flush",
                why: "a segment is catalogued inside a transaction (Store::begin)".into(),
            });
        }
        let run = &mut sink.run;
        run.sort_unstable_by_key(LogRow::key);
        let before = run.len();
        run.dedup_by_key(|r| r.key());
        let duplicates = (before - run.len()) as u64;
        let folder = self.segment_folder();
        std::fs::create_dir_all(&folder).map_err(|e| self.io(&folder, e))?;
        let seq = catalogue::next_sequence(&self.conn).map_err(|e| self.err(e))?;
        let name = format!("events-{seq:08}.parquet");
        let partial = folder.join(format!("{name}.{}.partial", std::process::id()));
        let path = folder.join(&name);
        let bytes = file::write(&partial, run, &sink.platforms)
            .map_err(|e| self.parquet_err(&partial, e))?;
        std::fs::rename(&partial, &path).map_err(|e| self.io(&path, e))?;
        sync_dir(&folder);
        self.uncommitted_segments.push(path);
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
                file: &written.file,
                rows: written.rows,
                undated,
                min_time,
                max_time,
                bytes,
                source: &sink.source,
                ranges: &sink.run_ranges,
            },
        )
        .map_err(|e| self.err(e))?;
        run.clear();
        sink.run_ranges.clear();
        sink.platforms.clear();
        Ok(Some(written))
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
            let ours = name.starts_with("events-")
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
