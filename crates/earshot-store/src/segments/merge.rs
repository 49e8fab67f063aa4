//! Reading the event log: SQLite's interactions and every segment merged in key order, each id once.
//!
//! Every source is sorted by (kind, target, time, id), so one event stored twice (in two segments, or
//! in a segment and in SQLite) meets itself in the merge and is passed on once. Filters are applied per
//! source before the merge; a duplicate has the same fields in both sources, so both copies pass or
//! neither does.

use super::catalogue;
use super::file::{Group, SegmentFile};
use super::{LogKey, LogRow};
use crate::read::{interaction_filter, InteractionRow, TimeWindow};
use crate::{Result, Store, StoreError};
use earshot_model::InteractionKind;

/// What a merged scan keeps.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Filter<'a> {
    pub window: TimeWindow,
    /// Interactions of this platform only (the target's: an interaction and its accounts share one).
    pub platform: Option<&'a str>,
    pub kind: Option<InteractionKind>,
}

impl Filter<'_> {
    pub(crate) fn keeps_time(&self, time: Option<i64>) -> bool {
        if self.window.is_unbounded() {
            return true;
        }
        time.is_some_and(|t| {
            t >= self.window.from.unwrap_or(i64::MIN) && t < self.window.to.unwrap_or(i64::MAX)
        })
    }
}

/// One sorted source of the merge.
pub(crate) enum Cursor {
    Rows {
        rows: Vec<LogRow>,
        /// Platform names by number, when the rows carry them.
        platform_names: Vec<Vec<u8>>,
        at: usize,
    },
    File {
        file: Box<SegmentFile>,
        group: Group,
        /// Per platform number of `group`, whether the filter keeps it.
        platform_kept: Vec<bool>,
        at: usize,
        path: std::path::PathBuf,
    },
}

impl Cursor {
    fn peek(&self) -> Option<&LogRow> {
        match self {
            Cursor::Rows { rows, at, .. } => rows.get(*at),
            Cursor::File { group, at, .. } => group.rows.get(*at),
        }
    }

    /// The name of platform number `n` of the current row, when this source carries platforms.
    fn platform_name(&self, n: u16) -> Option<&[u8]> {
        let names = match self {
            Cursor::Rows { platform_names, .. } => platform_names,
            Cursor::File { group, .. } => &group.platform_names,
        };
        names.get(usize::from(n)).map(|v| &v[..])
    }

    /// A cursor over rows already sorted by the log's key.
    pub(crate) fn rows(rows: Vec<LogRow>, platform_names: Vec<Vec<u8>>) -> Self {
        Cursor::Rows {
            rows,
            platform_names,
            at: 0,
        }
    }

    /// A cursor over one segment file (with its platforms decoded when `with_platform`).
    pub(crate) fn open_file(path: &std::path::Path, with_platform: bool) -> Result<Self, String> {
        let file = SegmentFile::open(path, with_platform).map_err(|e| e.to_string())?;
        Ok(Cursor::File {
            file: Box::new(file),
            group: Group::default(),
            platform_kept: Vec::new(),
            at: 0,
            path: path.to_path_buf(),
        })
    }

    /// Move to the next row the filter keeps (the current one included when `skip_current` is false).
    fn settle(&mut self, filter: &Filter<'_>, skip_current: bool) -> Result<(), String> {
        match self {
            Cursor::Rows { at, .. } => {
                // SQLite applied the filter already.
                if skip_current {
                    *at += 1;
                }
                Ok(())
            }
            Cursor::File {
                file,
                group,
                platform_kept,
                at,
                ..
            } => {
                if skip_current {
                    *at += 1;
                }
                loop {
                    while let Some(r) = group.rows.get(*at) {
                        let kept = filter.kind.is_none_or(|k| k.code() == r.kind)
                            && filter.keeps_time(r.time)
                            && (filter.platform.is_none()
                                || platform_kept
                                    .get(usize::from(r.platform))
                                    .copied()
                                    .unwrap_or(false));
                        if kept {
                            return Ok(());
                        }
                        *at += 1;
                    }
                    if !file.next_group(group).map_err(|e| e.to_string())? {
                        return Ok(());
                    }
                    *at = 0;
                    platform_kept.clear();
                    if let Some(p) = filter.platform {
                        platform_kept
                            .extend(group.platform_names.iter().map(|n| n == p.as_bytes()));
                    }
                }
            }
        }
    }
}

impl Store {
    /// Call `f` for every interaction `filter` keeps, SQLite's and the segments', in (kind, target,
    /// time, id) order with equal ids once. Rows whose kind this build does not know are skipped.
    pub(crate) fn merged_interactions(
        &self,
        filter: Filter<'_>,
        mut f: impl FnMut(&InteractionRow),
    ) -> Result<u64> {
        // With posts in the log, every reaction a reference implies is derived (`derive.rs`), and
        // SQLite's stored ones are left unread.
        let derive = self.has_post_segments()?;
        let mut cursors = vec![self.sqlite_cursor(&filter, derive)?];
        cursors.extend(self.open_segments(filter.platform.is_some())?);
        if derive {
            let derived = self.implied_now()?;
            let rows = super::derive::filtered(&derived, &filter);
            cursors.push(Cursor::rows(rows, derived.platform_names.clone()));
        }
        let mut n = 0u64;
        self.merge(cursors, &filter, |r, _| {
            if let Some(kind) = InteractionKind::from_code(r.kind) {
                f(&InteractionRow {
                    actor: r.actor,
                    target: r.target,
                    kind,
                    time: r.time,
                    weight: r.weight,
                    post: r.post,
                });
                n += 1;
            }
            Ok(())
        })?;
        Ok(n)
    }

