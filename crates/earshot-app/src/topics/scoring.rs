//! Topic scores of a run: its posts assigned to the topics of a taxonomy (a user's file, or one
//! discovered from the posts), then every account scored within each topic with
//! `earshot_score::score_topic`: the overall score's own components over the reactions made through the
//! topic's posts, topic-sensitive authority, and the same calibration among the topic's accounts.

use super::assign::{self, Assigned, TopicSource};
use crate::accounts::display_name;
use crate::sources::Text;
use anyhow::Result;
use earshot_score::{
    score_topic, AuthorityGraph, Component, ScoreInput, ScoreModel, ScoreTable, TopicScope,
};
use earshot_store::{Store, TopicInfo, TopicRun, TopicScoreRow, TopicScores};
use rustc_hash::{FxHashMap, FxHashSet};
use std::time::Instant;

/// The components a topic score has (reach has no topic form), in stored order.
pub const COMPONENTS: [Component; 4] = [
    Component::Audience,
    Component::Amplification,
    Component::Conversation,
    Component::Authority,
];

/// What `--topics` produced for a run: scores to store, or a note saying why there are none.
pub struct TopicOutcome {
    pub source: String,
    pub note: Option<String>,
    pub scores: Option<TopicScores>,
    pub seconds: f64,
}

/// One topic's table: every account with a reaction through one of `posts`, and every author of one.
/// Authority restarts at the authors, in proportion to their posts on the topic.
pub fn topic_table(
    input: &ScoreInput,
    model: &ScoreModel,
    graph: &AuthorityGraph,
    posts: &FxHashSet<i64>,
    posts_about: &FxHashMap<i64, u32>,
) -> Result<ScoreTable> {
    let mut members: Vec<i64> = posts_about.keys().copied().collect();
    members.sort_unstable();
    let restart: Vec<(i64, f64)> = members
        .iter()
        .map(|a| (*a, f64::from(posts_about[a])))
        .collect();
    let ranks = graph.personalised(&restart)?;
    let authority = |a: i64| graph.value(&ranks, a);
    let in_topic = |p: i64| posts.contains(&p);
    Ok(score_topic(
        input,
        model,
        &Text,
        &TopicScope {
            in_topic: &in_topic,
            members: &members,
            authority: &authority,
        },
    )?)
}

/// Reactions from others through `posts`, by target; those made with spam or copies are left out, as
/// scoring leaves them out.
pub fn reactions_received(input: &ScoreInput, posts: &FxHashSet<i64>) -> FxHashMap<i64, u32> {
    let mut out: FxHashMap<i64, u32> = FxHashMap::default();
    for r in &input.reactions {
        if r.actor != r.target
            && r.post.is_some_and(|p| posts.contains(&p))
            && input.flag_of(r).is_none()
        {
            *out.entry(r.target).or_default() += 1;
        }
    }
    out
}

/// The stored rows of one topic's table.
fn rows_of(
    topic: u32,
    table: &ScoreTable,
    posts_about: &FxHashMap<i64, u32>,
    received: &FxHashMap<i64, u32>,
) -> Vec<TopicScoreRow> {
    (0..table.len())
        .map(|i| {
            let a = table.accounts[i];
            let raw = COMPONENTS.map(|c| table.raw[c.index()][i]);
            TopicScoreRow {
                topic,
                account: a,
                score: table.overall[i],
                posts_about: posts_about.get(&a).copied().unwrap_or(0),
                reactions: received.get(&a).copied().unwrap_or(0),
                listened: raw[0],
                raw,
                pct: COMPONENTS.map(|c| table.pct[c.index()][i]),
            }
        })
        .collect()
}

