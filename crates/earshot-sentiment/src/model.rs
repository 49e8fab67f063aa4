//! The classifier: a three-class (softmax) logistic regression over the named features, small enough
//! to print, with the weights fitted on a labelled split and stored as versioned JSON.
//!
//! Why not VADER's thresholds alone: VADER's compound score was built to rank, and its ±0.05 cut-offs
//! call most mildly worded tweets positive or negative; the classes of a labelled set are better told
//! apart by a few numbers together (how much is positive *and* negative, negators, questions).
//! Classes are weighted to balance, so that a rare class is not simply never predicted.

use crate::features::{extract, FeatureVector, FEATURES, N_FEATURES};

/// Three-way sentiment.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    Negative,
    Neutral,
    Positive,
}

impl Polarity {
    pub const ALL: [Polarity; 3] = [Polarity::Negative, Polarity::Neutral, Polarity::Positive];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Polarity::Negative => "negative",
            Polarity::Neutral => "neutral",
            Polarity::Positive => "positive",
        }
    }
}

/// One text's sentiment: the most probable class and all three probabilities.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Sentiment {
    pub polarity: Polarity,
    /// Probabilities of negative, neutral, positive.
    pub probabilities: [f64; 3],
    /// The probability of positive minus that of negative: a signed strength in [−1, 1].
    pub score: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum SentimentError {
    #[error("sentiment model file: {0}")]
    Json(#[from] serde_json::Error),
    #[error("sentiment model {version}: {reason}")]
    Invalid { version: String, reason: String },
    #[error("training needs examples of all three classes; missing {0}")]
    MissingClass(&'static str),
}

/// A fitted classifier.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SentimentModel {
    pub version: String,
    /// What it was fitted on, for the record.
    pub trained_on: String,
    /// Feature names, in vector order (checked against this build's on load).
    pub features: Vec<String>,
    /// Standardisation: (x − mean) / scale per feature.
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
    pub l2: f64,
    /// Per class (negative, neutral, positive): one weight per standardised feature, then the bias.
    pub weights: Vec<Vec<f64>>,
}

const BUILTIN: &str = include_str!("../../../models/sentiment-v1.json");

impl SentimentModel {
    /// The model shipped with this build (`models/sentiment-v1.json`).
    pub fn builtin() -> SentimentModel {
        SentimentModel::from_json(BUILTIN).expect("the built-in sentiment model is valid")
    }

    pub fn from_json(text: &str) -> Result<SentimentModel, SentimentError> {
        let m: SentimentModel = serde_json::from_str(text)?;
        m.check()?;
        Ok(m)
    }

    fn check(&self) -> Result<(), SentimentError> {
        let bad = |reason: String| SentimentError::Invalid {
            version: self.version.clone(),
            reason,
        };
        let names: Vec<&str> = FEATURES.iter().map(|(n, _)| *n).collect();
        if self.features != names {
            return Err(bad(format!(
                "it reads features {:?}, this build computes {:?}",
                self.features, names
            )));
        }
        if self.mean.len() != N_FEATURES || self.scale.len() != N_FEATURES {
            return Err(bad("standardisation has the wrong length".into()));
        }
        if self.weights.len() != 3 || self.weights.iter().any(|w| w.len() != N_FEATURES + 1) {
            return Err(bad("weights must be 3 rows of features + 1".into()));
        }
        let all = self
            .mean
            .iter()
            .chain(&self.scale)
            .chain(self.weights.iter().flatten());
        if all.clone().any(|x| !x.is_finite()) || self.scale.iter().any(|&s| s <= 0.0) {
            return Err(bad("non-finite weight or non-positive scale".into()));
        }
        Ok(())
    }

    fn standardise(&self, f: &FeatureVector) -> [f64; N_FEATURES] {
        std::array::from_fn(|j| (f[j] - self.mean[j]) / self.scale[j])
    }

    fn logits(&self, z: &[f64; N_FEATURES]) -> [f64; 3] {
        std::array::from_fn(|c| {
            let w = &self.weights[c];
            w[N_FEATURES] + z.iter().zip(w).map(|(x, w)| x * w).sum::<f64>()
        })
    }

    /// Probabilities of negative, neutral and positive for a feature vector.
    pub fn probabilities(&self, f: &FeatureVector) -> [f64; 3] {
        softmax(self.logits(&self.standardise(f)))
    }

    /// The sentiment of `text`.
    pub fn classify(&self, text: &str) -> Sentiment {
        let p = self.probabilities(&extract(text));
        let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(1);
        Sentiment {
            polarity: Polarity::ALL[best],
            probabilities: p,
            score: p[2] - p[0],
        }
    }

    /// Why: each feature's value and its push on each class's log-odds (weight × standardised value).
    pub fn contributions(&self, text: &str) -> Vec<(&'static str, f64, [f64; 3])> {
        let f = extract(text);
        let z = self.standardise(&f);
        FEATURES
            .iter()
            .enumerate()
            .map(|(j, (name, _))| {
                (
                    *name,
                    f[j],
                    std::array::from_fn(|c| self.weights[c][j] * z[j]),
                )
            })
            .collect()
    }

    /// Fit on labelled feature vectors: class-balanced softmax regression with an L2 penalty `l2` on
    /// the weights (not the biases), by full-batch gradient descent on standardised features until the
    /// gradient is below 1e-7 or 20,000 steps. Deterministic.
    pub fn fit(
        samples: &[(FeatureVector, Polarity)],
        l2: f64,
        version: &str,
        trained_on: &str,
    ) -> Result<SentimentModel, SentimentError> {
        let mut counts = [0usize; 3];
        for (_, y) in samples {
            counts[y.index()] += 1;
        }
        if let Some(c) = (0..3).find(|&c| counts[c] == 0) {
            return Err(SentimentError::MissingClass(Polarity::ALL[c].name()));
        }
        let n = samples.len() as f64;
        let mean: Vec<f64> = (0..N_FEATURES)
            .map(|j| samples.iter().map(|(f, _)| f[j]).sum::<f64>() / n)
            .collect();
        let scale: Vec<f64> = (0..N_FEATURES)
            .map(|j| {
                let v = samples
                    .iter()
                    .map(|(f, _)| (f[j] - mean[j]).powi(2))
                    .sum::<f64>()
                    / n;
                if v > 1e-12 {
                    v.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        let mut model = SentimentModel {
            version: version.to_string(),
            trained_on: trained_on.to_string(),
            features: FEATURES.iter().map(|(n, _)| n.to_string()).collect(),
            mean,
            scale,
            l2,
            weights: vec![vec![0.0; N_FEATURES + 1]; 3],
        };
        // Balanced: each class weighs n / (3 × its count) per example.
        let class_weight: [f64; 3] = std::array::from_fn(|c| n / (3.0 * counts[c] as f64));
        let z: Vec<([f64; N_FEATURES], usize)> = samples
            .iter()
            .map(|(f, y)| (model.standardise(f), y.index()))
            .collect();
        let step = 0.5;
        for _ in 0..20_000 {
            let mut grad = vec![vec![0.0; N_FEATURES + 1]; 3];
            for (x, y) in &z {
                let p = softmax(model.logits(x));
                let cw = class_weight[*y];
                for c in 0..3 {
                    let g = cw * (p[c] - (c == *y) as u8 as f64) / n;
                    for j in 0..N_FEATURES {
                        grad[c][j] += g * x[j];
                    }
                    grad[c][N_FEATURES] += g;
                }
            }
            let mut norm = 0.0;
            for (g, w) in grad.iter_mut().zip(model.weights.iter_mut()) {
                for (j, (g, w)) in g.iter_mut().zip(w.iter_mut()).enumerate() {
                    if j < N_FEATURES {
                        *g += l2 * *w;
                    }
                    norm += *g * *g;
                    *w -= step * *g;
                }
            }
            if norm.sqrt() < 1e-7 {
                break;
            }
        }
        model.check()?;
        Ok(model)
    }
}

fn softmax(l: [f64; 3]) -> [f64; 3] {
    let m = l.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e = l.map(|x| (x - m).exp());
    let s: f64 = e.iter().sum();
    e.map(|x| x / s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_separates_classes_the_features_separate() {
        // Compound alone decides: the fitted model must follow it.
        let mut samples = Vec::new();
        for k in 0..300 {
            let mut f = [0.0; N_FEATURES];
            let (c, y) = match k % 3 {
                0 => (-0.6, Polarity::Negative),
                1 => (0.0, Polarity::Neutral),
                _ => (0.6, Polarity::Positive),
            };
            f[0] = c + (k as f64 * 0.37).sin() * 0.1;
            samples.push((f, y));
        }
        let m = SentimentModel::fit(&samples, 1e-3, "t", "synthetic").unwrap();
        for (f, y) in &samples {
            let p = m.probabilities(f);
            let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
            assert_eq!(best, y.index(), "{f:?} {p:?}");
        }
        let back = SentimentModel::from_json(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn a_missing_class_is_an_error_and_a_bad_file_is_refused() {
        let f = [0.0; N_FEATURES];
        assert!(matches!(
            SentimentModel::fit(
                &[(f, Polarity::Negative), (f, Polarity::Positive)],
                0.0,
                "t",
                "x"
            ),
            Err(SentimentError::MissingClass("neutral"))
        ));
        let mut m = SentimentModel::builtin();
        m.features.pop();
        assert!(SentimentModel::from_json(&serde_json::to_string(&m).unwrap()).is_err());
    }
}
