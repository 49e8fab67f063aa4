//! The five components and the overall score.

use crate::calibrate::percentiles_among;
use crate::component::Component;
use crate::conversation::{conversation, ConversationStats, TextSignals};
use crate::input::{Reaction, ScoreInput};
use crate::model::ScoreModel;
use crate::predict::{
    effective_weeks, feature_row, recent_secs, Activity, Feature, Predictor, Scale, WEEK,
};
use crate::ScoreError;
use earshot_graph::{
    pagerank, DenseIds, Edge, PageRankConfig, ReactionGraph, SnapshotBuilder, SnapshotConfig,
};
use earshot_model::{InteractionKind, Timestamp};
use rustc_hash::FxHashMap;

/// Every scored account's components, percentiles and overall score (indexed by dense id).
#[derive(Debug, Clone)]
pub struct ScoreTable {
    pub model_version: String,
    /// Stable account id of each dense id.
    pub accounts: Vec<i64>,
    pub raw: [Vec<f64>; 5],
    pub pct: [Vec<f64>; 5],
    /// 1–100; with a predictor, 0 for an account that is not scored (no authentic engagement in the
    /// window).
    pub overall: Vec<f64>,
    /// Each account's predictor features, in [`Feature::ALL`] order (empty for topic scopes).
    pub features: Vec<[f64; Feature::COUNT]>,
    /// Whether each account had any authentic engagement in the window (empty for topic scopes).
    pub engaged: Vec<bool>,
    /// With a predictor: each account's expected authentic reactions next week and the scale; `None`
    /// for models that rank by percentile.
    pub prediction: Option<Prediction>,
    /// Component weights as used (normalised; reach's weight is moved to the others when no account in
    /// the population has a follower count).
    pub weights: [f64; 5],
    pub conversation: Vec<ConversationStats>,
    pub pagerank_iterations: u32,
    /// Each account's weighted log-scaled components, whose sum ranks it.
    terms: Vec<[f64; 5]>,
    index: FxHashMap<i64, u32>,
}

impl ScoreTable {
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    pub fn position(&self, account: i64) -> Option<usize> {
        self.index.get(&account).map(|&d| d as usize)
    }

    /// Whether account `i` has a score: with a predictor, only accounts with authentic engagement in the
    /// window do; with a percentile model, everyone.
    pub fn is_scored(&self, i: usize) -> bool {
        self.prediction.is_none() || self.engaged.get(i).copied().unwrap_or(false)
    }

    /// Account `i`'s unclamped score split into a base (every feature at 0) and points per feature
    /// (in [`Feature::ALL`] order); base + Σ points = the unclamped score. `None` without a predictor.
    pub fn points(&self, i: usize) -> Option<(f64, [f64; Feature::COUNT])> {
        let p = self.prediction.as_ref()?;
        let k = p.scale.points_per_log();
        let base = p.scale.unclamped(p.predictor.intercept);
        let x = self.features.get(i)?;
        Some((
            base,
            std::array::from_fn(|j| k * p.predictor.coefficient(Feature::ALL[j]) * x[j]),
        ))
    }

    /// Points of the overall score that component `c` contributes to account `i`. With a predictor:
    /// the points of the component's feature (see [`Prediction::points`]). Otherwise: the score above
    /// 1, shared among components in proportion to their weighted log-scaled values (they sum to
    /// `overall - 1`).
    pub fn contribution(&self, i: usize, c: Component) -> f64 {
        if let Some((_, points)) = self.points(i) {
            return Feature::ALL
                .iter()
                .position(|f| f.component() == Some(c))
                .map_or(0.0, |j| points[j]);
        }
        let t = &self.terms[i];
        let total: f64 = t.iter().sum();
        if total > 0.0 {
            (self.overall[i] - 1.0) * t[c.index()] / total
        } else {
            0.0
        }
    }
}

/// The predictor's view of a scored table.
#[derive(Debug, Clone)]
pub struct Prediction {
    pub predictor: Predictor,
    pub scale: Scale,
    /// Per account: ln(expected authentic reactions next week).
    pub log_expected: Vec<f64>,
}

impl Prediction {
    /// Expected authentic reactions next week for account `i`.
    pub fn expected(&self, i: usize) -> f64 {
        self.log_expected[i].exp()
    }
}

