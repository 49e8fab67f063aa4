//! Score runs: what `earshot score` computed, when, with which model, for `top`, `explain` and `history`.

use crate::columns::{component_params, components_from};
use crate::runs::ScoreRun;
use crate::{Result, Store};
use rusqlite::types::ToSql;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};

/// The five components in stored column order.
pub const COMPONENTS: [&str; 5] = [
    "audience",
    "amplification",
    "conversation",
    "authority",
    "reach",
];

/// An account found by [`Store::find_accounts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMatch {
    pub id: i64,
    pub platform: String,
    pub ext_id: String,
    pub handle: Option<String>,
}

/// One account's stored score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoreRow {
    pub account: i64,
    pub overall: f64,
    /// Raw component values, in [`COMPONENTS`] order.
    pub raw: [f64; 5],
    pub pct: [f64; 5],
    pub askers: u32,
    pub askers_answered: u32,
    /// The account's authenticity weight (0–1) as the run used it; `None` for runs made without an
    /// authenticity model or before it was stored.
    pub authenticity: Option<f64>,
    /// Authentic reactions the model expects the account to receive next week (models from
    /// earshot-score-4 on); `None` for earlier models, and for accounts not scored (`overall` 0).
    pub expected: Option<f64>,
}

/// How people name a scored account: its platform, the platform's own id for it (`ext_id` in the store;
/// `@handle` for accounts known only by handle) and its handle, `None` when unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AccountName {
    pub platform: String,
    pub platform_id: String,
    pub handle: Option<String>,
}

/// Which accounts a ranking shows: those of one platform, those the run found at least this
/// authentic (accounts without an authenticity weight are left out by a minimum).
#[derive(Debug, Clone, Copy, Default)]
pub struct RankFilter<'a> {
    pub platform: Option<&'a str>,
    pub min_authenticity: Option<f64>,
}

impl<'a> RankFilter<'a> {
    pub fn platform(platform: Option<&'a str>) -> Self {
        RankFilter {
            platform,
            min_authenticity: None,
        }
    }
}

/// A stored score with its account's names, as `top`, `history` and the API show it. Serialises as one
/// flat record: the score's fields (with `account`, earshot's internal id) and `platform`, `platform_id`,
/// `handle`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NamedScore {
    #[serde(flatten)]
    pub score: ScoreRow,
    #[serde(flatten)]
    pub name: AccountName,
}

const SCORE_COLUMNS: &str =
    "account, overall, audience, audience_pct, amplification, amplification_pct, conversation, \
     conversation_pct, authority, authority_pct, reach, reach_pct, askers, askers_answered, authenticity, expected";

