//! Small gradient-boosted decision trees for the log-loss, written out so that every prediction can be
//! split into per-feature contributions that add up to it exactly, and so that a feature the data does
//! not have contributes exactly nothing.
//!
//! Why trees beside the logistic regression: bot signals are not linear (an account with *no* likes is
//! suspicious, one with a few thousand is not, one with a hundred thousand again is), and on the labelled
//! accounts shallow trees separate better (EVALUATION.md).
//!
//! **Missing values are averaged over, not routed.** XGBoost and LightGBM learn a direction for missing
//! values. Across datasets that is a trap: a field one dataset lacks (Instagram has no likes count) is
//! then a dataset marker, and the learned direction says "this dataset's class mix" rather than anything
//! about the account. Here, as in C4.5, an account without the split's feature goes down *both* sides,
//! weighted by the share of the training cover each side took, in training and in prediction alike. A
//! node's value is the cover-weighted mean of its children's values, so for a missing feature the two
//! weighted branches average back to the node's own value: its contribution is exactly 0.
//!
//! **Explanations** are Saabas' path attribution: the prediction is the base log-odds plus, along every
//! path an account takes (with its weight), the change in node value at each split, credited to the
//! split's feature. It sums to the prediction with no approximation.
//!
//! Why our own and not a crate: see EVALUATION.md ("Which gradient boosting"): the crates we checked
//! route missing values by learned direction, which is what this module exists to avoid.

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
    /// Share of the training cover (hessian) that went left: an account without the feature goes left
    /// with this weight and right with the rest.
    pub left_share: f64,
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
    /// Calls `visit(node, weight)` for every node `x` reaches with weight > 0, parents before children:
    /// one path where every split's feature is known, both branches (weighted) where it is not.
    fn walk(&self, x: &[Option<f64>], at: usize, weight: f64, visit: &mut impl FnMut(usize, f64)) {
        visit(at, weight);
        let Some(s) = self.nodes.get(at).and_then(|n| n.split.as_ref()) else {
            return;
        };
        match x.get(s.feature).copied().flatten() {
            Some(v) => {
                let next = if v <= s.threshold { s.left } else { s.right };
                self.walk(x, next, weight, visit);
            }
            None => {
                if s.left_share > 0.0 {
                    self.walk(x, s.left, weight * s.left_share, visit);
                }
                if s.left_share < 1.0 {
                    self.walk(x, s.right, weight * (1.0 - s.left_share), visit);
                }
            }
        }
    }

    /// The tree's output for `x`: its leaf value, or the weighted mean of the leaves it reaches.
    fn value(&self, x: &[Option<f64>]) -> f64 {
        let mut at = 0;
        loop {
            let Some(node) = self.nodes.get(at) else {
                return 0.0;
            };
            let Some(s) = &node.split else {
                return node.value;
            };
            match x.get(s.feature).copied().flatten() {
                Some(v) => at = if v <= s.threshold { s.left } else { s.right },
                // Fast path above; a missing feature needs the weighted walk.
                None => {
                    let mut total = 0.0;
                    self.walk(x, at, 1.0, &mut |i, w| {
                        if let Some(n) = self.nodes.get(i).filter(|n| n.split.is_none()) {
                            total += w * n.value;
                        }
                    });
                    return total;
                }
            }
        }
    }

    /// Set every split node's value to the cover-weighted mean of its children's (bottom-up: children
    /// come after their parent), so that a missing feature's two branches average to the node's value.
    fn set_expected_values(&mut self) {
        for i in (0..self.nodes.len()).rev() {
            if let Some(s) = self.nodes[i].split.clone() {
                self.nodes[i].value = s.left_share * self.nodes[s.left].value
                    + (1.0 - s.left_share) * self.nodes[s.right].value;
            }
        }
    }
}

impl Ensemble {
    /// Log-odds of `x`.
    pub fn log_odds(&self, x: &[Option<f64>]) -> f64 {
        self.base + self.learning_rate * self.trees.iter().map(|t| t.value(x)).sum::<f64>()
    }

