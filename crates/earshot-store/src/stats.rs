//! Summary queries behind `earshot stats`.

use crate::{Result, Store};
use earshot_model::InteractionKind;
use rusqlite::params;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlatformCount {
    pub platform: String,
    pub accounts: u64,
    /// Accounts that carry any profile field (followers, bio, label, ...), not just an id.
    pub profiles: u64,
    pub posts: u64,
    pub interactions: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KindCount {
    pub platform: String,
    pub kind: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TopAccount {
    pub platform: String,
    pub ext_id: String,
    pub handle: Option<String>,
    /// Interactions this account received (all kinds).
    pub received: u64,
    /// Distinct accounts that interacted with it.
    pub distinct_actors: u64,
}

/// What `earshot stats` prints.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stats {
    pub accounts: u64,
    pub posts: u64,
    pub interactions: u64,
    pub by_platform: Vec<PlatformCount>,
    pub by_kind: Vec<KindCount>,
    /// Earliest and latest dated interaction or post (UTC seconds).
    pub first_time: Option<i64>,
    pub last_time: Option<i64>,
    pub undated_interactions: u64,
    /// Of `interactions`, those implied by posts' `reply_to`, `quote_of` or `reshare_of` (docs/jsonl.md).
    pub implied_interactions: u64,
    /// References from stored posts to posts not stored: their interactions wait for those posts.
    pub references_waiting: u64,
    pub most_interacted: Vec<TopAccount>,
}

impl Store {
    /// Counts per platform and kind, the time span, and the `top` accounts by interactions received.
    pub fn stats(&self, top: usize) -> Result<Stats> {
        let c = &self.conn;
        let e = |e| self.err(e);
        let count = |sql: &str| -> Result<u64> {
            c.query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|v| v as u64)
                .map_err(e)
        };
        let accounts = count("SELECT COUNT(*) FROM accounts")?;
        // With posts in the log, posts are counted merged and their references' reactions derived.
        let logged = if self.has_post_segments()? {
            Some((self.logged_post_counts()?, self.implied_now()?))
        } else {
            None
        };
        let posts = match &logged {
            Some((p, _)) => p.total,
            None => count("SELECT COUNT(*) FROM posts")?,
        };
        let interactions = count("SELECT COUNT(*) FROM interactions")?;
        let undated_interactions = count("SELECT COUNT(*) FROM interactions WHERE time IS NULL")?;
        // Implied interactions always have a post and one of these kinds: the partial index holds them.
        let implied_interactions = count(
            "SELECT COUNT(*) FROM interactions
             WHERE post IS NOT NULL AND kind IN (1, 3, 4) AND implied_by IS NOT NULL",
        )?;
        let references_waiting = self.references_waiting()?;
        let (implied_interactions, references_waiting) = match &logged {
            Some((_, d)) => (d.rows.len() as u64, d.waiting),
            None => (implied_interactions, references_waiting),
        };

        let mut by_platform = Vec::new();
        let accounts_per_platform = self.text_int_int_rows(
            "SELECT platform, COUNT(*),
                SUM(followers IS NOT NULL OR following IS NOT NULL OR post_count IS NOT NULL
                    OR created_at IS NOT NULL OR bio IS NOT NULL OR label IS NOT NULL
                    OR verified IS NOT NULL OR default_avatar IS NOT NULL OR private IS NOT NULL
                    OR likes_given IS NOT NULL OR listed IS NOT NULL OR bio_length IS NOT NULL
                    OR username_length IS NOT NULL OR username_digits IS NOT NULL)
             FROM accounts GROUP BY platform ORDER BY platform",
        )?;
        for (platform, n, profiles) in accounts_per_platform {
            let posts = match &logged {
                Some((p, _)) => p
                    .by_platform
                    .iter()
                    .find(|(name, _)| *name == platform)
                    .map_or(0, |(_, n)| *n),
                None => c
                    .query_row(
                        "SELECT COUNT(*) FROM posts WHERE platform = ?1",
                        params![platform],
                        |r| r.get::<_, i64>(0),
                    )
                    .map_err(e)? as u64,
            };
            by_platform.push(PlatformCount {
                platform,
                accounts: n as u64,
                profiles: profiles as u64,
                posts,
                interactions: 0,
            });
        }

        if self.has_segments()? {
            let log = self.log_stats(top, &by_platform)?;
            for p in &mut by_platform {
                p.interactions = log
                    .by_kind
                    .iter()
                    .filter(|k| k.platform == p.platform)
                    .map(|k| k.count)
                    .sum();
            }
            return Ok(Stats {
                accounts,
                posts,
                interactions: log.interactions,
                by_platform,
                by_kind: log.by_kind,
                first_time: min_opt(
                    log.first_time,
                    match &logged {
                        Some((p, _)) => p.first_time,
                        None => span_posts(c, "MIN").map_err(e)?,
                    },
                ),
                last_time: max_opt(
                    log.last_time,
                    match &logged {
                        Some((p, _)) => p.last_time,
                        None => span_posts(c, "MAX").map_err(e)?,
                    },
                ),
                undated_interactions: log.undated,
                implied_interactions,
                references_waiting,
                most_interacted: log.most_interacted,
            });
        }

        let mut by_kind = Vec::new();
        let kinds = self.text_int_int_rows(
            "SELECT a.platform, i.kind, COUNT(*) FROM interactions i JOIN accounts a ON a.id = i.actor
             GROUP BY a.platform, i.kind ORDER BY a.platform, i.kind",
        )?;
        for (platform, code, n) in kinds {
            let kind = u8::try_from(code)
                .ok()
                .and_then(InteractionKind::from_code)
                .map(|k| k.name().to_string())
                .unwrap_or_else(|| format!("unknown({code})"));
            if let Some(p) = by_platform.iter_mut().find(|p| p.platform == platform) {
                p.interactions += n as u64;
            }
            by_kind.push(KindCount {
                platform,
                kind,
                count: n as u64,
            });
        }

        let span =
            |sql: &str| -> Result<Option<i64>> { c.query_row(sql, [], |r| r.get(0)).map_err(e) };
        let first_time = min_opt(
            span("SELECT MIN(time) FROM interactions")?,
            span("SELECT MIN(time) FROM posts")?,
        );
        let last_time = max_opt(
            span("SELECT MAX(time) FROM interactions")?,
            span("SELECT MAX(time) FROM posts")?,
        );

        let mut most_interacted = Vec::new();
        {
            let mut stmt = c
                .prepare(
                    "SELECT a.platform, a.ext_id, a.handle, t.n,
                            (SELECT COUNT(DISTINCT actor) FROM interactions WHERE target = t.target)
                     FROM (SELECT target, COUNT(*) AS n FROM interactions GROUP BY target
                           ORDER BY n DESC, target LIMIT ?1) t
                     JOIN accounts a ON a.id = t.target
                     ORDER BY t.n DESC, a.platform, a.ext_id",
                )
                .map_err(e)?;
            let rows = stmt
                .query_map(params![top as i64], |r| {
                    Ok(TopAccount {
                        platform: r.get(0)?,
                        ext_id: r.get(1)?,
                        handle: r.get(2)?,
                        received: r.get::<_, i64>(3)? as u64,
                        distinct_actors: r.get::<_, i64>(4)? as u64,
                    })
                })
                .map_err(e)?;
            for row in rows {
                most_interacted.push(row.map_err(e)?);
            }
        }

        Ok(Stats {
            accounts,
            posts,
            interactions,
            by_platform,
            by_kind,
            first_time,
            last_time,
            undated_interactions,
            implied_interactions,
            references_waiting,
            most_interacted,
        })
    }
}