/// Per-account sums the predictor reads beyond the components: authentic reactions received (decayed,
/// and undecayed in the recent window) and reactions made (decayed).
fn activity_sums(
    input: &ScoreInput,
    reactions: &[Reaction],
    ids: &DenseIds,
    model: &ScoreModel,
    recent_from: Timestamp,
    pairs: &Pairs,
) -> Activity {
    let n = ids.len();
    let mut a = Activity {
        engagement: vec![0.0; n],
        recent: vec![0.0; n],
        made: vec![0.0; n],
        invited: vec![0.0; n],
        addressing: vec![0.0; n],
    };
    let half_life = model.half_life_days * 86_400.0;
    let decay = |t: Option<Timestamp>| match t {
        Some(t) if half_life > 0.0 => {
            (-((input.reference_time - t).max(0) as f64) / half_life).exp2()
        }
        _ => 1.0,
    };
    let counted = |r: &Reaction| {
        if r.actor == r.target || !r.kind.is_reaction() {
            return None;
        }
        Some((ids.get(r.actor)?, ids.get(r.target)?))
    };
    // Per kind: the share of distinct (actor, target) pairs reacting with it whose target reacted back
    // in any way — how often this network answers that kind of activity. Each account's rate leaves out
    // the pairs it takes part in: its own exchanges are its engagement, already counted, and a new
    // reaction to it must not change the rate its own activity is judged by (so that it can never
    // lower its expected engagement).
    let mut seen: rustc_hash::FxHashSet<(u32, u32, u8)> = Default::default();
    let (mut pairs_of, mut answered_of) = ([0u64; 8], [0u64; 8]);
    let mut own: Vec<[[u32; 8]; 2]> = vec![[[0; 8]; 2]; n];
    for r in reactions {
        let Some((actor, target)) = counted(r) else {
            continue;
        };
        let k = r.kind.code() as usize & 7;
        if seen.insert((actor, target, k as u8)) {
            let answered = pairs
                .binary_search_by_key(&(target, actor), |&(key, _)| key)
                .is_ok();
            pairs_of[k] += 1;
            answered_of[k] += answered as u64;
            for who in [actor, target] {
                own[who as usize][0][k] += 1;
                own[who as usize][1][k] += answered as u32;
            }
        }
    }
    let answer_rate = |who: u32, k: usize| {
        let [pairs_mine, answered_mine] = own[who as usize];
        let pairs = pairs_of[k] - u64::from(pairs_mine[k]);
        let answered = answered_of[k] - u64::from(answered_mine[k]);
        answered as f64 / pairs.max(1) as f64
    };
    for r in reactions {
        let Some((actor, target)) = counted(r) else {
            continue;
        };
        let d = decay(r.time);
        let w = input.reactor_weight(r.actor, r.target);
        a.engagement[target as usize] += w * d;
        if r.time.is_some_and(|t| t >= recent_from) {
            a.recent[target as usize] += w;
        }
        a.made[actor as usize] += d;
        a.invited[actor as usize] += d * answer_rate(actor, r.kind.code() as usize & 7);
        if matches!(r.kind, InteractionKind::Reply | InteractionKind::Mention) {
            a.addressing[actor as usize] += d;
        }
    }
    a
}

/// The `q`-quantile of a component's positive values (1 if none): the median is the unit its log scale
/// is measured in; a higher quantile is the bar a secondary component must clear to count.
fn quantile_of_earned(raw: &[f64], q: f64) -> f64 {
    let mut pos: Vec<f64> = raw.iter().copied().filter(|v| *v > 0.0).collect();
    if pos.is_empty() {
        return 1.0;
    }
    let at = ((pos.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    let (_, m, _) = pos.select_nth_unstable_by(at, f64::total_cmp);
    *m
}

/// What one reactor gave one target in the window.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PairTotals {
    /// Decayed, kind-weighted sum of all its reactions.
    weight: f64,
    /// The same over reshares and quotes only.
    amplifying: f64,
    /// When its first reaction came, if every one of them has a time.
    order: FirstReaction,
}

/// When a reactor first reacted to a target. A reaction without a time counts as the earliest of all:
/// it can only make its reactor one that reached out first, never one that "only reacted back". That
/// keeps the rule monotone — a new reaction can raise its target's credit and lower only its actor's —
/// where "unknown order" would not (a later undated reaction could lift the discount on the reverse
/// pair, raise the actor's score and push the target down the ranking).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FirstReaction {
    first: Option<Timestamp>,
    untimed: bool,
}

impl FirstReaction {
    pub(crate) fn add(&mut self, time: Option<Timestamp>) {
        match time {
            Some(t) => self.first = Some(self.first.map_or(t, |f| f.min(t))),
            None => self.untimed = true,
        }
    }

