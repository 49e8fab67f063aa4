//! Reading posts wherever they are stored: SQLite's `posts` table and every post segment, merged by id,
//! each post once.
//!
//! Every source is read in id order, a row group (or a page of SQLite rows) at a time, so a merged read
//! holds one decoded group per source whatever the number of posts. When one post is stored twice (a
//! file imported again under another name, or first through the API), the copy of the earliest source
//! wins: SQLite's, then the segments' in catalogue order, as `INSERT OR IGNORE` keeps the first copy.

use super::catalogue::{self, Content};
use super::post_file::PostView;
use super::post_file::{number_of, PostColumns, PostFile, PostGroup, PostLogRow, Span};
use crate::read::{PostRow, TimeWindow};
use crate::{Result, Store};
use rusqlite::params;
use std::path::PathBuf;

/// SQLite rows read per page.
const SQLITE_PAGE: i64 = 8_192;

/// Post counts of a merged read.
#[derive(Debug, Default)]
pub(crate) struct LoggedPosts {
    pub total: u64,
    pub by_platform: Vec<(String, u64)>,
    pub first_time: Option<i64>,
    pub last_time: Option<i64>,
}

/// One id-ordered source of posts.
enum Source {
    Sqlite { from: i64, done: bool },
    File { file: Box<PostFile>, path: PathBuf },
}

struct PostCursor {
    source: Source,
    group: PostGroup,
    at: usize,
}

impl PostCursor {
    fn peek(&self) -> Option<&PostLogRow> {
        self.group.rows.get(self.at)
    }
}

