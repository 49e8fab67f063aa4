//! How far will a new post of this account travel? A forecast learned from past interactions, given as a
//! distribution, and the check that such forecasts are calibrated.
//!
//! # The model
//! The reach of a post of author `u` (the accounts that pass it on, `u` excluded) has two parts, drawn
//! together from one past post `j` (the author's own with probability `n / (n + κ)` for `n` posts,
//! κ = [`ReachConfig::shrinkage`], otherwise the crowd's):
//! - **Through ties**: each account tied to `u` (a follower, or one that interacted with `u` before)
//!   passes the post on with `min(1, lift_j · p(u, v))`, where `p(u, v)` is how often `v` passed on
//!   `u`'s posts it was exposed to through the tie ([`crate::learn_probabilities`] with
//!   `first_adoption_is_exposure = false`), smoothed by a Beta prior whose mean is the pooled rate over all
//!   tied exposures (empirical Bayes) and whose weight is [`ReachConfig::prior_strength`] exposures, and
//!   `lift_j = (tied adopters of j + 1) / (Σ p over j's exposed ties + 1)` is how much better or worse
//!   than expected post `j` did among its ties. Posts catch on among all the ties at once or not at all;
//!   ties drawn independently gave intervals far too narrow (on Memetracker a fifth of the outcomes fell
//!   below the forecasts' tenth percentile). One hop by default ([`ReachConfig::multi_hop`]): data that
//!   credit every reshare to the original author learn `p(u, v)` over every route already.
//! - **New audience**: accounts with no tie to `u` before the post: post `j`'s count of them. Interaction
//!   data hold no follower graph, so most of the people a post reaches were never seen near its author:
//!   on the Higgs data, 93% of the reshare pairs after 4 July had no earlier interaction of any kind.
//!
//! An author with a long history is forecast from it, a newcomer from the crowd
//! ([`ReachConfig::crowd_recent`] keeps the crowd to the latest posts: reach drifts).
//!
//! # Posts
//! An author with stored posts is forecast from them, posts nobody passed on included. An author without
//! (datasets of interactions only, such as Higgs) gets posts derived from the adoptions it received: a
//! burst of adoptions with no gap longer than [`ReachConfig::burst_gap`] is one post, starting at its first
//! adoption. Posts nobody passed on then leave no trace, so that author's forecast is **conditional on at
//! least one adoption** (simulations with reach 0 are drawn again), and says so.
//!
//! # Calibration
//! [`calibrate`] scores forecasts against the reach posts actually had. Reach is a count, so a plain
//! `[p10, p90]` interval holds more than 80% of the forecast's own mass when much of it sits on a few
//! values (a third of reshared posts reach exactly one account). The report therefore gives both the share
//! of outcomes inside `[p10, p90]` with the forecast mass of that interval, and the randomized probability
//! integral transform of Czado, Gneiting and Held (2009), whose central 80% holds exactly 80% of the
//! outcomes of a calibrated count forecast.

use crate::estimate::{no_progress, run_simulations, simulation_rng, unit, ProgressHook};
use crate::learn::{
    check_smoothing, learn_counts, InteractionRow, LearnConfig, LearnedEdge, PostLink, PostRow,
};
use crate::simulate::{check_seeds, Model};
use crate::{DiffusionError, DiffusionGraph, SpreadEstimate};
use earshot_model::InteractionKind;
use rand_xoshiro::rand_core::Rng;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// Attempts at a simulation with reach ≥ 1 before a conditional forecast settles on 1 (the least a post
/// that was passed on reaches). Only a model where almost no post was passed on needs more.
const MAX_REDRAWS: usize = 1000;

/// How reach is learned.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachConfig {
    /// The interactions that pass a post on (by default reshares and quotes: the reshare cascade).
    pub adoption_kinds: Vec<InteractionKind>,
    /// Weight of the Beta prior on each tie's probability, in exposures (> 0).
    pub prior_strength: f64,
    /// κ: how many posts of its own an author needs before its history outweighs the crowd's (≥ 0).
    pub shrinkage: f64,
    /// Longest silence, in seconds, inside one derived post's burst of adoptions (> 0).
    pub burst_gap: i64,
    /// New audience is drawn from the author's latest this many posts (0: all of them). An author's early
    /// posts reach mostly strangers who then become ties; drawing their new audience again beside the
    /// ties they made counts those accounts twice.
    pub recent_posts: usize,
    /// Whether a tied account that passes the post on passes it to its own ties in turn (a cascade over
    /// the learned graph), or only the author's ties are tried (one hop). Data that credit every reshare
    /// to the original author (Higgs, the cascade benchmarks) learn `p(u, v)` as how often `v` ends up in
    /// `u`'s cascade by any route: another hop on top counts the indirect routes twice.
    pub multi_hop: bool,
    /// Only ties begun before this instant are edges of the forecast graph (`None`: all). A model that
    /// learns whole cascades of earlier posts sees reshares after the moment it forecasts from; they
    /// still count as those posts' reach, but the ties they begin did not exist yet.
    pub ties_before: Option<i64>,
    /// The crowd (what an author without history is forecast from) is the latest this many posts of all
    /// authors (0: every post). Reach drifts: in the cascade benchmarks a post of the first tenth of the
    /// time reached 3–10 times what one of the last tenth did.
    pub crowd_recent: usize,
    /// Whether reach is split into ties and new audience (the default) or drawn whole from a past
    /// post, its tied and new adopters together: a forecast from history alone, which ignores who is
    /// tied to the author now.
    pub through_ties: bool,
}

impl Default for ReachConfig {
    fn default() -> Self {
        ReachConfig {
            adoption_kinds: vec![InteractionKind::Reshare, InteractionKind::Quote],
            prior_strength: 20.0,
            shrinkage: 5.0,
            burst_gap: 3600,
            recent_posts: 0,
            multi_hop: false,
            ties_before: None,
            crowd_recent: 0,
            through_ties: true,
        }
    }
}

impl ReachConfig {
    pub(crate) fn check(&self) -> Result<(), DiffusionError> {
        let bad = |m: String| Err(DiffusionError::BadParameter(m));
        if !(self.prior_strength.is_finite() && self.prior_strength > 0.0) {
            return bad(format!(
                "the prior strength must be a positive number of exposures (got {})",
                self.prior_strength
            ));
        }
        if !(self.shrinkage.is_finite() && self.shrinkage >= 0.0) {
            return bad(format!(
                "the shrinkage κ must be ≥ 0 (got {})",
                self.shrinkage
            ));
        }
        if self.burst_gap <= 0 {
            return bad(format!(
                "the burst gap must be at least one second (got {})",
                self.burst_gap
            ));
        }
        if self.adoption_kinds.is_empty() {
            return bad("no interaction kind counts as passing a post on".into());
        }
        Ok(())
    }
}

