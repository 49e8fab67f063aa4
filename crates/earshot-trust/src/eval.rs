//! Cross-validation of the authenticity model against labelled accounts, beside the press rule set.

use crate::features::FeatureVector;
use crate::model::{Learner, TrustError, TrustModel};
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use serde::Serialize;

/// One labelled account, reduced to what evaluation needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub features: FeatureVector,
    /// The press rule set's failed share ([`crate::rules::failed_share`]).
    pub rules: Option<f64>,
    /// `true` = automated or fake.
    pub label: bool,
}

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

/// Drop exact repeats (same features and label): a copy in both the training and the test fold would
/// flatter the model. Returns the kept rows and how many were dropped.
pub fn dedupe(rows: Vec<Labelled>) -> (Vec<Labelled>, usize) {
    let mut seen = std::collections::HashSet::new();
    let before = rows.len();
    let kept: Vec<Labelled> = rows
        .into_iter()
        .filter(|r| {
            let key: Vec<Option<u64>> = r
                .features
                .iter()
                .map(|v| v.map(f64::to_bits))
                .chain([Some(u64::from(r.label))])
                .collect();
            seen.insert(key)
        })
        .collect();
    let dropped = before - kept.len();
    (kept, dropped)
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
        let x: Vec<FeatureVector> = train.iter().map(|r| r.features).collect();
        let y: Vec<bool> = train.iter().map(|r| r.label).collect();
        let m = TrustModel::train("cv", &x, &y, learner)?;
        for (i, r) in rows.iter().enumerate() {
            if fold_of[i] == f {
                scores[i] = m.probability(&r.features);
            }
        }
    }
    let labels: Vec<bool> = rows.iter().map(|r| r.label).collect();
    Ok(CrossValidation {
        folds,
        model: metrics(&scores, &labels, 0.5),
        rules: rule_metrics(rows),
    })
}

/// The press rule set's metrics over the rows it applies to.
pub fn rule_metrics(rows: &[Labelled]) -> Option<Metrics> {
    let (s, y): (Vec<f64>, Vec<bool>) = rows
        .iter()
        .filter_map(|r| r.rules.map(|s| (s, r.label)))
        .unzip();
    (!s.is_empty()).then(|| metrics(&s, &y, 0.5))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn dedupe_drops_exact_repeats_only() {
        let mut f = [None; crate::features::N_FEATURES];
        f[0] = Some(1.0);
        let r = |label| Labelled {
            features: f,
            rules: None,
            label,
        };
        let (kept, dropped) = dedupe(vec![r(true), r(true), r(false)]);
        assert_eq!((kept.len(), dropped), (2, 1));
    }

    #[test]
    fn cross_validation_learns_a_separable_signal() {
        let rows: Vec<Labelled> = (0..200)
            .map(|i| {
                let mut f = [None; crate::features::N_FEATURES];
                let label = i % 2 == 0;
                // Feature 0 separates the classes, with overlap; feature 1 is noise.
                f[0] = Some(if label { 1.0 } else { -1.0 } + f64::from(i % 7) / 4.0 - 0.75);
                f[1] = Some(f64::from((i * 37) % 11));
                Labelled {
                    features: f,
                    rules: Some(if i % 3 == 0 { 1.0 } else { 0.0 }),
                    label,
                }
            })
            .collect();
        let cv = cross_validate(&rows, 5, Learner::Logistic { l2: 1.0 }, 7).unwrap();
        assert!(cv.model.f1 > 0.85, "{cv:?}");
        assert!(cv.model.auc > 0.9, "{cv:?}");
        let again = cross_validate(&rows, 5, Learner::Logistic { l2: 1.0 }, 7).unwrap();
        assert_eq!(cv.model, again.model);
    }
}
