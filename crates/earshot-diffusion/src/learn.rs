//! Edge probabilities learned from interaction data: how often `v` passed on `u`'s posts, relative to
//! how often `v` saw them, smoothed by a Beta prior.
//!
//! For each pair `u → v` (influence from author `u` to account `v`):
//!
//! `p(u, v) = (adoptions + α) / (exposures + α + β)`
//!
//! the posterior mean of a Beta(α, β) prior after `exposures` trials with `adoptions` successes, so a pair
//! seen a few times stays near the prior mean `α / (α + β)` and a pair seen often moves to its observed
//! rate. The defaults α = 1, β = 19 (prior mean 0.05, worth 20 exposures) are a weak prior at the scale
//! of measured reshare rates; the forecast calibration is what should tune them.
//!
//! Definitions, in terms of the interaction kinds earshot stores ([`InteractionKind`]), where an
//! interaction `v → u` has actor `v` and target `u`:
//! - **Tie.** `v` pays attention to `u` from the first time `v` interacted with `u` in any way (a reply,
//!   mention, reshare, quote or like of `u`; a follow of `u`), exclusive. A `follow` lasts until a later
//!   `unfollow` of `u` by `v`; any other interaction lasts for good (`v` has shown it reads `u`). A row whose
//!   time is unknown (a follow edge from a SNAP file) should carry `i64::MIN`: a tie since forever.
//! - **Exposure.** A post of `u` at time `t` is an exposure of `v` to `u` if `v` had a tie to `u` at a time
//!   strictly before `t` that had not ended before `t`, or if `v` adopted that post (an adoption proves the
//!   post was seen, so adoptions never exceed exposures).
//! - **Adoption.** An interaction `v → u` of an adoption kind ([`LearnConfig::adoption_kinds`], by
//!   default reshare, quote and reply: the kinds that carry the message on to `v`'s audience) at time
//!   `t'`, attributed to the post it names ([`PostLink`]); when it names no post (Higgs), to `u`'s latest
//!   post at or before `t'`. An adoption of a post by another author `a` that came through `u` (a retweet
//!   tree names the parent as the target) is an adoption of `a`'s post by `v`, and `v`'s tie to `u`.
//!   Several adoptions of one post count once; an adoption before any post of `u`, or of a post not among
//!   the rows, is attributed to none (it still makes a tie).
//!
//! Every tied pair gets an edge, also with no exposure yet (then `p` is the prior mean): a new post would
//! reach `v` as well. Pairs with no tie get none. The function takes plain rows with dense ids, so it does
//! not need the store.

use crate::{DiffusionError, DiffusionGraph};
use earshot_model::InteractionKind;

/// A post: its author and time (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostRow {
    pub author: u32,
    pub time: i64,
}

/// Which post an interaction names, as the rows it is read with see it. A reshare that names its post is
/// credited to that post, whatever else its author posted around the same time; only data that names no
/// post at all falls back to guessing by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PostLink {
    /// The input names no post (Higgs, follow edges): an adoption goes to the target's latest post at or
    /// before it.
    #[default]
    Unnamed,
    /// `posts[k]` of the rows read with it.
    Row(u32),
    /// A post that is not among the rows (made before the window, or by an account outside the graph):
    /// the adoption belongs to no post here and derives none.
    Outside,
}

/// An interaction `actor → target` of `kind` at `time` (Unix seconds; `i64::MIN` if unknown), about the
/// post `post` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InteractionRow {
    pub actor: u32,
    pub target: u32,
    pub kind: InteractionKind,
    pub time: i64,
    pub post: PostLink,
}

/// Smoothing and the kinds that count as passing a post on.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnConfig {
    /// Prior pseudo-adoptions (≥ 0).
    pub alpha: f64,
    /// Prior pseudo-exposures without adoption (≥ 0); `alpha + beta` must be > 0.
    pub beta: f64,
    pub adoption_kinds: Vec<InteractionKind>,
    /// Whether an adoption by an account with no earlier tie counts on the pair's edge (as an exposure
    /// and an adoption: it proves the post was seen). `true` suits a model whose only route to `v` is the
    /// edge; the reach forecast ([`crate::learn_reach_model`]) sets it `false` and counts such adoptions
    /// as the post's *new audience* instead, so the edge measures only how often a tie passes posts on.
    pub first_adoption_is_exposure: bool,
}

