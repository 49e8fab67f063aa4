//! An account's score across runs, and the week and month changes between them.

use crate::error::UsageError;
use crate::topics::same_label;
use anyhow::Result;
use earshot_store::{ScoreRow, ScoreRun, Store, TopicInfo, TopicScoreRow};

/// Why a history shows no change: no earlier run of the account is old enough to compare with.
fn no_delta(days: i64) -> &'static str {
    if days >= 30 {
        "no run a month earlier"
    } else {
        "no run a week earlier"
    }
}

/// The change of the `k`-th run of a history (each run's as-of instant and score, oldest first)
/// against the latest earlier run at least `days` older by the instant each describes; without one,
/// why there is none.
fn delta(points: &[(i64, f64)], k: usize, days: i64) -> Result<f64, &'static str> {
    let (as_of, score) = points[k];
    points[..k]
        .iter()
        .rev()
        .find(|(t, _)| *t <= as_of - days * 86_400)
        .map(|(_, old)| score - old)
        .ok_or(no_delta(days))
}

/// One run of an account's history with its week and month changes: each `None` with a note saying
/// why when no run is old enough to compare with.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct HistoryItem<S> {
    #[schema(value_type = Object)]
    pub run: ScoreRun,
    /// The instant the run describes (its end of data), unix seconds.
    pub as_of: i64,
    /// The topic, in a topic's history.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub topic: Option<TopicInfo>,
    pub score: S,
    pub week_delta: Option<f64>,
    pub week_delta_note: Option<&'static str>,
    pub month_delta: Option<f64>,
    pub month_delta_note: Option<&'static str>,
}

/// `earshot --json history`'s output (and `history --topic`'s).
#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryReport<S> {
    /// The account as the request named it.
    pub account: String,
    /// The topic as the request named it, in a topic's history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    pub history: Vec<HistoryItem<S>>,
    pub platform: String,
    pub platform_id: String,
    pub handle: Option<String>,
}

impl<S> HistoryReport<S> {
    /// Why changes are missing, each reason once, in order of first appearance.
    pub fn notes(&self) -> Vec<&'static str> {
        let mut notes: Vec<&'static str> = Vec::new();
        for item in &self.history {
            for note in [item.week_delta_note, item.month_delta_note]
                .into_iter()
                .flatten()
            {
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
        }
        notes
    }
}

/// An account's history from its runs (oldest first), each with its score's value for the deltas.
fn history<S>(
    store: &Store,
    account: i64,
    shown: &str,
    topic: Option<&str>,
    rows: Vec<(ScoreRun, Option<TopicInfo>, S)>,
    value: impl Fn(&S) -> f64,
) -> Result<HistoryReport<S>> {
    // Changes against the latest earlier run at least a week (a month) older, by the instant each
    // describes.
    let points: Vec<(i64, f64)> = rows
        .iter()
        .map(|(run, _, s)| (run.as_of(), value(s)))
        .collect();
    let history = rows
        .into_iter()
        .enumerate()
        .map(|(k, (run, topic, score))| {
            let (week, month) = (delta(&points, k, 7), delta(&points, k, 30));
            HistoryItem {
                as_of: run.as_of(),
                run,
                topic,
                score,
                week_delta: week.ok(),
                week_delta_note: week.err(),
                month_delta: month.ok(),
                month_delta_note: month.err(),
            }
        })
        .collect();
    let name = store.account_name(account)?.unwrap_or_default();
    Ok(HistoryReport {
        account: shown.to_string(),
        topic: topic.map(str::to_string),
        history,
        platform: name.platform,
        platform_id: name.platform_id,
        handle: name.handle,
    })
}

/// `account`'s stored score in every run (`shown` is how the request named it).
pub fn score_history(store: &Store, account: i64, shown: &str) -> Result<HistoryReport<ScoreRow>> {
    let rows = store
        .score_history(account)?
        .into_iter()
        .map(|(run, row)| (run, None, row))
        .collect();
    history(store, account, shown, None, rows, |r: &ScoreRow| r.overall)
}

/// `account`'s score on the topic named `topic` (key or label, any case), in every run that has one.
/// A name no run has is a usage error naming the request's `topic_field` and the topics there are.
pub fn topic_history(
    store: &Store,
    account: i64,
    shown: &str,
    topic: &str,
    topic_field: &str,
) -> Result<HistoryReport<TopicScoreRow>> {
    let q = topic.trim();
    let named = |t: &TopicInfo| t.key.eq_ignore_ascii_case(q) || same_label(&t.label, q);
    let mut known = false;
    for run in store.score_runs()? {
        if store.run_topics(run.id)?.iter().any(named) {
            known = true;
            break;
        }
    }
    if !known {
        let keys = store.topic_keys()?;
        return Err(UsageError(if keys.is_empty() {
            format!("{topic_field} {topic:?}: no run has topics (score with `earshot score --topics FILE|auto`)")
        } else {
            format!(
                "{topic_field} {topic:?}: no run has such a topic; the runs' topics are {}",
                keys.join(", ")
            )
        })
        .into());
    }
    let rows = store
        .topic_history(account)?
        .into_iter()
        .filter(|(_, t, _)| named(t))
        .map(|(run, t, row)| (run, Some(t), row))
        .collect();
    history(
        store,
        account,
        shown,
        Some(topic),
        rows,
        |r: &TopicScoreRow| r.score,
    )
}
