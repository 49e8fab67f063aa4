//! Small gradient-boosted decision trees for the log-loss, written out so that every prediction can be
//! split into per-feature contributions that add up to it exactly.
//!
//! Why trees beside the logistic regression: bot signals are not linear (an account with *no* likes is
//! suspicious, one with a few thousand is not, one with a hundred thousand again is), and on the labelled
//! Twitter accounts shallow trees separate better (EVALUATION.md). Why our own: the model is a few hundred
//! lines (histogram splits, second-order leaf values, learned directions for missing values, as in
//! XGBoost and LightGBM), must be exactly reproducible, and must explain itself: a prediction is the
//! base log-odds plus, along each tree's path, the change in node value at every split, credited to the
//! split's feature (Saabas' path attribution), which sums to the prediction with no approximation.

use serde::{Deserialize, Serialize};

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TreeParams {
    pub rounds: u32,
    pub max_depth: u32,
    pub learning_rate: f64,
    /// L2 penalty on leaf values (λ).
    pub l2: f64,
    /// Least hessian (≈ p(1−p) summed) a child may hold: no leaf for a handful of accounts.
    pub min_child_weight: f64,
    /// Candidate thresholds per feature (quantiles of its values).
    pub max_bins: usize,
}

impl Default for TreeParams {
    fn default() -> Self {
        TreeParams {
            rounds: 200,
            max_depth: 3,
            learning_rate: 0.1,
            l2: 1.0,
            min_child_weight: 1.0,
            max_bins: 64,
        }
    }
}

/// One node. Children are indices into the tree's node list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// This node's value in log-odds (before the learning rate): what a leaf here would predict.
    pub value: f64,
    /// `None` for a leaf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<Split>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Split {
    pub feature: usize,
    /// Go left when the value is ≤ this.
    pub threshold: f64,
    /// Where accounts without the feature go.
    pub missing_left: bool,
    pub left: usize,
    pub right: usize,
    /// Loss reduction the split bought in training.
    pub gain: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

/// A boosted ensemble: log-odds = `base` + `learning_rate` × Σ leaf values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ensemble {
    pub base: f64,
    pub learning_rate: f64,
    pub trees: Vec<Tree>,
}

impl Tree {
    /// The leaf `x` ends in (no allocation: this is the inner loop of scoring every account).
    fn leaf(&self, x: &[Option<f64>]) -> usize {
        let mut at = 0;
        while let Some(s) = self.nodes.get(at).and_then(|n| n.split.as_ref()) {
            let left = match x.get(s.feature).copied().flatten() {
                Some(v) => v <= s.threshold,
                None => s.missing_left,
            };
            at = if left { s.left } else { s.right };
        }
        at
    }

    /// Nodes on the path of `x`, root first.
    fn path(&self, x: &[Option<f64>]) -> Vec<usize> {
        let mut at = 0;
        let mut path = vec![0];
        while let Some(s) = self.nodes.get(at).and_then(|n| n.split.as_ref()) {
            let left = match x.get(s.feature).copied().flatten() {
                Some(v) => v <= s.threshold,
                None => s.missing_left,
            };
            at = if left { s.left } else { s.right };
            path.push(at);
        }
        path
    }
}

impl Ensemble {
    /// Log-odds of `x`.
    pub fn log_odds(&self, x: &[Option<f64>]) -> f64 {
        self.base
            + self.learning_rate
                * self
                    .trees
                    .iter()
                    .map(|t| t.nodes.get(t.leaf(x)).map_or(0.0, |n| n.value))
                    .sum::<f64>()
    }

    /// `(base, per-feature contributions)` with base + Σ contributions = [`Ensemble::log_odds`].
    pub fn contributions(&self, x: &[Option<f64>], features: usize) -> (f64, Vec<f64>) {
        let mut base = self.base;
        let mut c = vec![0.0; features];
        for t in &self.trees {
            let path = t.path(x);
            base += self.learning_rate * t.nodes[path[0]].value;
            for w in path.windows(2) {
                let (parent, child) = (&t.nodes[w[0]], &t.nodes[w[1]]);
                if let Some(s) = &parent.split {
                    if let Some(slot) = c.get_mut(s.feature) {
                        *slot += self.learning_rate * (child.value - parent.value);
                    }
                }
            }
        }
        (base, c)
    }

    /// Total training gain of each feature's splits, normalised to sum 1: what the ensemble leans on.
    pub fn importance(&self, features: usize) -> Vec<f64> {
        let mut g = vec![0.0; features];
        for s in self
            .trees
            .iter()
            .flat_map(|t| &t.nodes)
            .filter_map(|n| n.split.as_ref())
        {
            if let Some(slot) = g.get_mut(s.feature) {
                *slot += s.gain;
            }
        }
        let total: f64 = g.iter().sum();
        if total > 0.0 {
            g.iter_mut().for_each(|v| *v /= total);
        }
        g
    }

