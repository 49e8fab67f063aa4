//! The accounts of one topic of a run, ranked (`earshot top --topic`).

use super::explain::run_with_topics;
use super::resolve_topic;
use crate::accounts::display_name;
use crate::error::UsageError;
use anyhow::Result;
use earshot_store::{AccountName, ScoreRun, Store, TopicInfo, TopicScoreRow, TOPIC_COMPONENTS};

/// What to rank: the run (default: the latest with topics), the topic by key or label, the order
/// (`overall`, a topic component, `listened`, `posts_about` or `reactions`) and how many.
pub struct TopicTopRequest<'a> {
    pub run: Option<i64>,
    pub topic: &'a str,
    pub by: &'a str,
    pub limit: usize,
    pub platform: Option<&'a str>,
}

/// A topic's ranked accounts.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TopicTopReport {
    #[schema(value_type = Object)]
    pub run: ScoreRun,
    #[schema(value_type = Object)]
    pub topic: TopicInfo,
    /// The order as the request named it.
    pub by: String,
    pub top: Vec<NamedTopicScore>,
}

/// A topic score with its account's names: one flat record.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct NamedTopicScore {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub score: TopicScoreRow,
    /// The account as text shows it (`@handle`, or the platform's id).
    pub name: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub account: AccountName,
}

/// The stored column an order names; `listened` is the topic audience.
fn column(by: &str) -> Result<&str> {
    match by {
        "overall" | "posts_about" | "reactions" => Ok(by),
        "listened" => Ok("audience"),
        _ if TOPIC_COMPONENTS.contains(&by) => Ok(by),
        _ => Err(UsageError(format!(
            "--by {by:?} with --topic: use overall, {}, listened (= audience), posts_about or reactions",
            TOPIC_COMPONENTS.join(", ")
        ))
        .into()),
    }
}

impl TopicTopRequest<'_> {
    /// Whether the order is one the topic scores have, before any database is opened.
    pub fn check(&self) -> Result<()> {
        column(self.by).map(|_| ())
    }
}

/// Rank the topic's accounts.
pub fn top_topic(
    store: &Store,
    q: &TopicTopRequest<'_>,
    topic_field: &str,
) -> Result<TopicTopReport> {
    let by = column(q.by)?;
    let run = run_with_topics(store, q.run)?;
    let topic = resolve_topic(store, &run, topic_field, q.topic)?;
    let top = store
        .top_topic_scores(run.id, topic.topic, by, q.limit, q.platform)?
        .into_iter()
        .map(|score| {
            Ok(NamedTopicScore {
                name: display_name(store, score.account)?,
                account: store.account_name(score.account)?.unwrap_or_default(),
                score,
            })
        })
        .collect::<Result<_>>()?;
    Ok(TopicTopReport {
        run,
        topic,
        by: q.by.to_string(),
        top,
    })
}