/// One page of a run's ranking by `column` (overall or a component; checked by the caller), ties
/// broken by overall, then by account. Overall is named once when it is the column: with
/// `overall DESC, overall DESC` SQLite (3.54) plans a scan of the whole run and a sort instead of the
/// walk down the (run_id, overall) index that stops after the page: 10 ms against 40 µs a page on a
/// run of 22,437 accounts.
fn top_scores_sql(column: &str) -> String {
    let order = if column == "overall" {
        "s.overall DESC, s.account".to_string()
    } else {
        format!("s.{column} DESC, s.overall DESC, s.account")
    };
    format!(
        "SELECT a.platform, a.ext_id, a.handle, {} FROM scores s JOIN accounts a ON a.id = s.account
         WHERE s.run_id = ?1 AND (?2 IS NULL OR a.platform = ?2)
           AND (?5 IS NULL OR s.authenticity >= ?5)
         ORDER BY {order} LIMIT ?3 OFFSET ?4",
        SCORE_COLUMNS
            .split(", ")
            .map(|c| format!("s.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn score_from(r: &Row<'_>, offset: usize) -> rusqlite::Result<ScoreRow> {
    let (raw, pct) = components_from(r, offset + 2)?;
    Ok(ScoreRow {
        account: r.get(offset)?,
        overall: r.get(offset + 1)?,
        raw,
        pct,
        askers: r.get::<_, i64>(offset + 12)? as u32,
        askers_answered: r.get::<_, i64>(offset + 13)? as u32,
        authenticity: r.get(offset + 14)?,
        expected: r.get(offset + 15)?,
    })
}

fn name_from(r: &Row<'_>, offset: usize) -> rusqlite::Result<AccountName> {
    Ok(AccountName {
        platform: r.get(offset)?,
        platform_id: r.get(offset + 1)?,
        handle: r.get(offset + 2)?,
    })
}

impl Store {
    /// Store a run and all its scores in one transaction; returns the run's id.
    pub fn save_score_run(&mut self, run: &ScoreRun, rows: &[ScoreRow]) -> Result<i64> {
        self.save_score_run_with_topics(run, rows, None)
    }

    /// [`Store::save_score_run`] with the run's topic scores, if it has them, in the same transaction:
    /// a run is never stored without the topics it was asked for.
    pub fn save_score_run_with_topics(
        &mut self,
        run: &ScoreRun,
        rows: &[ScoreRow],
        topics: Option<&crate::TopicScores>,
    ) -> Result<i64> {
        self.save_run(run, rows, topics, None)
    }

    /// [`Store::save_score_run_with_topics`] completing the run's score-log row `log` in the same
    /// transaction, so that a run is `done` exactly when its scores are stored
    /// ([`Store::start_score`]).
    pub fn save_logged_score_run(
        &mut self,
        log: crate::ScoreLog,
        run: &ScoreRun,
        rows: &[ScoreRow],
        topics: Option<&crate::TopicScores>,
        now: i64,
    ) -> Result<i64> {
        self.save_run(run, rows, topics, Some((log, now)))
    }

    fn save_run(
        &mut self,
        run: &ScoreRun,
        rows: &[ScoreRow],
        topics: Option<&crate::TopicScores>,
        log: Option<(crate::ScoreLog, i64)>,
    ) -> Result<i64> {
        let exclusive = self.exclusive;
        let path = self.path.clone();
        let e = |e| crate::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let id = crate::runs::insert(&tx, run).map_err(e)?;
        {
            let mut stmt = tx
                .prepare(&format!(
                    "INSERT INTO scores (run_id, {SCORE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
                ))
                .map_err(e)?;
            for s in rows {
                let head: [&dyn ToSql; 3] = [&id, &s.account, &s.overall];
                let tail: [&dyn ToSql; 4] =
                    [&s.askers, &s.askers_answered, &s.authenticity, &s.expected];
                stmt.execute(params_from_iter(
                    head.into_iter()
                        .chain(component_params(&s.raw, &s.pct))
                        .chain(tail),
                ))
                .map_err(e)?;
            }
        }
        if let Some(t) = topics {
            crate::topics::save(&tx, id, t).map_err(e)?;
        }
        if let Some((log, now)) = log {
            crate::score_log::complete(&tx, log, id, now, exclusive).map_err(e)?;
        }
        tx.commit().map_err(e)?;
        Ok(id)
    }

    /// The `limit` best accounts of a run by `by` (`overall` or a component name), optionally of one
    /// platform, each with its names. Unknown column names are refused, not interpolated.
    pub fn top_scores(
        &self,
        run: i64,
        by: &str,
        limit: usize,
        platform: Option<&str>,
    ) -> Result<Vec<NamedScore>> {
        self.top_scores_page(run, by, limit, 0, &RankFilter::platform(platform))
    }

    /// [`Store::top_scores`] from the `offset`-th account on: one page of the ranking, of the
    /// accounts `filter` lets through.
    pub fn top_scores_page(
        &self,
        run: i64,
        by: &str,
        limit: usize,
        offset: usize,
        filter: &RankFilter<'_>,
    ) -> Result<Vec<NamedScore>> {
        let column = if by == "overall" || COMPONENTS.contains(&by) {
            by
        } else {
            return Err(crate::StoreError::Invalid {
                path: self.path.clone(),
                what: "score column",
                why: format!("{by:?} is not overall or a component"),
            });
        };
        let sql = top_scores_sql(column);
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(
                params![
                    run,
                    filter.platform,
                    limit as i64,
                    offset as i64,
                    filter.min_authenticity
                ],
                |r| {
                    Ok(NamedScore {
                        name: name_from(r, 0)?,
                        score: score_from(r, 3)?,
                    })
                },
            )
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// How many of run `run`'s scored accounts fall in each of `bins` equal bins of the 1–100 score
    /// (bin `i` holds scores in [100·i/bins, 100·(i+1)/bins), the last also 100), and
    /// how many the run left unscored (overall 0 or none). Reads the (run_id, overall) index alone.
    pub fn score_histogram(&self, run: i64, bins: usize) -> Result<(Vec<u64>, u64)> {
        let bins = bins.max(1);
        let mut counts = vec![0u64; bins];
        let mut unscored = 0;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT CAST(s.overall * ?2 / 100.0 AS INTEGER),
                        s.overall > 0, count(*)
                 FROM scores s WHERE s.run_id = ?1 GROUP BY 1, 2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![run, bins as i64], |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, Option<bool>>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (bin, scored, n) = row.map_err(|e| self.err(e))?;
            match (bin, scored) {
                (Some(b), Some(true)) => counts[(b.max(0) as usize).min(bins - 1)] += n as u64,
                _ => unscored += n as u64,
            }
        }
        Ok((counts, unscored))
    }

    /// How people name the account with stable id `account`, if it is stored.
    pub fn account_name(&self, account: i64) -> Result<Option<AccountName>> {
        self.conn
            .prepare_cached("SELECT platform, ext_id, handle FROM accounts WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row(params![account], |r| name_from(r, 0))
                    .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// One account's score in one run, if the run scored it.
    pub fn account_score(&self, run: i64, account: i64) -> Result<Option<ScoreRow>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {SCORE_COLUMNS} FROM scores WHERE run_id = ?1 AND account = ?2"
            ))
            .and_then(|mut s| {
                s.query_row(params![run, account], |r| score_from(r, 0))
                    .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// One account's score in every run that scored it, oldest first.
    pub fn score_history(&self, account: i64) -> Result<Vec<(ScoreRun, ScoreRow)>> {
        let runs = self.score_runs()?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT run_id, {SCORE_COLUMNS} FROM scores WHERE account = ?1 ORDER BY run_id"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![account], |r| {
                Ok((r.get::<_, i64>(0)?, score_from(r, 1)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (run_id, score) = row.map_err(|e| self.err(e))?;
            if let Some(run) = runs.iter().find(|r| r.id == run_id) {
                out.push((run.clone(), score));
            }
        }
        Ok(out)
    }

    /// The account a client names on `platform`: by exact ext_id, then by handle (`@handle` or `handle`,
    /// any case). Every step is an index lookup, so this is cheap enough for a busy API; unlike
    /// [`Store::find_accounts`] it never scans. Of several accounts sharing a handle, the lowest id wins.
    /// The match's `handle` is left empty: callers that show the account read it with the profile.
    pub fn lookup_account(&self, platform: &str, query: &str) -> Result<Option<AccountMatch>> {
        let q = query.trim();
        let handle = q.trim_start_matches('@');
        if q.is_empty() {
            return Ok(None);
        }
        let by_id = |ext: &str| -> Result<Option<AccountMatch>> {
            Ok(self.account_id(platform, ext)?.map(|id| AccountMatch {
                id,
                platform: platform.to_string(),
                ext_id: ext.to_string(),
                handle: None,
            }))
        };
        let mut found = by_id(q)?;
        if found.is_none() && !handle.is_empty() {
            found = by_id(&format!("@{}", handle.to_lowercase()))?;
        }
        if found.is_none() && !handle.is_empty() {
            found = self
                .conn
                .prepare_cached(
                    "SELECT id, ext_id FROM accounts WHERE platform = ?1 AND handle = ?2 COLLATE NOCASE
                     ORDER BY id LIMIT 1",
                )
                .and_then(|mut s| {
                    s.query_row(params![platform, handle], |r| {
                        Ok(AccountMatch {
                            id: r.get(0)?,
                            platform: platform.to_string(),
                            ext_id: r.get(1)?,
                            handle: None,
                        })
                    })
                    .optional()
                })
                .map_err(|e| self.err(e))?;
        }
        Ok(found)
    }

    /// Accounts matching what a user typed: `@handle` or `handle` (any case), or an ext_id; optionally
    /// of one platform.
    pub fn find_accounts(&self, query: &str, platform: Option<&str>) -> Result<Vec<AccountMatch>> {
        let q = query.trim();
        let handle = q.trim_start_matches('@');
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, platform, ext_id, handle FROM accounts
                 WHERE (ext_id = ?1 OR ext_id = '@' || lower(?2) OR (handle IS NOT NULL AND handle = ?2 COLLATE NOCASE))
                   AND (?3 IS NULL OR platform = ?3)
                 ORDER BY platform, ext_id LIMIT 20",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![q, handle, platform], |r| {
                Ok(AccountMatch {
                    id: r.get(0)?,
                    platform: r.get(1)?,
                    ext_id: r.get(2)?,
                    handle: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranking by overall walks the index and stops after the page: no sort of the whole run.
    #[test]
    fn the_overall_ranking_reads_the_index_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let plan: Vec<String> = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", top_scores_sql("overall")))
            .unwrap()
            .query_map(params![1, None::<String>, 21, 0, None::<f64>], |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter().any(|d| d.contains("scores_by_overall")),
            "{plan:?}"
        );
        assert!(
            !plan.iter().any(|d| d.ends_with("FOR ORDER BY")),
            "the whole run is sorted: {plan:?}"
        );
    }

    fn row(account: i64, overall: f64, authenticity: Option<f64>) -> ScoreRow {
        ScoreRow {
            account,
            overall,
            raw: [0.0; 5],
            pct: [0.0; 5],
            askers: 0,
            askers_answered: 0,
            authenticity,
            expected: None,
        }
    }

    /// The histogram puts each score in its bin and counts the unscored apart; the authenticity
    /// filter keeps the ranking's order and leaves out accounts without a weight.
    #[test]
    fn histogram_bins_and_the_authenticity_filter() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let run = crate::ScoreRun {
            id: 0,
            created_at: 0,
            model_version: "m".into(),
            model_json: "{}".into(),
            window_from: None,
            window_to: Some(10),
            last_event: Some(10),
            platform: None,
            accounts: 6,
            interactions: 0,
            weights: [0.2; 5],
        };
        let rows = [
            row(1, 0.0, Some(1.0)),
            row(2, 4.9, Some(0.2)),
            row(3, 5.0, None),
            row(4, 55.0, Some(0.95)),
            row(5, 99.9, Some(0.5)),
            row(6, 100.0, Some(1.0)),
        ];
        for r in &rows {
            store
                .conn
                .execute(
                    "INSERT INTO accounts (id, platform, ext_id) VALUES (?1, 'p', ?2)",
                    params![r.account, r.account.to_string()],
                )
                .unwrap();
        }
        let id = store.save_score_run(&run, &rows).unwrap();
        let (bins, unscored) = store.score_histogram(id, 20).unwrap();
        assert_eq!(unscored, 1);
        assert_eq!((bins[0], bins[1], bins[11], bins[19]), (1, 1, 1, 2));
        assert_eq!(bins.iter().sum::<u64>(), 5);
        let filter = RankFilter {
            platform: None,
            min_authenticity: Some(0.9),
        };
        let ranked: Vec<i64> = store
            .top_scores_page(id, "overall", 10, 0, &filter)
            .unwrap()
            .iter()
            .map(|n| n.score.account)
            .collect();
        assert_eq!(ranked, vec![6, 4, 1]);
    }
}