    /// Whether every node index and feature index is in range (for model files read from disk).
    pub fn is_well_formed(&self, features: usize) -> bool {
        self.base.is_finite()
            && self.learning_rate.is_finite()
            && self.trees.iter().all(|t| {
                !t.nodes.is_empty()
                    && t.nodes.iter().enumerate().all(|(i, n)| {
                        n.value.is_finite()
                            && n.split.as_ref().is_none_or(|s| {
                                s.feature < features
                                    && s.threshold.is_finite()
                                    // Children come after their parent: no cycles.
                                    && s.left > i
                                    && s.right > i
                                    && s.left < t.nodes.len()
                                    && s.right < t.nodes.len()
                            })
                    })
            })
    }
}

/// Fit an ensemble to rows `x` (each `d` optional values) and labels `y`. `None` if either class is
/// missing.
pub fn fit(x: &[Vec<Option<f64>>], y: &[bool], params: &TreeParams) -> Option<Ensemble> {
    let n = x.len();
    let pos = y.iter().filter(|&&b| b).count();
    if n == 0 || pos == 0 || pos == n || y.len() != n {
        return None;
    }
    let d = x[0].len();
    let bins = Bins::new(x, d, params.max_bins);
    let base = (pos as f64 / (n - pos) as f64).ln();
    let mut z = vec![base; n];
    let mut trees = Vec::with_capacity(params.rounds as usize);
    let all: Vec<u32> = (0..n as u32).collect();
    for _ in 0..params.rounds {
        let (g, h): (Vec<f64>, Vec<f64>) = z
            .iter()
            .zip(y)
            .map(|(&zi, &yi)| {
                let p = crate::logistic::sigmoid(zi);
                (p - if yi { 1.0 } else { 0.0 }, (p * (1.0 - p)).max(1e-12))
            })
            .unzip();
        let mut tree = Tree { nodes: Vec::new() };
        grow(&mut tree, &bins, &g, &h, all.clone(), 0, params);
        for (i, zi) in z.iter_mut().enumerate() {
            *zi += params.learning_rate * tree.nodes[tree.leaf(&x[i])].value;
        }
        trees.push(tree);
    }
    Some(Ensemble {
        base,
        learning_rate: params.learning_rate,
        trees,
    })
}

/// Each feature's candidate thresholds and every row's bin (`MISSING` where absent).
struct Bins {
    edges: Vec<Vec<f64>>,
    /// `bin[f][i]`: index of the first edge ≥ the value (values above all edges cannot occur: the
    /// largest value is an edge).
    bin: Vec<Vec<u16>>,
}

const MISSING: u16 = u16::MAX;

impl Bins {
    fn new(x: &[Vec<Option<f64>>], d: usize, max_bins: usize) -> Bins {
        let max_bins = max_bins.clamp(2, 1024);
        let mut edges = Vec::with_capacity(d);
        let mut bin = Vec::with_capacity(d);
        for f in 0..d {
            let mut v: Vec<f64> = x
                .iter()
                .filter_map(|r| r.get(f).copied().flatten())
                .collect();
            v.sort_by(f64::total_cmp);
            v.dedup();
            let e: Vec<f64> = if v.len() <= max_bins {
                v
            } else {
                let mut e: Vec<f64> = (1..=max_bins)
                    .map(|k| v[(k * (v.len() - 1)) / max_bins])
                    .collect();
                e.dedup();
                e
            };
            let b = x
                .iter()
                .map(|r| match r.get(f).copied().flatten() {
                    Some(val) => e
                        .partition_point(|&t| t < val)
                        .min(e.len().saturating_sub(1)) as u16,
                    None => MISSING,
                })
                .collect();
            edges.push(e);
            bin.push(b);
        }
        Bins { edges, bin }
    }
}

fn leaf_value(g: f64, h: f64, l2: f64) -> f64 {
    -g / (h + l2)
}

fn score(g: f64, h: f64, l2: f64) -> f64 {
    g * g / (h + l2)
}