    /// Merge sorted `cursors`: call `f` with each row `filter` keeps, in key order, equal keys once,
    /// with its platform's name when its source carries it.
    pub(crate) fn merge(
        &self,
        mut cursors: Vec<Cursor>,
        filter: &Filter<'_>,
        mut f: impl FnMut(&LogRow, Option<&[u8]>) -> Result<()>,
    ) -> Result<()> {
        for c in &mut cursors {
            if let Err(why) = c.settle(filter, false) {
                return Err(self.segment_err(&cursor_path(c), why));
            }
        }
        let mut last: Option<LogKey> = None;
        loop {
            // Few sources (compaction keeps them few): a linear scan for the least key.
            let mut best: Option<(usize, LogKey)> = None;
            for (i, c) in cursors.iter().enumerate() {
                if let Some(r) = c.peek() {
                    let k = r.key();
                    if best.is_none_or(|(_, b)| k < b) {
                        best = Some((i, k));
                    }
                }
            }
            let Some((i, key)) = best else { break };
            if last != Some(key) {
                let c = &cursors[i];
                let r = c.peek().copied().unwrap_or_default();
                f(&r, c.platform_name(r.platform))?;
                last = Some(key);
            }
            if let Err(why) = cursors[i].settle(filter, true) {
                return Err(self.segment_err(&cursor_path(&cursors[i]), why));
            }
        }
        Ok(())
    }

    /// A cursor on every catalogued segment. A file missing because another connection's erasure
    /// replaced it after the catalogue was read is met by reading the catalogue again (twice at most).
    pub(super) fn open_segments(&self, with_platform: bool) -> Result<Vec<Cursor>> {
        let folder = self.segment_folder();
        let mut attempt = 0;
        'catalogue: loop {
            attempt += 1;
            let mut cursors = Vec::new();
            for s in catalogue::list(&self.conn).map_err(|e| self.err(e))? {
                let path = folder.join(&s.file);
                match Cursor::open_file(&path, with_platform) {
                    Ok(c) => cursors.push(c),
                    Err(_) if attempt < 3 && !path.exists() && folder.exists() => {
                        continue 'catalogue;
                    }
                    Err(why) => return Err(self.segment_err(&path, why)),
                }
            }
            return Ok(cursors);
        }
    }

    /// SQLite's interactions that `filter` keeps, sorted by the log's key; stated ones only when
    /// `stated_only` (the implied ones are derived).
    fn sqlite_cursor(&self, filter: &Filter<'_>, stated_only: bool) -> Result<Cursor> {
        let e = |e| self.err(e);
        let (mut clause, mut values) = interaction_filter(filter.window, filter.platform);
        if stated_only {
            clause = if clause.is_empty() {
                "WHERE i.implied_by IS NULL".to_string()
            } else {
                format!("{clause} AND i.implied_by IS NULL")
            };
        }
        if let Some(k) = filter.kind {
            values.push(i64::from(k.code()).into());
            let cond = format!("i.kind = ?{}", values.len());
            clause = if clause.is_empty() {
                format!("WHERE {cond}")
            } else {
                format!("{clause} AND {cond}")
            };
        }
        let sql = format!(
            "SELECT i.kind, i.target, i.time, i.id, i.actor, i.post, i.weight FROM interactions i {clause}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(e)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values)).map_err(e)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(e)? {
            out.push(sqlite_row(r, 0).map_err(e)?);
        }
        out.sort_unstable_by_key(LogRow::key);
        Ok(Cursor::Rows {
            rows: out,
            platform_names: Vec::new(),
            at: 0,
        })
    }

    pub(crate) fn segment_err(&self, path: &std::path::Path, why: String) -> StoreError {
        let folder = self.segment_folder();
        let why = if !folder.exists() {
            format!(
                "{why}; the database's event log folder {} is missing: a database file moved, renamed or \
                 copied without the folder beside it? The two are one database (docs/segments.md)",
                folder.display()
            )
        } else if !path.exists() {
            format!("{why}; the file is missing from the event log folder, which the catalogue names it in")
        } else {
            why
        };
        StoreError::Segment {
            path: path.to_path_buf(),
            why,
        }
    }
}

/// An `interactions` row selected as `kind, target, time, id, actor, post, weight` (the log's key
/// first), with platform number `platform`.
pub(crate) fn sqlite_row(r: &rusqlite::Row, platform: u16) -> rusqlite::Result<LogRow> {
    Ok(LogRow {
        kind: u8::try_from(r.get::<_, i64>(0)?).unwrap_or(u8::MAX),
        platform,
        target: r.get(1)?,
        time: r.get(2)?,
        id: r.get(3)?,
        actor: r.get(4)?,
        post: r.get(5)?,
        weight: r.get(6)?,
    })
}

fn cursor_path(c: &Cursor) -> std::path::PathBuf {
    match c {
        Cursor::Rows { .. } => std::path::PathBuf::from("interactions table"),
        Cursor::File { path, .. } => path.clone(),
    }
}
