//! Fit an authenticity model on every labelled account in the database (`earshot trust train`).

use super::labelled::labelled;
use super::Labels;
use crate::error::{FieldStyle, Missing};
use anyhow::Result;
use earshot_store::Store;
use earshot_trust::{dedupe, Labelled, Learner, TrustModel};

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
    /// Exact duplicates dropped before training.
    pub duplicates_dropped: usize,
    /// Accounts whose label is neither automated/fake nor authentic, left out.
    pub skipped_labels: u64,
}

/// Fit the request's kind of model on the labelled accounts (exact duplicates dropped first). A
/// database without labelled accounts is [`Missing`].
pub fn train(store: &Store, req: &TrainRequest) -> Result<TrainReport> {
    req.check()?;
    let set = labelled(store, &req.labels.platforms)?;
    let rows: Vec<Labelled> = set.by_platform.into_iter().flat_map(|(_, r)| r).collect();
    if rows.is_empty() {
        return Err(Missing(format!(
            "no labelled accounts in {}: import profiles with a label column (e.g. Kaggle's `bot`, InstaFake's `isFake`)",
            store.path().display()
        ))
        .into());
    }
    let (rows, dropped) = dedupe(rows);
    let x: Vec<_> = rows.iter().map(|r| r.features).collect();
    let y: Vec<bool> = rows.iter().map(|r| r.label).collect();
    let learner = req.labels.learner(req.labels.classifier);
    let mut model = TrustModel::train(&req.model_version, &x, &y, learner)?;
    model.about = about(&model, learner, rows.len(), dropped, &req.labels.platforms);
    Ok(TrainReport {
        model,
        duplicates_dropped: dropped,
        skipped_labels: set.skipped_labels,
    })
}

/// The model's provenance, stored in its file: the learner, the accounts and the platforms.
fn about(
    model: &TrustModel,
    learner: Learner,
    accounts: usize,
    dropped: usize,
    platforms: &[String],
) -> String {
    format!(
        "{} trained by `earshot trust train` on {} labelled accounts ({} automated or fake, {} authentic; {} exact duplicates dropped){}.",
        learner.name(),
        accounts,
        model.trained_on.0,
        model.trained_on.1,
        dropped,
        if platforms.is_empty() {
            String::new()
        } else {
            format!(" of {}", platforms.join(", "))
        }
    )
}
