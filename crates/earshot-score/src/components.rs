//! The five components and the overall score.

use crate::calibrate::percentiles;
use crate::conversation::{conversation, ConversationStats, TextSignals};
use crate::input::ScoreInput;
use crate::model::ScoreModel;
use crate::ScoreError;
use earshot_graph::{
    pagerank, DenseIds, Edge, PageRankConfig, ReactionGraph, SnapshotBuilder, SnapshotConfig,
};
use earshot_model::InteractionKind;
use rustc_hash::FxHashMap;

/// The components of a score, in the order of [`ScoreTable::raw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Audience,
    Amplification,
    Conversation,
    Authority,
    Reach,
}

impl Component {
    pub const ALL: [Component; 5] = [
        Component::Audience,
        Component::Amplification,
        Component::Conversation,
        Component::Authority,
        Component::Reach,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Component::Audience => "audience",
            Component::Amplification => "amplification",
            Component::Conversation => "conversation",
            Component::Authority => "authority",
            Component::Reach => "reach",
        }
    }

    /// What the raw value means, in one line.
    pub fn meaning(self) -> &'static str {
        match self {
            Component::Audience => "distinct accounts that reacted, each counting at most 1 however often it reacted",
            Component::Amplification => "distinct accounts that reshared or quoted, plus half the spread their own amplifiers gave",
            Component::Conversation => "askers who got an answer, weighted by how substantive the best answer was",
            Component::Authority => "weighted PageRank over who reacts to whom, 1 = the average account",
            Component::Reach => "ln(1 + followers) from the profile, where the data has one",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Every scored account's components, percentiles and overall score (indexed by dense id).
#[derive(Debug, Clone)]
pub struct ScoreTable {
    pub model_version: String,
    /// Stable account id of each dense id.
    pub accounts: Vec<i64>,
    pub raw: [Vec<f64>; 5],
    pub pct: [Vec<f64>; 5],
    /// 1–100.
    pub overall: Vec<f64>,
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

    /// Points of the overall score that component `c` contributes to account `i`: the score above 1,
    /// shared among components in proportion to their weighted log-scaled values (they sum to
    /// `overall - 1`).
    pub fn contribution(&self, i: usize, c: Component) -> f64 {
        let t = &self.terms[i];
        let total: f64 = t.iter().sum();
        if total > 0.0 {
            (self.overall[i] - 1.0) * t[c.index()] / total
        } else {
            0.0
        }
    }
}

/// The typical earned value of a component: the median of its positive values (1 if none), the unit
/// its log scale is measured in.
fn typical(raw: &[f64]) -> f64 {
    let mut pos: Vec<f64> = raw.iter().copied().filter(|v| *v > 0.0).collect();
    if pos.is_empty() {
        return 1.0;
    }
    let mid = pos.len() / 2;
    let (_, m, _) = pos.select_nth_unstable_by(mid, f64::total_cmp);
    *m
}

/// Saturating credit of one reactor: 1 − e^(−w) for `w` in units of the model's `reactor_saturation`.
/// At the default scale one reaction of weight 1 earns 0.63, three earn 0.95, five hundred earn 1: a
/// fan who reacts 500 times is one fan, not 500. Whatever the scale, no reactor earns more than 1.
pub fn reactor_credit(w: f64) -> f64 {
    1.0 - (-w).exp()
}

pub(crate) fn compute(
    input: &ScoreInput,
    model: &ScoreModel,
    text: &dyn TextSignals,
) -> Result<ScoreTable, ScoreError> {
    let mut ids = DenseIds::new();
    for r in &input.reactions {
        ids.intern(r.actor)
            .ok_or(earshot_graph::GraphError::TooManyNodes)?;
        ids.intern(r.target)
            .ok_or(earshot_graph::GraphError::TooManyNodes)?;
    }
    let n = ids.len();
    let weigher = SnapshotBuilder::new(SnapshotConfig {
        kind_weights: model.kind_weights_array(),
        half_life: (model.half_life_days > 0.0).then_some(model.half_life_days * 86_400.0),
        reference_time: input.reference_time,
    });

    // Per (reactor, target) pair: all reactions' weight, and reshares' + quotes' weight. Self-reactions
    // earn nothing.
    let mut pairs: FxHashMap<(u32, u32), (f64, f64)> = FxHashMap::default();
    let mut edges = Vec::new();
    for r in &input.reactions {
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
        let e = pairs.entry((a, t)).or_insert((0.0, 0.0));
        e.0 += w;
        if matches!(r.kind, InteractionKind::Reshare | InteractionKind::Quote) {
            e.1 += w;
        }
        edges.push(Edge {
            src: a,
            dst: t,
            weight: w * input.authenticity_of(r.actor),
        });
    }
    let mut pair_list: Vec<((u32, u32), (f64, f64))> = pairs.into_iter().collect();
    pair_list.sort_unstable_by_key(|&(k, _)| k); // fixed summation order: same numbers every run

    let auth = |d: u32| input.authenticity_of(ids.external(d));
    let k = model.reactor_saturation;
    let mut audience = vec![0.0; n];
    let mut direct = vec![0.0; n];
    for &((a, t), (w, s)) in &pair_list {
        audience[t as usize] += auth(a) * reactor_credit(w / k);
        if s > 0.0 {
            direct[t as usize] += auth(a) * reactor_credit(s / k);
        }
    }
    let mut amplification = direct.clone();
    for &((a, t), (_, s)) in &pair_list {
        if s > 0.0 {
            amplification[t as usize] += model.amplification_second_hop
                * auth(a)
                * reactor_credit(s / k)
                * (1.0 + direct[a as usize]).ln();
        }
    }

    let graph = ReactionGraph::from_edges(n as u32, &edges)?;
    let pr = pagerank(
        &graph,
        &PageRankConfig {
            alpha: model.pagerank_alpha,
            ..Default::default()
        },
    )?;
    let authority: Vec<f64> = pr.scores.iter().map(|s| s * n as f64).collect();

    let (conv, conv_stats) = conversation(input, &ids, model, text);

    let mut any_followers = false;
    let reach: Vec<f64> = ids
        .externals()
        .iter()
        .map(|id| match input.followers.get(id) {
            Some(&f) => {
                any_followers = true;
                (1.0 + f as f64).ln()
            }
            None => 0.0,
        })
        .collect();

    let raw = [audience, amplification, conv, authority, reach];
    let pct = [
        percentiles(&raw[0]),
        percentiles(&raw[1]),
        percentiles(&raw[2]),
        percentiles(&raw[3]),
        percentiles(&raw[4]),
    ];
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
    let scale: [f64; 5] = std::array::from_fn(|c| typical(&raw[c]));
    let terms: Vec<[f64; 5]> = (0..n)
        .map(|i| std::array::from_fn(|c| weights[c] * (1.0 + raw[c][i] / scale[c]).ln()))
        .collect();
    let combined: Vec<f64> = terms.iter().map(|t| t.iter().sum()).collect();
    let combined_pct = percentiles(&combined);
    let overall = combined_pct.iter().map(|p| 1.0 + 99.0 * p).collect();
    let index = (0..n as u32).map(|d| (ids.external(d), d)).collect();
    Ok(ScoreTable {
        model_version: model.version.clone(),
        accounts: ids.externals().to_vec(),
        raw,
        pct,
        overall,
        weights,
        conversation: conv_stats,
        pagerank_iterations: pr.iterations,
        terms,
        index,
    })
}