/// Assigns the input's posts to topics and scores every account within each. Linear in the posts'
/// text for the assignment; each topic then costs one pass over the reactions and one personalised
/// PageRank of the run's graph.
pub fn score_topics(
    store: &Store,
    input: &ScoreInput,
    model: &ScoreModel,
    source: &TopicSource,
) -> Result<TopicOutcome> {
    let started = Instant::now();
    let outcome = |note: String| TopicOutcome {
        source: source.name().to_string(),
        note: Some(note),
        scores: None,
        seconds: started.elapsed().as_secs_f64(),
    };
    let (topics, assignment) = match assign::assign(store, input, source)? {
        Assigned::NoText => {
            return Ok(outcome(
                "no posts with text in the window: no topic scores".into(),
            ))
        }
        Assigned::NothingFound(n) => {
            return Ok(outcome(format!(
                "topic discovery found no topics in the window's {n} posts with text (a term must be in 5 posts, and a topic needs 4 terms that occur together): no topic scores"
            )))
        }
        Assigned::Topics(found) => *found,
    };
    let graph = AuthorityGraph::new(input, model)?;
    let mut infos = Vec::new();
    let mut rows = Vec::new();
    for (t, (key, label)) in topics
        .matcher
        .keys()
        .iter()
        .zip(topics.matcher.labels())
        .enumerate()
    {
        let posts = &assignment.posts[t];
        let mut accounts = 0;
        if !posts.is_empty() {
            let posts_about = &assignment.posts_about[t];
            let table = topic_table(input, model, &graph, posts, posts_about)?;
            let received = reactions_received(input, posts);
            let r = rows_of(t as u32, &table, posts_about, &received);
            accounts = r.len() as u64;
            rows.extend(r);
        }
        infos.push(TopicInfo {
            topic: t as u32,
            key: key.clone(),
            label: label.clone(),
            posts: posts.len() as u64,
            accounts,
        });
    }
    Ok(TopicOutcome {
        source: topics.source.clone(),
        note: None,
        scores: Some(TopicScores {
            run: TopicRun {
                source: topics.source,
                min_terms: topics.min_terms,
                taxonomy: topics.toml,
                posts_with_text: assignment.posts_with_text,
                posts_assigned: assignment.posts_assigned,
            },
            topics: infos,
            rows,
        }),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A topic's best rows that earned something (a score above 1), best first (the order `top --topic`
/// lists them in).
fn best_of(scores: &TopicScores, topic: u32, n: usize) -> Vec<&TopicScoreRow> {
    let mut v: Vec<&TopicScoreRow> = scores
        .rows
        .iter()
        .filter(|r| r.topic == topic && r.score > 1.0)
        .collect();
    v.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.account.cmp(&b.account)));
    v.truncate(n);
    v
}

/// One of a topic's best accounts, with its names.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TopicLeader {
    pub account: i64,
    /// `@handle` or platform id.
    pub name: String,
    pub score: f64,
    pub platform: String,
    pub platform_id: String,
    pub handle: Option<String>,
}

/// One topic of a run with its best accounts.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TopicSummary {
    #[schema(value_type = Object)]
    pub topic: TopicInfo,
    pub best: Vec<TopicLeader>,
}

/// What `score --topics` reports: the topics and their best accounts, or why there are none.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TopicScoringReport {
    pub source: String,
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_terms: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts_with_text: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts_assigned: Option<u64>,
    pub seconds: f64,
    pub topics: Vec<TopicSummary>,
}