/// `posts` plus, for every author without any, posts derived from the adoptions it received that name no
/// post (see the module docs), and per author whether its posts are derived. Undated adoptions, and
/// adoptions that name a post (among the rows or not), derive nothing: a reshare of a post made before
/// the window is not a new post.
pub fn derive_posts(
    nodes: u32,
    posts: &[PostRow],
    interactions: &[InteractionRow],
    cfg: &ReachConfig,
) -> Result<(Vec<PostRow>, Vec<bool>), DiffusionError> {
    cfg.check()?;
    let mut derived = vec![true; nodes as usize];
    for (index, p) in posts.iter().enumerate() {
        if p.author >= nodes {
            return Err(DiffusionError::NodeOutOfRange {
                index,
                node: p.author,
                nodes,
            });
        }
        derived[p.author as usize] = false;
    }
    let mut adoptions: Vec<(u32, i64)> = Vec::new();
    for (index, r) in interactions.iter().enumerate() {
        for node in [r.actor, r.target] {
            if node >= nodes {
                return Err(DiffusionError::NodeOutOfRange { index, node, nodes });
            }
        }
        if r.actor != r.target
            && r.time != i64::MIN
            && r.post == PostLink::Unnamed
            && derived[r.target as usize]
            && cfg.adoption_kinds.contains(&r.kind)
        {
            adoptions.push((r.target, r.time));
        }
    }
    adoptions.sort_unstable();
    let mut all = posts.to_vec();
    let mut last: Option<(u32, i64)> = None;
    for &(author, time) in &adoptions {
        let starts = match last {
            Some((a, t)) => a != author || time - t > cfg.burst_gap,
            None => true,
        };
        if starts {
            all.push(PostRow { author, time });
        }
        last = Some((author, time));
    }
    Ok((all, derived))
}

/// A learned reach model (see the module docs).
#[derive(Debug, Clone)]
pub struct ReachModel {
    graph: DiffusionGraph,
    /// Author `u`'s posts' new-audience counts are `new_audience[offsets[u]..offsets[u + 1]]`; the whole
    /// vector is the crowd's.
    offsets: Vec<usize>,
    new_audience: Vec<u32>,
    /// Per post slot: how its ties took it up against what their probabilities expected,
    /// `(tied adopters + 1) / (expected + 1)`. A forecast draws a past post and scales every tie's
    /// probability by its factor, so a post that catches on does so among all the ties at once, as
    /// real posts do (independent ties alone give intervals far too narrow).
    virality: Vec<f64>,
    /// The crowd's post slots: every post, or the latest [`ReachConfig::crowd_recent`].
    crowd: Vec<usize>,
    /// Per post slot: its accounts reached through ties, drawn with its new audience when reach is
    /// not split ([`ReachConfig::through_ties`] off).
    tied_reach: Vec<u32>,
    through_ties: bool,
    derived: Vec<bool>,
    shrinkage: f64,
    recent_posts: usize,
    multi_hop: bool,
    /// Pooled adoption rate of tied exposures: the prior mean of every tie's probability.
    pub prior_mean: f64,
    pub prior_strength: f64,
    /// Posts learned from, and how many of them were derived from bursts of adoptions.
    pub posts: usize,
    pub derived_posts: usize,
    pub tied_exposures: u64,
    pub tied_adoptions: u64,
}

/// Learn a reach model from posts and interactions over dense ids `0..nodes`. Errors on ids outside the
/// graph, bad parameters, and data with no post to learn from.
pub fn learn_reach_model(
    nodes: u32,
    posts: &[PostRow],
    interactions: &[InteractionRow],
    cfg: &ReachConfig,
) -> Result<ReachModel, DiffusionError> {
    let (all_posts, derived) = derive_posts(nodes, posts, interactions, cfg)?;
    if all_posts.is_empty() {
        return Err(DiffusionError::BadParameter(
            "no posts, and no post was passed on: there is nothing to learn a forecast from".into(),
        ));
    }
    let learn = LearnConfig {
        alpha: 0.0,
        beta: 1.0,
        adoption_kinds: cfg.adoption_kinds.clone(),
        first_adoption_is_exposure: false,
    };
    let counts = learn_counts(nodes, &all_posts, interactions, &learn)?;
    let tied_adoptions: u64 = counts.pairs.iter().map(|p| u64::from(p.2)).sum();
    let tied_exposures: u64 = counts.pairs.iter().map(|p| u64::from(p.3)).sum();
    // With no tied exposure at all there is no rate to pool; a tie then keeps the mean of the plain
    // learner's default prior.
    let prior_mean = if tied_exposures > 0 {
        tied_adoptions as f64 / tied_exposures as f64
    } else {
        let d = LearnConfig::default();
        d.alpha / (d.alpha + d.beta)
    };
    let (alpha, beta) = (
        prior_mean * cfg.prior_strength,
        (1.0 - prior_mean) * cfg.prior_strength,
    );
    check_smoothing(alpha, beta)?;
    let ties_before = cfg.ties_before.unwrap_or(i64::MAX);
    // The ties that are edges of the forecast graph, with their probabilities, by pair.
    let kept: Vec<Option<LearnedEdge>> = counts
        .edges(alpha, beta)
        .into_iter()
        .zip(&counts.tie_start)
        .map(|(e, &since)| (e.p > 0.0 && since < ties_before).then_some(e))
        .collect();
    let triples: Vec<(u32, u32, f32)> =
        kept.iter().flatten().map(|e| (e.src, e.dst, e.p)).collect();
    let graph = DiffusionGraph::from_weighted(nodes, &triples)?;
    let derived_posts = all_posts.len() - posts.len();
    // What each post's ties were expected to adopt: the sum of the kept ties' probabilities over the
    // pairs it was exposed to.
    let mut expected = vec![0.0f64; counts.new_adopters.len()];
    for (i, e) in kept.iter().enumerate() {
        if let Some(e) = e {
            let ranges = &counts.exposed[counts.exposed_offsets[i]..counts.exposed_offsets[i + 1]];
            for &(lo, hi) in ranges {
                for slot in &mut expected[lo..hi] {
                    *slot += f64::from(e.p);
                }
            }
        }
    }
    let virality = expected
        .iter()
        .zip(&counts.tied_adopters)
        .map(|(&x, &a)| (f64::from(a) + 1.0) / (x + 1.0))
        .collect();
    Ok(ReachModel {
        graph,
        virality,
        tied_reach: counts.tied_adopters.clone(),
        through_ties: cfg.through_ties,
        crowd: recent_crowd(&counts.slot_times, cfg.crowd_recent),
        offsets: counts.post_offsets,
        new_audience: counts.new_adopters,
        derived,
        shrinkage: cfg.shrinkage,
        recent_posts: cfg.recent_posts,
        multi_hop: cfg.multi_hop,
        prior_mean,
        prior_strength: cfg.prior_strength,
        posts: all_posts.len(),
        derived_posts,
        tied_exposures,
        tied_adoptions,
    })
}