/// Grow the subtree for `rows` at `depth`; returns its node index.
fn grow(
    tree: &mut Tree,
    bins: &Bins,
    g: &[f64],
    h: &[f64],
    rows: Vec<u32>,
    depth: u32,
    p: &TreeParams,
) -> usize {
    let (gs, hs) = rows.iter().fold((0.0, 0.0), |(a, b), &i| {
        (a + g[i as usize], b + h[i as usize])
    });
    let me = tree.nodes.len();
    tree.nodes.push(Node {
        value: leaf_value(gs, hs, p.l2),
        split: None,
    });
    if depth >= p.max_depth {
        return me;
    }
    let parent = score(gs, hs, p.l2);
    // Best (gain, feature, edge index, missing_left).
    let mut best: Option<(f64, usize, usize, bool)> = None;
    for (f, edges) in bins.edges.iter().enumerate() {
        if edges.len() < 2 {
            continue;
        }
        let mut hg = vec![0.0; edges.len()];
        let mut hh = vec![0.0; edges.len()];
        let (mut mg, mut mh) = (0.0, 0.0);
        for &i in &rows {
            let i = i as usize;
            match bins.bin[f][i] {
                MISSING => {
                    mg += g[i];
                    mh += h[i];
                }
                b => {
                    hg[b as usize] += g[i];
                    hh[b as usize] += h[i];
                }
            }
        }
        let (mut lg, mut lh) = (0.0, 0.0);
        // Split after bin k: left holds bins 0..=k (values ≤ edges[k]).
        for k in 0..edges.len() - 1 {
            lg += hg[k];
            lh += hh[k];
            for missing_left in [false, true] {
                let (l_g, l_h) = if missing_left {
                    (lg + mg, lh + mh)
                } else {
                    (lg, lh)
                };
                let (r_g, r_h) = (gs - l_g, hs - l_h);
                if l_h < p.min_child_weight || r_h < p.min_child_weight {
                    continue;
                }
                let gain = score(l_g, l_h, p.l2) + score(r_g, r_h, p.l2) - parent;
                if gain > 1e-9 && best.is_none_or(|b| gain > b.0) {
                    best = Some((gain, f, k, missing_left));
                }
            }
        }
    }
    let Some((gain, f, k, missing_left)) = best else {
        return me;
    };
    let threshold = bins.edges[f][k];
    let (left_rows, right_rows): (Vec<u32>, Vec<u32>) =
        rows.iter().partition(|&&i| match bins.bin[f][i as usize] {
            MISSING => missing_left,
            b => (b as usize) <= k,
        });
    let left = grow(tree, bins, g, h, left_rows, depth + 1, p);
    let right = grow(tree, bins, g, h, right_rows, depth + 1, p);
    tree.nodes[me].split = Some(Split {
        feature: f,
        threshold,
        missing_left,
        left,
        right,
        gain,
    });
    me
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An XOR-like target no linear model can fit, with a missing-value rule on top.
    fn data() -> (Vec<Vec<Option<f64>>>, Vec<bool>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..400u32 {
            let a = f64::from(i % 20) / 20.0;
            let b = f64::from((i * 7) % 23) / 23.0;
            let missing = i % 11 == 0;
            x.push(vec![Some(a), if missing { None } else { Some(b) }]);
            y.push(if missing {
                true
            } else {
                (a > 0.5) != (b > 0.5)
            });
        }
        (x, y)
    }

    #[test]
    fn learns_an_interaction_and_where_missing_values_go() {
        let (x, y) = data();
        let m = fit(&x, &y, &TreeParams::default()).unwrap();
        let correct = x
            .iter()
            .zip(&y)
            .filter(|(r, &t)| (m.log_odds(r) > 0.0) == t)
            .count();
        assert!(correct as f64 / x.len() as f64 > 0.97, "{correct}");
        assert!(m.is_well_formed(2));
    }

    #[test]
    fn contributions_sum_to_the_prediction_exactly() {
        let (x, y) = data();
        let m = fit(
            &x,
            &y,
            &TreeParams {
                rounds: 30,
                ..Default::default()
            },
        )
        .unwrap();
        for r in x.iter().take(50) {
            let (base, c) = m.contributions(r, 2);
            let total = base + c.iter().sum::<f64>();
            assert!((total - m.log_odds(r)).abs() < 1e-9);
        }
        let imp = m.importance(2);
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12 && imp.iter().all(|&v| v > 0.0));
    }

    #[test]
    fn one_class_or_empty_input_is_refused_and_fits_repeat() {
        assert!(fit(&[], &[], &TreeParams::default()).is_none());
        assert!(fit(
            &[vec![Some(1.0)], vec![Some(2.0)]],
            &[true, true],
            &TreeParams::default()
        )
        .is_none());
        let (x, y) = data();
        let p = TreeParams {
            rounds: 10,
            ..Default::default()
        };
        assert_eq!(fit(&x, &y, &p), fit(&x, &y, &p));
    }

    #[test]
    fn malformed_trees_are_caught() {
        let bad = Ensemble {
            base: 0.0,
            learning_rate: 0.1,
            trees: vec![Tree {
                nodes: vec![Node {
                    value: 0.0,
                    split: Some(Split {
                        feature: 0,
                        threshold: 1.0,
                        missing_left: true,
                        left: 0,
                        right: 0,
                        gain: 1.0,
                    }),
                }],
            }],
        };
        assert!(!bad.is_well_formed(1));
    }
}
