//! The segment catalogue's SQL: which segment files exist for readers, and which source ordinals each
//! holds.

use rusqlite::{params, Connection, OptionalExtension};
use rustc_hash::FxHashSet;

/// What a segment file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    /// Interactions sorted by (kind, target, time, id) (`file.rs`).
    Interactions,
    /// Posts sorted by id (`post_file.rs`).
    Posts,
}

impl Content {
    fn name(self) -> &'static str {
        match self {
            Content::Interactions => "interactions",
            Content::Posts => "posts",
        }
    }
}

/// A segment about to be catalogued.
pub(crate) struct NewSegment<'a> {
    pub content: Content,
    pub file: &'a str,
    pub rows: u64,
    pub undated: u64,
    pub min_time: Option<i64>,
    pub max_time: Option<i64>,
    pub bytes: u64,
    pub source: &'a str,
    pub ranges: &'a [(u64, u64)],
}

/// A catalogued segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentInfo {
    pub id: i64,
    pub file: String,
    pub rows: u64,
    pub undated: u64,
    pub min_time: Option<i64>,
    pub max_time: Option<i64>,
    pub bytes: u64,
}

pub(crate) fn insert(conn: &Connection, s: &NewSegment<'_>) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO event_segments (file, rows, undated, min_time, max_time, bytes, created_at, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%s', 'now'), ?7)",
    )?
    .execute(params![
        s.file,
        s.rows as i64,
        s.undated as i64,
        s.min_time,
        s.max_time,
        s.bytes as i64,
        s.content.name()
    ])?;
    let id = conn.last_insert_rowid();
    let mut add = conn.prepare_cached(
        "INSERT INTO segment_sources (segment, source, first, last) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for &(first, last) in s.ranges.iter().filter(|_| !s.source.is_empty()) {
        add.execute(params![id, s.source, first as i64, last as i64])?;
    }
    Ok(id)
}

/// The next file sequence number: one past the largest catalogued id.
pub(crate) fn next_sequence(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM event_segments",
        [],
        |r| r.get(0),
    )
}

/// The stored ordinal ranges of `source`, sorted and merged.
pub(crate) fn covered(conn: &Connection, source: &str) -> rusqlite::Result<Vec<(u64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT first, last FROM segment_sources WHERE source = ?1 ORDER BY first",
    )?;
    let rows = stmt.query_map(params![source], |r| {
        Ok((
            r.get::<_, i64>(0)?.max(0) as u64,
            r.get::<_, i64>(1)?.max(0) as u64,
        ))
    })?;
    let mut out: Vec<(u64, u64)> = Vec::new();
    for r in rows {
        let (first, last) = r?;
        match out.last_mut() {
            Some(prev) if first <= prev.1 => prev.1 = prev.1.max(last),
            _ => out.push((first, last)),
        }
    }
    Ok(out)
}

pub(crate) fn files(conn: &Connection) -> rusqlite::Result<FxHashSet<String>> {
    let mut stmt = conn.prepare("SELECT file FROM event_segments")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

pub(crate) fn any(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT 1 FROM event_segments LIMIT 1", [], |_| Ok(()))
        .optional()
        .map(|o| o.is_some())
}

/// Every catalogued segment of interactions, oldest first.
pub(crate) fn list(conn: &Connection) -> rusqlite::Result<Vec<SegmentInfo>> {
    list_of(conn, Content::Interactions)
}

/// Every catalogued segment, of interactions and of posts, oldest first.
pub(crate) fn list_all(conn: &Connection) -> rusqlite::Result<Vec<SegmentInfo>> {
    let mut all = list_of(conn, Content::Interactions)?;
    all.extend(list_of(conn, Content::Posts)?);
    all.sort_by_key(|s| s.id);
    Ok(all)
}

/// Whether any post segment is catalogued: then posts' implied reactions are derived when read.
pub(crate) fn any_posts(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT 1 FROM event_segments WHERE content = 'posts' LIMIT 1",
        [],
        |_| Ok(()),
    )
    .optional()
    .map(|o| o.is_some())
}

/// Every catalogued segment holding `content`, oldest first.
pub(crate) fn list_of(conn: &Connection, content: Content) -> rusqlite::Result<Vec<SegmentInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, file, rows, undated, min_time, max_time, bytes FROM event_segments
         WHERE content = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([content.name()], |r| {
        Ok(SegmentInfo {
            id: r.get(0)?,
            file: r.get(1)?,
            rows: r.get::<_, i64>(2)?.max(0) as u64,
            undated: r.get::<_, i64>(3)?.max(0) as u64,
            min_time: r.get(4)?,
            max_time: r.get(5)?,
            bytes: r.get::<_, i64>(6)?.max(0) as u64,
        })
    })?;
    rows.collect()
}

/// Point segment `id` at a rewritten file holding `rows` rows in `bytes` bytes over [`min_time`,
/// `max_time`]. Its place in the catalogue's order, and its sources, stay: among copies of one post the
/// earliest segment's is read, and a rewrite must not change which that is.
pub(crate) fn replace_file(
    conn: &Connection,
    id: i64,
    file: &str,
    rows: u64,
    bytes: u64,
    (min_time, max_time): (Option<i64>, Option<i64>),
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE event_segments SET file = ?2, rows = ?3, bytes = ?4, min_time = ?5, max_time = ?6
         WHERE id = ?1",
        params![id, file, rows as i64, bytes as i64, min_time, max_time],
    )?;
    Ok(())
}

/// Remove segment `id` from the catalogue (its file is the caller's to delete once this commits).
pub(crate) fn remove(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM event_segments WHERE id = ?1", params![id])?;
    Ok(())
}

/// Give segment `from`'s source ranges to segment `to` (a rewrite keeps what its rows came from).
pub(crate) fn move_sources(conn: &Connection, from: i64, to: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE segment_sources SET segment = ?2 WHERE segment = ?1",
        params![from, to],
    )?;
    Ok(())
}
