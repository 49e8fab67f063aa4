//! The authenticity model's use cases (`earshot trust`): train it on labelled accounts, evaluate it
//! beside the press rule set, read and write its file, explain one account's probability, and weigh
//! every account of a scoring window from its profile and its behaviour, and list the posts whose
//! reactions earn nothing with the evidence why.

mod eval;
mod explain;
mod labelled;
mod posts;
mod scan;
mod train;

pub use eval::{
    evaluate, evaluate_fixed, CrossValidated, EvalReport, EvalRequest, FixedEvalReport,
    FixedPlatform, LeftOut, PlatformEval, Transfer,
};
pub use explain::{explain_account, ExplainRequest, TrustExplanation};
pub use labelled::label_class;
pub use posts::{
    flagged_post, flagged_posts, AuthorRef, CampaignEvidence, CopyEvidence, FlagEvidenceReport,
    FlaggedPost, FlaggedPostsReport, FlaggedPostsRequest, PostRef, SpamEvidence,
};
pub use scan::{scan, AccountWeight, ScanReport, ScanRequest};
pub use train::{train, TrainReport, TrainRequest};

use crate::error::{FieldStyle, UsageError};
use anyhow::{Context, Result};
use earshot_trust::model::FeatureWeight;
use earshot_trust::{Classifier, Learner, TreeParams, TrustModel};
use std::path::Path;

/// The kind of model to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// Shallow boosted trees: non-linear, missing values handled by learned directions.
    Trees,
    /// A logistic regression: one weight per feature.
    Logistic,
}

/// Which labelled accounts to learn from, and the learners' settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// Only accounts of these platforms (empty: every platform with labels).
    pub platforms: Vec<String>,
    /// The kind of model training fits and evaluation transfers across platforms (evaluation
    /// cross-validates both kinds).
    pub classifier: ModelKind,
    /// L2 penalty: on the standardised weights (logistic) or on leaf values (trees); above 0.
    pub l2: f64,
    /// Boosting rounds (trees only).
    pub rounds: u32,
    /// Tree depth (trees only).
    pub depth: u32,
}

impl Default for Labels {
    /// Every platform, boosted trees of 200 rounds and depth 3, L2 1: what the command line defaults to.
    fn default() -> Self {
        Labels {
            platforms: Vec::new(),
            classifier: ModelKind::Trees,
            l2: 1.0,
            rounds: 200,
            depth: 3,
        }
    }
}

impl Labels {
    /// The learner of `kind` with these settings: evaluation needs both kinds, whatever `classifier` says.
    pub fn learner(&self, kind: ModelKind) -> Learner {
        match kind {
            ModelKind::Logistic => Learner::Logistic { l2: self.l2 },
            ModelKind::Trees => Learner::Trees(TreeParams {
                rounds: self.rounds,
                max_depth: self.depth,
                l2: self.l2,
                ..TreeParams::default()
            }),
        }
    }

    /// A [`UsageError`] unless the L2 penalty is a number above 0.
    fn check(&self, fields: FieldStyle) -> Result<()> {
        if !(self.l2.is_finite() && self.l2 > 0.0) {
            return Err(UsageError(format!("{} must be a number > 0", fields.name("l2"))).into());
        }
        Ok(())
    }
}

/// The model in the file at `path`, or the built-in model; a broken file is refused with its path named.
pub fn load_model(path: Option<&Path>) -> Result<TrustModel> {
    match path {
        None => Ok(TrustModel::builtin()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading trust model {}", p.display()))?;
            TrustModel::from_json(&text).with_context(|| format!("trust model {}", p.display()))
        }
    }
}

/// The model's features with what each means, by the size of their weight (or importance), largest
/// first: the order `trust show` lists them in.
pub fn features_by_weight(model: &TrustModel) -> Vec<(&FeatureWeight, &'static str)> {
    let mut features: Vec<_> = model
        .features
        .iter()
        .zip(earshot_trust::FEATURES.iter().map(|f| f.1))
        .collect();
    features.sort_by(|a, b| b.0.weight.abs().total_cmp(&a.0.weight.abs()));
    features
}

/// Write `model` to `path` as its file holds it (see [`model_file_text`]).
pub fn save_model(model: &TrustModel, path: &Path) -> Result<()> {
    std::fs::write(path, model_file_text(model)?)
        .with_context(|| format!("writing {}", path.display()))
}

/// A model file's text. A logistic model is a page worth reading, so it is pretty-printed; hundreds of
/// trees are not, and pretty-printing them would triple the file (`trust show` prints what matters).
pub fn model_file_text(model: &TrustModel) -> Result<String> {
    let text = match model.classifier {
        Classifier::Logistic { .. } => serde_json::to_string_pretty(model)?,
        Classifier::BoostedTrees { .. } => serde_json::to_string(model)?,
    };
    Ok(text + "\n")
}