/// The slots of the latest `n` posts (by their times `slot_times`; 0: all), the crowd's history.
fn recent_crowd(slot_times: &[i64], n: usize) -> Vec<usize> {
    let slots = slot_times.len();
    if n == 0 || n >= slots {
        return (0..slots).collect();
    }
    let mut by_time: Vec<(i64, usize)> = slot_times.iter().copied().zip(0..).collect();
    by_time.sort_unstable();
    by_time[slots - n..].iter().map(|&(_, slot)| slot).collect()
}

/// Learn a reach model whose ties are the social graph's follow edges with Independent Cascade
/// probabilities fitted by Saito et al.'s EM on the cascades of `posts` ([`crate::em`]): a simulated post
/// spreads over the follow graph hop by hop, and its new audience is what a past post reached outside
/// the graph (adopters none of whose followees had adopted it before them). Needs follow rows.
pub fn learn_reach_model_em(
    nodes: u32,
    posts: &[PostRow],
    interactions: &[InteractionRow],
    cfg: &ReachConfig,
    em: &crate::em::EmConfig,
) -> Result<ReachModel, DiffusionError> {
    cfg.check()?;
    if posts.is_empty() {
        return Err(DiffusionError::BadParameter(
            "no posts: there is nothing to learn a forecast from".into(),
        ));
    }
    let follows: Vec<(u32, u32)> = interactions
        .iter()
        .filter(|r| r.kind == InteractionKind::Follow)
        .map(|r| (r.target, r.actor))
        .collect();
    if follows.is_empty() {
        return Err(DiffusionError::BadParameter(
            "no follow edges: EM learns probabilities on a social graph".into(),
        ));
    }
    let social = crate::em::SocialGraph::new(nodes, &follows)?;
    let cascades = crate::doubling::cascades_from_rows(posts, interactions);
    let trials = crate::em::Trials::count(&social, &cascades)?;
    // Empirical Bayes, as for the counted ties: the prior's mean is the pooled rate at which a tried edge
    // succeeded (explained adoptions per trial), worth `prior_strength` trials. A fixed mean such as 0.05
    // on every untried edge of a dense follow graph makes the cascade explode.
    let tried: u64 = trials
        .positive()
        .iter()
        .chain(trials.negative())
        .map(|&x| u64::from(x))
        .sum();
    let pooled = if tried > 0 {
        (trials.explained() as f64 / tried as f64).min(1.0)
    } else {
        em.alpha / (em.alpha + em.beta)
    };
    let em = &crate::em::EmConfig {
        alpha: pooled * cfg.prior_strength,
        beta: (1.0 - pooled) * cfg.prior_strength,
        ..*em
    };
    let fit = crate::em::fit(&trials, em)?;
    let p: Vec<f32> = fit.p.iter().map(|&x| x as f32).collect();
    let graph = social.diffusion_graph(&p)?;
    let slots = crate::learn::PostSlots::new(nodes, posts)?;
    let mut new_audience = vec![0u32; posts.len()];
    let mut tied_reach = vec![0u32; posts.len()];
    for (k, (c, &outside)) in cascades.iter().zip(trials.outside_by_cascade()).enumerate() {
        new_audience[slots.slot_of[k]] = outside;
        tied_reach[slots.slot_of[k]] = c.reshares.len() as u32 - outside;
    }
    let (positive, negative): (u64, u64) = (
        trials.positive().iter().map(|&x| u64::from(x)).sum(),
        trials.negative().iter().map(|&x| u64::from(x)).sum(),
    );
    Ok(ReachModel {
        graph,
        virality: vec![1.0; posts.len()],
        tied_reach,
        through_ties: cfg.through_ties,
        crowd: recent_crowd(&slots.times, cfg.crowd_recent),
        offsets: slots.offsets,
        new_audience,
        derived: vec![false; nodes as usize],
        shrinkage: cfg.shrinkage,
        recent_posts: cfg.recent_posts,
        multi_hop: true,
        prior_mean: em.alpha / (em.alpha + em.beta),
        prior_strength: em.alpha + em.beta,
        posts: posts.len(),
        derived_posts: 0,
        tied_exposures: positive + negative,
        tied_adoptions: trials.explained(),
    })
}

/// The forecast of one author's next post.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachForecast {
    pub author: u32,
    /// Reach (accounts that pass the post on, the author excluded) over the simulations.
    pub reach: SpreadEstimate,
    /// The forecast is of a post passed on at least once (the author's posts were derived from adoptions).
    pub conditional: bool,
    /// The author's own posts in the model, and the weight their history gets against the crowd's.
    pub own_posts: usize,
    pub own_weight: f64,
    /// Mean reach through ties and from new audience, over the simulations kept.
    pub mean_through_ties: f64,
    pub mean_new_audience: f64,
}

impl ReachModel {
    pub fn graph(&self) -> &DiffusionGraph {
        &self.graph
    }

    /// Posts of `author` the model learned from (0 for an id outside the graph).
    pub fn posts_of(&self, author: u32) -> usize {
        let u = author as usize;
        if u + 1 < self.offsets.len() {
            self.offsets[u + 1] - self.offsets[u]
        } else {
            0
        }
    }

    /// Whether `author`'s forecast is conditional on at least one adoption (its posts are derived).
    pub fn is_conditional(&self, author: u32) -> bool {
        self.derived.get(author as usize).copied().unwrap_or(true)
    }

    /// Forecast the reach of a new post of `author` from `simulations` runs seeded with `seed` on
    /// `threads` threads (0: the current rayon pool; the result does not depend on it).
    pub fn forecast(
        &self,
        author: u32,
        simulations: usize,
        seed: u64,
        threads: usize,
    ) -> Result<ReachForecast, DiffusionError> {
        self.forecast_reporting(author, simulations, seed, threads, &no_progress)
    }

    /// [`ReachModel::forecast`], telling `progress` the share of the simulations finished as they
    /// finish. The forecast is exactly [`ReachModel::forecast`]'s.
    pub fn forecast_reporting(
        &self,
        author: u32,
        simulations: usize,
        seed: u64,
        threads: usize,
        progress: ProgressHook<'_>,
    ) -> Result<ReachForecast, DiffusionError> {
        check_seeds(&self.graph, &[author])?;
        self.forecast_inner(Some(author), simulations, seed, threads, progress)
    }