impl Default for LearnConfig {
    fn default() -> Self {
        LearnConfig {
            alpha: 1.0,
            beta: 19.0,
            adoption_kinds: vec![
                InteractionKind::Reshare,
                InteractionKind::Quote,
                InteractionKind::Reply,
            ],
            first_adoption_is_exposure: true,
        }
    }
}

/// A learned edge `src → dst` (author → the account that hears it), with the counts behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LearnedEdge {
    pub src: u32,
    pub dst: u32,
    /// Distinct posts of `src` that `dst` adopted.
    pub adoptions: u32,
    /// Posts of `src` that `dst` was exposed to.
    pub exposures: u32,
    pub p: f32,
}

/// Learn `p(u, v)` for every tied pair from posts and interactions over dense ids `0..nodes` (see the
/// module docs for the definitions). Edges come out sorted by `(src, dst)`. Errors on an id outside
/// `0..nodes` or smoothing parameters that are negative, not finite or both 0.
pub fn learn_probabilities(
    nodes: u32,
    posts: &[PostRow],
    interactions: &[InteractionRow],
    cfg: &LearnConfig,
) -> Result<Vec<LearnedEdge>, DiffusionError> {
    check_smoothing(cfg.alpha, cfg.beta)?;
    let counts = learn_counts(nodes, posts, interactions, cfg)?;
    Ok(counts.edges(cfg.alpha, cfg.beta))
}

pub(crate) fn check_smoothing(alpha: f64, beta: f64) -> Result<(), DiffusionError> {
    let ok = |x: f64| x.is_finite() && x >= 0.0;
    if ok(alpha) && ok(beta) && alpha + beta > 0.0 {
        Ok(())
    } else {
        Err(DiffusionError::BadParameter(format!(
            "smoothing needs finite α, β ≥ 0 with α + β > 0 (got α = {alpha}, β = {beta})"
        )))
    }
}

/// What the counting pass learns: per tied pair its adoptions and exposures, and per post the adoptions
/// by accounts that had no tie to the author before it (with `first_adoption_is_exposure` they are also
/// counted on the pair).
pub(crate) struct LearnedCounts {
    /// `(src, dst, adoptions, exposures)`, sorted by `(src, dst)`.
    pub pairs: Vec<(u32, u32, u32, u32)>,
    /// When each pair's tie began (`i64::MIN`: an undated follow), by pair.
    pub tie_start: Vec<i64>,
    /// The post slots each pair's tie exposed: pair `i`'s are the slot ranges
    /// `exposed[exposed_offsets[i]..exposed_offsets[i + 1]]`.
    pub exposed: Vec<(usize, usize)>,
    pub exposed_offsets: Vec<usize>,
    /// Per post slot: distinct accounts with an earlier tie that adopted it.
    pub tied_adopters: Vec<u32>,
    /// Per post slot: the post's time.
    pub slot_times: Vec<i64>,
    /// Posts grouped by author: author `u`'s posts are slots `post_offsets[u]..post_offsets[u + 1]`, in
    /// time order (the order of `new_adopters`).
    pub post_offsets: Vec<usize>,
    /// Per post slot: distinct accounts without an earlier tie that adopted it.
    pub new_adopters: Vec<u32>,
}

impl LearnedCounts {
    pub fn edges(&self, alpha: f64, beta: f64) -> Vec<LearnedEdge> {
        self.pairs
            .iter()
            .map(|&(src, dst, a, e)| LearnedEdge {
                src,
                dst,
                adoptions: a,
                exposures: e,
                p: ((f64::from(a) + alpha) / (f64::from(e) + alpha + beta)) as f32,
            })
            .collect()
    }
}

