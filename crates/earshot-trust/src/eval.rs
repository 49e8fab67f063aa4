//! Evaluation of the authenticity model against labelled accounts: cross-validation inside one dataset,
//! leave-one-dataset-out across datasets, and a fixed model scored as it is, each with bootstrap
//! intervals, beside the press rule set.

pub use crate::labelled::Labelled;
use crate::model::{Learner, TrustError, TrustModel};
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use serde::Serialize;

/// Binary classification quality at a 0.5 threshold, and AUC of the scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub accuracy: f64,
    /// Area under the ROC curve (ties count half).
    pub auc: f64,
    pub n: usize,
    /// 95% bootstrap intervals, where computed ([`with_intervals`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intervals: Option<Intervals>,
}

/// Percentile bootstrap intervals of [`Metrics`]: accounts resampled with replacement within each class
/// (so every resample has both), the 2.5th and 97.5th percentiles of each figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Intervals {
    pub resamples: usize,
    pub auc: [f64; 2],
    pub f1: [f64; 2],
    pub precision: [f64; 2],
    pub recall: [f64; 2],
}

/// Bootstrap resamples behind every interval: enough for stable 95% percentiles at two decimals.
pub const RESAMPLES: usize = 400;

/// [`metrics`] with 95% bootstrap [`Intervals`] (seeded: the same input gives the same intervals).
pub fn with_intervals(scores: &[f64], labels: &[bool], threshold: f64, seed: u64) -> Metrics {
    let mut m = metrics(scores, labels, threshold);
    let pos: Vec<usize> = (0..labels.len()).filter(|&i| labels[i]).collect();
    let neg: Vec<usize> = (0..labels.len()).filter(|&i| !labels[i]).collect();
    if pos.is_empty() || neg.is_empty() {
        return m;
    }
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut draws: [Vec<f64>; 4] = Default::default();
    let mut s = Vec::with_capacity(labels.len());
    let mut y = Vec::with_capacity(labels.len());
    for _ in 0..RESAMPLES {
        s.clear();
        y.clear();
        for class in [&pos, &neg] {
            for _ in 0..class.len() {
                let i = class[((u128::from(rng.next_u64()) * class.len() as u128) >> 64) as usize];
                s.push(scores[i]);
                y.push(labels[i]);
            }
        }
        let b = metrics(&s, &y, threshold);
        for (d, v) in draws.iter_mut().zip([b.auc, b.f1, b.precision, b.recall]) {
            d.push(v);
        }
    }
    let ci = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        [at(0.025), at(0.975)]
    };
    let [a, f, p, r] = &mut draws;
    m.intervals = Some(Intervals {
        resamples: RESAMPLES,
        auc: ci(a),
        f1: ci(f),
        precision: ci(p),
        recall: ci(r),
    });
    m
}

/// Metrics of `scores` (higher = more likely positive) against `labels`, calling positive above
/// `threshold`.
pub fn metrics(scores: &[f64], labels: &[bool], threshold: f64) -> Metrics {
    let (mut tp, mut fp, mut fn_, mut tn) = (0.0, 0.0, 0.0, 0.0);
    for (&s, &y) in scores.iter().zip(labels) {
        match (s > threshold, y) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fn_ += 1.0,
            (false, false) => tn += 1.0,
        }
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    Metrics {
        precision,
        recall,
        f1: ratio(2.0 * precision * recall, precision + recall),
        accuracy: ratio(tp + tn, tp + fp + fn_ + tn),
        auc: auc(scores, labels),
        n: scores.len(),
        intervals: None,
    }
}

/// ROC AUC by the rank-sum statistic, ties sharing their average rank.
pub fn auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank = vec![0.0; scores.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            rank[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    let pos = labels.iter().filter(|&&y| y).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return 0.5;
    }
    let sum: f64 = rank
        .iter()
        .zip(labels)
        .filter(|(_, &y)| y)
        .map(|(r, _)| r)
        .sum();
    (sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Out-of-fold results of k-fold cross-validation.
#[derive(Debug, Clone, Serialize)]
pub struct CrossValidation {
    pub folds: usize,
    pub model: Metrics,
    /// The press rule set on the same accounts (no training involved).
    pub rules: Option<Metrics>,
}

/// Stratified k-fold cross-validation (seeded shuffle within each class), training a fresh model per
/// fold with `learner`.
pub fn cross_validate(
    rows: &[Labelled],
    folds: usize,
    learner: Learner,
    seed: u64,
) -> Result<CrossValidation, TrustError> {
    let folds = folds.max(2);
    let mut fold_of = vec![0usize; rows.len()];
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    for class in [true, false] {
        let mut idx: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].label == class)
            .collect();
        // Fisher–Yates with multiply-shift draws.
        for i in (1..idx.len()).rev() {
            let j = ((u128::from(rng.next_u64()) * (i as u128 + 1)) >> 64) as usize;
            idx.swap(i, j);
        }
        for (k, &i) in idx.iter().enumerate() {
            fold_of[i] = k % folds;
        }
    }
    let mut scores = vec![0.0; rows.len()];
    for f in 0..folds {
        let train: Vec<&Labelled> = rows
            .iter()
            .zip(&fold_of)
            .filter(|(_, &g)| g != f)
            .map(|(r, _)| r)
            .collect();
        let m = TrustModel::train("cv", &train, learner)?;
        for (i, r) in rows.iter().enumerate() {
            if fold_of[i] == f {
                scores[i] = m.probability_of(r);
            }
        }
    }
    let labels: Vec<bool> = rows.iter().map(|r| r.label).collect();
    Ok(CrossValidation {
        folds,
        model: with_intervals(&scores, &labels, 0.5, seed),
        rules: rule_metrics(rows),
    })
}

