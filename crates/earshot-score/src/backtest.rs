//! Backtests: did scores computed on the past predict the engagement that came after?
//!
//! Predictors are scored on a training window; the truth is the engagement each of the same accounts
//! received in the following test window. Metrics are rank-based, so a predictor's scale does not matter.

use crate::input::Reaction;
use earshot_graph::{pagerank, DenseIds, Edge, PageRankConfig, ReactionGraph};
use rustc_hash::FxHashMap;

/// How well one predictor ranked the accounts.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Metrics {
    /// Spearman's rank correlation between prediction and truth over all accounts (ties get average ranks).
    pub spearman: f64,
    /// NDCG@k with the truth as graded relevance.
    pub ndcg: f64,
    /// Share of the predicted top k that is in the true top k.
    pub precision: f64,
}

/// Evaluate `pred` against `truth` (same length, same account order) at cut-off `k`.
pub fn evaluate(pred: &[f64], truth: &[f64], k: usize) -> Metrics {
    Metrics {
        spearman: spearman(pred, truth),
        ndcg: ndcg_at(pred, truth, k),
        precision: precision_at(pred, truth, k),
    }
}

/// Average ranks (1-based), ties sharing the mean of their positions.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's ρ: Pearson correlation of average ranks. 0 when either side is constant.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        cov += (x - ma) * (y - mb);
        va += (x - ma) * (x - ma);
        vb += (y - mb) * (y - mb);
    }
    if va == 0.0 || vb == 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

/// Indices of the `k` largest values, ties broken by index (so every predictor is judged the same way).
fn top_k(v: &[f64], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[b].total_cmp(&v[a]).then(a.cmp(&b)));
    order.truncate(k);
    order
}

/// NDCG@k: DCG of the predicted order over the DCG of the ideal order, gains = truth.
pub fn ndcg_at(pred: &[f64], truth: &[f64], k: usize) -> f64 {
    let dcg = |order: &[usize]| -> f64 {
        order
            .iter()
            .enumerate()
            .map(|(i, &j)| truth[j] / (i as f64 + 2.0).log2())
            .sum()
    };
    let ideal = dcg(&top_k(truth, k));
    if ideal == 0.0 {
        0.0
    } else {
        dcg(&top_k(pred, k)) / ideal
    }
}

/// |top-k(pred) ∩ top-k(truth)| / k.
pub fn precision_at(pred: &[f64], truth: &[f64], k: usize) -> f64 {
    let k = k.min(pred.len());
    if k == 0 {
        return 0.0;
    }
    let truth_top: rustc_hash::FxHashSet<usize> = top_k(truth, k).into_iter().collect();
    top_k(pred, k)
        .iter()
        .filter(|i| truth_top.contains(i))
        .count() as f64
        / k as f64
}

/// A 95% interval for the difference `a − b` of one metric between two predictors.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Paired bootstrap of (predictor `a` − predictor `b`) in Spearman's ρ and NDCG@k: `resamples` draws of
/// the accounts with replacement (the same draw for both predictors, seeded, so reruns agree), and the
/// 2.5th and 97.5th percentiles of each difference. An interval that contains 0 means the data cannot
/// tell the two predictors apart on that metric. `None` without accounts or resamples.
pub fn paired_bootstrap(
    a: &[f64],
    b: &[f64],
    truth: &[f64],
    k: usize,
    resamples: usize,
    seed: u64,
) -> Option<(Interval, Interval)> {
    use rand_xoshiro::rand_core::{Rng, SeedableRng};
    let n = truth.len();
    if n == 0 || resamples == 0 || a.len() != n || b.len() != n {
        return None;
    }
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let (mut rho, mut gain) = (Vec::with_capacity(resamples), Vec::with_capacity(resamples));
    let (mut ra, mut rb, mut rt) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for _ in 0..resamples {
        for i in 0..n {
            // Multiply-shift maps 64 random bits onto 0..n without modulo bias worth measuring here.
            let j = ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize;
            ra[i] = a[j];
            rb[i] = b[j];
            rt[i] = truth[j];
        }
        rho.push(spearman(&ra, &rt) - spearman(&rb, &rt));
        gain.push(ndcg_at(&ra, &rt, k) - ndcg_at(&rb, &rt, k));
    }
    let interval = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        Interval {
            low: at(0.025),
            high: at(0.975),
        }
    };
    Some((interval(rho), interval(gain)))
}