    /// The first reaction's time, `Timestamp::MIN` if any reaction is undated.
    pub(crate) fn known(&self) -> Option<Timestamp> {
        if self.untimed {
            Some(Timestamp::MIN)
        } else {
            self.first
        }
    }
}

impl PairTotals {
    fn add(&mut self, w: f64, kind: InteractionKind, time: Option<Timestamp>) {
        self.weight += w;
        if matches!(kind, InteractionKind::Reshare | InteractionKind::Quote) {
            self.amplifying += w;
        }
        self.order.add(time);
    }
}

/// Whether reactions first made at `mine` only answer the other side's, first made at `theirs`: the
/// other side reacted strictly earlier. This is a follow-back or a returned favour, not a new listener;
/// an account answering the people who asked it is never the one discounted. Ties (both undated, say)
/// discount nobody.
pub fn reciprocates(mine: Option<Timestamp>, theirs: Option<Timestamp>) -> bool {
    matches!((mine, theirs), (Some(m), Some(t)) if t < m)
}

/// Saturating credit of one reactor: 1 − e^(−w) for `w` in units of the model's `reactor_saturation`.
/// At the default scale one reaction of weight 1 earns 0.63, three earn 0.95, five hundred earn 1: a
/// fan who reacts 500 times is one fan, not 500. Whatever the scale, no reactor earns more than 1.
pub fn reactor_credit(w: f64) -> f64 {
    1.0 - (-w).exp()
}

/// What one scoring covers. The overall score covers every reaction ([`Scope::OVERALL`]); a topic's
/// covers the reactions made through its posts, gives its posters a row even when nobody reacted to
/// them, takes its authority from the topic-sensitive PageRank of the whole graph and leaves reach
/// out (a follower count says nothing about a topic).
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    /// Accounts that get a row even without a reaction in scope (interned after the reactions').
    pub members: &'a [i64],
    /// Authority per account computed elsewhere; `None` ranks this scope's own reactions.
    pub authority: Option<&'a (dyn Fn(i64) -> f64 + Sync)>,
    /// Whether reach (followers) counts.
    pub reach: bool,
    /// Whether the model's predictor (when it has one) makes the overall score; otherwise accounts are
    /// ranked within the scope by the weighted components.
    pub predict: bool,
}

impl Scope<'_> {
    pub const OVERALL: Scope<'static> = Scope {
        members: &[],
        authority: None,
        reach: true,
        predict: true,
    };
}

/// Reaction pairs by (reactor, target) dense ids, sorted.
pub(crate) type Pairs = Vec<((u32, u32), PairTotals)>;

/// Per (reactor, target) pair of `reactions`: all reactions' weight, reshares' + quotes' weight, and
/// when the first came, sorted by pair so that every sum over them runs in a fixed order. Self-reactions
/// earn nothing. Dense ids are assigned in reaction order, then to `members`.
pub(crate) fn pair_totals(
    input: &ScoreInput,
    reactions: &[Reaction],
    model: &ScoreModel,
    members: &[i64],
) -> Result<(DenseIds, Pairs), ScoreError> {
    let mut ids = DenseIds::new();
    for r in reactions {
        ids.intern(r.actor)
            .ok_or(earshot_graph::GraphError::TooManyNodes)?;
        ids.intern(r.target)
            .ok_or(earshot_graph::GraphError::TooManyNodes)?;
    }
    for &m in members {
        ids.intern(m)
            .ok_or(earshot_graph::GraphError::TooManyNodes)?;
    }
    let weigher = SnapshotBuilder::new(SnapshotConfig {
        kind_weights: model.kind_weights_array(),
        half_life: (model.half_life_days > 0.0).then_some(model.half_life_days * 86_400.0),
        reference_time: input.reference_time,
    });
    let mut pairs: FxHashMap<(u32, u32), PairTotals> = FxHashMap::default();
    for r in reactions {
        if r.actor == r.target {
            continue;
        }
        let (Some(a), Some(t)) = (ids.get(r.actor), ids.get(r.target)) else {
            continue;
        };
        let w = weigher.edge_weight(r.kind, r.time, r.weight, 1.0);
        if !(w.is_finite() && w > 0.0) {
            continue;
        }
        pairs.entry((a, t)).or_default().add(w, r.kind, r.time);
    }
    let mut pair_list: Pairs = pairs.into_iter().collect();
    pair_list.sort_unstable_by_key(|&(k, _)| k); // fixed summation order: same numbers every run
    Ok((ids, pair_list))
}

