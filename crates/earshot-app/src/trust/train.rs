//! Fit an authenticity model on every labelled account in the database (`earshot trust train`).

use super::labelled::labelled;
use super::Labels;
use crate::error::{FieldStyle, Missing};
use anyhow::Result;
use earshot_store::Store;
use earshot_trust::{Labelled, Learner, TrustModel};

/// What to train on and what to call the model.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainRequest {
    pub labels: Labels,
    /// Stored in the model and with every probability it gives.
    pub model_version: String,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

impl TrainRequest {
    /// A [`crate::error::UsageError`] if the request cannot be done as asked: a front calls it before
    /// opening the database, so a bad value is reported as such even without one.
    pub fn check(&self) -> Result<()> {
        self.labels.check(self.fields)
    }
}

/// A trained model, and what training left out.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrainReport {
    /// The model, with a sentence on what it was trained on in `about`.
    #[schema(value_type = Object)]
    pub model: TrustModel,
    /// Labelled accounts left out: their label is of neither class, or two files disagreed on it.
    pub left_out: u64,
    /// What was left out and why, in a sentence (none when nothing was).
    pub left_out_note: Option<String>,
}

/// Fit the request's kind of model on the labelled accounts (exact duplicates dropped first). A
/// database without labelled accounts is [`Missing`].
pub fn train(store: &Store, req: &TrainRequest) -> Result<TrainReport> {
    req.check()?;
    let set = labelled(store, &req.labels.platforms)?;
    let left_out = set.left_out_total();
    let left_out_note = set.left_out_note();
    let platforms: Vec<String> = set.by_platform.iter().map(|(p, _)| p.clone()).collect();
    let rows: Vec<Labelled> = set.all();
    if rows.is_empty() {
        return Err(Missing(format!(
            "no labelled accounts in {}: import profiles with a label column (e.g. Kaggle's `bot`, InstaFake's `isFake`) or --label",
            store.path().display()
        ))
        .into());
    }
    let refs: Vec<&Labelled> = rows.iter().collect();
    let learner = req.labels.learner(req.labels.classifier);
    let mut model = TrustModel::train(&req.model_version, &refs, learner)?;
    model.about = about(&model, learner, rows.len(), left_out, &platforms);
    Ok(TrainReport {
        model,
        left_out,
        left_out_note,
    })
}

/// The model's provenance, stored in its file: the learner, the accounts and the platforms.
fn about(
    model: &TrustModel,
    learner: Learner,
    accounts: usize,
    left_out: u64,
    platforms: &[String],
) -> String {
    format!(
        "{} trained by `earshot trust train` on {} labelled accounts ({} automated or fake, {} authentic; {} left out for labels of neither class) of {}, each platform and class weighing the same.",
        learner.name(),
        accounts,
        model.trained_on.0,
        model.trained_on.1,
        left_out,
        platforms.join(", ")
    )
}