    /// Forecast a post of an account the model has never seen (no ties, no history): the crowd's new
    /// audience alone, conditional on one adoption when every learned post was derived. `author` in the
    /// result is `u32::MAX`.
    pub fn forecast_newcomer(
        &self,
        simulations: usize,
        seed: u64,
        threads: usize,
    ) -> Result<ReachForecast, DiffusionError> {
        self.forecast_inner(None, simulations, seed, threads, &no_progress)
    }

    fn forecast_inner(
        &self,
        author: Option<u32>,
        simulations: usize,
        seed: u64,
        threads: usize,
        progress: ProgressHook<'_>,
    ) -> Result<ReachForecast, DiffusionError> {
        if simulations == 0 {
            return Err(DiffusionError::NoSimulations);
        }
        let own = match author {
            Some(u) => {
                let (from, to) = (self.offsets[u as usize], self.offsets[u as usize + 1]);
                let from = match self.recent_posts {
                    0 => from,
                    n => from.max(to.saturating_sub(n)),
                };
                from..to
            }
            None => 0..0,
        };
        let own_weight = if own.is_empty() {
            0.0
        } else {
            own.len() as f64 / (own.len() as f64 + self.shrinkage)
        };
        let crowd = &self.crowd[..];
        let conditional = match author {
            Some(u) => self.is_conditional(u),
            None => self.derived_posts == self.posts,
        };
        let (tie_sum, new_sum) = (AtomicU64::new(0), AtomicU64::new(0));
        let run = |ws: &mut crate::Workspace, i: usize| {
            let mut rng = simulation_rng(seed, i as u64);
            let mut kept = (0u32, 0u32);
            for _ in 0..MAX_REDRAWS {
                // A past post like this one: the author's own, or the crowd's.
                let slot = if !own.is_empty() && unit(&mut rng) < own_weight {
                    Some(own.start + below(&mut rng, own.len()))
                } else if crowd.is_empty() {
                    None
                } else {
                    Some(crowd[below(&mut rng, crowd.len())])
                };
                let new = slot.map_or(0, |k| self.new_audience[k]);
                let lift = slot.map_or(1.0, |k| self.virality[k]);
                let ties = match author {
                    _ if !self.through_ties => slot.map_or(0, |k| self.tied_reach[k]),
                    Some(u) if self.multi_hop => {
                        ws.ic(&self.graph, &[u], &mut rng).saturating_sub(1) as u32
                    }
                    Some(u) => self
                        .graph
                        .out_links(u)
                        .iter()
                        .filter(|l| unit(&mut rng) < lift * f64::from(l.p))
                        .count() as u32,
                    None => 0,
                };
                kept = (ties, new);
                if !conditional || ties + new > 0 {
                    break;
                }
            }
            if conditional && kept.0 + kept.1 == 0 {
                kept.1 = 1;
            }
            tie_sum.fetch_add(u64::from(kept.0), Ordering::Relaxed);
            new_sum.fetch_add(u64::from(kept.1), Ordering::Relaxed);
            kept.0.saturating_add(kept.1)
        };
        let samples = run_simulations(
            self.graph.nodes(),
            Model::IndependentCascade,
            simulations,
            threads,
            run,
            progress,
        )?;
        let n = simulations as f64;
        Ok(ReachForecast {
            author: author.unwrap_or(u32::MAX),
            reach: SpreadEstimate::from_samples(Model::IndependentCascade, samples)?,
            conditional,
            own_posts: own.len(),
            own_weight,
            mean_through_ties: tie_sum.into_inner() as f64 / n,
            mean_new_audience: new_sum.into_inner() as f64 / n,
        })
    }
}

/// A uniform index below `n` (Lemire's multiply-shift; the bias is below 2^-32 for any slice here).
fn below(rng: &mut impl Rng, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// What one post actually reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub author: u32,
    pub time: i64,
    /// Distinct accounts (the author excluded) whose adoptions are credited to this post: the post an
    /// adoption names, or for one that names none, its target's latest post at or before it.
    pub reach: u32,
}

/// The reach of every post in the data (stored posts, and posts derived as the model derives them), in
/// order of author and time. An adoption naming a post outside the rows counts for none of them.
pub fn post_outcomes(
    nodes: u32,
    posts: &[PostRow],
    interactions: &[InteractionRow],
    cfg: &ReachConfig,
) -> Result<Vec<Outcome>, DiffusionError> {
    post_outcomes_counting(nodes, posts, interactions, cfg, &|_| true)
}

/// [`post_outcomes`] counting only the adopters `counts` accepts (say, the authentic ones): the same
/// posts in the same order, each with the number of its distinct accepted adopters.
pub fn post_outcomes_counting(
    nodes: u32,
    posts: &[PostRow],
    interactions: &[InteractionRow],
    cfg: &ReachConfig,
    counts: &dyn Fn(u32) -> bool,
) -> Result<Vec<Outcome>, DiffusionError> {
    let (all, _) = derive_posts(nodes, posts, interactions, cfg)?;
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_unstable_by_key(|&k| (all[k].author, all[k].time, k));
    let keys: Vec<(u32, i64)> = order
        .iter()
        .map(|&k| (all[k].author, all[k].time))
        .collect();
    let mut adoptions: Vec<(usize, u32)> = Vec::new();
    for (index, r) in interactions.iter().enumerate() {
        if !cfg.adoption_kinds.contains(&r.kind) {
            continue;
        }
        let post = match r.post {
            PostLink::Outside => continue,
            PostLink::Row(k) => match posts.get(k as usize) {
                Some(p) if p.author == r.actor => continue,
                Some(_) => k as usize,
                None => return Err(DiffusionError::PostOutOfRange { index, post: k }),
            },
            PostLink::Unnamed => {
                if r.actor == r.target {
                    continue;
                }
                let at = keys.partition_point(|&key| key <= (r.target, r.time));
                if at == 0 || keys[at - 1].0 != r.target {
                    continue;
                }
                order[at - 1]
            }
        };
        adoptions.push((post, r.actor));
    }
    adoptions.sort_unstable();
    adoptions.dedup();
    let mut reach = vec![0u32; all.len()];
    for &(k, actor) in &adoptions {
        if counts(actor) {
            reach[k] += 1;
        }
    }
    Ok(order
        .iter()
        .map(|&k| Outcome {
            author: all[k].author,
            time: all[k].time,
            reach: reach[k],
        })
        .collect())
}

