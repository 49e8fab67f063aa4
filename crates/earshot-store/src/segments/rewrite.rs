//! Rewriting segments: erasure (`earshot forget`) drops rows from the files that hold them, and
//! compaction (`earshot compact`) merges every segment, and SQLite's interactions that belong in the log,
//! into one.
//!
//! A rewrite writes new files first and changes the catalogue in the caller's transaction; the files it
//! replaces are deleted only after that commits, and the files it wrote are deleted if it does not.

use super::catalogue::Content;
use super::file::{Group, SegmentFile, SegmentWriter};
use super::post_file::{
    self, PostColumns, PostFile, PostGroup, PostLogRow, PostView, PostWriter, Span as PostSpan,
};

use super::{catalogue, merge, LogRow};
use crate::{Result, Store, StoreError};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// Files a rewrite wrote and files it replaced.
#[derive(Debug, Default)]
pub(crate) struct Rewritten {
    pub removed: u64,
    pub written: Vec<PathBuf>,
    pub retired: Vec<PathBuf>,
}

/// A rewrite's failure as a SQLite error, so that it can stop the transaction it runs in.
fn failed(path: &Path, why: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(
        format!("event segment {}: {why}", path.display()).into(),
    )
}

/// Rewrite every segment holding a row `drop` selects without those rows, inside the transaction open
/// on `conn`. Segments with no such row are left alone.
pub(crate) fn drop_rows(
    conn: &Connection,
    folder: &Path,
    drop: impl Fn(&LogRow) -> bool,
    out: &mut Rewritten,
) -> rusqlite::Result<()> {
    for s in catalogue::list(conn)? {
        let path = folder.join(&s.file);
        let mut reader = SegmentFile::open(&path, true).map_err(|e| failed(&path, e))?;
        let seq = catalogue::next_sequence(conn)?;
        let name = format!("events-{seq:08}.parquet");
        let partial = folder.join(format!("{name}.{}.partial", std::process::id()));
        let mut writer = SegmentWriter::create(&partial).map_err(|e| failed(&partial, e))?;
        let mut group = Group::default();
        let mut removed = 0u64;
        let mut stats = Span::default();
        while reader
            .next_group(&mut group)
            .map_err(|e| failed(&path, e))?
        {
            let numbers: Vec<u16> = group
                .platform_names
                .iter()
                .map(|n| writer.platform(n))
                .collect();
            for r in &group.rows {
                if drop(r) {
                    removed += 1;
                    continue;
                }
                stats.add(r);
                let platform = numbers.get(usize::from(r.platform)).copied().unwrap_or(0);
                writer
                    .push(LogRow { platform, ..*r })
                    .map_err(|e| failed(&partial, e))?;
            }
        }
        if removed == 0 {
            drop_file(writer, &partial);
            continue;
        }
        let bytes = writer.finish().map_err(|e| failed(&partial, e))?;
        let path_new = folder.join(&name);
        std::fs::rename(&partial, &path_new).map_err(|e| failed(&path_new, e))?;
        out.written.push(path_new);
        let id = catalogue::insert(conn, &stats.segment(&name, bytes))?;
        catalogue::move_sources(conn, s.id, id)?;
        catalogue::remove(conn, s.id)?;
        out.retired.push(path);
        out.removed += removed;
    }
    Ok(())
}

/// What a post rewrite does with one post.
pub(crate) enum PostChange {
    Keep,
    Drop,
    /// Keep it with these references and this text.
    Edit {
        references: [Option<i64>; 3],
        text: Option<String>,
    },
}

/// What [`edit_posts`] changed.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PostEdits {
    pub dropped: u64,
    pub edited: u64,
}

