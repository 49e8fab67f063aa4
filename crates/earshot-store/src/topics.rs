//! Topic scores of a run (`earshot score --topics`): the taxonomy it used, its topics, and each
//! account's scores within each topic, for `top --topic`, `explain --topic` and `history --topic`.

use crate::columns::{component_params, components_from};
use crate::runs::ScoreRun;
use crate::{Result, Store};
use rusqlite::types::ToSql;
use rusqlite::{params, params_from_iter, OptionalExtension, Row, Transaction};

/// The components a topic score has, in stored column order (reach has no topic form).
pub const TOPIC_COMPONENTS: [&str; 4] = ["audience", "amplification", "conversation", "authority"];

/// How a run assigned posts to topics.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TopicRun {
    /// The taxonomy file as given, or `auto`.
    pub source: String,
    /// Distinct taxonomy terms a post had to match to be about a topic.
    pub min_terms: u32,
    /// The taxonomy, as TOML.
    pub taxonomy: String,
    pub posts_with_text: u64,
    /// Posts about at least one topic.
    pub posts_assigned: u64,
}

/// One topic of a run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TopicInfo {
    /// Position in the taxonomy.
    pub topic: u32,
    pub key: String,
    pub label: String,
    /// Posts about it.
    pub posts: u64,
    /// Accounts with a row.
    pub accounts: u64,
}

/// One account's scores within one topic.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TopicScoreRow {
    pub topic: u32,
    pub account: i64,
    /// 1–100 among the topic's accounts.
    pub score: f64,
    /// Its posts about the topic.
    pub posts_about: u32,
    /// Reactions from others through the topic's posts that earned credit.
    pub reactions: u32,
    /// How much it is listened to on the topic: its topic audience (distinct reactors, each at most 1,
    /// weighted as the overall score weighs them).
    pub listened: f64,
    /// Raw values in [`TOPIC_COMPONENTS`] order.
    pub raw: [f64; 4],
    pub pct: [f64; 4],
}

/// Everything `earshot score --topics` stores beside a run.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicScores {
    pub run: TopicRun,
    pub topics: Vec<TopicInfo>,
    pub rows: Vec<TopicScoreRow>,
}

const ROW_COLUMNS: &str = "topic, account, score, posts_about, reactions, audience, audience_pct, \
     amplification, amplification_pct, conversation, conversation_pct, authority, authority_pct";

fn row_from(r: &Row<'_>, o: usize) -> rusqlite::Result<TopicScoreRow> {
    let (raw, pct) = components_from(r, o + 5)?;
    Ok(TopicScoreRow {
        topic: r.get::<_, i64>(o)? as u32,
        account: r.get(o + 1)?,
        score: r.get(o + 2)?,
        posts_about: r.get::<_, i64>(o + 3)? as u32,
        reactions: r.get::<_, i64>(o + 4)? as u32,
        listened: raw[0],
        raw,
        pct,
    })
}

fn topic_from(r: &Row<'_>) -> rusqlite::Result<TopicInfo> {
    Ok(TopicInfo {
        topic: r.get::<_, i64>(0)? as u32,
        key: r.get(1)?,
        label: r.get(2)?,
        posts: r.get::<_, i64>(3)? as u64,
        accounts: r.get::<_, i64>(4)? as u64,
    })
}