    /// `(base, per-feature contributions)` with base + Σ contributions = [`Ensemble::log_odds`]; a
    /// feature `x` lacks gets exactly 0.
    pub fn contributions(&self, x: &[Option<f64>], features: usize) -> (f64, Vec<f64>) {
        let mut base = self.base;
        let mut c = vec![0.0; features];
        let lr = self.learning_rate;
        for t in &self.trees {
            base += lr * t.nodes.first().map_or(0.0, |n| n.value);
            t.walk(x, 0, 1.0, &mut |i, w| {
                let Some(s) = t.nodes[i].split.as_ref() else {
                    return;
                };
                if let (Some(v), Some(slot)) =
                    (x.get(s.feature).copied().flatten(), c.get_mut(s.feature))
                {
                    let child = if v <= s.threshold { s.left } else { s.right };
                    *slot += w * lr * (t.nodes[child].value - t.nodes[i].value);
                }
            });
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
                                    && (0.0..=1.0).contains(&s.left_share)
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

/// Fit an ensemble to rows `x` (each `d` optional values), labels `y` and sample weights `w` (`None`:
/// all 1). `None` if either class is missing or has no weight.
pub fn fit(
    x: &[Vec<Option<f64>>],
    y: &[bool],
    w: Option<&[f64]>,
    params: &TreeParams,
) -> Option<Ensemble> {
    let n = x.len();
    let ones = vec![1.0; n];
    let w = w.unwrap_or(&ones);
    if n == 0 || y.len() != n || w.len() != n || w.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
        return None;
    }
    let (wp, wn) = y.iter().zip(w).fold(
        (0.0, 0.0),
        |(p, q), (&yi, &wi)| {
            if yi {
                (p + wi, q)
            } else {
                (p, q + wi)
            }
        },
    );
    if wp <= 0.0 || wn <= 0.0 {
        return None;
    }
    let d = x[0].len();
    let bins = Bins::new(x, d, params.max_bins);
    let base = (wp / wn).ln();
    let mut z = vec![base; n];
    let mut trees = Vec::with_capacity(params.rounds as usize);
    let all: Vec<(u32, f64)> = (0..n as u32).map(|i| (i, 1.0)).collect();
    for _ in 0..params.rounds {
        let (g, h): (Vec<f64>, Vec<f64>) = z
            .iter()
            .zip(y)
            .zip(w)
            .map(|((&zi, &yi), &wi)| {
                let p = crate::logistic::sigmoid(zi);
                (
                    wi * (p - if yi { 1.0 } else { 0.0 }),
                    wi * (p * (1.0 - p)).max(1e-12),
                )
            })
            .unzip();
        let mut tree = Tree { nodes: Vec::new() };
        grow(&mut tree, &bins, &g, &h, all.clone(), 0, params);
        tree.set_expected_values();
        for (i, zi) in z.iter_mut().enumerate() {
            *zi += params.learning_rate * tree.value(&x[i]);
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

/// Grow the subtree for `rows` (index, weight: below 1 for an account sent down both sides of an
/// earlier split it had no value for) at `depth`; returns its node index.
fn grow(
    tree: &mut Tree,
    bins: &Bins,
    g: &[f64],
    h: &[f64],
    rows: Vec<(u32, f64)>,
    depth: u32,
    p: &TreeParams,
) -> usize {
    let (gs, hs) = rows.iter().fold((0.0, 0.0), |(a, b), &(i, w)| {
        (a + w * g[i as usize], b + w * h[i as usize])
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
    // Best (gain, feature, edge index, share of the known cover that goes left).
    let mut best: Option<(f64, usize, usize, f64)> = None;
    for (f, edges) in bins.edges.iter().enumerate() {
        if edges.len() < 2 {
            continue;
        }
        let mut hg = vec![0.0; edges.len()];
        let mut hh = vec![0.0; edges.len()];
        let (mut mg, mut mh) = (0.0, 0.0);
        for &(i, w) in &rows {
            let i = i as usize;
            match bins.bin[f][i] {
                MISSING => {
                    mg += w * g[i];
                    mh += w * h[i];
                }
                b => {
                    hg[b as usize] += w * g[i];
                    hh[b as usize] += w * h[i];
                }
            }
        }
        let kh = hs - mh;
        if kh <= 0.0 {
            continue;
        }
        let (mut lg, mut lh) = (0.0, 0.0);
        // Split after bin k: left holds bins 0..=k (values ≤ edges[k]); accounts without the feature
        // go both ways in proportion to the known cover.
        for k in 0..edges.len() - 1 {
            lg += hg[k];
            lh += hh[k];
            let share = lh / kh;
            let (l_g, l_h) = (lg + share * mg, lh + share * mh);
            let (r_g, r_h) = (gs - l_g, hs - l_h);
            if lh < p.min_child_weight || kh - lh < p.min_child_weight {
                continue;
            }
            let gain = score(l_g, l_h, p.l2) + score(r_g, r_h, p.l2) - parent;
            if gain > 1e-9 && best.is_none_or(|b| gain > b.0) {
                best = Some((gain, f, k, share));
            }
        }
    }
    let Some((gain, f, k, share)) = best else {
        return me;
    };
    let threshold = bins.edges[f][k];
    let mut left_rows = Vec::new();
    let mut right_rows = Vec::new();
    for &(i, w) in &rows {
        match bins.bin[f][i as usize] {
            MISSING => {
                left_rows.push((i, w * share));
                right_rows.push((i, w * (1.0 - share)));
            }
            b if (b as usize) <= k => left_rows.push((i, w)),
            _ => right_rows.push((i, w)),
        }
    }
    drop(rows);
    let left = grow(tree, bins, g, h, left_rows, depth + 1, p);
    let right = grow(tree, bins, g, h, right_rows, depth + 1, p);
    tree.nodes[me].split = Some(Split {
        feature: f,
        threshold,
        left_share: share,
        left,
        right,
        gain,
    });
    me
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An XOR-like target no linear model can fit; every 11th row lacks its second feature.
    fn data() -> (Vec<Vec<Option<f64>>>, Vec<bool>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..400u32 {
            let a = f64::from(i % 20) / 20.0;
            let b = f64::from((i * 7) % 23) / 23.0;
            let missing = i % 11 == 0;
            x.push(vec![Some(a), if missing { None } else { Some(b) }]);
            y.push((a > 0.5) != (b > 0.5));
        }
        (x, y)
    }

    #[test]
    fn learns_an_interaction() {
        let (x, y) = data();
        let m = fit(&x, &y, None, &TreeParams::default()).unwrap();
        let known: Vec<_> = x.iter().zip(&y).filter(|(r, _)| r[1].is_some()).collect();
        let correct = known
            .iter()
            .filter(|(r, &t)| (m.log_odds(r) > 0.0) == t)
            .count();
        assert!(correct as f64 / known.len() as f64 > 0.97, "{correct}");
        assert!(m.is_well_formed(2));
    }

    #[test]
    fn a_missing_feature_contributes_nothing_and_averages_its_branches() {
        let (x, y) = data();
        let m = fit(&x, &y, None, &TreeParams::default()).unwrap();
        for a in [0.1, 0.3, 0.7, 0.9] {
            let (base, c) = m.contributions(&[Some(a), None], 2);
            assert_eq!(c[1], 0.0);
            assert!((base + c[0] - m.log_odds(&[Some(a), None])).abs() < 1e-9);
            // Without b, the prediction is an average over b's branches: inside their range.
            let known: Vec<f64> = (0..23)
                .map(|k| m.log_odds(&[Some(a), Some(f64::from(k) / 23.0)]))
                .collect();
            let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let missing = m.log_odds(&[Some(a), None]);
            assert!(lo < missing && missing < hi, "{a}: {lo} {missing} {hi}");
        }
        let (_, c) = m.contributions(&[None, None], 2);
        assert_eq!(c, vec![0.0, 0.0]);
    }

    #[test]
    fn sample_weights_move_the_base_rate() {
        let (x, y) = data();
        let p = TreeParams {
            rounds: 1,
            ..Default::default()
        };
        let w: Vec<f64> = y.iter().map(|&t| if t { 3.0 } else { 1.0 }).collect();
        let plain = fit(&x, &y, None, &p).unwrap();
        let weighted = fit(&x, &y, Some(&w), &p).unwrap();
        assert!((weighted.base - plain.base - 3f64.ln()).abs() < 1e-9);
        assert!(fit(&x, &y, Some(&w[..3]), &p).is_none());
    }

    #[test]
    fn contributions_sum_to_the_prediction_exactly() {
        let (x, y) = data();
        let m = fit(
            &x,
            &y,
            None,
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
        assert!(fit(&[], &[], None, &TreeParams::default()).is_none());
        assert!(fit(
            &[vec![Some(1.0)], vec![Some(2.0)]],
            &[true, true],
            None,
            &TreeParams::default()
        )
        .is_none());
        let (x, y) = data();
        let p = TreeParams {
            rounds: 10,
            ..Default::default()
        };
        assert_eq!(fit(&x, &y, None, &p), fit(&x, &y, None, &p));
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
                        left_share: 0.5,
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