impl Store {
    /// References from stored posts to posts not stored (`reply_to`, `quote_of`, `reshare_of`): each
    /// becomes an interaction when its post is stored.
    pub fn references_waiting(&self) -> Result<u64> {
        if self.has_post_segments()? {
            return Ok(self.implied_now()?.waiting);
        }
        self.conn
            .query_row("SELECT COUNT(*) FROM waiting_references", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|v| v as u64)
            .map_err(|e| self.err(e))
    }

    /// Rows of `(text, integer, integer)` from a query without parameters.
    fn text_int_int_rows(&self, sql: &str) -> Result<Vec<(String, i64, i64)>> {
        let e = |e| self.err(e);
        let mut stmt = self.conn.prepare(sql).map_err(e)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(e)?;
        rows.collect::<Result<_, _>>().map_err(e)
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

/// The dashboard's overview: the counts and the time span, without `stats`' breakdowns by kind and
/// most interacted accounts (which read every interaction).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Overview {
    pub accounts: u64,
    pub posts: u64,
    pub interactions: u64,
    /// Accounts per platform, most first.
    pub accounts_by_platform: Vec<(String, u64)>,
    /// Earliest and latest dated interaction or post (UTC seconds).
    pub first_time: Option<i64>,
    pub last_time: Option<i64>,
}

impl Store {
    /// Counts, accounts per platform and the time span: each an index walk or an index end.
    pub fn overview(&self) -> Result<Overview> {
        let c = &self.conn;
        let e = |e| self.err(e);
        let count = |sql: &str| -> Result<u64> {
            c.query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|v| v as u64)
                .map_err(e)
        };
        let span =
            |sql: &str| -> Result<Option<i64>> { c.query_row(sql, [], |r| r.get(0)).map_err(e) };
        let mut stmt = c
            .prepare_cached(
                "SELECT platform, COUNT(*) AS n FROM accounts GROUP BY platform ORDER BY n DESC, platform",
            )
            .map_err(e)?;
        let accounts_by_platform = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })
            .map_err(e)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(e)?;
        // Segments are counted from the catalogue (an event stored in two files counts twice until
        // `earshot compact`; `stats` counts exactly).
        let (seg_rows, seg_min, seg_max): (i64, Option<i64>, Option<i64>) = c
            .query_row(
                "SELECT COALESCE(SUM(rows) FILTER (WHERE content = 'interactions'), 0),
                        MIN(min_time), MAX(max_time) FROM event_segments",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(e)?;
        // Posts in the log are counted from the catalogue, like interactions (a post two files hold
        // counts twice here until `earshot compact`; `stats` counts each once).
        let logged_posts =
            count("SELECT COALESCE(SUM(rows), 0) FROM event_segments WHERE content = 'posts'")?;
        Ok(Overview {
            accounts: accounts_by_platform.iter().map(|p| p.1).sum(),
            posts: count("SELECT COUNT(*) FROM posts")? + logged_posts,
            interactions: seg_rows.max(0) as u64
                + if self.has_post_segments()? {
                    // Posts in the log: SQLite's implied rows are not read, the derived ones are.
                    count("SELECT COUNT(*) FROM interactions WHERE implied_by IS NULL")?
                        + self.implied_now()?.rows.len() as u64
                } else {
                    count("SELECT COUNT(*) FROM interactions")?
                },
            accounts_by_platform,
            first_time: min_opt(
                min_opt(span("SELECT MIN(time) FROM interactions")?, seg_min),
                span("SELECT MIN(time) FROM posts")?,
            ),
            last_time: max_opt(
                max_opt(span("SELECT MAX(time) FROM interactions")?, seg_max),
                span("SELECT MAX(time) FROM posts")?,
            ),
        })
    }
}