/// Rewrite every post segment in which `change` drops or edits a post, inside the transaction open on
/// `conn`; segments it keeps whole are left alone. `change` sees each post of every segment once.
pub(crate) fn edit_posts(
    conn: &Connection,
    folder: &Path,
    mut change: impl FnMut(&PostView<'_>) -> PostChange,
    out: &mut Rewritten,
) -> rusqlite::Result<PostEdits> {
    let mut edits = PostEdits::default();
    for s in catalogue::list_of(conn, Content::Posts)? {
        let path = folder.join(&s.file);
        let mut reader = PostFile::open(&path, PostColumns::All).map_err(|e| failed(&path, e))?;
        let mut group = PostGroup::default();
        let (mut rows, mut bytes, mut platforms) = (Vec::new(), Vec::new(), Vec::<String>::new());
        let before = edits;
        while reader
            .next_group(&mut group)
            .map_err(|e| failed(&path, e))?
        {
            for r in &group.rows {
                let view = group.view(r);
                let platform = view.platform;
                let (references, text) = match change(&view) {
                    PostChange::Drop => {
                        edits.dropped += 1;
                        continue;
                    }
                    PostChange::Keep => (
                        [r.reply_to, r.quote_of, r.reshare_of],
                        view.text.map(<[u8]>::to_vec),
                    ),
                    PostChange::Edit { references, text } => {
                        edits.edited += 1;
                        (references, text.map(String::into_bytes))
                    }
                };
                let name = String::from_utf8_lossy(platform);
                let platform = match platforms.iter().position(|p| *p == name) {
                    Some(n) => n,
                    None => {
                        platforms.push(name.into_owned());
                        platforms.len() - 1
                    }
                };
                rows.push(PostLogRow {
                    platform: u16::try_from(platform).unwrap_or(u16::MAX),
                    reply_to: references[0],
                    quote_of: references[1],
                    reshare_of: references[2],
                    ext_id: PostSpan::push(&mut bytes, view.ext_id),
                    text: text.map(|t| PostSpan::push(&mut bytes, &t)),
                    ..*r
                });
            }
        }
        if edits.dropped == before.dropped && edits.edited == before.edited {
            continue;
        }
        // The rewrite keeps the segment's catalogue id (see `replace_file`), so its file takes a name
        // no sequence number will: the id and the time of the rewrite.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!("posts-{:08}-{nanos}.parquet", s.id);
        let partial = folder.join(format!("{name}.{}.partial", std::process::id()));
        let written = post_file::write(&partial, &rows, bytes.into(), &platforms);
        let bytes_written = match written {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(failed(&partial, e));
            }
        };
        let path_new = folder.join(&name);
        std::fs::rename(&partial, &path_new).map_err(|e| failed(&path_new, e))?;
        out.written.push(path_new);
        let span = (
            rows.iter().map(|r| r.time).min(),
            rows.iter().map(|r| r.time).max(),
        );
        catalogue::replace_file(conn, s.id, &name, rows.len() as u64, bytes_written, span)?;
        out.retired.push(path);
    }
    Ok(edits)
}

fn drop_file(writer: SegmentWriter, partial: &Path) {
    let _ = writer.finish();
    let _ = std::fs::remove_file(partial);
}

/// Rows, undated rows and the time span of rows written.
#[derive(Default)]
struct Span {
    rows: u64,
    undated: u64,
    min: Option<i64>,
    max: Option<i64>,
}

impl Span {
    fn add(&mut self, r: &LogRow) {
        self.rows += 1;
        match r.time {
            None => self.undated += 1,
            Some(t) => {
                self.min = Some(self.min.map_or(t, |m| m.min(t)));
                self.max = Some(self.max.map_or(t, |m| m.max(t)));
            }
        }
    }

    fn segment<'a>(&self, file: &'a str, bytes: u64) -> catalogue::NewSegment<'a> {
        catalogue::NewSegment {
            content: catalogue::Content::Interactions,
            file,
            rows: self.rows,
            undated: self.undated,
            min_time: self.min,
            max_time: self.max,
            bytes,
            source: "",
            ranges: &[],
        }
    }
}

/// The bytes of `segments` together.
fn counts_bytes_of(segments: &[catalogue::SegmentInfo]) -> u64 {
    segments.iter().map(|s| s.bytes).sum()
}

/// What `earshot compact` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CompactCounts {
    /// Segments before and after.
    pub segments_before: u64,
    pub segments_after: u64,
    /// Rows the segments held before (with copies of one event in several files).
    pub segment_rows_before: u64,
    /// Interactions moved from SQLite's table into the log (written before the log existed, or
    /// through the API).
    pub moved_from_sqlite: u64,
    /// Rows in the compacted segment.
    pub rows_after: u64,
    /// Copies of one event removed (`segment_rows_before + moved_from_sqlite − rows_after`).
    pub duplicates_removed: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// Post segments (`import --event-log posts`) before and after, and the posts they held (a post
    /// two files hold is kept once).
    pub post_segments_before: u64,
    pub post_segments_after: u64,
    pub post_rows_before: u64,
    pub post_rows_after: u64,
}

/// SQLite's interactions that belong in the log: stated ones no post's reference could imply.
const MOVABLE: &str = "i.implied_by IS NULL AND (i.post IS NULL OR i.kind NOT IN (1, 3, 4))";

