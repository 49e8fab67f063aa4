//! Reading interactions, wherever they are stored: SQLite's rows and the event log's segments, merged
//! (`segments/merge.rs`); with no segment, the counts take SQLite's own indexed paths.

use crate::read::{interaction_filter, InteractionRow, TimeWindow};
use crate::segments::merge::Filter;
use crate::{Result, Store};
use earshot_model::InteractionKind;
use rusqlite::params;

impl Store {
    /// Call `f` for every interaction in `window` (optionally of one platform), SQLite's and the event
    /// log's, in (kind, target, time, id) order with each id once (`segments/merge.rs`). The order is the
    /// same however the interactions are stored (rows, segments, split or repeated), so every result
    /// computed from them is too. Returns how many rows were visited. Rows with a kind code this build
    /// does not know are skipped (a newer earshot wrote them).
    pub fn scan_interactions(
        &self,
        window: TimeWindow,
        platform: Option<&str>,
        f: impl FnMut(&InteractionRow),
    ) -> Result<u64> {
        self.merged_interactions(
            Filter {
                window,
                platform,
                kind: None,
            },
            f,
        )
    }

    /// Per followed account, its distinct followers by the stored follow edges (optionally of one
    /// platform), counting undated edges and those before `before` (all when `None`). Unfollows are not
    /// subtracted: a graph file has none, and a stream of follows is counted as who followed at all.
    pub fn follow_edge_counts(
        &self,
        platform: Option<&str>,
        before: Option<i64>,
    ) -> Result<Vec<(i64, u64)>> {
        if self.has_segments()? {
            // Merged follows come target by target, so a target's distinct actors are counted as it ends.
            let mut out = Vec::new();
            let mut current: Option<i64> = None;
            let mut actors = rustc_hash::FxHashSet::default();
            let filter = Filter {
                window: TimeWindow::all(),
                platform,
                kind: Some(InteractionKind::Follow),
            };
            self.merged_interactions(filter, |r| {
                if r.time.is_some_and(|t| before.is_some_and(|b| t >= b)) {
                    return;
                }
                if current != Some(r.target) {
                    if let Some(t) = current {
                        out.push((t, actors.len() as u64));
                    }
                    current = Some(r.target);
                    actors.clear();
                }
                actors.insert(r.actor);
            })?;
            if let Some(t) = current {
                out.push((t, actors.len() as u64));
            }
            return Ok(out);
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT i.target, COUNT(DISTINCT i.actor) FROM interactions i
                 WHERE i.kind = ?1 AND (i.time IS NULL OR ?2 IS NULL OR i.time < ?2)
                   AND (?3 IS NULL OR i.target IN (SELECT id FROM accounts WHERE platform = ?3))
                 GROUP BY i.target",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(
                params![i64::from(InteractionKind::Follow.code()), before, platform],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?.max(0) as u64)),
            )
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The latest interaction time in `window` (optionally of one platform, by target, as
    /// [`Store::scan_interactions`] reads them); `None` when no interaction there is dated.
    pub fn last_interaction_time(
        &self,
        window: TimeWindow,
        platform: Option<&str>,
    ) -> Result<Option<i64>> {
        if self.has_segments()? {
            let mut last: Option<i64> = None;
            self.merged_interactions(filter_of(window, platform), |r| {
                last = last.max(r.time);
            })?;
            return Ok(last);
        }
        let (filter, values) = interaction_filter(window, platform);
        self.conn
            .prepare(&format!("SELECT MAX(i.time) FROM interactions i {filter}"))
            .and_then(|mut s| s.query_row(rusqlite::params_from_iter(values), |r| r.get(0)))
            .map_err(|e| self.err(e))
    }

    /// Dated interactions per UTC day (`time` floored to a multiple of 86,400 s, over 86,400), of one
    /// platform (by target) when given, oldest day first: the shape of the data in time, for choosing
    /// a default scoring window. One pass over the time index.
    pub fn interactions_per_day(&self, platform: Option<&str>) -> Result<Vec<(i64, u64)>> {
        if self.has_segments()? {
            let mut days = std::collections::BTreeMap::<i64, u64>::new();
            self.merged_interactions(filter_of(TimeWindow::all(), platform), |r| {
                if let Some(t) = r.time {
                    *days.entry(t.div_euclid(86_400)).or_default() += 1;
                }
            })?;
            return Ok(days.into_iter().collect());
        }
        let (filter, values) = interaction_filter(TimeWindow::all(), platform);
        let dated = if filter.is_empty() {
            "WHERE i.time IS NOT NULL".to_string()
        } else {
            format!("{filter} AND i.time IS NOT NULL")
        };
        // Floor division, also for times before 1970 (SQLite's `/` truncates toward zero).
        let sql = format!(
            "SELECT (i.time - ((i.time % 86400) + 86400) % 86400) / 86400 AS day, COUNT(*)
             FROM interactions i {dated} GROUP BY day ORDER BY day"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as u64))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// How many interactions lie in `window` (of `platform`, by target); with an unbounded window,
    /// undated ones included.
    pub fn interaction_count(&self, window: TimeWindow, platform: Option<&str>) -> Result<u64> {
        if self.has_segments()? {
            return self.merged_interactions(filter_of(window, platform), |_| {});
        }
        let (filter, values) = interaction_filter(window, platform);
        self.conn
            .prepare(&format!("SELECT COUNT(*) FROM interactions i {filter}"))
            .and_then(|mut s| {
                s.query_row(rusqlite::params_from_iter(values), |r| r.get::<_, i64>(0))
            })
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Where a slice of the data ends, for decay and rates: `window.to`, else just after the latest
    /// interaction in `window` (of `platform`, when given); 0 when nothing there is dated. One
    /// platform's data is never measured back from another's later end.
    pub fn window_end(&self, window: TimeWindow, platform: Option<&str>) -> Result<i64> {
        Ok(match window.to {
            Some(t) => t,
            None => self
                .last_interaction_time(window, platform)?
                .map_or(0, |t| t + 1),
        })
    }
}

/// A merged scan's filter for `window` and `platform`, all kinds.
fn filter_of(window: TimeWindow, platform: Option<&str>) -> Filter<'_> {
    Filter {
        window,
        platform,
        kind: None,
    }
}