/// The authority graph's edges: every pair at full weight times the reactor's authenticity (and the
/// pair's). PageRank's own guarantee, that a new in-edge never lowers its target, holds only if no other
/// edge changes, so the reacted-back discount is not applied here.
pub(crate) fn authority_edges(
    input: &ScoreInput,
    ids: &DenseIds,
    pair_list: &[((u32, u32), PairTotals)],
) -> Vec<Edge> {
    pair_list
        .iter()
        .map(|&((a, t), ref p)| Edge {
            src: a,
            dst: t,
            weight: p.weight * input.reactor_weight(ids.external(a), ids.external(t)),
        })
        .collect()
}

/// Every account's predictor features, and whether it had any authentic engagement, from its
/// components `raw`.
fn features(
    input: &ScoreInput,
    reactions: &[Reaction],
    ids: &DenseIds,
    model: &ScoreModel,
    raw: &[Vec<f64>; 5],
    pairs: &Pairs,
) -> (Vec<[f64; Feature::COUNT]>, Vec<bool>) {
    let length = input.window_seconds();
    let half_life = (model.half_life_days > 0.0).then_some(model.half_life_days * 86_400.0);
    let weeks = effective_weeks(length, half_life);
    let recent = recent_secs(length);
    let sums = activity_sums(
        input,
        reactions,
        ids,
        model,
        input.reference_time - recent as Timestamp,
        pairs,
    );
    let n = ids.len();
    let features: Vec<[f64; Feature::COUNT]> = (0..n)
        .map(|i| {
            let r: [f64; 5] = std::array::from_fn(|c| raw[c][i]);
            feature_row(
                &r,
                [
                    sums.engagement[i],
                    sums.recent[i],
                    sums.made[i],
                    sums.invited[i],
                    sums.addressing[i],
                ],
                input.authenticity_of(ids.external(i as u32)),
                weeks,
                recent / WEEK,
            )
        })
        .collect();
    let engaged = sums.engagement.iter().map(|&e| e > 0.0).collect();
    (features, engaged)
}

