//! Topics of a score run: assigning posts to them (`assign`), scoring every account within each
//! (`scoring`), explaining one account's topic score (`explain`), an account's topic profile (what it
//! posts about, and what it is listened to on) and finding a topic by key or label. Topics of any
//! posts, outside a run: reading the posts (`posts`), finding topics in them (`discover`), and
//! matching texts to a taxonomy (`matching`).

pub mod assign;
pub mod discover;
pub mod explain;
pub mod matching;
pub mod posts;
pub mod scoring;
pub mod top;

use crate::error::UsageError;
use anyhow::Result;
use earshot_store::{ScoreRun, Store, TopicInfo, TopicScoreRow};

/// An account's standing on one topic of a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct TopicStanding {
    pub key: String,
    pub label: String,
    /// 1–100 among the topic's accounts.
    pub score: f64,
    /// Its posts about the topic.
    pub posts_about: u32,
    /// Reactions from others through the topic's posts that earned credit.
    pub reactions: u32,
    /// Its topic audience: distinct reactors, each at most 1, weighted as the overall score weighs them.
    pub listened: f64,
}

/// An account's topic profile in a run. What an account posts about and what it is listened to on are
/// two different lists; the second says where its voice carries.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct TopicProfile {
    /// Where the run's taxonomy came from.
    pub source: String,
    /// Topics in the run's taxonomy.
    pub topics: usize,
    /// Topics it posts about, most posts first.
    pub posts_about: Vec<TopicStanding>,
    /// Topics it is listened to on, most listened first.
    pub listened_on: Vec<TopicStanding>,
    /// Whether the account has any row in the run's topics (a row may be on neither list).
    #[serde(skip)]
    pub has_rows: bool,
}

impl TopicProfile {
    /// The profile of `account` in `run`; `None` when the run has no topics.
    pub fn load(store: &Store, run: i64, account: i64) -> Result<Option<TopicProfile>> {
        let Some(topic_run) = store.topic_run(run)? else {
            return Ok(None);
        };
        let topics = store.run_topics(run)?;
        let rows: Vec<(&TopicInfo, TopicScoreRow)> = store
            .account_topic_scores(run, account)?
            .into_iter()
            .filter_map(|r| topics.iter().find(|t| t.topic == r.topic).map(|t| (t, r)))
            .collect();
        let standing = |(t, r): &&(&TopicInfo, TopicScoreRow)| TopicStanding {
            key: t.key.clone(),
            label: t.label.clone(),
            score: r.score,
            posts_about: r.posts_about,
            reactions: r.reactions,
            listened: r.listened,
        };
        let mut posts_about: Vec<_> = rows.iter().filter(|(_, r)| r.posts_about > 0).collect();
        posts_about.sort_by(|a, b| {
            b.1.posts_about
                .cmp(&a.1.posts_about)
                .then(a.0.topic.cmp(&b.0.topic))
        });
        let mut listened_on: Vec<_> = rows.iter().filter(|(_, r)| r.listened > 0.0).collect();
        listened_on.sort_by(|a, b| {
            b.1.listened
                .total_cmp(&a.1.listened)
                .then(a.0.topic.cmp(&b.0.topic))
        });
        Ok(Some(TopicProfile {
            source: topic_run.source,
            topics: topics.len(),
            posts_about: posts_about.iter().map(standing).collect(),
            listened_on: listened_on.iter().map(standing).collect(),
            has_rows: !rows.is_empty(),
        }))
    }
}

/// The topic of `run` a user named: its key, or failing that its label, in any case. A name the run
/// does not have is a usage error that lists the run's topics; `field` names the option or field the
/// name came from, for that message.
pub fn resolve_topic(store: &Store, run: &ScoreRun, field: &str, query: &str) -> Result<TopicInfo> {
    let topics = store.run_topics(run.id)?;
    if topics.is_empty() {
        return Err(UsageError(format!(
            "{field} {query:?}: run #{} has no topics (score with `earshot score --topics FILE|auto`)",
            run.id
        ))
        .into());
    }
    let q = query.trim();
    let found = topics
        .iter()
        .find(|t| t.key.eq_ignore_ascii_case(q))
        .or_else(|| topics.iter().find(|t| same_label(&t.label, q)));
    match found {
        Some(t) => Ok(t.clone()),
        None => Err(UsageError(format!(
            "{field} {query:?}: run #{} has no such topic; its topics are {}",
            run.id,
            topic_list(&topics)
        ))
        .into()),
    }
}

/// Whether a topic's label is `q`, in any case.
pub fn same_label(label: &str, q: &str) -> bool {
    label.to_lowercase() == q.to_lowercase()
}

fn topic_list(topics: &[TopicInfo]) -> String {
    topics
        .iter()
        .map(|t| {
            if t.label == t.key {
                t.key.clone()
            } else {
                format!("{} ({})", t.key, t.label)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