/// How forecasts fared against outcomes (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Calibration {
    pub outcomes: usize,
    /// Outcomes inside their forecast's `[p10, p90]`.
    pub inside_interval: usize,
    /// Sum over outcomes of the forecast's own probability of `[p10, p90]`.
    interval_mass: f64,
    /// Sum over outcomes of the probability that the randomized PIT lands in each tenth of [0, 1].
    pit_tenths: [f64; 10],
    /// Sum over outcomes of the continuous ranked probability score.
    crps: f64,
    /// Outcomes inside their forecast's quoted 80% interval ([`SpreadEstimate::central_interval`]),
    /// and the sum of those intervals' own probabilities.
    inside_quoted: usize,
    quoted_mass: f64,
}

impl Calibration {
    /// Score one outcome against its forecast; its CRPS.
    pub fn add(&mut self, forecast: &SpreadEstimate, outcome: u32) -> f64 {
        let sorted = forecast.samples_sorted();
        let n = sorted.len() as f64;
        let share_below = |x: u32| sorted.partition_point(|&s| s < x) as f64 / n;
        let share_upto = |x: u32| sorted.partition_point(|&s| s <= x) as f64 / n;
        self.outcomes += 1;
        if forecast.p10 <= outcome && outcome <= forecast.p90 {
            self.inside_interval += 1;
        }
        self.interval_mass += share_upto(forecast.p90) - share_below(forecast.p10);
        let (low, high, quoted) = forecast.central_interval(0.8);
        if low <= outcome && outcome <= high {
            self.inside_quoted += 1;
        }
        self.quoted_mass += quoted;
        let score = crps(sorted, outcome);
        self.crps += score;
        // The randomized PIT is uniform on [F(y−1), F(y)]; a point if the forecast gave y no mass.
        let (lo, hi) = (share_below(outcome), share_upto(outcome));
        for (t, slot) in self.pit_tenths.iter_mut().enumerate() {
            let (a, b) = (t as f64 / 10.0, (t + 1) as f64 / 10.0);
            *slot += if hi > lo {
                (hi.min(b) - lo.max(a)).max(0.0) / (hi - lo)
            } else if (a <= lo && lo < b) || (t == 9 && lo >= 1.0) {
                1.0
            } else {
                0.0
            };
        }
        score
    }

    /// Merge another tally into this one.
    pub fn merge(&mut self, other: &Calibration) {
        self.outcomes += other.outcomes;
        self.inside_interval += other.inside_interval;
        self.interval_mass += other.interval_mass;
        for (a, b) in self.pit_tenths.iter_mut().zip(other.pit_tenths) {
            *a += b;
        }
        self.crps += other.crps;
        self.inside_quoted += other.inside_quoted;
        self.quoted_mass += other.quoted_mass;
    }

    /// Mean continuous ranked probability score, in accounts: how far the forecast distribution sits
    /// from the outcome (lower is better). Unlike coverage it rewards sharpness, so it tells an
    /// informative forecast from a merely calibrated one (such as everyone's posts forecast alike).
    pub fn mean_crps(&self) -> f64 {
        self.share(self.crps)
    }

    fn share(&self, x: f64) -> f64 {
        if self.outcomes == 0 {
            f64::NAN
        } else {
            x / self.outcomes as f64
        }
    }

    /// Share of outcomes inside `[p10, p90]`.
    pub fn interval_coverage(&self) -> f64 {
        self.share(self.inside_interval as f64)
    }

    /// Share of outcomes inside the quoted 80% interval ([`SpreadEstimate::central_interval`]).
    pub fn quoted_coverage(&self) -> f64 {
        self.share(self.inside_quoted as f64)
    }

    /// Mean own probability of the quoted 80% intervals: what `quoted_coverage` should be if calibrated.
    pub fn quoted_mass(&self) -> f64 {
        self.share(self.quoted_mass)
    }

    /// Mean forecast probability of `[p10, p90]`: what `interval_coverage` should be if calibrated.
    pub fn interval_mass(&self) -> f64 {
        self.share(self.interval_mass)
    }

    /// Expected share of outcomes whose randomized PIT lies in [0.1, 0.9]: 0.8 if calibrated.
    pub fn central_80_coverage(&self) -> f64 {
        self.share(self.pit_tenths[1..9].iter().sum())
    }

    /// Share of the randomized PIT in each tenth of [0, 1] (0.1 each if calibrated; mass piled in the
    /// first tenths means outcomes below the forecasts).
    pub fn pit_histogram(&self) -> [f64; 10] {
        self.pit_tenths.map(|x| self.share(x))
    }
}

/// CRPS of a sample forecast (sorted) for outcome `y`: `E|X − y| − E|X − X'| / 2`, the second term from
/// the order statistics (`E|X − X'| = 2 / n² · Σ (2i − n − 1) x_(i)`, `i` from 1).
fn crps(sorted: &[u32], y: u32) -> f64 {
    let n = sorted.len() as f64;
    let to_outcome: f64 = sorted
        .iter()
        .map(|&x| (f64::from(x) - f64::from(y)).abs())
        .sum();
    let spread: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| (2.0 * (i + 1) as f64 - n - 1.0) * f64::from(x))
        .sum();
    to_outcome / n - spread / (n * n)
}

/// Calibration of a model's forecasts against outcomes, split by whether the author had posts of its own
/// in the model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CalibrationReport {
    pub all: Calibration,
    pub with_history: Calibration,
    pub without_history: Calibration,
    /// Authors forecast (one forecast each, scored against all its outcomes).
    pub authors: usize,
    /// Of those, authors outside the model's graph, forecast as newcomers.
    pub newcomers: usize,
    /// Each outcome's CRPS, in the order the outcomes were given (for paired comparisons).
    pub crps_by_outcome: Vec<f64>,
}