pub(crate) fn learn_counts(
    nodes: u32,
    posts: &[PostRow],
    interactions: &[InteractionRow],
    cfg: &LearnConfig,
) -> Result<LearnedCounts, DiffusionError> {
    let n = nodes as usize;
    let slots = PostSlots::new(nodes, posts)?;
    // Interactions grouped by pair (influencer u = target, hearer v = actor), in time order, each with
    // the slot of the post of u it adopts (relative to u's first), or NAMES_NO_POST / NAMES_OTHER.
    let mut rows: Vec<(u32, u32, i64, u8, u32)> = Vec::with_capacity(interactions.len());
    for (index, r) in interactions.iter().enumerate() {
        for node in [r.actor, r.target] {
            if node >= nodes {
                return Err(DiffusionError::NodeOutOfRange { index, node, nodes });
            }
        }
        if r.actor == r.target {
            continue;
        }
        let link = match r.post {
            PostLink::Unnamed => NAMES_NO_POST,
            PostLink::Outside => NAMES_OTHER,
            PostLink::Row(k) => match posts.get(k as usize) {
                Some(p) if p.author == r.target => {
                    (slots.slot_of[k as usize] - slots.offsets[r.target as usize]) as u32
                }
                Some(p) => {
                    // Passed on through someone else (a retweet tree's parent): the target keeps a tie,
                    // and the adoption is of the author's post, as data crediting the author say.
                    if p.author != r.actor {
                        let slot =
                            (slots.slot_of[k as usize] - slots.offsets[p.author as usize]) as u32;
                        rows.push((p.author, r.actor, r.time, r.kind.code(), slot));
                    }
                    NAMES_OTHER
                }
                None => return Err(DiffusionError::PostOutOfRange { index, post: k }),
            },
        };
        rows.push((r.target, r.actor, r.time, r.kind.code(), link));
    }
    rows.sort_unstable();
    let adoption: Vec<u8> = cfg.adoption_kinds.iter().map(|k| k.code()).collect();
    let mut pairs = Vec::new();
    let mut tie_start = Vec::new();
    let mut new_adopters = vec![0u32; posts.len()];
    let mut tied_adopters = vec![0u32; posts.len()];
    let mut exposed = Vec::new();
    let mut exposed_offsets = vec![0usize];
    let mut seen_ranges = Vec::new();
    let mut spans = Vec::new();
    let mut adopted = Vec::new();
    let mut unseen = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let (u, v) = (rows[i].0, rows[i].1);
        let mut j = i;
        while j < rows.len() && rows[j].0 == u && rows[j].1 == v {
            j += 1;
        }
        let first = slots.offsets[u as usize];
        let post_times = &slots.times[first..slots.offsets[u as usize + 1]];
        if let Some((mut a, mut e, since)) = pair_counts(
            &rows[i..j],
            post_times,
            &adoption,
            &mut spans,
            &mut adopted,
            &mut unseen,
            &mut seen_ranges,
        ) {
            for &k in &unseen {
                new_adopters[first + k] += 1;
            }
            // `adopted` is sorted and `unseen` a subsequence of it: the rest were adopted through the tie.
            let mut stranger = unseen.iter().peekable();
            for &k in adopted.iter() {
                if stranger.peek() == Some(&&k) {
                    stranger.next();
                } else {
                    tied_adopters[first + k] += 1;
                }
            }
            exposed.extend(seen_ranges.iter().map(|&(lo, hi)| (first + lo, first + hi)));
            exposed_offsets.push(exposed.len());
            if cfg.first_adoption_is_exposure {
                a += unseen.len() as u32;
                e += unseen.len() as u32;
            }
            pairs.push((u, v, a, e));
            tie_start.push(since);
        }
        i = j;
    }
    debug_assert_eq!(slots.offsets.len(), n + 1);
    Ok(LearnedCounts {
        pairs,
        tie_start,
        exposed,
        exposed_offsets,
        tied_adopters,
        slot_times: slots.times,
        post_offsets: slots.offsets,
        new_adopters,
    })
}

/// An adoption row that names no post: attributed by time.
const NAMES_NO_POST: u32 = u32::MAX;
/// An adoption row that names a post not of its target, or not among the rows: attributed to none.
const NAMES_OTHER: u32 = u32::MAX - 1;

/// Posts grouped by author in time order: author `u`'s posts are slots `offsets[u]..offsets[u + 1]`,
/// with their times in `times`, and post `k` of the input sits in slot `slot_of[k]`.
pub(crate) struct PostSlots {
    pub offsets: Vec<usize>,
    pub times: Vec<i64>,
    pub slot_of: Vec<usize>,
}