/// A model trained on every other group and tested on one.
#[derive(Debug, Clone, Serialize)]
pub struct HeldOut {
    /// The group (dataset) tested on.
    pub group: String,
    /// The groups trained on.
    pub trained_on: Vec<String>,
    pub metrics: Metrics,
}

/// Leave-one-group-out: for each group with both classes, train on all the other groups' rows and test
/// on it. The figure that says whether the model works on data it has never seen.
pub fn leave_one_group_out(
    rows: &[Labelled],
    learner: Learner,
    seed: u64,
) -> Result<Vec<HeldOut>, TrustError> {
    let mut groups: Vec<&str> = rows.iter().map(|r| r.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut out = Vec::new();
    for &g in &groups {
        let (test, train): (Vec<&Labelled>, Vec<&Labelled>) =
            rows.iter().partition(|r| r.group == g);
        let positives = test.iter().filter(|r| r.label).count();
        if positives == 0 || positives == test.len() {
            continue;
        }
        let m = TrustModel::train("held-out", &train, learner)?;
        let s: Vec<f64> = test.iter().map(|r| m.probability_of(r)).collect();
        let y: Vec<bool> = test.iter().map(|r| r.label).collect();
        out.push(HeldOut {
            group: g.to_string(),
            trained_on: groups
                .iter()
                .filter(|&&o| o != g)
                .map(|o| o.to_string())
                .collect(),
            metrics: with_intervals(&s, &y, 0.5, seed),
        });
    }
    Ok(out)
}

/// The press rule set's metrics over the rows it applies to.
pub fn rule_metrics(rows: &[Labelled]) -> Option<Metrics> {
    let (s, y): (Vec<f64>, Vec<bool>) = rows
        .iter()
        .filter_map(|r| r.rules.map(|s| (s, r.label)))
        .unzip();
    (!s.is_empty()).then(|| with_intervals(&s, &y, 0.5, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::FeatureContext;
    use earshot_model::Account;

    #[test]
    fn auc_and_f1_known_values() {
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
        assert!((auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]) - 0.75).abs() < 1e-12);
        assert_eq!(auc(&[0.5, 0.5], &[true, false]), 0.5);
        let m = metrics(&[0.9, 0.8, 0.2, 0.6], &[true, false, true, false], 0.5);
        assert!((m.precision - 1.0 / 3.0).abs() < 1e-12);
        assert!((m.recall - 0.5).abs() < 1e-12);
        assert!((m.f1 - 0.4).abs() < 1e-12);
    }

    /// A labelled account whose follower count separates the classes with overlap, in `group`.
    fn row(i: u32, group: &str) -> Labelled {
        let label = i.is_multiple_of(2);
        // Overlapping classes: bots 100–460 followers, humans 400–640.
        let followers = if label {
            100 + u64::from(i % 7) * 60
        } else {
            400 + u64::from(i % 7) * 40
        };
        Labelled {
            account: Account {
                platform: group.into(),
                ext_id: i.to_string(),
                profile: earshot_model::Profile {
                    followers: Some(followers),
                    following: Some(u64::from((i * 37) % 500)),
                    ..Default::default()
                },
                ..Default::default()
            },
            ctx: FeatureContext {
                reference_time: None,
            },
            rules: Some(if i.is_multiple_of(3) { 1.0 } else { 0.0 }),
            label,
            group: group.into(),
        }
    }

    #[test]
    fn cross_validation_learns_a_separable_signal_with_intervals() {
        let rows: Vec<Labelled> = (0..200).map(|i| row(i, "a")).collect();
        let cv = cross_validate(&rows, 5, Learner::Logistic { l2: 1.0 }, 7).unwrap();
        assert!(cv.model.f1 > 0.75, "{cv:?}");
        assert!(cv.model.auc > 0.9, "{cv:?}");
        let ci = cv.model.intervals.unwrap();
        assert!(
            ci.auc[0] <= cv.model.auc && cv.model.auc <= ci.auc[1],
            "{ci:?}"
        );
        assert!(ci.f1[0] < ci.f1[1], "{ci:?}");
        let again = cross_validate(&rows, 5, Learner::Logistic { l2: 1.0 }, 7).unwrap();
        assert_eq!(cv.model, again.model);
    }

    #[test]
    fn leave_one_group_out_tests_each_group_on_a_model_that_never_saw_it() {
        let mut rows: Vec<Labelled> = (0..120).map(|i| row(i, "a")).collect();
        rows.extend((0..120).map(|i| row(i, "b")));
        // A group of one class cannot be tested on.
        rows.extend((0..10).map(|i| row(2 * i, "c")));
        let held = leave_one_group_out(&rows, Learner::Logistic { l2: 1.0 }, 1).unwrap();
        let tested: Vec<&str> = held.iter().map(|h| h.group.as_str()).collect();
        assert_eq!(tested, ["a", "b"]);
        assert_eq!(held[0].trained_on, ["b", "c"]);
        assert_eq!(held[0].metrics.n, 120);
        assert!(held.iter().all(|h| h.metrics.auc > 0.85), "{held:?}");
    }
}