/// Writes a run's topic scores inside the run's own transaction.
pub(crate) fn save(tx: &Transaction<'_>, run_id: i64, t: &TopicScores) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO score_taxonomies (run_id, source, min_terms, taxonomy, posts_with_text, posts_assigned)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            run_id,
            t.run.source,
            t.run.min_terms,
            t.run.taxonomy,
            t.run.posts_with_text as i64,
            t.run.posts_assigned as i64
        ],
    )?;
    let mut stmt = tx.prepare(
        "INSERT INTO score_topics (run_id, topic, key, label, posts, accounts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for topic in &t.topics {
        stmt.execute(params![
            run_id,
            topic.topic,
            topic.key,
            topic.label,
            topic.posts as i64,
            topic.accounts as i64
        ])?;
    }
    let mut stmt = tx.prepare(&format!(
        "INSERT INTO topic_scores (run_id, {ROW_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    ))?;
    for s in &t.rows {
        let head: [&dyn ToSql; 6] = [
            &run_id,
            &s.topic,
            &s.account,
            &s.score,
            &s.posts_about,
            &s.reactions,
        ];
        stmt.execute(params_from_iter(
            head.into_iter().chain(component_params(&s.raw, &s.pct)),
        ))?;
    }
    Ok(())
}

impl Store {
    /// How run `run` assigned topics, if it did.
    pub fn topic_run(&self, run: i64) -> Result<Option<TopicRun>> {
        self.conn
            .query_row(
                "SELECT source, min_terms, taxonomy, posts_with_text, posts_assigned
                 FROM score_taxonomies WHERE run_id = ?1",
                params![run],
                |r| {
                    Ok(TopicRun {
                        source: r.get(0)?,
                        min_terms: r.get::<_, i64>(1)? as u32,
                        taxonomy: r.get(2)?,
                        posts_with_text: r.get::<_, i64>(3)? as u64,
                        posts_assigned: r.get::<_, i64>(4)? as u64,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The topics of run `run`, in id order (none for a run without topics).
    pub fn run_topics(&self, run: i64) -> Result<Vec<TopicInfo>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT topic, key, label, posts, accounts FROM score_topics WHERE run_id = ?1 ORDER BY topic",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![run], topic_from)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The `limit` best accounts of one topic of a run by `by` (`overall`, a [`TOPIC_COMPONENTS`]
    /// name, `posts_about` or `reactions`), optionally of one platform. Unknown names are refused.
    pub fn top_topic_scores(
        &self,
        run: i64,
        topic: u32,
        by: &str,
        limit: usize,
        platform: Option<&str>,
    ) -> Result<Vec<TopicScoreRow>> {
        self.top_topic_scores_page(run, topic, by, limit, 0, platform)
    }

    /// [`Store::top_topic_scores`] from the `offset`-th account on.
    pub fn top_topic_scores_page(
        &self,
        run: i64,
        topic: u32,
        by: &str,
        limit: usize,
        offset: usize,
        platform: Option<&str>,
    ) -> Result<Vec<TopicScoreRow>> {
        let column = match by {
            "overall" => "score",
            "posts_about" | "reactions" => by,
            _ if TOPIC_COMPONENTS.contains(&by) => by,
            _ => {
                return Err(crate::StoreError::Invalid {
                    path: self.path.clone(),
                    what: "topic score column",
                    why: format!(
                        "{by:?} is not overall, a topic component, posts_about or reactions"
                    ),
                })
            }
        };
        let cols = ROW_COLUMNS
            .split(", ")
            .map(|c| format!("s.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        // Ties by score, then account; the score named once (see `Store::top_scores_page`).
        let order = if column == "score" {
            "s.score DESC, s.account".to_string()
        } else {
            format!("s.{column} DESC, s.score DESC, s.account")
        };
        let sql = format!(
            "SELECT {cols} FROM topic_scores s JOIN accounts a ON a.id = s.account
             WHERE s.run_id = ?1 AND s.topic = ?2 AND (?3 IS NULL OR a.platform = ?3)
             ORDER BY {order} LIMIT ?4 OFFSET ?5"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(
                params![run, topic, platform, limit as i64, offset as i64],
                |r| row_from(r, 0),
            )
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// One account's rows in every topic of run `run`: its topic profile.
    pub fn account_topic_scores(&self, run: i64, account: i64) -> Result<Vec<TopicScoreRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM topic_scores WHERE run_id = ?1 AND account = ?2 ORDER BY topic"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![run, account], |r| row_from(r, 0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// One account's topic rows across every run, oldest run first, each with its run and topic.
    pub fn topic_history(&self, account: i64) -> Result<Vec<(ScoreRun, TopicInfo, TopicScoreRow)>> {
        let runs = self.score_runs()?;
        let cols = ROW_COLUMNS
            .split(", ")
            .map(|c| format!("s.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT t.topic, t.key, t.label, t.posts, t.accounts, s.run_id, {cols}
                 FROM topic_scores s JOIN score_topics t ON t.run_id = s.run_id AND t.topic = s.topic
                 WHERE s.account = ?1 ORDER BY s.run_id, s.topic"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![account], |r| {
                Ok((topic_from(r)?, r.get::<_, i64>(5)?, row_from(r, 6)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (topic, run_id, score) = row.map_err(|e| self.err(e))?;
            if let Some(run) = runs.iter().find(|r| r.id == run_id) {
                out.push((run.clone(), topic, score));
            }
        }
        Ok(out)
    }

    /// Every distinct topic key of every run, sorted: what `history --topic` can be asked about.
    pub fn topic_keys(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT key FROM score_topics ORDER BY key")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runs::ScoreRun;
    use crate::scores::ScoreRow;

    fn run() -> ScoreRun {
        ScoreRun {
            id: 0,
            created_at: 1,
            model_version: "m".into(),
            model_json: "{}".into(),
            window_from: None,
            window_to: Some(100),
            last_event: None,
            platform: None,
            accounts: 1,
            interactions: 1,
            weights: [0.2; 5],
        }
    }

    fn row(topic: u32, account: i64, score: f64) -> TopicScoreRow {
        TopicScoreRow {
            topic,
            account,
            score,
            posts_about: 2,
            reactions: 3,
            listened: 1.5,
            raw: [1.5, 0.0, 0.5, 2.0],
            pct: [0.5, 0.0, 0.25, 0.75],
        }
    }

    #[test]
    fn topic_scores_round_trip_with_their_run() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        let scores = [ScoreRow {
            account: 7,
            overall: 50.0,
            raw: [1.0; 5],
            pct: [0.5; 5],
            askers: 0,
            askers_answered: 0,
            authenticity: Some(0.25),
            expected: Some(12.5),
        }];
        let plain = s.save_score_run(&run(), &scores).unwrap();
        // The authenticity weight is stored with the score.
        assert_eq!(s.score_history(7).unwrap()[0].1.authenticity, Some(0.25));
        // So is the expected engagement behind it.
        assert_eq!(s.score_history(7).unwrap()[0].1.expected, Some(12.5));
        assert_eq!(s.topic_run(plain).unwrap(), None);
        assert!(s.run_topics(plain).unwrap().is_empty());
        let topics = TopicScores {
            run: TopicRun {
                source: "auto".into(),
                min_terms: 2,
                taxonomy: "[topics.a]\nhashtags = [\"x\"]\n".into(),
                posts_with_text: 10,
                posts_assigned: 4,
            },
            topics: vec![
                TopicInfo {
                    topic: 0,
                    key: "a".into(),
                    label: "A".into(),
                    posts: 4,
                    accounts: 2,
                },
                TopicInfo {
                    topic: 1,
                    key: "b".into(),
                    label: "B".into(),
                    posts: 0,
                    accounts: 0,
                },
            ],
            rows: vec![row(0, 7, 80.0), row(0, 8, 30.0)],
        };
        let id = s
            .save_score_run_with_topics(&run(), &scores, Some(&topics))
            .unwrap();
        assert_eq!(s.topic_run(id).unwrap().as_ref(), Some(&topics.run));
        assert_eq!(s.run_topics(id).unwrap(), topics.topics);
        // Accounts 7 and 8 are not in `accounts`: the platform join needs them.
        for a in [7i64, 8] {
            s.connection()
                .execute(
                    "INSERT INTO accounts (id, platform, ext_id) VALUES (?1, 'p', ?2)",
                    params![a, a.to_string()],
                )
                .unwrap();
        }
        let top = s.top_topic_scores(id, 0, "overall", 10, None).unwrap();
        assert_eq!(top, topics.rows);
        assert!(s.top_topic_scores(id, 0, "reach", 10, None).is_err());
        assert_eq!(
            s.account_topic_scores(id, 8).unwrap(),
            vec![row(0, 8, 30.0)]
        );
        let h = s.topic_history(7).unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].0.id, h[0].1.key.as_str()), (id, "a"));
        assert_eq!(s.topic_keys().unwrap(), vec!["a", "b"]);
    }
}
