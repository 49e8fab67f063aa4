//! The versioned score model: every number that shapes a score, in one file whose version is stored with
//! every score it produced.

use crate::predict::{Predictor, Scale};
use earshot_model::InteractionKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The model shipped with earshot (`models/score-v4.json`).
const DEFAULT_MODEL: &str = include_str!("../../../models/score-v4.json");

/// How much a reply's substance counts toward conversation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SubstanceWeights {
    pub trivial: f64,
    pub short: f64,
    pub substantive: f64,
    /// When the reply's text is not in the data.
    pub unknown: f64,
}

/// Component weights (normalised to sum 1 when used).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ComponentWeights {
    pub audience: f64,
    pub amplification: f64,
    pub conversation: f64,
    pub authority: f64,
    pub reach: f64,
}

impl ComponentWeights {
    pub fn as_array(&self) -> [f64; 5] {
        [
            self.audience,
            self.amplification,
            self.conversation,
            self.authority,
            self.reach,
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreModel {
    pub version: String,
    #[serde(default)]
    pub about: String,
    /// Reactions lose half their weight every this many days before the window's end.
    pub half_life_days: f64,
    /// Weight of one reaction of each kind (earshot kind names).
    pub kind_weights: BTreeMap<String, f64>,
    /// How much weighted reaction one reactor needs to earn most of its credit (at most 1): credit is
    /// 1 − e^(−w / reactor_saturation). Larger values let repeat reactions count for longer.
    #[serde(default = "one")]
    pub reactor_saturation: f64,
    /// Share of its audience and amplification credit that a *mutual* reactor earns: one whom the
    /// account reacts to as well, inside the same window. Mutual pairs are conversation partners (the
    /// conversation component credits them) or rings trading reactions ("follow-back", engagement
    /// pods), not independent listeners; on the Higgs validation splits they also predict later
    /// engagement less well than one-way reactors (EVALUATION.md). 1 treats them like anyone else.
    #[serde(default = "one")]
    pub reciprocal_credit: f64,
    /// Amplification, conversation, authority and reach add to the overall score only above this
    /// quantile of their earned (positive) values, on a log scale from there; audience always counts.
    /// Absent (models before earshot-score-3): every component counts as ln(1 + value / median).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_quantile: Option<f64>,
    /// Weight of second-hop amplification (the amplifiers of an account's amplifiers).
    pub amplification_second_hop: f64,
    pub pagerank_alpha: f64,
    pub substance: SubstanceWeights,
    /// Weights of the log-scaled components where a score is ranked within a population: topic scores,
    /// and the overall score of models before earshot-score-4 (which have no `predictor`).
    pub weights: ComponentWeights,
    /// The fitted model of expected engagement next week (earshot-score-4 on): when present, the overall
    /// score is [`Scale`] applied to its prediction, not a percentile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predictor: Option<Predictor>,
    /// The 1–100 scale for `predictor`'s expected engagement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// The authenticity model whose probabilities weighed each reactor in a run (`1 − p`), recorded
    /// with the run so that a recomputation can tell whether it uses the same one. `None`: every
    /// account weighed 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticity_model: Option<String>,
    /// The weight of the offline sub-score mixed into each account's overall score in a run that asked
    /// for it (`score --with-offline W`: overall = (1 − W) × online + W × offline, offline 0 where there
    /// is no evidence); `None`, the default: the overall score is online only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_weight: Option<f64>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("score model is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("score model {version}: {what}")]
    Invalid { version: String, what: String },
}

impl ScoreModel {
    /// The model shipped with this build.
    pub fn builtin() -> ScoreModel {
        // The file is part of the source tree and checked by a test, so this cannot fail in a release.
        ScoreModel::from_json(DEFAULT_MODEL).unwrap_or_else(|e| panic!("models/score-v4.json: {e}"))
    }

    /// Parse and check a model file.
    pub fn from_json(text: &str) -> Result<ScoreModel, ModelError> {
        let m: ScoreModel = serde_json::from_str(text)?;
        m.check()?;
        Ok(m)
    }

    fn check(&self) -> Result<(), ModelError> {
        let bad = |what: String| {
            Err(ModelError::Invalid {
                version: self.version.clone(),
                what,
            })
        };
        for name in self.kind_weights.keys() {
            if name.parse::<InteractionKind>().is_err() {
                return bad(format!("unknown interaction kind {name:?} in kind_weights"));
            }
        }
        let numbers = [
            ("half_life_days", self.half_life_days),
            ("amplification_second_hop", self.amplification_second_hop),
            ("substance.trivial", self.substance.trivial),
            ("substance.short", self.substance.short),
            ("substance.substantive", self.substance.substantive),
            ("substance.unknown", self.substance.unknown),
        ];
        for (what, v) in numbers.iter().chain(
            self.kind_weights
                .iter()
                .map(|(k, v)| (k.as_str(), *v))
                .collect::<Vec<_>>()
                .iter(),
        ) {
            if !(v.is_finite() && *v >= 0.0) {
                return bad(format!("{what} must be a finite number ≥ 0, found {v}"));
            }
        }
        if !(self.reactor_saturation.is_finite() && self.reactor_saturation > 0.0) {
            return bad(format!(
                "reactor_saturation must be a number > 0, found {}",
                self.reactor_saturation
            ));
        }
        if !(self.reciprocal_credit.is_finite() && (0.0..=1.0).contains(&self.reciprocal_credit)) {
            return bad(format!(
                "reciprocal_credit must be in [0, 1], found {}",
                self.reciprocal_credit
            ));
        }
        if let Some(q) = self.secondary_quantile.filter(|q| !(0.0..=1.0).contains(q)) {
            return bad(format!("secondary_quantile must be in [0, 1], found {q}"));
        }
        if !(self.pagerank_alpha > 0.0 && self.pagerank_alpha < 1.0) {
            return bad(format!(
                "pagerank_alpha must be in (0, 1), found {}",
                self.pagerank_alpha
            ));
        }
        match (&self.predictor, &self.scale) {
            (Some(p), Some(scale)) => {
                scale.check().or_else(bad)?;
                let values = std::iter::once(("intercept", p.intercept))
                    .chain(p.coefficients.iter().map(|(f, v)| (f.name(), *v)));
                for (what, v) in values {
                    if !v.is_finite() {
                        return bad(format!("predictor {what} must be finite, found {v}"));
                    }
                }
                if let Some((f, v)) = p.coefficients.iter().find(|(_, v)| **v < 0.0) {
                    return bad(format!(
                        "predictor coefficient {} is {v}: coefficients must be ≥ 0, so that more of any component never lowers a score",
                        f.name()
                    ));
                }
            }
            (Some(_), None) => return bad("a predictor needs a scale".into()),
            (None, Some(_)) => return bad("a scale without a predictor means nothing".into()),
            (None, None) => {}
        }
        let w = self.weights.as_array();
        if w.iter().any(|v| !(v.is_finite() && *v >= 0.0)) || w.iter().sum::<f64>() <= 0.0 {
            return bad("component weights must be finite, ≥ 0 and not all 0".into());
        }
        Ok(())
    }

    /// Weight of one reaction of `kind` (0 for kinds the file does not name).
    pub fn kind_weight(&self, kind: InteractionKind) -> f64 {
        self.kind_weights.get(kind.name()).copied().unwrap_or(0.0)
    }

    pub fn kind_weights_array(&self) -> earshot_graph::KindWeights {
        let mut w = earshot_graph::KindWeights([0.0; 7]);
        for k in InteractionKind::ALL {
            w.set(k, self.kind_weight(k));
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_parses_and_checks() {
        let m = ScoreModel::builtin();
        assert_eq!(m.version, "earshot-score-4");
        // The shipped file carries the scale the code defines.
        assert_eq!(m.scale, Some(crate::Scale::DEFINED));
        // Audience leads; reach stays a minor input (issue 3: "never the lead").
        let w = m.weights.as_array();
        assert!(w.iter().all(|&x| x <= w[0]));
        assert!(w[4] < 0.1 * w.iter().sum::<f64>());
        assert_eq!(m.kind_weight(InteractionKind::Follow), 0.0);
    }

    #[test]
    fn bad_models_are_refused_with_reasons() {
        let good = serde_json::to_value(ScoreModel::builtin()).unwrap();
        let mut m = good.clone();
        m["kind_weights"]["poke"] = 1.0.into();
        let e = ScoreModel::from_json(&m.to_string())
            .unwrap_err()
            .to_string();
        assert!(e.contains("poke"), "{e}");
        let mut m = good.clone();
        m["pagerank_alpha"] = 1.0.into();
        assert!(ScoreModel::from_json(&m.to_string()).is_err());
        let mut m = good;
        m["weights"]["audience"] = (-1.0).into();
        assert!(ScoreModel::from_json(&m.to_string()).is_err());
        assert!(ScoreModel::from_json("{").is_err());
    }
}
