//! The authenticity model file: standardisation, coefficients and provenance, versioned, in JSON.

use crate::features::{extract, FeatureContext, FeatureVector, NameBigrams, FEATURES, N_FEATURES};
use crate::labelled::Labelled;
use crate::logistic::{fit, sigmoid, FitError};
use crate::trees::{Ensemble, TreeParams};
use earshot_model::Account;
use serde::{Deserialize, Serialize};

/// The model shipped with earshot (`models/trust-v2.json`), trained by `earshot trust train` on the
/// four labelled bot and fake-account datasets together (see EVALUATION.md).
const DEFAULT_MODEL: &str = include_str!("../../../models/trust-v2.json");

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("trust model is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("trust model {version}: {what}")]
    Invalid { version: String, what: String },
    #[error("cannot train: {0}")]
    Fit(#[from] FitError),
    #[error(
        "cannot train: both classes (automated or fake, and authentic) need labelled accounts"
    )]
    OneClass,
}

/// Which kind of model to fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Learner {
    /// L2-regularised logistic regression on standardised features: one weight per feature.
    Logistic { l2: f64 },
    /// Shallow gradient-boosted trees: non-linear, missing values handled by learned directions.
    Trees(TreeParams),
}

impl Learner {
    pub fn name(&self) -> &'static str {
        match self {
            Learner::Logistic { .. } => "logistic regression",
            Learner::Trees(_) => "boosted trees",
        }
    }
}

/// The fitted classifier inside a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Classifier {
    /// Log-odds = intercept + Σ weight × standardised value (weights in [`FeatureWeight::weight`]).
    Logistic { intercept: f64, l2: f64 },
    BoostedTrees {
        params: TreeParams,
        ensemble: Ensemble,
    },
}

/// One feature's part of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureWeight {
    pub name: String,
    /// Training mean: what a missing value is taken to be (it then contributes nothing).
    pub mean: f64,
    /// Training standard deviation (1 where the feature did not vary).
    pub scale: f64,
    /// Logistic regression: log-odds per standard deviation (0 for a feature never seen in training).
    /// Boosted trees: the feature's share of all split gain.
    pub weight: f64,
    /// Share of training accounts that had it.
    pub coverage: f64,
}

/// A fitted authenticity model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustModel {
    pub version: String,
    #[serde(default)]
    pub about: String,
    pub features: Vec<FeatureWeight>,
    pub classifier: Classifier,
    /// Labelled accounts it was trained on: (automated or fake, authentic).
    pub trained_on: (usize, usize),
    /// The screen-name model behind `screen_name_likelihood`, fitted on the training accounts' names.
    #[serde(default)]
    pub names: NameBigrams,
}

/// One feature's push on an assessment, in log-odds (positive: more likely automated or fake).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub feature: &'static str,
    pub meaning: &'static str,
    /// The account's value; `None` where the data did not say (it then contributes 0).
    pub value: Option<f64>,
    pub log_odds: f64,
}

/// How likely one account is automated or fake, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub model_version: String,
    /// Probability that the account is automated or fake.
    pub probability: f64,
    /// The model's baseline log-odds (the intercept; for trees, the base plus every tree's root value) ...
    pub base_log_odds: f64,
    /// ... plus these, largest push first, give the probability's log-odds.
    pub contributions: Vec<Contribution>,
}

impl TrustModel {
    /// The model shipped with this build.
    pub fn builtin() -> TrustModel {
        // Part of the source tree and checked by a test, so this cannot fail in a release.
        TrustModel::from_json(DEFAULT_MODEL).unwrap_or_else(|e| panic!("models/trust-v2.json: {e}"))
    }

    pub fn from_json(text: &str) -> Result<TrustModel, TrustError> {
        let m: TrustModel = serde_json::from_str(text)?;
        m.check()?;
        Ok(m)
    }

    fn check(&self) -> Result<(), TrustError> {
        let bad = |what: String| {
            Err(TrustError::Invalid {
                version: self.version.clone(),
                what,
            })
        };
        if self.features.len() != N_FEATURES {
            return bad(format!(
                "has {} features, this build knows {}",
                self.features.len(),
                N_FEATURES
            ));
        }
        for (f, (name, _)) in self.features.iter().zip(FEATURES) {
            if f.name != name {
                return bad(format!("feature {:?} where {name:?} was expected", f.name));
            }
            if ![f.mean, f.scale, f.weight].iter().all(|v| v.is_finite()) || f.scale <= 0.0 {
                return bad(format!(
                    "feature {name}: mean, scale and weight must be finite, scale > 0"
                ));
            }
        }
        if !self.names.is_well_formed() {
            return bad("the screen-name table must be empty or 38×38 counts".into());
        }
        match &self.classifier {
            Classifier::Logistic { intercept, .. } if !intercept.is_finite() => {
                bad("intercept must be finite".into())
            }
            Classifier::BoostedTrees { ensemble, .. } if !ensemble.is_well_formed(N_FEATURES) => {
                bad("a tree has a node or feature index out of range, or a non-finite value".into())
            }
            _ => Ok(()),
        }
    }

