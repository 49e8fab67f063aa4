//! Scores within one topic: who is listened to *on* a topic, not just in general.
//!
//! A topic's scores reuse the overall score's code, not a copy of its formulas: audience,
//! amplification and conversation are computed by the same function over the reactions made through
//! the topic's posts (a like, reshare, quote or reply names the post reacted to; a mention names the
//! post carrying it), so a reaction counts toward a topic exactly when its post is about the topic,
//! with the same authenticity, burst and spam discounts. Authority is topic-sensitive PageRank
//! (Haveliwala 2002): the whole reaction graph, as the overall score ranks it, with the random surfer
//! jumping only to the topic's posters, in proportion to their posts on it. Endorsements on any subject
//! carry authority, but it starts from the people who talk about the topic, so the accounts *they*
//! listen to rank high. Reach (followers) is left out: a follower count says nothing about a topic. The
//! components are combined and calibrated as the overall score is, among the topic's accounts only.

use crate::components::{authority_edges, compute, pair_totals, Scope, ScoreTable};
use crate::conversation::TextSignals;
use crate::input::{Reaction, ScoreInput};
use crate::model::ScoreModel;
use crate::ScoreError;
use earshot_graph::{pagerank, DenseIds, PageRankConfig, ReactionGraph};

/// What restricts a scoring to one topic.
pub struct TopicScope<'a> {
    /// Whether a post is about the topic. Only reactions made through such posts count.
    pub in_topic: &'a (dyn Fn(i64) -> bool + Sync),
    /// Accounts that get a row even when no reaction on the topic involves them: its posters, so that
    /// an account talking about the topic to nobody shows up, with nothing earned.
    pub members: &'a [i64],
    /// Topic authority per account (from [`AuthorityGraph::personalised`]); 0 where unknown.
    pub authority: &'a (dyn Fn(i64) -> f64 + Sync),
}

/// Components, percentiles and a 1–100 score for every account with a reaction through a post of the
/// topic, or listed in `scope.members`. Reactions made with spam or copied posts are dropped, as in
/// [`crate::score`]. The table's reach is 0 and its weight is moved to the other components.
pub fn score_topic(
    input: &ScoreInput,
    model: &ScoreModel,
    text: &dyn TextSignals,
    scope: &TopicScope<'_>,
) -> Result<ScoreTable, ScoreError> {
    let reactions: Vec<Reaction> = input
        .reactions
        .iter()
        .filter(|r| r.post.is_some_and(|p| (scope.in_topic)(p)) && input.flag_of(r).is_none())
        .copied()
        .collect();
    compute(
        input,
        &reactions,
        model,
        text,
        Scope {
            members: scope.members,
            authority: Some(scope.authority),
            reach: false,
            predict: false,
        },
    )
}

/// The graph the overall score's authority ranks (same pairs, weights, decay and authenticity; flagged
/// reactions dropped), kept to rank it again with one restart vector per topic. Built once per run.
pub struct AuthorityGraph {
    ids: DenseIds,
    graph: ReactionGraph,
    alpha: f64,
}

impl AuthorityGraph {
    pub fn new(input: &ScoreInput, model: &ScoreModel) -> Result<AuthorityGraph, ScoreError> {
        let kept = input.unflagged_reactions();
        let (ids, pairs) = pair_totals(input, &kept, model, &[])?;
        let edges = authority_edges(input, &ids, &pairs);
        let graph = ReactionGraph::from_edges(ids.len() as u32, &edges)?;
        Ok(AuthorityGraph {
            ids,
            graph,
            alpha: model.pagerank_alpha,
        })
    }

    /// Accounts in the graph.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Personalised PageRank jumping to `restart`'s accounts in proportion to their weights, times the
    /// node count (so 1 is the average account of the run, as for overall authority), by dense id. Accounts
    /// not in the graph (no reaction that counts) have nowhere to restart and are ignored; when none
    /// is left, every value is 0.
    pub fn personalised(&self, restart: &[(i64, f64)]) -> Result<Vec<f64>, ScoreError> {
        let n = self.ids.len();
        let mut p = vec![0.0; n];
        for &(account, w) in restart {
            if let Some(d) = self.ids.get(account) {
                if w.is_finite() && w > 0.0 {
                    p[d as usize] += w;
                }
            }
        }
        if !p.iter().any(|&w| w > 0.0) {
            return Ok(vec![0.0; n]);
        }
        let pr = pagerank(
            &self.graph,
            &PageRankConfig {
                alpha: self.alpha,
                personalization: Some(p),
                ..Default::default()
            },
        )?;
        Ok(pr.scores.iter().map(|s| s * n as f64).collect())
    }