/// Forecast every author in `outcomes` once (`simulations` runs, seeded with `seed`) and score each of its
/// outcomes. An author id outside the model's graph is an account first seen after the model learned,
/// forecast as a newcomer ([`ReachModel::forecast_newcomer`]). Authors are forecast in parallel on `threads` threads (0: the current pool); the report does
/// not depend on the thread count. `progress` is called once per author forecast (from any thread).
pub fn calibrate(
    model: &ReachModel,
    outcomes: &[Outcome],
    simulations: usize,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<CalibrationReport, DiffusionError> {
    calibrate_thinned(model, outcomes, simulations, seed, threads, progress, None)
}

/// Keeps a share of each author's forecast reach (see [`SpreadEstimate::thinned`]): `keep(author)`, the
/// share counted of what that author's posts reach; `u32::MAX` asks for a newcomer's.
pub type KeepShare<'a> = &'a (dyn Fn(u32) -> f64 + Sync);

/// [`calibrate`] with each author's forecast thinned by `keep` before it is scored (no thinning when
/// `None`): how a forecast of a share of the reach (the authentic accounts, say) fares against outcomes
/// counted the same way ([`post_outcomes_counting`]).
pub fn calibrate_thinned(
    model: &ReachModel,
    outcomes: &[Outcome],
    simulations: usize,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn() + Sync),
    keep: Option<KeepShare<'_>>,
) -> Result<CalibrationReport, DiffusionError> {
    let mut order: Vec<usize> = (0..outcomes.len()).collect();
    order.sort_unstable_by_key(|&i| (outcomes[i].author, outcomes[i].time, i));
    let groups: Vec<&[usize]> = order
        .chunk_by(|&a, &b| outcomes[a].author == outcomes[b].author)
        .collect();
    // Every newcomer gets the same forecast (it depends on no author): simulate it once.
    let nodes = model.graph.nodes();
    let newcomer = if groups
        .iter()
        .any(|g| outcomes[g[0]].author as usize >= nodes)
    {
        Some(model.forecast_newcomer(simulations, seed, threads)?)
    } else {
        None
    };
    type Scored = (bool, Calibration, Vec<(usize, f64)>);
    let score = |group: &&[usize]| -> Result<Scored, DiffusionError> {
        let author = outcomes[group[0]].author;
        let own;
        let newcomer_author = author as usize >= nodes;
        let f = match &newcomer {
            Some(f) if newcomer_author => f,
            _ => {
                own = model.forecast(author, simulations, seed, 1)?;
                &own
            }
        };
        let thinned;
        let reach = match keep {
            None => &f.reach,
            Some(keep) => {
                let key = if newcomer_author { u32::MAX } else { author };
                thinned = f
                    .reach
                    .thinned(keep(key), SpreadEstimate::thinning_seed(seed, key))?;
                &thinned
            }
        };
        progress();
        let mut c = Calibration::default();
        let each = group
            .iter()
            .map(|&i| (i, c.add(reach, outcomes[i].reach)))
            .collect();
        Ok((f.own_posts > 0, c, each))
    };
    let scored: Vec<Result<Scored, DiffusionError>> = match threads {
        1 => groups.iter().map(score).collect(),
        0 => groups.par_iter().map(score).collect(),
        k => rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .map_err(|e| DiffusionError::ThreadPool(e.to_string()))?
            .install(|| groups.par_iter().map(score).collect()),
    };
    let mut report = CalibrationReport {
        authors: groups.len(),
        newcomers: groups
            .iter()
            .filter(|g| outcomes[g[0]].author as usize >= nodes)
            .count(),
        crps_by_outcome: vec![0.0; outcomes.len()],
        ..CalibrationReport::default()
    };
    for s in scored {
        let (history, c, each) = s?;
        for (i, x) in each {
            report.crps_by_outcome[i] = x;
        }
        report.all.merge(&c);
        if history {
            report.with_history.merge(&c);
        } else {
            report.without_history.merge(&c);
        }
    }
    Ok(report)
}

/// The two forecasts a reach model has to beat, scored on the same outcomes: the **crowd**, every past
/// post's reach as one distribution for everyone, and the **last size**, a point forecast of the author's
/// latest past post's reach (the crowd's median for an author with none).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BaselineCalibration {
    pub crowd: Calibration,
    pub last_size: Calibration,
    /// Each outcome's CRPS under each baseline, in the order the outcomes were given.
    pub crowd_crps: Vec<f64>,
    pub last_size_crps: Vec<f64>,
}

