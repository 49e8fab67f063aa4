//! The doubling classifier: earshot-trust's L2 logistic regression (Newton's method, exact and
//! deterministic) on features standardised by the training rows' mean and standard deviation, so one L2
//! strength means the same for every feature and its weights read as log-odds per standard deviation.

use crate::error::UsageError;
use anyhow::Result;
use earshot_diffusion::doubling::{Features, History, FEATURES, TEMPORAL};
use earshot_trust::logistic::{self, sigmoid, Fit, FitError};

/// Which features a model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeatureSet {
    /// How fast the first `k` reshares came, only.
    Temporal,
    /// Temporal, the author's history and the early adopters'.
    All,
}

impl FeatureSet {
    pub const ALL: [FeatureSet; 2] = [FeatureSet::Temporal, FeatureSet::All];

    /// The names of the features used, in order.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            FeatureSet::Temporal => &FEATURES[..TEMPORAL],
            FeatureSet::All => &FEATURES,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FeatureSet::Temporal => "temporal",
            FeatureSet::All => "all",
        }
    }

    /// `temporal` or `all`.
    pub fn parse(s: &str) -> Option<FeatureSet> {
        FeatureSet::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// Which training posts are old enough to be fitted on. A training post is labelled by the reshares it
/// had before the cut, so one whose `k`-th reshare came just before it has had no time to double and
/// counts as a failure whatever it did next: the younger the posts, the more the labels under-count
/// doubling. Settling keeps only posts whose `k`-th reshare came at least a quantile of the doubling
/// times seen before the cut (from the `k`-th reshare to the `2k`-th) before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Settling {
    /// Every post with `k` reshares before the cut.
    None,
    /// Posts at least the median doubling time old.
    Median,
    /// Posts at least the 90th percentile of doubling times old.
    P90,
}

impl Settling {
    pub const ALL: [Settling; 3] = [Settling::None, Settling::Median, Settling::P90];

    pub fn name(self) -> &'static str {
        match self {
            Settling::None => "none",
            Settling::Median => "median",
            Settling::P90 => "p90",
        }
    }

    /// The age (seconds, or the data's units) a training post's `k`-th reshare must have at the cut,
    /// from the doubling times seen before it (sorted or not; 0 without any).
    pub fn min_age(self, mut doubling_times: Vec<i64>) -> i64 {
        let q = match self {
            Settling::None => return 0,
            Settling::Median => 0.5,
            Settling::P90 => 0.9,
        };
        if doubling_times.is_empty() {
            return 0;
        }
        doubling_times.sort_unstable();
        doubling_times[((doubling_times.len() - 1) as f64 * q).round() as usize]
    }
}

/// A classifier's settings: its features, the L2 strength on their standardised weights, and which
/// training posts it is fitted on.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Setting {
    pub features: FeatureSet,
    pub l2: f64,
    pub settling: Settling,
}

impl Setting {
    /// Every setting the validation split chooses from, simpler first: both feature sets, L2 from
    /// barely any to strong (the penalty is on the summed log-loss, so 1 is weak beside thousands of
    /// rows), each settling.
    pub fn grid() -> Vec<Setting> {
        let mut v = Vec::new();
        for features in FeatureSet::ALL {
            for settling in Settling::ALL {
                for l2 in [100.0, 10.0, 1.0, 0.1] {
                    v.push(Setting {
                        features,
                        l2,
                        settling,
                    });
                }
            }
        }
        v
    }

    /// The setting of a one-post forecast: the one the Twitter cascades' validation split chose (all
    /// features, L2 10, every training post; EVALUATION.md, "Cascades (issue 18)").
    pub const DEFAULT: Setting = Setting {
        features: FeatureSet::All,
        l2: 10.0,
        settling: Settling::None,
    };
}

/// A feature's weight in log-odds of doubling per standard deviation, with its training mean and
/// standard deviation.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FeatureWeight {
    pub feature: &'static str,
    pub weight: f64,
    pub mean: f64,
    pub sd: f64,
}

/// Labelled rows: posts with at least `k` reshares, their features at the `k`-th and whether they
/// doubled.
#[derive(Debug, Clone, Default)]
pub(super) struct Examples {
    /// The cascade of each row.
    pub cascades: Vec<usize>,
    pub features: Vec<Features>,
    pub labels: Vec<bool>,
}