impl PostSlots {
    pub fn new(nodes: u32, posts: &[PostRow]) -> Result<Self, DiffusionError> {
        let n = nodes as usize;
        let mut offsets = vec![0usize; n + 1];
        for (index, p) in posts.iter().enumerate() {
            if p.author >= nodes {
                return Err(DiffusionError::NodeOutOfRange {
                    index,
                    node: p.author,
                    nodes,
                });
            }
            offsets[p.author as usize + 1] += 1;
        }
        for i in 1..=n {
            offsets[i] += offsets[i - 1];
        }
        let mut order: Vec<usize> = (0..posts.len()).collect();
        order.sort_unstable_by_key(|&k| (posts[k].author, posts[k].time, k));
        let mut slot_of = vec![0usize; posts.len()];
        for (slot, &k) in order.iter().enumerate() {
            slot_of[k] = slot;
        }
        let times = order.iter().map(|&k| posts[k].time).collect();
        Ok(PostSlots {
            offsets,
            times,
            slot_of,
        })
    }
}

/// `(adoptions, exposures, start of the tie)` of one pair from its time-ordered rows, counting only posts
/// the pair's tie made visible, or `None` if the rows make no tie. The indices of adopted posts the tie did not make
/// visible (adoptions by a stranger) are left in `unseen`, the adopted posts' indices in `adopted`
/// (sorted), and the ranges of post indices the tie exposed in `seen_ranges`; `spans` is scratch.
fn pair_counts(
    rows: &[(u32, u32, i64, u8, u32)],
    post_times: &[i64],
    adoption: &[u8],
    spans: &mut Vec<(i64, i64)>,
    adopted: &mut Vec<usize>,
    unseen: &mut Vec<usize>,
    seen_ranges: &mut Vec<(usize, usize)>,
) -> Option<(u32, u32, i64)> {
    unseen.clear();
    seen_ranges.clear();
    let follow = InteractionKind::Follow.code();
    let unfollow = InteractionKind::Unfollow.code();
    spans.clear();
    adopted.clear();
    let mut lasting_from: Option<i64> = None;
    let mut following_since: Option<i64> = None;
    for &(_, _, t, kind, link) in rows {
        if kind == follow {
            following_since.get_or_insert(t);
        } else if kind == unfollow {
            if let Some(s) = following_since.take() {
                spans.push((s, t));
            }
        } else {
            lasting_from.get_or_insert(t);
            if adoption.contains(&kind) {
                match link {
                    NAMES_OTHER => {}
                    // u's latest post at or before t.
                    NAMES_NO_POST => {
                        let k = post_times.partition_point(|&x| x <= t);
                        if k > 0 {
                            adopted.push(k - 1);
                        }
                    }
                    k => adopted.push(k as usize),
                }
            }
        }
    }
    adopted.sort_unstable();
    adopted.dedup();
    if let Some(s) = following_since {
        spans.push((s, i64::MAX));
    }
    if let Some(s) = lasting_from {
        spans.push((s, i64::MAX));
    }
    if spans.is_empty() {
        return None;
    }
    // Union of the open spans (s, e): a post at τ is seen when s < τ < e (e = MAX: for good).
    spans.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for &(s, e) in spans.iter() {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let seen = |tau: i64| {
        merged
            .iter()
            .any(|&(s, e)| s < tau && (tau < e || e == i64::MAX))
    };
    let mut exposures = 0usize;
    for &(s, e) in &merged {
        let lo = post_times.partition_point(|&x| x <= s);
        let hi = if e == i64::MAX {
            post_times.len()
        } else {
            post_times.partition_point(|&x| x < e)
        };
        if hi > lo {
            exposures += hi - lo;
            seen_ranges.push((lo, hi));
        }
    }
    unseen.extend(adopted.iter().copied().filter(|&k| !seen(post_times[k])));
    let sat = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    Some((
        sat(adopted.len() - unseen.len()),
        sat(exposures),
        merged[0].0,
    ))
}

/// The diffusion graph of learned edges (edges of probability 0, possible with α = 0, are dropped).
pub fn learned_graph(nodes: u32, edges: &[LearnedEdge]) -> Result<DiffusionGraph, DiffusionError> {
    let triples: Vec<(u32, u32, f32)> = edges.iter().map(|e| (e.src, e.dst, e.p)).collect();
    DiffusionGraph::from_weighted(nodes, &triples)
}

#[cfg(test)]
mod tests {
    use super::*;
    use InteractionKind::*;

    fn post(author: u32, time: i64) -> PostRow {
        PostRow { author, time }
    }

    fn act(actor: u32, target: u32, kind: InteractionKind, time: i64) -> InteractionRow {
        InteractionRow {
            actor,
            target,
            kind,
            time,
            post: PostLink::Unnamed,
        }
    }

    fn counts(edges: &[LearnedEdge]) -> Vec<(u32, u32, u32, u32)> {
        edges
            .iter()
            .map(|e| (e.src, e.dst, e.adoptions, e.exposures))
            .collect()
    }

    #[test]
    fn follower_sees_posts_after_following_until_unfollowing() {
        // Author 0 posts at 10, 20, 30, 40, 50. Account 1 follows at 15, unfollows at 35: sees 20 and 30.
        // It reshares at 25 (the post of 20). Account 2 follows since forever and never reacts.
        let posts: Vec<PostRow> = [10, 20, 30, 40, 50].map(|t| post(0, t)).to_vec();
        let rows = [
            act(1, 0, Follow, 15),
            act(1, 0, Reshare, 25),
            act(1, 0, Unfollow, 35),
            act(2, 0, Follow, i64::MIN),
        ];
        let e = learn_probabilities(3, &posts, &rows, &LearnConfig::default()).unwrap();
        // The reshare at 25 also makes a lasting tie from 25: posts 30, 40, 50 are seen as well; with the
        // follow span (15, 35) that is 20, 30, 40, 50.
        assert_eq!(counts(&e), vec![(0, 1, 1, 4), (0, 2, 0, 5)]);
        assert!((e[0].p - 2.0 / 24.0).abs() < 1e-7);
        assert!((e[1].p - 1.0 / 25.0).abs() < 1e-7);
    }

    #[test]
    fn adoption_without_a_prior_tie_is_an_exposure() {
        // Account 1 never interacted with 0 before replying to the post of 20 (twice) and liking it.
        let posts = [post(0, 10), post(0, 20), post(0, 30)];
        let rows = [
            act(1, 0, Reply, 22),
            act(1, 0, Reply, 23),
            act(1, 0, Like, 21),
        ];
        let cfg = LearnConfig {
            alpha: 0.0,
            beta: 1.0,
            ..LearnConfig::default()
        };
        let e = learn_probabilities(2, &posts, &rows, &cfg).unwrap();
        // The like at 21 makes a tie: post 30 is seen; post 20 is seen through the adoption.
        assert_eq!(counts(&e), vec![(0, 1, 1, 2)]);
        assert!((e[0].p - 1.0 / 3.0).abs() < 1e-7);
    }

    #[test]
    fn no_tie_no_edge_and_prior_without_exposure() {
        let rows = [
            act(1, 0, Unfollow, 5),
            act(2, 0, Mention, 5),
            act(3, 3, Reshare, 1),
            act(0, 4, Reshare, 9),
        ];
        // No posts at all: the mention ties 2 to 0 at the prior mean; the reshare of 4 by 0 has no post
        // to adopt, but ties 0 to 4.
        let e = learn_probabilities(5, &[], &rows, &LearnConfig::default()).unwrap();
        assert_eq!(counts(&e), vec![(0, 2, 0, 0), (4, 0, 0, 0)]);
        assert!(e.iter().all(|e| (e.p - 0.05).abs() < 1e-7));
        let g = learned_graph(5, &e).unwrap();
        assert_eq!(g.edges(), 2);
        assert_eq!(g.out_links(4)[0].node, 0);
    }

    #[test]
    fn bad_rows_and_parameters_are_errors() {
        let cfg = LearnConfig::default();
        assert!(matches!(
            learn_probabilities(2, &[post(2, 0)], &[], &cfg),
            Err(DiffusionError::NodeOutOfRange { node: 2, .. })
        ));
        assert!(learn_probabilities(2, &[], &[act(0, 5, Like, 0)], &cfg).is_err());
        for (alpha, beta) in [(0.0, 0.0), (-1.0, 1.0), (1.0, f64::NAN)] {
            let bad = LearnConfig {
                alpha,
                beta,
                ..LearnConfig::default()
            };
            assert!(matches!(
                learn_probabilities(2, &[], &[], &bad),
                Err(DiffusionError::BadParameter(_))
            ));
        }
    }
}