impl TopicOutcome {
    /// The outcome as reported, each topic with its best three accounts named.
    pub fn report(&self, store: &Store) -> Result<TopicScoringReport> {
        let mut topics = Vec::new();
        if let Some(s) = &self.scores {
            for t in &s.topics {
                let mut best = Vec::new();
                for r in best_of(s, t.topic, 3) {
                    let name = store.account_name(r.account)?.unwrap_or_default();
                    best.push(TopicLeader {
                        account: r.account,
                        name: display_name(store, r.account)?,
                        score: r.score,
                        platform: name.platform,
                        platform_id: name.platform_id,
                        handle: name.handle,
                    });
                }
                topics.push(TopicSummary {
                    topic: t.clone(),
                    best,
                });
            }
        }
        let run = self.scores.as_ref().map(|s| &s.run);
        Ok(TopicScoringReport {
            source: self.source.clone(),
            note: self.note.clone(),
            min_terms: run.map(|r| r.min_terms),
            posts_with_text: run.map(|r| r.posts_with_text),
            posts_assigned: run.map(|r| r.posts_assigned),
            seconds: self.seconds,
            topics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::assign::Topics;
    use earshot_model::InteractionKind;
    use earshot_score::{score, PostInfo, Reaction};

    /// Ten accounts posting and reacting to each other's posts; every post carries `#all`, and half of
    /// them `#even` too.
    fn input() -> ScoreInput {
        let mut inp = ScoreInput {
            reference_time: 2_000_000,
            ..Default::default()
        };
        let kinds = [
            InteractionKind::Like,
            InteractionKind::Reshare,
            InteractionKind::Reply,
            InteractionKind::Mention,
            InteractionKind::Quote,
        ];
        for i in 0..90i64 {
            let (actor, target) = ((i * 3) % 10, (i * 7 + 1) % 10);
            let kind = kinds[(i % 5) as usize];
            let author = if kind == InteractionKind::Mention {
                actor
            } else {
                target
            };
            let time = 1_000_000 + i * 600;
            let tag = if i % 2 == 0 { " #even" } else { "" };
            let text = if i % 3 == 0 {
                format!("does anyone know where to start? #all{tag}")
            } else {
                format!("here is a long and careful answer, number {i} #all{tag}")
            };
            inp.posts.insert(
                i,
                PostInfo {
                    author,
                    time,
                    text: Some(text),
                    reply_to: None,
                    quote_of: None,
                },
            );
            inp.reactions.push(Reaction {
                actor,
                target,
                kind,
                time: Some(time),
                weight: 1.0,
                post: Some(i),
            });
        }
        // Five questions, each answered: account k asks k + 5, which replies to the question post.
        for k in 0..5i64 {
            let (post, time) = (1000 + k, 1_100_000 + k * 600);
            inp.posts.insert(
                post,
                PostInfo {
                    author: k,
                    time,
                    text: Some(format!("@u{} how do I get started with this? #all", k + 5)),
                    reply_to: None,
                    quote_of: None,
                },
            );
            for (actor, target, kind, t) in [
                (k, k + 5, InteractionKind::Mention, time),
                (k + 5, k, InteractionKind::Reply, time + 60),
            ] {
                inp.reactions.push(Reaction {
                    actor,
                    target,
                    kind,
                    time: Some(t),
                    weight: 1.0,
                    post: Some(post),
                });
            }
        }
        inp
    }

    fn topics() -> Topics {
        assign::compile(
            "t.toml",
            "[topics.all]\nhashtags = [\"all\"]\n[topics.even]\nhashtags = [\"even\"]\n".into(),
            assign::FILE_MIN_TERMS,
        )
        .unwrap()
    }

    #[test]
    fn a_topic_holding_every_post_has_the_overall_components() {
        let inp = input();
        let model = ScoreModel::builtin();
        let topics = topics();
        let a = assign::assign_posts(&topics, &assign::text_posts(&inp), &FxHashMap::default());
        let all = topics.matcher.id_of("all").unwrap() as usize;
        assert_eq!(a.posts[all].len(), inp.posts.len());
        let graph = AuthorityGraph::new(&inp, &model).unwrap();
        let topic = topic_table(&inp, &model, &graph, &a.posts[all], &a.posts_about[all]).unwrap();
        let overall = score(&inp, &model, &Text).unwrap();
        assert_eq!(topic.len(), overall.len());
        for (i, &account) in overall.accounts.iter().enumerate() {
            let j = topic.position(account).unwrap();
            for c in [
                Component::Audience,
                Component::Amplification,
                Component::Conversation,
            ] {
                let (x, y) = (overall.raw[c.index()][i], topic.raw[c.index()][j]);
                assert!(
                    (x - y).abs() <= 1e-9 * (1.0 + x.abs()),
                    "{account} {c:?}: {x} vs {y}"
                );
            }
        }
        for c in [Component::Audience, Component::Conversation] {
            assert!(
                overall.raw[c.index()].iter().any(|&v| v > 0.0),
                "{c:?} earned nothing"
            );
        }
        // The half topic has exactly the accounts of its own posts' reactions and authors.
        let even = topics.matcher.id_of("even").unwrap() as usize;
        assert_eq!(a.posts[even].len(), 45);
        let half = topic_table(&inp, &model, &graph, &a.posts[even], &a.posts_about[even]).unwrap();
        let mut want: Vec<i64> = inp
            .reactions
            .iter()
            .filter(|r| r.post.is_some_and(|p| p < 1000 && p % 2 == 0))
            .flat_map(|r| [r.actor, r.target])
            .collect();
        want.sort_unstable();
        want.dedup();
        let mut got = half.accounts.clone();
        got.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(
            reactions_received(&inp, &a.posts[even])
                .values()
                .sum::<u32>(),
            45
        );
    }
}