impl Examples {
    /// The cascades `keep` admits whose `k`-th reshare came before `seen_before`, labelled by their
    /// reshares before `label_cut` (`i64::MAX`: all of them).
    pub fn of(
        history: &History<'_>,
        cascades: usize,
        keep: impl Fn(usize) -> bool,
        seen_before: i64,
        label_cut: i64,
    ) -> Self {
        let mut e = Examples::default();
        for c in (0..cascades).filter(|&c| keep(c)) {
            if history.moment(c).is_none_or(|t| t >= seen_before) {
                continue;
            }
            if let Some(f) = history.features(c) {
                e.cascades.push(c);
                e.features.push(f);
                e.labels.push(history.doubled_by(c, label_cut));
            }
        }
        e
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn positives(&self) -> usize {
        self.labels.iter().filter(|&&y| y).count()
    }
}

/// A fitted doubling classifier.
#[derive(Debug, Clone)]
pub(super) struct Classifier {
    pub setting: Setting,
    mean: Vec<f64>,
    sd: Vec<f64>,
    fit: Fit,
}

impl Classifier {
    /// Fit on `train` with `setting`. Training rows of one class only (or none) are a [`UsageError`]:
    /// there is nothing to learn to tell apart.
    pub fn fit(train: &Examples, setting: Setting) -> Result<Classifier> {
        let d = setting.features.names().len();
        let n = train.len() as f64;
        let mut mean = vec![0.0; d];
        let mut sd = vec![0.0; d];
        for f in &train.features {
            for j in 0..d {
                mean[j] += f[j] / n;
            }
        }
        for f in &train.features {
            for j in 0..d {
                sd[j] += (f[j] - mean[j]).powi(2) / n;
            }
        }
        for s in &mut sd {
            *s = if *s > 0.0 { s.sqrt() } else { 1.0 };
        }
        let rows: Vec<Vec<f64>> = train
            .features
            .iter()
            .map(|f| (0..d).map(|j| (f[j] - mean[j]) / sd[j]).collect())
            .collect();
        let fit = logistic::fit(&rows, &train.labels, None, setting.l2).map_err(|e| match e {
            FitError::Empty => UsageError("no posts with enough reshares to fit on".into()),
            FitError::OneClass(true) => {
                UsageError("every post fitted on doubled: there is nothing to tell apart".into())
            }
            FitError::OneClass(false) => {
                UsageError("no post fitted on doubled: there is nothing to tell apart".into())
            }
            other => UsageError(format!("cannot fit the doubling model: {other}")),
        })?;
        Ok(Classifier {
            setting,
            mean,
            sd,
            fit,
        })
    }

    /// Each used feature's standardised value times its weight: its push on the log-odds.
    pub fn pushes(&self, f: &Features) -> Vec<f64> {
        (0..self.mean.len())
            .map(|j| self.fit.weights[j] * (f[j] - self.mean[j]) / self.sd[j])
            .collect()
    }

    /// P(doubles) for a row.
    pub fn probability(&self, f: &Features) -> f64 {
        sigmoid(self.fit.intercept + self.pushes(f).iter().sum::<f64>())
    }

    /// Whether the row is predicted to double (P > ½).
    pub fn predict(&self, f: &Features) -> bool {
        self.probability(f) > 0.5
    }

    pub fn weights(&self) -> Vec<FeatureWeight> {
        self.setting
            .features
            .names()
            .iter()
            .enumerate()
            .map(|(j, &feature)| FeatureWeight {
                feature,
                weight: self.fit.weights[j],
                mean: self.mean[j],
                sd: self.sd[j],
            })
            .collect()
    }

    pub fn intercept(&self) -> f64 {
        self.fit.intercept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEAK: Setting = Setting {
        features: FeatureSet::All,
        l2: 1.0,
        settling: Settling::None,
    };

    fn examples(rows: &[(f64, bool)]) -> Examples {
        Examples {
            cascades: (0..rows.len()).collect(),
            features: rows
                .iter()
                .map(|&(x, _)| {
                    let mut f = [0.0; FEATURES.len()];
                    f[0] = x;
                    f
                })
                .collect(),
            labels: rows.iter().map(|&(_, y)| y).collect(),
        }
    }

    #[test]
    fn fast_cascades_learned_as_doubling_are_predicted_so() {
        // Time to k low ⇒ doubles, with some noise; only feature 0 varies.
        let rows: Vec<(f64, bool)> = (0..40)
            .map(|i| (f64::from(i), (i < 20) != (i % 10 == 0)))
            .collect();
        let c = Classifier::fit(&examples(&rows), WEAK).unwrap();
        let w = c.weights();
        assert!(w[0].weight < 0.0, "{w:?}");
        assert!((w[0].mean - 19.5).abs() < 1e-12);
        assert_eq!(w[1].sd, 1.0, "a constant feature is left unscaled");
        let mut fast = [0.0; FEATURES.len()];
        fast[0] = 2.0;
        let mut slow = fast;
        slow[0] = 37.0;
        assert!(c.predict(&fast) && !c.predict(&slow));
        let pushes = c.pushes(&fast);
        assert_eq!(pushes.len(), FEATURES.len());
        assert!(
            (c.intercept() + pushes.iter().sum::<f64>() - {
                let p = c.probability(&fast);
                (p / (1.0 - p)).ln()
            })
            .abs()
                < 1e-9
        );
    }

    #[test]
    fn temporal_models_use_the_temporal_features_only() {
        let rows: Vec<(f64, bool)> = (0..10).map(|i| (f64::from(i), i < 5)).collect();
        let s = Setting {
            features: FeatureSet::Temporal,
            ..WEAK
        };
        let c = Classifier::fit(&examples(&rows), s).unwrap();
        assert_eq!(c.weights().len(), TEMPORAL);
    }

    #[test]
    fn settling_ages_are_quantiles_of_the_doubling_times() {
        let times: Vec<i64> = (1..=11).rev().map(|i| i * 10).collect();
        assert_eq!(Settling::None.min_age(times.clone()), 0);
        assert_eq!(Settling::Median.min_age(times.clone()), 60);
        assert_eq!(Settling::P90.min_age(times), 100);
        assert_eq!(Settling::P90.min_age(Vec::new()), 0);
    }

    #[test]
    fn one_class_is_a_usage_error() {
        let rows: Vec<(f64, bool)> = (0..10).map(|i| (f64::from(i), false)).collect();
        let e = Classifier::fit(&examples(&rows), WEAK).unwrap_err();
        assert!(e.downcast_ref::<UsageError>().is_some(), "{e}");
        assert!(e.to_string().contains("no post fitted on doubled"));
    }
}