/// Baseline predictors from the training reactions, for `accounts` (in that order): reactions received,
/// distinct reactors, and unweighted PageRank over reactor → author (follows excluded, repeats merged).
pub struct Baselines {
    pub received: Vec<f64>,
    pub distinct_reactors: Vec<f64>,
    pub pagerank: Vec<f64>,
}

pub fn baselines(
    train: &[Reaction],
    accounts: &[i64],
) -> Result<Baselines, earshot_graph::GraphError> {
    let mut ids = DenseIds::new();
    for &a in accounts {
        ids.intern(a)
            .ok_or(earshot_graph::GraphError::TooManyNodes)?;
    }
    let n = accounts.len();
    let mut received = vec![0.0; n];
    let mut edges = Vec::new();
    for r in train
        .iter()
        .filter(|r| r.kind.is_reaction() && r.actor != r.target)
    {
        let (Some(a), Some(t)) = (ids.get(r.actor), ids.get(r.target)) else {
            continue;
        };
        received[t as usize] += 1.0;
        edges.push(Edge {
            src: a,
            dst: t,
            weight: 1.0,
        });
    }
    let graph = ReactionGraph::from_edges(n as u32, &edges)?.unweighted();
    let distinct_reactors = (0..n as u32).map(|v| graph.in_degree(v) as f64).collect();
    let pr = pagerank(&graph, &PageRankConfig::default())?;
    Ok(Baselines {
        received,
        distinct_reactors,
        pagerank: pr.scores,
    })
}

/// Engagement each of `accounts` received in the test reactions: reactions (not follows) from others.
pub fn engagement(test: &[Reaction], accounts: &[i64]) -> Vec<f64> {
    let index: FxHashMap<i64, usize> = accounts.iter().enumerate().map(|(i, &a)| (a, i)).collect();
    let mut truth = vec![0.0; accounts.len()];
    for r in test
        .iter()
        .filter(|r| r.kind.is_reaction() && r.actor != r.target)
    {
        if let Some(&i) = index.get(&r.target) {
            truth[i] += 1.0;
        }
    }
    truth
}

/// One score decile of a reliability table: what the model expected its accounts to receive in the
/// test window against what they received.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ReliabilityRow {
    /// 1 (lowest scores) to 10.
    pub decile: u32,
    pub accounts: usize,
    /// The decile's score range.
    pub score_low: f64,
    pub score_high: f64,
    /// Mean expected engagement per account over the test window.
    pub predicted: f64,
    /// Mean engagement received per account, with a 95% bootstrap interval of that mean.
    pub realised: f64,
    pub realised_low: f64,
    pub realised_high: f64,
    /// Whether `predicted` lies inside the interval.
    pub inside: bool,
}

/// A reliability table: accounts split into ten groups of equal size by `score` (ties kept together
/// where possible by sorting on score then prediction), each group's mean `predicted` against the mean
/// `realised`, with a 95% percentile-bootstrap interval of the realised mean (`resamples` draws of the
/// group's accounts, seeded). Fewer than 10 accounts give no table.
pub fn reliability(
    score: &[f64],
    predicted: &[f64],
    realised: &[f64],
    resamples: usize,
    seed: u64,
) -> Vec<ReliabilityRow> {
    use rand_xoshiro::rand_core::{Rng, SeedableRng};
    let n = score.len();
    if n < 10 || predicted.len() != n || realised.len() != n {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        score[a]
            .total_cmp(&score[b])
            .then(predicted[a].total_cmp(&predicted[b]))
            .then(a.cmp(&b))
    });
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..10)
        .map(|d| {
            let group = &order[d * n / 10..(d + 1) * n / 10];
            let m = group.len();
            let mean =
                |f: &dyn Fn(usize) -> f64| group.iter().map(|&i| f(i)).sum::<f64>() / m as f64;
            let realised_mean = mean(&|i| realised[i]);
            let predicted_mean = mean(&|i| predicted[i]);
            let mut means: Vec<f64> = (0..resamples.max(1))
                .map(|_| {
                    (0..m)
                        .map(|_| {
                            let j = ((u128::from(rng.next_u64()) * m as u128) >> 64) as usize;
                            realised[group[j]]
                        })
                        .sum::<f64>()
                        / m as f64
                })
                .collect();
            means.sort_by(f64::total_cmp);
            let at = |q: f64| means[((means.len() - 1) as f64 * q).round() as usize];
            let (low, high) = (at(0.025), at(0.975));
            ReliabilityRow {
                decile: d as u32 + 1,
                accounts: m,
                score_low: score[group[0]],
                score_high: score[group[m - 1]],
                predicted: predicted_mean,
                realised: realised_mean,
                realised_low: low,
                realised_high: high,
                inside: predicted_mean >= low && predicted_mean <= high,
            }
        })
        .collect()
}