impl Store {
    /// Call `f` for every stored post, SQLite's and the post segments', in id order, each id once.
    /// `columns` says whether texts are read.
    pub(crate) fn merged_posts(
        &self,
        columns: PostColumns,
        f: impl FnMut(&PostView<'_>) -> Result<()>,
    ) -> Result<()> {
        self.merge_posts(true, columns, f)
    }

    /// [`Store::merged_posts`] of the post segments alone (`with_sqlite` false), or with SQLite's.
    pub(crate) fn merge_posts(
        &self,
        with_sqlite: bool,
        columns: PostColumns,
        mut f: impl FnMut(&PostView<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut cursors = Vec::new();
        if with_sqlite {
            cursors.push(PostCursor {
                source: Source::Sqlite {
                    from: i64::MIN,
                    done: false,
                },
                group: PostGroup::default(),
                at: 0,
            });
        }
        cursors.extend(self.open_post_segments(columns)?);
        for c in &mut cursors {
            self.refill(c, columns)?;
        }
        loop {
            let mut best: Option<(usize, i64)> = None;
            for (i, c) in cursors.iter().enumerate() {
                if let Some(r) = c.peek() {
                    if best.is_none_or(|(_, b)| r.id < b) {
                        best = Some((i, r.id));
                    }
                }
            }
            let Some((winner, id)) = best else {
                return Ok(());
            };
            {
                let c = &cursors[winner];
                f(&c.group.view(&c.group.rows[c.at]))?;
            }
            for c in &mut cursors {
                if c.peek().is_some_and(|r| r.id == id) {
                    c.at += 1;
                    if c.at >= c.group.rows.len() {
                        self.refill(c, columns)?;
                    }
                }
            }
        }
    }

    /// A cursor on every catalogued post segment. A file missing because another connection's rewrite
    /// (erasure, retention) replaced it after the catalogue was read is met by reading the catalogue
    /// again (twice at most).
    fn open_post_segments(&self, columns: PostColumns) -> Result<Vec<PostCursor>> {
        let folder = self.segment_folder();
        let mut attempt = 0;
        'catalogue: loop {
            attempt += 1;
            let mut cursors = Vec::new();
            for s in catalogue::list_of(&self.conn, Content::Posts).map_err(|e| self.err(e))? {
                let path = folder.join(&s.file);
                match PostFile::open(&path, columns) {
                    Ok(file) => cursors.push(PostCursor {
                        source: Source::File {
                            file: Box::new(file),
                            path,
                        },
                        group: PostGroup::default(),
                        at: 0,
                    }),
                    Err(_) if attempt < 3 && !path.exists() && folder.exists() => {
                        continue 'catalogue;
                    }
                    Err(e) => return Err(self.segment_err(&path, e.to_string())),
                }
            }
            return Ok(cursors);
        }
    }

    /// Load a cursor's next group (empty at its end).
    fn refill(&self, c: &mut PostCursor, columns: PostColumns) -> Result<()> {
        c.at = 0;
        match &mut c.source {
            Source::File { file, path } => {
                let path = path.clone();
                file.next_group(&mut c.group)
                    .map_err(|e| self.segment_err(&path, e.to_string()))?;
            }
            Source::Sqlite { from, done } => {
                c.group.rows.clear();
                c.group.bytes.clear();
                c.group.platform_names.clear();
                if *done {
                    return Ok(());
                }
                let e = |e| self.err(e);
                let text = if columns == PostColumns::All {
                    "text"
                } else {
                    "NULL"
                };
                let mut stmt = self
                    .conn
                    .prepare_cached(&format!(
                        "SELECT id, author, time, reply_to, quote_of, reshare_of, platform, ext_id, {text}
                         FROM posts WHERE id >= ?1 ORDER BY id LIMIT ?2"
                    ))
                    .map_err(e)?;
                let mut rows = stmt.query(params![*from, SQLITE_PAGE]).map_err(e)?;
                let g = &mut c.group;
                let mut n = 0;
                while let Some(r) = rows.next().map_err(e)? {
                    n += 1;
                    let platform = r
                        .get_ref(6)
                        .map_err(e)?
                        .as_bytes()
                        .map_err(|x| e(x.into()))?;
                    let platform = number_of(&mut g.platform_names, platform);
                    let ext_id = r
                        .get_ref(7)
                        .map_err(e)?
                        .as_bytes()
                        .map_err(|x| e(x.into()))?;
                    let ext_id = Span::push(&mut g.bytes, ext_id);
                    let text = r
                        .get_ref(8)
                        .map_err(e)?
                        .as_bytes_or_null()
                        .map_err(|x| e(x.into()))?
                        .map(|t| Span::push(&mut g.bytes, t));
                    g.rows.push(PostLogRow {
                        id: r.get(0).map_err(e)?,
                        platform,
                        author: r.get(1).map_err(e)?,
                        time: r.get(2).map_err(e)?,
                        reply_to: r.get(3).map_err(e)?,
                        quote_of: r.get(4).map_err(e)?,
                        reshare_of: r.get(5).map_err(e)?,
                        ext_id,
                        text,
                    });
                }
                // The next page starts after this one's last id (none follows i64::MAX).
                match g.rows.last().and_then(|r| r.id.checked_add(1)) {
                    Some(next) if n == SQLITE_PAGE => *from = next,
                    _ => *done = true,
                }
            }
        }
        Ok(())
    }

    /// [`Store::scan_posts`] once posts are in the log: the posts `window` and `platform` keep, in
    /// (time, id) order as SQLite's time index gives them.
    pub(crate) fn scan_logged_posts(
        &self,
        window: TimeWindow,
        platform: Option<&str>,
        mut f: impl FnMut(PostRow),
    ) -> Result<u64> {
        let (from, to) = (
            window.from.unwrap_or(i64::MIN),
            window.to.unwrap_or(i64::MAX),
        );
        let mut kept: Vec<PostRow> = Vec::new();
        self.merged_posts(PostColumns::All, |p| {
            if p.time >= from && p.time < to && platform.is_none_or(|q| q.as_bytes() == p.platform)
            {
                kept.push(PostRow {
                    id: p.id,
                    author: p.author,
                    time: p.time,
                    text: p.text.map(|t| String::from_utf8_lossy(t).into_owned()),
                    reply_to: p.reply_to,
                    quote_of: p.quote_of,
                });
            }
            Ok(())
        })?;
        kept.sort_unstable_by_key(|p| (p.time, p.id));
        let n = kept.len() as u64;
        kept.into_iter().for_each(&mut f);
        Ok(n)
    }

    /// Posts per platform (by name, sorted) and the posts' time span, SQLite's and the log's, each
    /// post once.
    pub(crate) fn logged_post_counts(&self) -> Result<LoggedPosts> {
        let mut out = LoggedPosts::default();
        self.merged_posts(PostColumns::WithoutText, |p| {
            out.total += 1;
            out.first_time = Some(out.first_time.map_or(p.time, |t| t.min(p.time)));
            out.last_time = Some(out.last_time.map_or(p.time, |t| t.max(p.time)));
            match out
                .by_platform
                .iter_mut()
                .find(|(n, _)| n.as_bytes() == p.platform)
            {
                Some((_, n)) => *n += 1,
                None => out
                    .by_platform
                    .push((String::from_utf8_lossy(p.platform).into_owned(), 1)),
            }
            Ok(())
        })?;
        out.by_platform.sort();
        Ok(out)
    }

    /// Ids of the posts, wherever stored, whose copy readers see is by one of `authors`.
    pub(crate) fn logged_posts_by(&self, authors: &rustc_hash::FxHashSet<i64>) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        self.merged_posts(PostColumns::WithoutText, |p| {
            if authors.contains(&p.author) {
                out.push(p.id);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The ids of every post in a post segment, sorted; `None` when there is no post segment. Read
    /// again only when the catalogue's post files change.
    pub(crate) fn logged_post_ids(&self) -> Result<Option<std::sync::Arc<Vec<i64>>>> {
        let files: Option<String> = self
            .conn
            .query_row(
                "SELECT group_concat(file, '/') FROM
                    (SELECT file FROM event_segments WHERE content = 'posts' ORDER BY id)",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        let Some(files) = files else {
            return Ok(None);
        };
        let mut held = self
            .logged_post_ids
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((_, ids)) = held.as_ref().filter(|(at, _)| *at == files) {
            return Ok(Some(std::sync::Arc::clone(ids)));
        }
        let mut ids = Vec::new();
        self.merge_posts(false, PostColumns::WithoutText, |p| {
            ids.push(p.id);
            Ok(())
        })?;
        let ids = std::sync::Arc::new(ids);
        *held = Some((files, std::sync::Arc::clone(&ids)));
        Ok(Some(ids))
    }

    /// Whether any post segment is catalogued: then posts are read merged and their references'
    /// reactions derived ([`Store::merged_posts`], `derive.rs`).
    pub(crate) fn has_post_segments(&self) -> Result<bool> {
        catalogue::any_posts(&self.conn).map_err(|e| self.err(e))
    }

    /// A post's platform and platform id, looked up in SQLite and then in the post segments whose row
    /// groups may hold it.
    pub(crate) fn logged_post_name(&self, id: i64) -> Result<Option<(String, String)>> {
        let folder = self.segment_folder();
        for s in catalogue::list_of(&self.conn, Content::Posts).map_err(|e| self.err(e))? {
            let path = folder.join(&s.file);
            let fail = |e: parquet::errors::ParquetError| self.segment_err(&path, e.to_string());
            let mut file = PostFile::open(&path, PostColumns::WithoutText).map_err(fail)?;
            file.seek(id);
            let mut g = PostGroup::default();
            while file.next_group(&mut g).map_err(fail)? {
                if let Ok(at) = g.rows.binary_search_by_key(&id, |r| r.id) {
                    let r = &g.rows[at];
                    let platform = g
                        .platform_names
                        .get(usize::from(r.platform))
                        .map(|p| String::from_utf8_lossy(p).into_owned())
                        .unwrap_or_default();
                    return Ok(Some((platform, r.ext_id.str_of(&g.bytes).into_owned())));
                }
                if g.rows.last().is_some_and(|r| r.id > id) {
                    break;
                }
            }
        }
        Ok(None)
    }
}