    /// One account's value in `ranks` (from [`AuthorityGraph::personalised`]); 0 outside the graph.
    pub fn value(&self, ranks: &[f64], account: i64) -> f64 {
        self.ids
            .get(account)
            .and_then(|d| ranks.get(d as usize))
            .copied()
            .unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::Component;
    use crate::conversation::ReplyClass;
    use crate::input::PostInfo;
    use earshot_model::InteractionKind;

    struct SimpleText;
    impl TextSignals for SimpleText {
        fn is_question(&self, text: &str) -> bool {
            text.contains('?')
        }
        fn reply_class(&self, text: &str) -> ReplyClass {
            if text.len() < 12 {
                ReplyClass::Trivial
            } else {
                ReplyClass::Substantive
            }
        }
    }

    /// Twelve accounts; every reaction goes through a post, questions and answers included.
    fn input() -> ScoreInput {
        let mut inp = ScoreInput {
            reference_time: 2_000_000,
            ..Default::default()
        };
        let kinds = [
            InteractionKind::Like,
            InteractionKind::Reshare,
            InteractionKind::Quote,
            InteractionKind::Reply,
            InteractionKind::Mention,
        ];
        let mut next_post = 1000i64;
        for i in 0..120i64 {
            let actor = (i * 7) % 12;
            let target = (i * 5 + 3) % 12;
            let kind = kinds[(i % 5) as usize];
            let time = 1_000_000 + i * 3_600;
            // The target's post for reactions to a post; the actor's own post for a mention.
            let author = if kind == InteractionKind::Mention {
                actor
            } else {
                target
            };
            next_post += 1;
            let text = match i % 3 {
                0 => "what time does it open?".to_string(),
                1 => "thanks".to_string(),
                _ => format!("a long and careful answer number {i}"),
            };
            inp.posts.insert(
                next_post,
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
                post: Some(next_post),
            });
        }
        inp.authenticity.insert(4, 0.5);
        inp.pair_weights.insert((7, 0), 0.0);
        inp
    }

    #[test]
    fn one_topic_holding_every_post_scores_as_the_overall_score() {
        let inp = input();
        // Topic scores rank the weighted components within the topic; so does the overall score of a
        // model without a predictor, which the topic must then match.
        let mut model = ScoreModel::builtin();
        model.predictor = None;
        model.scale = None;
        let overall = crate::score(&inp, &model, &SimpleText).unwrap();
        let graph = AuthorityGraph::new(&inp, &model).unwrap();
        // A uniform restart over every account is plain PageRank.
        let everyone: Vec<(i64, f64)> = overall.accounts.iter().map(|&a| (a, 1.0)).collect();
        let ranks = graph.personalised(&everyone).unwrap();
        let posters: Vec<i64> = inp.posts.values().map(|p| p.author).collect();
        let authority = |a: i64| graph.value(&ranks, a);
        let topic = score_topic(
            &inp,
            &model,
            &SimpleText,
            &TopicScope {
                in_topic: &|_| true,
                members: &posters,
                authority: &authority,
            },
        )
        .unwrap();
        assert_eq!(topic.len(), overall.len());
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()));
        let mut earned = [0; 4];
        for (i, &account) in overall.accounts.iter().enumerate() {
            let j = topic.position(account).unwrap();
            for (k, c) in [
                Component::Audience,
                Component::Amplification,
                Component::Conversation,
                Component::Authority,
            ]
            .into_iter()
            .enumerate()
            {
                let (a, b) = (overall.raw[c.index()][i], topic.raw[c.index()][j]);
                assert!(close(a, b), "{account} {c:?}: {a} vs {b}");
                if a > 0.0 {
                    earned[k] += 1;
                }
            }
            assert_eq!(overall.conversation[i], topic.conversation[j]);
            assert!(close(overall.overall[i], topic.overall[j]));
        }
        // The input is not degenerate: several accounts earned each component.
        assert!(earned.iter().all(|&e| e >= 3), "{earned:?}");
    }

    #[test]
    fn a_topic_counts_only_reactions_through_its_posts_and_keeps_its_silent_posters() {
        let inp = input();
        let model = ScoreModel::builtin();
        let in_topic = |p: i64| p % 2 == 0;
        let graph = AuthorityGraph::new(&inp, &model).unwrap();
        let restart = [(3i64, 2.0), (5, 1.0)];
        let ranks = graph.personalised(&restart).unwrap();
        let authority = |a: i64| graph.value(&ranks, a);
        let silent = 99i64; // posted on the topic, nobody reacted
        let topic = score_topic(
            &inp,
            &model,
            &SimpleText,
            &TopicScope {
                in_topic: &in_topic,
                members: &[silent],
                authority: &authority,
            },
        )
        .unwrap();
        let s = topic.position(silent).unwrap();
        assert_eq!(topic.overall[s], 1.0);
        assert!(Component::ALL
            .iter()
            .all(|c| topic.raw[c.index()][s] == 0.0));
        // Audience per target from the topic's reactions alone, rebuilt by hand: no target earns more
        // than its distinct reactors through even posts.
        for (j, &account) in topic.accounts.iter().enumerate() {
            let reactors: std::collections::BTreeSet<i64> = inp
                .reactions
                .iter()
                .filter(|r| r.target == account && r.actor != account)
                .filter(|r| r.post.is_some_and(in_topic))
                .map(|r| r.actor)
                .collect();
            assert!(topic.raw[Component::Audience.index()][j] <= reactors.len() as f64 + 1e-12);
            if reactors.is_empty() {
                assert_eq!(topic.raw[Component::Audience.index()][j], 0.0);
            }
        }
        // Restart mass makes the seeds' authority exceed plain PageRank's.
        let plain = crate::score(&inp, &model, &SimpleText).unwrap();
        let seed = plain.position(3).unwrap();
        assert!(graph.value(&ranks, 3) > plain.raw[Component::Authority.index()][seed]);
        // Nobody in the graph to restart at: no authority at all.
        assert!(graph
            .personalised(&[(silent, 1.0)])
            .unwrap()
            .iter()
            .all(|&v| v == 0.0));
    }
}