/// Components, percentiles and the 1–100 score of every account in `reactions` (and `scope.members`).
/// `reactions` are the ones that count: the caller has dropped those made with flagged posts.
pub(crate) fn compute(
    input: &ScoreInput,
    reactions: &[Reaction],
    model: &ScoreModel,
    text: &dyn TextSignals,
    scope: Scope<'_>,
) -> Result<ScoreTable, ScoreError> {
    let (ids, pair_list) = pair_totals(input, reactions, model, scope.members)?;
    let n = ids.len();

    // What one reactor's credit is worth to its target: its authenticity (and the pair's, for a burst), times the model's
    // `reciprocal_credit` when it only reacted back (the target had reacted to it first).
    let worth = |a: u32, t: u32, mine: &PairTotals| {
        let theirs = pair_list
            .binary_search_by_key(&(t, a), |&(k, _)| k)
            .ok()
            .map(|j| &pair_list[j].1);
        let back = theirs.is_some_and(|p| reciprocates(mine.order.known(), p.order.known()));
        input.reactor_weight(ids.external(a), ids.external(t))
            * if back { model.reciprocal_credit } else { 1.0 }
    };
    let k = model.reactor_saturation;
    let mut audience = vec![0.0; n];
    let mut direct = vec![0.0; n];
    let mut pair_worth = Vec::with_capacity(pair_list.len());
    for &((a, t), ref p) in &pair_list {
        let (w, s) = (p.weight, p.amplifying);
        let v = worth(a, t, p);
        pair_worth.push(v);
        audience[t as usize] += v * reactor_credit(w / k);
        if s > 0.0 {
            direct[t as usize] += v * reactor_credit(s / k);
        }
    }
    let mut amplification = direct.clone();
    for (((a, t), p), v) in pair_list.iter().zip(&pair_worth) {
        let (a, t, s) = (*a, *t, p.amplifying);
        if s > 0.0 {
            amplification[t as usize] += model.amplification_second_hop
                * v
                * reactor_credit(s / k)
                * (1.0 + direct[a as usize]).ln();
        }
    }

    let (authority, pagerank_iterations) = match scope.authority {
        Some(of) => (ids.externals().iter().map(|&a| of(a)).collect(), 0),
        None => {
            let edges = authority_edges(input, &ids, &pair_list);
            let graph = ReactionGraph::from_edges(n as u32, &edges)?;
            let pr = pagerank(
                &graph,
                &PageRankConfig {
                    alpha: model.pagerank_alpha,
                    ..Default::default()
                },
            )?;
            (
                pr.scores.iter().map(|s| s * n as f64).collect::<Vec<f64>>(),
                pr.iterations,
            )
        }
    };

    let (conv, conv_stats) = conversation(input, reactions, &ids, model, text);

    let mut any_followers = false;
    let reach: Vec<f64> = ids
        .externals()
        .iter()
        .map(|id| match input.followers.get(id) {
            Some(&f) if scope.reach => {
                any_followers = true;
                (1.0 + f as f64).ln()
            }
            _ => 0.0,
        })
        .collect();

    let raw = [audience, amplification, conv, authority, reach];
    // Accounts judged fake (authenticity 0) are scored but not counted in anyone's percentile.
    let counted: Vec<bool> = ids
        .externals()
        .iter()
        .map(|&a| input.authenticity_of(a) > 0.0)
        .collect();
    let counted = counted.iter().any(|c| !c).then_some(counted.as_slice());
    let pct: [Vec<f64>; 5] = std::array::from_fn(|c| percentiles_among(&raw[c], counted));
    let mut weights = model.weights.as_array();
    if !any_followers {
        weights[Component::Reach.index()] = 0.0;
    }
    let total: f64 = weights.iter().sum();
    let weights = if total > 0.0 {
        weights.map(|w| w / total)
    } else {
        [0.2; 5]
    };
    // Each component on a log scale relative to its typical earned value, so that one unit means "as
    // much again as a typical account earns" in every component; the weighted sum keeps magnitudes (a
    // hub stays above an all-rounder), and the percentile of the sum makes it 1–100.
    // Scales and bars, like percentiles, are measured over the counted population only: fake accounts
    // must not move the median or the 99th percentile that real accounts are measured against.
    let counted_raw: [Vec<f64>; 5] = std::array::from_fn(|c| match counted {
        Some(mask) => raw[c]
            .iter()
            .zip(mask)
            .filter(|(_, &k)| k)
            .map(|(v, _)| *v)
            .collect(),
        None => raw[c].clone(),
    });
    let scale: [f64; 5] = std::array::from_fn(|c| quantile_of_earned(&counted_raw[c], 0.5));
    // Secondary components count only above a high bar of their own (a hinge at that quantile): below
    // it they shuffle the long tail of accounts with one or two reactors at random with respect to
    // who is heard next (EVALUATION.md); above it they separate the accounts at the top.
    let bar: Option<[f64; 5]> = model
        .secondary_quantile
        .map(|q| std::array::from_fn(|c| quantile_of_earned(&counted_raw[c], q)));
    let terms: Vec<[f64; 5]> = (0..n)
        .map(|i| {
            std::array::from_fn(|c| {
                let x = raw[c][i];
                let t = match bar {
                    Some(bar) if c != Component::Audience.index() => (x / bar[c]).ln().max(0.0),
                    _ => (1.0 + x / scale[c]).ln(),
                };
                weights[c] * t
            })
        })
        .collect();
    let (features, engaged) = if scope.predict {
        features(input, reactions, &ids, model, &raw, &pair_list)
    } else {
        (Vec::new(), Vec::new())
    };
    let prediction = match (&model.predictor, &model.scale) {
        (Some(predictor), Some(scale)) if scope.predict => Some(Prediction {
            predictor: predictor.clone(),
            scale: *scale,
            log_expected: features.iter().map(|x| predictor.log_expected(x)).collect(),
        }),
        _ => None,
    };
    let overall = match &prediction {
        Some(p) => (0..n)
            .map(|i| {
                if engaged[i] {
                    p.scale.score(p.log_expected[i])
                } else {
                    0.0
                }
            })
            .collect(),
        None => {
            let combined: Vec<f64> = terms.iter().map(|t| t.iter().sum()).collect();
            percentiles_among(&combined, counted)
                .iter()
                .map(|p| 1.0 + 99.0 * p)
                .collect()
        }
    };
    let index = (0..n as u32).map(|d| (ids.external(d), d)).collect();
    Ok(ScoreTable {
        model_version: model.version.clone(),
        accounts: ids.externals().to_vec(),
        raw,
        pct,
        overall,
        features,
        engaged,
        prediction,
        weights,
        conversation: conv_stats,
        pagerank_iterations,
        terms,
        index,
    })
}