/// Score both baselines of [`BaselineCalibration`] built from `past` against `outcomes`. Errors when
/// there is no past post to build them from.
pub fn calibrate_baselines(
    past: &[Outcome],
    outcomes: &[Outcome],
) -> Result<BaselineCalibration, DiffusionError> {
    let crowd = SpreadEstimate::from_samples(
        Model::IndependentCascade,
        past.iter().map(|o| o.reach).collect(),
    )?;
    let mut latest: std::collections::HashMap<u32, (i64, u32)> = Default::default();
    for o in past {
        let slot = latest.entry(o.author).or_insert((o.time, o.reach));
        if o.time >= slot.0 {
            *slot = (o.time, o.reach);
        }
    }
    let mut point: std::collections::HashMap<u32, SpreadEstimate> = Default::default();
    let mut report = BaselineCalibration::default();
    for o in outcomes {
        let x = report.crowd.add(&crowd, o.reach);
        report.crowd_crps.push(x);
        let last = latest.get(&o.author).map_or(crowd.p50, |&(_, reach)| reach);
        let forecast = match point.entry(last) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(SpreadEstimate::from_samples(
                Model::IndependentCascade,
                vec![last],
            )?),
        };
        let x = report.last_size.add(forecast, o.reach);
        report.last_size_crps.push(x);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use InteractionKind::*;

    fn act(actor: u32, target: u32, kind: InteractionKind, time: i64) -> InteractionRow {
        InteractionRow {
            actor,
            target,
            kind,
            time,
            post: PostLink::Unnamed,
        }
    }

    fn cfg(gap: i64) -> ReachConfig {
        ReachConfig {
            burst_gap: gap,
            ..ReachConfig::default()
        }
    }

    #[test]
    fn bursts_of_adoptions_become_posts_only_for_authors_without_posts() {
        // Author 0 is reshared at 100, 150 (one burst with gap 60) and 300 (a new one); author 1 has a
        // stored post, so its reshare derives nothing; author 2 is only mentioned, which is no adoption.
        let rows = [
            act(3, 0, Reshare, 150),
            act(4, 0, Reshare, 100),
            act(5, 0, Quote, 300),
            act(3, 1, Reshare, 500),
            act(3, 2, Mention, 500),
            act(0, 0, Reshare, 700),
        ];
        let stored = [PostRow {
            author: 1,
            time: 400,
        }];
        let (posts, derived) = derive_posts(6, &stored, &rows, &cfg(60)).unwrap();
        let mut got: Vec<(u32, i64)> = posts.iter().map(|p| (p.author, p.time)).collect();
        got.sort_unstable();
        assert_eq!(got, vec![(0, 100), (0, 300), (1, 400)]);
        assert_eq!(derived, vec![true, false, true, true, true, true]);
        let out = post_outcomes(6, &stored, &rows, &cfg(60)).unwrap();
        let reach: Vec<(u32, i64, u32)> = out.iter().map(|o| (o.author, o.time, o.reach)).collect();
        assert_eq!(reach, vec![(0, 100, 2), (0, 300, 1), (1, 400, 1)]);
    }

    #[test]
    fn ties_learn_a_pooled_prior_and_strangers_count_as_new_audience() {
        // Author 0 posts at 10, 20, 30. Account 1 mentions 0 at 5 (a tie), then reshares the post of 20.
        // Account 2 reshares the post of 10 with no earlier tie (new audience), and so is tied for 20, 30.
        let posts = [10, 20, 30].map(|time| PostRow { author: 0, time });
        let rows = [
            act(1, 0, Mention, 5),
            act(1, 0, Reshare, 21),
            act(2, 0, Reshare, 11),
        ];
        let m = learn_reach_model(3, &posts, &rows, &ReachConfig::default()).unwrap();
        // Tied exposures: 1 sees 10, 20, 30 and adopts one; 2 sees 20, 30 and adopts none.
        assert_eq!((m.tied_adoptions, m.tied_exposures), (1, 5));
        assert!((m.prior_mean - 0.2).abs() < 1e-12);
        assert_eq!(m.new_audience, vec![1, 0, 0]);
        assert_eq!((m.posts, m.derived_posts), (3, 0));
        // p(0, 1) = (1 + 0.2·20) / (3 + 20) and p(0, 2) = (0 + 4) / (2 + 20).
        let p: Vec<(u32, f32)> = m
            .graph()
            .out_links(0)
            .iter()
            .map(|l| (l.node, l.p))
            .collect();
        assert_eq!(p.len(), 2);
        assert!((p[0].1 - 5.0 / 23.0).abs() < 1e-6 && (p[1].1 - 4.0 / 22.0).abs() < 1e-6);
        assert!(!m.is_conditional(0) && m.is_conditional(1));
    }

    #[test]
    fn without_ties_the_forecast_resamples_history_and_the_crowd() {
        // Author 0 has three derived posts, each reshared by two strangers; author 1 one post reshared by
        // six. Nobody is tied before a post, so reach is new audience only.
        let mut rows = Vec::new();
        for (k, t) in [0i64, 10_000, 20_000].iter().enumerate() {
            rows.push(act(10 + 2 * k as u32, 0, Reshare, *t));
            rows.push(act(11 + 2 * k as u32, 0, Reshare, *t + 1));
        }
        for a in 20..26 {
            rows.push(act(a, 1, Reshare, 50_000));
        }
        let only_own = ReachConfig {
            shrinkage: 0.0,
            ..ReachConfig::default()
        };
        let m = learn_reach_model(30, &[], &rows, &only_own).unwrap();
        assert_eq!((m.posts, m.derived_posts), (4, 4));
        let f = m.forecast(0, 500, 7, 1).unwrap();
        assert!(f.conditional && f.own_posts == 3 && f.own_weight == 1.0);
        assert_eq!((f.reach.min, f.reach.max), (2, 2));
        // An author with no posts draws from the crowd: 2 three times in four, 6 once in four.
        let f = m.forecast(2, 4000, 7, 1).unwrap();
        assert_eq!(f.own_posts, 0);
        let p6 = f.reach.probability_at_least(6);
        assert!((p6 - 0.25).abs() < 0.03, "P(6) = {p6}");
        assert_eq!(f.reach.min, 2);
        assert!((f.mean_new_audience - f.reach.mean).abs() < 1e-12 && f.mean_through_ties == 0.0);
        // The same forecast on any number of threads.
        assert_eq!(m.forecast(2, 4000, 7, 2).unwrap(), f);
        // Reporting progress changes nothing, and hears every chunk up to all of them.
        for threads in [1, 2] {
            let heard = std::sync::Mutex::new(Vec::new());
            let r = m
                .forecast_reporting(2, 4000, 7, threads, &|p| heard.lock().unwrap().push(p))
                .unwrap();
            assert_eq!(r, f);
            let mut heard = heard.into_inner().unwrap();
            assert_eq!(heard.len(), 4000usize.div_ceil(64));
            heard.sort_by(f64::total_cmp);
            assert!(heard[0] > 0.0 && heard[0] < 0.1, "{heard:?}");
            assert_eq!(*heard.last().unwrap(), 1.0);
        }
    }

    #[test]
    fn posts_that_catch_on_do_so_among_all_ties_at_once() {
        // Author 0 has ten followers (undated follows) and ten posts: every follower reshares the odd
        // posts, none the even ones. Each tie's rate is 1/2; ties drawn independently would almost never
        // all pass a post on or all ignore it, but the author's posts did exactly that every time.
        let mut rows = Vec::new();
        for v in 1..=10 {
            rows.push(act(v, 0, Follow, i64::MIN));
        }
        let posts: Vec<PostRow> = (0..10)
            .map(|k| PostRow {
                author: 0,
                time: 1000 * k,
            })
            .collect();
        for (k, p) in posts.iter().enumerate() {
            if k % 2 == 1 {
                for v in 1..=10 {
                    rows.push(InteractionRow {
                        post: PostLink::Row(k as u32),
                        ..act(v, 0, Reshare, p.time + 5)
                    });
                }
            }
        }
        let cfg = ReachConfig {
            shrinkage: 0.0,
            ..ReachConfig::default()
        };
        let m = learn_reach_model(11, &posts, &rows, &cfg).unwrap();
        assert_eq!((m.tied_adoptions, m.tied_exposures), (50, 100));
        let f = m.forecast(0, 4000, 9, 1).unwrap();
        let high = f.reach.probability_at_least(8);
        let low = 1.0 - f.reach.probability_at_least(3);
        assert!(high > 0.3 && low > 0.3, "P(≥ 8) = {high}, P(≤ 2) = {low}");
        assert!((f.reach.mean - 5.0).abs() < 1.0, "mean {}", f.reach.mean);
        // From history alone, each simulated post reaches what a past post did: 0 or all 10.
        let whole = ReachConfig {
            through_ties: false,
            ..cfg
        };
        let m = learn_reach_model(11, &posts, &rows, &whole).unwrap();
        let f = m.forecast(0, 2000, 9, 1).unwrap();
        assert_eq!((f.reach.min, f.reach.max), (0, 10));
        assert!(f.reach.samples_sorted().iter().all(|&x| x == 0 || x == 10));
        assert!((f.reach.probability_at_least(10) - 0.5).abs() < 0.05);
    }

    #[test]
    fn an_adoption_through_a_parent_is_of_the_authors_post() {
        // A retweet tree: author 0's post; 1 reshares it from 0, 2 from 1 (target 1, the parent), 3 from 2.
        let posts = [PostRow { author: 0, time: 0 }];
        let via = |actor: u32, parent: u32, time: i64| InteractionRow {
            post: PostLink::Row(0),
            ..act(actor, parent, Reshare, time)
        };
        let rows = [via(1, 0, 10), via(2, 1, 20), via(3, 2, 30)];
        let m = learn_reach_model(4, &posts, &rows, &ReachConfig::default()).unwrap();
        // All three adopted 0's post as strangers: its new audience is 3, not the 1 its author's own
        // target rows would give.
        assert_eq!(m.new_audience, vec![3]);
        let out = post_outcomes(4, &posts, &rows, &ReachConfig::default()).unwrap();
        assert_eq!(out[0].reach, 3);
    }

    #[test]
    fn em_spreads_over_the_follow_graph_hop_by_hop() {
        // 1 follows 0 and 2 follows 1. Each of 0's ten posts is reshared by 1 and then by 2 (a chain,
        // credited to the post, never to 1); 3, who follows nobody, reshares every other post.
        let mut rows = vec![act(1, 0, Follow, i64::MIN), act(2, 1, Follow, i64::MIN)];
        let posts: Vec<PostRow> = (0..10)
            .map(|k| PostRow {
                author: 0,
                time: 1000 * k,
            })
            .collect();
        for (k, p) in posts.iter().enumerate() {
            let named = |actor: u32, t: i64| InteractionRow {
                post: PostLink::Row(k as u32),
                ..act(actor, 0, Reshare, p.time + t)
            };
            rows.push(named(1, 10));
            rows.push(named(2, 20));
            if k % 2 == 0 {
                rows.push(named(3, 30));
            }
        }
        let cfg = ReachConfig {
            shrinkage: 0.0,
            ..ReachConfig::default()
        };
        let m =
            learn_reach_model_em(4, &posts, &rows, &cfg, &crate::em::EmConfig::default()).unwrap();
        // Two hops: both edges succeed every time, so nearly every simulation reaches 1 and 2; 3 is new
        // audience, drawn from the author's posts (half of them).
        assert_eq!(m.new_audience.iter().sum::<u32>(), 5);
        let f = m.forecast(0, 4000, 5, 1).unwrap();
        assert!(f.mean_through_ties > 1.6, "{}", f.mean_through_ties);
        assert!(
            (f.mean_new_audience - 0.5).abs() < 0.05,
            "{}",
            f.mean_new_audience
        );
        // Without follow rows there is no graph to learn on.
        let no_graph: Vec<InteractionRow> = rows[2..].to_vec();
        assert!(matches!(
            learn_reach_model_em(4, &posts, &no_graph, &cfg, &crate::em::EmConfig::default()),
            Err(DiffusionError::BadParameter(_))
        ));
    }

    #[test]
    fn conditional_forecasts_never_report_zero() {
        // Account 1 is tied to 0 (a mention) and later reshares its only post: no new audience at all.
        let rows = [act(1, 0, Mention, 1), act(1, 0, Reshare, 10)];
        let m = learn_reach_model(2, &[], &rows, &ReachConfig::default()).unwrap();
        let f = m.forecast(0, 200, 3, 1).unwrap();
        assert!(f.conditional);
        assert_eq!(f.reach.min, 1);
        assert_eq!(f.reach.max, 1);
    }

    #[test]
    fn calibration_of_a_perfect_uniform_forecast() {
        // Forecast uniform on 1..=10, one outcome at each value: every tenth of the PIT gets one outcome.
        let f =
            SpreadEstimate::from_samples(Model::IndependentCascade, (1..=10).collect()).unwrap();
        let mut c = Calibration::default();
        for y in 1..=10 {
            c.add(&f, y);
        }
        assert!((c.central_80_coverage() - 0.8).abs() < 1e-12);
        assert!(c.pit_histogram().iter().all(|&x| (x - 0.1).abs() < 1e-12));
        // [p10, p90] = [1, 9]: nine of ten outcomes, and 90% of the forecast's mass.
        assert!((c.interval_coverage() - 0.9).abs() < 1e-12);
        assert!((c.interval_mass() - 0.9).abs() < 1e-12);
        // CRPS of uniform 1..=10 at y: Σ_k (F(k) − 1{y ≤ k})² over k = 1..9, averaged over y = 1..=10.
        let by_hand: f64 = (1..=10)
            .map(|y| {
                (1..10)
                    .map(|k| {
                        let f = k as f64 / 10.0;
                        let step = if y <= k { 1.0 } else { 0.0 };
                        (f - step) * (f - step)
                    })
                    .sum::<f64>()
            })
            .sum::<f64>()
            / 10.0;
        assert!(
            (c.mean_crps() - by_hand).abs() < 1e-12,
            "{} vs {by_hand}",
            c.mean_crps()
        );
        // Outcomes far above every forecast all land in the last tenth.
        let mut high = Calibration::default();
        high.add(&f, 50);
        assert_eq!(high.pit_histogram()[9], 1.0);
        assert_eq!(high.central_80_coverage(), 0.0);
        assert!(Calibration::default().central_80_coverage().is_nan());
    }

    #[test]
    fn calibrate_splits_by_history_and_errors_are_not_panics() {
        let rows = [act(1, 0, Reshare, 10), act(2, 0, Reshare, 20)];
        let m = learn_reach_model(3, &[], &rows, &ReachConfig::default()).unwrap();
        let outcomes = [
            Outcome {
                author: 0,
                time: 100,
                reach: 2,
            },
            Outcome {
                author: 2,
                time: 100,
                reach: 1,
            },
        ];
        let r = calibrate(&m, &outcomes, 100, 1, 2, &|| ()).unwrap();
        assert_eq!((r.authors, r.newcomers), (2, 0));
        assert_eq!(
            (r.with_history.outcomes, r.without_history.outcomes),
            (1, 1)
        );
        assert_eq!(r, calibrate(&m, &outcomes, 100, 1, 1, &|| ()).unwrap());
        assert!(m.forecast(3, 10, 1, 1).is_err());
        // Author 7 is outside the graph: a newcomer, forecast from the crowd (one post of reach 2).
        let late = [Outcome {
            author: 7,
            time: 100,
            reach: 2,
        }];
        let r = calibrate(&m, &late, 100, 1, 1, &|| ()).unwrap();
        assert_eq!((r.newcomers, r.without_history.outcomes), (1, 1));
        let f = m.forecast_newcomer(100, 1, 1).unwrap();
        assert!(f.conditional && (f.reach.min, f.reach.max) == (2, 2));
        assert!(m.forecast(0, 0, 1, 1).is_err());
        assert!(learn_reach_model(3, &[], &[], &ReachConfig::default()).is_err());
        assert!(learn_reach_model(1, &[], &rows, &ReachConfig::default()).is_err());
        for bad in [
            ReachConfig {
                burst_gap: 0,
                ..ReachConfig::default()
            },
            ReachConfig {
                shrinkage: -1.0,
                ..ReachConfig::default()
            },
            ReachConfig {
                prior_strength: 0.0,
                ..ReachConfig::default()
            },
            ReachConfig {
                adoption_kinds: vec![],
                ..ReachConfig::default()
            },
        ] {
            assert!(matches!(
                learn_reach_model(3, &[], &rows, &bad),
                Err(DiffusionError::BadParameter(_))
            ));
        }
    }
}