    /// Fit on labelled accounts. Each (group, class) cell weighs the same in total, so a dataset of
    /// forty thousand accounts does not drown one of a thousand, and neither class outweighs the other
    /// within a dataset: the model learns what separates bots from humans in every dataset rather than
    /// what marks the largest one (the data selection of Yang et al., AAAI 2020, by weight).
    pub fn train(
        version: &str,
        rows: &[&Labelled],
        learner: Learner,
    ) -> Result<TrustModel, TrustError> {
        let l2 = match learner {
            Learner::Logistic { l2 } => l2,
            Learner::Trees(p) => p.l2,
        };
        if !(l2.is_finite() && l2 > 0.0) {
            return Err(TrustError::Invalid {
                version: version.to_string(),
                what: format!("the L2 penalty must be a number > 0, found {l2}"),
            });
        }
        let names = NameBigrams::fit(rows.iter().filter_map(|r| r.account.handle.as_deref()));
        let x: Vec<FeatureVector> = rows
            .iter()
            .map(|r| extract(&r.account, &r.ctx, &names))
            .collect();
        let labels: Vec<bool> = rows.iter().map(|r| r.label).collect();
        let weights = balanced_weights(rows);
        let n = rows.len() as f64;
        let mut features = Vec::with_capacity(N_FEATURES);
        for (j, (name, _)) in FEATURES.iter().enumerate() {
            let seen: Vec<f64> = x.iter().filter_map(|r| r[j]).collect();
            let (mean, scale) = if seen.is_empty() {
                (0.0, 1.0)
            } else {
                let m = seen.iter().sum::<f64>() / seen.len() as f64;
                let var = seen.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / seen.len() as f64;
                (m, if var > 1e-12 { var.sqrt() } else { 1.0 })
            };
            features.push(FeatureWeight {
                name: (*name).to_string(),
                mean,
                scale,
                weight: 0.0,
                coverage: if n > 0.0 { seen.len() as f64 / n } else { 0.0 },
            });
        }
        let classifier = match learner {
            Learner::Logistic { l2 } => {
                let z: Vec<Vec<f64>> = x
                    .iter()
                    .map(|r| standardise(&features, r).to_vec())
                    .collect();
                let f = fit(&z, &labels, Some(&weights), l2)?;
                for (fw, w) in features.iter_mut().zip(&f.weights) {
                    fw.weight = if fw.coverage > 0.0 { *w } else { 0.0 };
                }
                Classifier::Logistic {
                    intercept: f.intercept,
                    l2,
                }
            }
            Learner::Trees(params) => {
                let x: Vec<Vec<Option<f64>>> = x.iter().map(|r| r.to_vec()).collect();
                let ensemble = crate::trees::fit(&x, &labels, Some(&weights), &params)
                    .ok_or(TrustError::OneClass)?;
                for (fw, w) in features.iter_mut().zip(ensemble.importance(N_FEATURES)) {
                    fw.weight = w;
                }
                Classifier::BoostedTrees { params, ensemble }
            }
        };
        let positives = labels.iter().filter(|&&b| b).count();
        let model = TrustModel {
            version: version.to_string(),
            about: String::new(),
            features,
            classifier,
            trained_on: (positives, labels.len() - positives),
            names,
        };
        // A fit that produced a non-finite number must not be written and then fail to load.
        model.check()?;
        Ok(model)
    }

    /// The features of `account` as this model reads them (its own screen-name table).
    pub fn features(&self, account: &Account, ctx: &FeatureContext) -> FeatureVector {
        extract(account, ctx, &self.names)
    }

    /// Probability that a labelled account is automated or fake (for evaluation).
    pub fn probability_of(&self, row: &Labelled) -> f64 {
        self.probability(&self.features(&row.account, &row.ctx))
    }