/// The interaction half of [`Stats`], read from the merged event log.
struct LogStats {
    interactions: u64,
    undated: u64,
    first_time: Option<i64>,
    last_time: Option<i64>,
    by_kind: Vec<KindCount>,
    most_interacted: Vec<TopAccount>,
}

/// `MIN` or `MAX` of the posts' times.
fn span_posts(c: &rusqlite::Connection, agg: &str) -> rusqlite::Result<Option<i64>> {
    c.query_row(&format!("SELECT {agg}(time) FROM posts"), [], |r| r.get(0))
}

impl Store {
    /// Counts of the merged log: one pass for the totals and per-target counts, one per platform for
    /// the kinds, one for the top targets' distinct actors.
    fn log_stats(&self, top: usize, platforms: &[PlatformCount]) -> Result<LogStats> {
        use crate::segments::merge::Filter;
        let mut out = LogStats {
            interactions: 0,
            undated: 0,
            first_time: None,
            last_time: None,
            by_kind: Vec::new(),
            most_interacted: Vec::new(),
        };
        let mut received = rustc_hash::FxHashMap::<i64, u64>::default();
        self.merged_interactions(Filter::default(), |r| {
            out.interactions += 1;
            match r.time {
                None => out.undated += 1,
                Some(t) => {
                    out.first_time = Some(out.first_time.map_or(t, |f| f.min(t)));
                    out.last_time = Some(out.last_time.map_or(t, |l| l.max(t)));
                }
            }
            *received.entry(r.target).or_default() += 1;
        })?;
        for p in platforms {
            let mut kinds = std::collections::BTreeMap::<u8, u64>::new();
            let filter = Filter {
                platform: Some(&p.platform),
                ..Filter::default()
            };
            self.merged_interactions(filter, |r| *kinds.entry(r.kind.code()).or_default() += 1)?;
            for (code, count) in kinds {
                let kind = InteractionKind::from_code(code)
                    .map(|k| k.name().to_string())
                    .unwrap_or_else(|| format!("unknown({code})"));
                out.by_kind.push(KindCount {
                    platform: p.platform.clone(),
                    kind,
                    count,
                });
            }
        }
        let mut ranked: Vec<(i64, u64)> = received.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(top);
        if ranked.is_empty() {
            return Ok(out);
        }
        let mut actors: rustc_hash::FxHashMap<i64, rustc_hash::FxHashSet<i64>> = ranked
            .iter()
            .map(|&(t, _)| (t, Default::default()))
            .collect();
        self.merged_interactions(Filter::default(), |r| {
            if let Some(set) = actors.get_mut(&r.target) {
                set.insert(r.actor);
            }
        })?;
        for (target, n) in ranked {
            let Some((platform, ext_id, handle)) = self.account_key(target)? else {
                continue;
            };
            out.most_interacted.push(TopAccount {
                platform,
                ext_id,
                handle,
                received: n,
                distinct_actors: actors.get(&target).map_or(0, |s| s.len() as u64),
            });
        }
        out.most_interacted.sort_by(|a, b| {
            b.received
                .cmp(&a.received)
                .then_with(|| a.platform.cmp(&b.platform))
                .then_with(|| a.ext_id.cmp(&b.ext_id))
        });
        Ok(out)
    }

    /// `(platform, ext_id, handle)` of an account by stable id.
    fn account_key(&self, id: i64) -> Result<Option<(String, String, Option<String>)>> {
        use rusqlite::OptionalExtension;
        self.conn
            .prepare_cached("SELECT platform, ext_id, handle FROM accounts WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .map_err(|e| self.err(e))
    }
}