/// Engagement each account received in the window before the test window of the same length: the
/// "last window's engagement" baseline. `train` may hold older reactions; only those at or after
/// `from` count.
pub fn engagement_since(train: &[Reaction], accounts: &[i64], from: i64) -> Vec<f64> {
    let recent: Vec<Reaction> = train
        .iter()
        .filter(|r| r.time.is_some_and(|t| t >= from))
        .copied()
        .collect();
    engagement(&recent, accounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_known_values() {
        assert!((spearman(&[1.0, 2.0, 3.0, 4.0], &[10.0, 20.0, 30.0, 40.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // With ties: scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]) = 0.9486832980505138
        assert!(
            (spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 3.0, 2.0, 4.0]) - 0.948_683_298_050_513_8)
                .abs()
                < 1e-12
        );
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), 0.0);
    }

    #[test]
    fn bootstrap_separates_a_good_predictor_from_noise_and_not_from_itself() {
        let n = 400;
        let truth: Vec<f64> = (0..n).map(|i| (i % 37) as f64).collect();
        let good: Vec<f64> = truth.iter().map(|t| t + 0.5).collect();
        // A scrambled predictor: unrelated to the truth.
        let noise: Vec<f64> = (0..n).map(|i| ((i * 7919) % 401) as f64).collect();
        let (rho, gain) = paired_bootstrap(&good, &noise, &truth, 20, 200, 1).unwrap();
        assert!(rho.low > 0.5 && gain.low > 0.2, "{rho:?} {gain:?}");
        let (rho, gain) = paired_bootstrap(&good, &good, &truth, 20, 50, 1).unwrap();
        assert_eq!(
            (rho.low, rho.high, gain.low, gain.high),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert_eq!(
            paired_bootstrap(&good, &noise, &truth, 20, 50, 9),
            paired_bootstrap(&good, &noise, &truth, 20, 50, 9)
        );
        assert!(paired_bootstrap(&[], &[], &[], 20, 50, 1).is_none());
    }

    #[test]
    fn reliability_marks_a_calibrated_model_inside_and_a_biased_one_outside() {
        let n = 2000;
        let score: Vec<f64> = (0..n).map(|i| i as f64).collect();
        // Realised counts scatter around the prediction (deterministic noise of mean 0).
        let predicted: Vec<f64> = (0..n).map(|i| 1.0 + i as f64 / 100.0).collect();
        let realised: Vec<f64> = predicted
            .iter()
            .enumerate()
            .map(|(i, p)| p + [-1.0, 1.0, -0.5, 0.5][i % 4])
            .collect();
        let rows = reliability(&score, &predicted, &realised, 300, 1);
        assert_eq!(rows.len(), 10);
        assert!(
            rows.iter().all(|r| r.inside && r.accounts == 200),
            "{rows:?}"
        );
        let doubled: Vec<f64> = predicted.iter().map(|p| 2.0 * p).collect();
        let rows = reliability(&score, &doubled, &realised, 300, 1);
        assert!(rows.iter().all(|r| !r.inside), "{rows:?}");
        assert!(reliability(&score[..9], &predicted[..9], &realised[..9], 10, 1).is_empty());
    }

    #[test]
    fn ndcg_and_precision() {
        let truth = [3.0, 2.0, 0.0, 1.0];
        assert!((ndcg_at(&truth, &truth, 2) - 1.0).abs() < 1e-12);
        // Predicted order 3, 2: DCG = 1/log2(2) + 0/log2(3) = 1; ideal = 3 + 2/log2(3).
        let want = 1.0 / (3.0 + 2.0 / 3f64.log2());
        assert!((ndcg_at(&[0.0, 0.0, 5.0, 9.0], &truth, 2) - want).abs() < 1e-12);
        assert_eq!(precision_at(&[9.0, 0.0, 0.0, 8.0], &truth, 2), 0.5);
    }
}