    /// The log-odds and per-feature contributions (summing to it with `base`) for `v`.
    fn explain_vector(&self, v: &FeatureVector) -> (f64, [f64; N_FEATURES]) {
        match &self.classifier {
            Classifier::Logistic { intercept, .. } => {
                let z = standardise(&self.features, v);
                (
                    *intercept,
                    std::array::from_fn(|j| z[j] * self.features[j].weight),
                )
            }
            Classifier::BoostedTrees { ensemble, .. } => {
                let (base, c) = ensemble.contributions(v, N_FEATURES);
                (base, std::array::from_fn(|j| c[j]))
            }
        }
    }

    /// Probability that an account with these features is automated or fake.
    pub fn probability(&self, v: &FeatureVector) -> f64 {
        match &self.classifier {
            Classifier::BoostedTrees { ensemble, .. } => sigmoid(ensemble.log_odds(v)),
            Classifier::Logistic { .. } => {
                let (base, c) = self.explain_vector(v);
                sigmoid(base + c.iter().sum::<f64>())
            }
        }
    }

    /// The probability for `account`, split into per-feature contributions.
    pub fn assess(&self, account: &Account, ctx: &FeatureContext) -> Assessment {
        let v = self.features(account, ctx);
        let (base, c) = self.explain_vector(&v);
        let mut contributions: Vec<Contribution> = FEATURES
            .iter()
            .zip(v.iter().zip(c))
            .map(|((name, meaning), (value, log_odds))| Contribution {
                feature: name,
                meaning,
                value: *value,
                log_odds,
            })
            .collect();
        contributions.sort_by(|a, b| b.log_odds.abs().total_cmp(&a.log_odds.abs()));
        Assessment {
            model_version: self.version.clone(),
            probability: self.probability(&v),
            base_log_odds: base,
            contributions,
        }
    }
}

/// Weights that give every (group, class) cell of `rows` the same total, summing to the number of rows.
fn balanced_weights(rows: &[&Labelled]) -> Vec<f64> {
    let mut cells: std::collections::BTreeMap<(&str, bool), usize> = Default::default();
    for r in rows {
        *cells.entry((r.group.as_str(), r.label)).or_default() += 1;
    }
    let per_cell = rows.len() as f64 / cells.len().max(1) as f64;
    rows.iter()
        .map(|r| per_cell / cells[&(r.group.as_str(), r.label)] as f64)
        .collect()
}

/// Standardised values; a missing value sits at the mean (0).
fn standardise(features: &[FeatureWeight], v: &FeatureVector) -> [f64; N_FEATURES] {
    std::array::from_fn(|j| v[j].map_or(0.0, |x| (x - features[j].mean) / features[j].scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_parses() {
        let m = TrustModel::builtin();
        assert!(m.version.starts_with("earshot-trust-"));
        assert!(m.trained_on.0 > 0 && m.trained_on.1 > 0);
    }

    #[test]
    fn contributions_add_up_to_the_probability() {
        let m = TrustModel::builtin();
        let a = Account {
            platform: "twitter".into(),
            ext_id: "1".into(),
            handle: Some("x123456".into()),
            display_name: None,
            profile: earshot_model::Profile {
                followers: Some(3),
                following: Some(2000),
                ..Default::default()
            },
        };
        let s = m.assess(
            &a,
            &FeatureContext {
                reference_time: None,
            },
        );
        let z = s.base_log_odds + s.contributions.iter().map(|c| c.log_odds).sum::<f64>();
        assert!((sigmoid(z) - s.probability).abs() < 1e-12);
        // Unknown features push nowhere, in the trees of the built-in model as in a logistic one.
        assert!(matches!(m.classifier, Classifier::BoostedTrees { .. }));
        let unknown: Vec<&Contribution> = s
            .contributions
            .iter()
            .filter(|c| c.value.is_none())
            .collect();
        assert!(unknown.len() > 10, "{unknown:?}");
        for c in unknown {
            assert_eq!(c.log_odds, 0.0, "{}", c.feature);
        }
    }

    #[test]
    fn mismatched_model_files_are_refused() {
        let good = serde_json::to_value(TrustModel::builtin()).unwrap();
        let mut m = good.clone();
        m["features"][0]["name"] = "shoe_size".into();
        let e = TrustModel::from_json(&m.to_string())
            .unwrap_err()
            .to_string();
        assert!(e.contains("shoe_size"), "{e}");
        let mut m = good;
        m["features"][3]["scale"] = 0.0.into();
        assert!(TrustModel::from_json(&m.to_string()).is_err());
    }
}