impl Store {
    /// Merge every segment, and SQLite's interactions that belong in the log, into one segment, each
    /// event once, in one transaction. Needs the database alone (files other readers may hold are
    /// deleted): call after [`Store::begin_bulk_mode`] returned `true`.
    pub fn compact_events(&mut self) -> Result<CompactCounts> {
        if !self.exclusive {
            return Err(StoreError::Invalid {
                path: self.path.clone(),
                what: "compaction",
                why: "another process has the database open (a running `earshot serve`?); stop it and compact again".into(),
            });
        }
        let segments = catalogue::list(&self.conn).map_err(|e| self.err(e))?;
        let post_segments =
            catalogue::list_of(&self.conn, Content::Posts).map_err(|e| self.err(e))?;
        let movable: i64 = self
            .conn
            .query_row(
                &format!("SELECT COUNT(*) FROM interactions i WHERE {MOVABLE}"),
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        let mut counts = CompactCounts {
            segments_before: segments.len() as u64,
            segment_rows_before: segments.iter().map(|s| s.rows).sum(),
            moved_from_sqlite: movable.max(0) as u64,
            bytes_before: segments.iter().map(|s| s.bytes).sum::<u64>()
                + post_segments.iter().map(|s| s.bytes).sum::<u64>(),
            post_segments_before: post_segments.len() as u64,
            post_rows_before: post_segments.iter().map(|s| s.rows).sum(),
            ..CompactCounts::default()
        };
        counts.segments_after = counts.segments_before;
        counts.rows_after = counts.segment_rows_before;
        counts.bytes_after = counts.bytes_before;
        counts.post_segments_after = counts.post_segments_before;
        counts.post_rows_after = counts.post_rows_before;
        let interactions = segments.len() > 1 || movable > 0;
        let posts = post_segments.len() > 1;
        if !interactions && !posts {
            return Ok(counts);
        }
        self.begin()?;
        let outcome = (|| {
            if interactions {
                self.compact_in_transaction(&segments, &mut counts)?;
            }
            if posts {
                self.compact_posts_in_transaction(&post_segments, &mut counts)?;
            }
            Ok(())
        })();
        match outcome {
            Ok(()) => self.commit()?,
            Err(e) => {
                let _ = self.rollback();
                return Err(e);
            }
        }
        Ok(counts)
    }

    fn compact_in_transaction(
        &mut self,
        segments: &[catalogue::SegmentInfo],
        counts: &mut CompactCounts,
    ) -> Result<()> {
        let folder = self.segment_folder();
        std::fs::create_dir_all(&folder).map_err(|e| self.io(&folder, e))?;
        let mut cursors = vec![self.movable_cursor()?];
        for s in segments {
            let path = folder.join(&s.file);
            cursors.push(
                merge::Cursor::open_file(&path, true)
                    .map_err(|why| self.segment_err(&path, why))?,
            );
        }
        let seq = catalogue::next_sequence(&self.conn).map_err(|e| self.err(e))?;
        let name = format!("events-{seq:08}.parquet");
        let partial = folder.join(format!("{name}.{}.partial", std::process::id()));
        self.uncommitted_segments.push(partial.clone());
        let mut writer =
            SegmentWriter::create(&partial).map_err(|e| self.parquet_err(&partial, e))?;
        let mut span = Span::default();
        let mut write_err = None;
        self.merge(cursors, &merge::Filter::default(), |r, platform| {
            let platform = writer.platform(platform.unwrap_or_default());
            span.add(r);
            if let Err(e) = writer.push(LogRow { platform, ..*r }) {
                write_err = Some(e);
                return Err(StoreError::Segment {
                    path: partial.clone(),
                    why: "write failed".into(),
                });
            }
            Ok(())
        })
        .map_err(|e| match write_err.take() {
            Some(w) => self.parquet_err(&partial, w),
            None => e,
        })?;
        let bytes = writer.finish().map_err(|e| self.parquet_err(&partial, e))?;
        let path = folder.join(&name);
        std::fs::rename(&partial, &path).map_err(|e| self.io(&path, e))?;
        self.uncommitted_segments.push(path);
        let conn = &self.conn;
        let sql = |e| crate::sql_err(&self.path, e);
        let id = catalogue::insert(conn, &span.segment(&name, bytes)).map_err(sql)?;
        for s in segments {
            catalogue::move_sources(conn, s.id, id).map_err(sql)?;
            catalogue::remove(conn, s.id).map_err(sql)?;
        }
        conn.execute(
            "DELETE FROM interactions
             WHERE implied_by IS NULL AND (post IS NULL OR kind NOT IN (1, 3, 4))",
            [],
        )
        .map_err(sql)?;
        self.retired_segments
            .extend(segments.iter().map(|s| folder.join(&s.file)));
        counts.segments_after = 1;
        counts.rows_after = span.rows;
        counts.bytes_after = counts.bytes_after + bytes - counts_bytes_of(segments);
        counts.duplicates_removed =
            (counts.segment_rows_before + counts.moved_from_sqlite).saturating_sub(span.rows);
        Ok(())
    }

    /// Merge every post segment into one, each post once (the copy of the earliest segment).
    fn compact_posts_in_transaction(
        &mut self,
        segments: &[catalogue::SegmentInfo],
        counts: &mut CompactCounts,
    ) -> Result<()> {
        let (name, partial, path) = self.new_segment_file("posts")?;
        self.uncommitted_segments.push(partial.clone());
        let mut writer = PostWriter::create(&partial).map_err(|e| self.parquet_err(&partial, e))?;
        let (mut rows, mut min, mut max) = (0u64, None::<i64>, None::<i64>);
        let mut write_err = None;
        self.merge_posts(false, PostColumns::All, |p| {
            rows += 1;
            min = Some(min.map_or(p.time, |m| m.min(p.time)));
            max = Some(max.map_or(p.time, |m| m.max(p.time)));
            let row = PostLogRow {
                id: p.id,
                author: p.author,
                time: p.time,
                reply_to: p.reply_to,
                quote_of: p.quote_of,
                reshare_of: p.reshare_of,
                ..PostLogRow::default()
            };
            writer
                .push(&row, p.platform, p.ext_id, p.text)
                .map_err(|e| {
                    write_err = Some(e);
                    StoreError::Segment {
                        path: partial.clone(),
                        why: "write failed".into(),
                    }
                })
        })
        .map_err(|e| match write_err.take() {
            Some(w) => self.parquet_err(&partial, w),
            None => e,
        })?;
        let bytes = writer.finish().map_err(|e| self.parquet_err(&partial, e))?;
        std::fs::rename(&partial, &path).map_err(|e| self.io(&path, e))?;
        self.uncommitted_segments.push(path);
        let conn = &self.conn;
        let sql = |e| crate::sql_err(&self.path, e);
        let id = catalogue::insert(
            conn,
            &catalogue::NewSegment {
                content: Content::Posts,
                file: &name,
                rows,
                undated: 0,
                min_time: min,
                max_time: max,
                bytes,
                source: "",
                ranges: &[],
            },
        )
        .map_err(sql)?;
        for s in segments {
            catalogue::move_sources(conn, s.id, id).map_err(sql)?;
            catalogue::remove(conn, s.id).map_err(sql)?;
        }
        let folder = self.segment_folder();
        self.retired_segments
            .extend(segments.iter().map(|s| folder.join(&s.file)));
        counts.post_segments_after = 1;
        counts.post_rows_after = rows;
        counts.bytes_after = counts.bytes_after + bytes - counts_bytes_of(segments);
        Ok(())
    }

    /// SQLite's interactions that belong in the log, with their platforms, sorted by the log's key.
    fn movable_cursor(&self) -> Result<merge::Cursor> {
        let e = |e| self.err(e);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT i.kind, i.target, i.time, i.id, i.actor, i.post, i.weight, a.platform
                 FROM interactions i JOIN accounts a ON a.id = i.target WHERE {MOVABLE}"
            ))
            .map_err(e)?;
        let mut rows = stmt.query([]).map_err(e)?;
        let mut out = Vec::new();
        let mut names: Vec<Vec<u8>> = Vec::new();
        while let Some(r) = rows.next().map_err(e)? {
            let platform: String = r.get(7).map_err(e)?;
            let n = match names.iter().position(|p| p == platform.as_bytes()) {
                Some(n) => n,
                None => {
                    names.push(platform.into_bytes());
                    names.len() - 1
                }
            };
            let platform = u16::try_from(n).unwrap_or(u16::MAX);
            out.push(merge::sqlite_row(r, platform).map_err(e)?);
        }
        out.sort_unstable_by_key(LogRow::key);
        Ok(merge::Cursor::rows(out, names))
    }
}
