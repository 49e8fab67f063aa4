//! Evaluate the authenticity model on the labelled accounts (`earshot trust eval`): both kinds of model
//! cross-validated on each platform beside the press rule set, and the request's kind trained on each
//! platform and tested on each other one.

use super::labelled::labelled;
use super::{Labels, ModelKind};
use crate::error::{FieldStyle, Missing, UsageError};
use anyhow::Result;
use earshot_trust::eval::{metrics, rule_metrics};
use earshot_trust::{cross_validate, dedupe, Labelled, Learner, Metrics, TrustModel};

/// What to evaluate on, and how to fold it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalRequest {
    pub labels: Labels,
    /// Cross-validation folds (at least 2).
    pub folds: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

impl EvalRequest {
    /// A [`UsageError`] if the request cannot be done as asked: a front calls it before opening the
    /// database, so a bad value is reported as such even without one.
    pub fn check(&self) -> Result<()> {
        if self.folds < 2 {
            let folds = self.fields.name("folds");
            return Err(UsageError(format!("{folds} must be at least 2")).into());
        }
        self.labels.check(self.fields)
    }
}

/// One kind of model's out-of-fold metrics.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CrossValidated {
    /// "boosted trees" or "logistic regression".
    pub classifier: &'static str,
    pub folds: usize,
    #[schema(value_type = Object)]
    pub model: Metrics,
}

/// One platform's evaluation.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlatformEval {
    pub platform: String,
    /// Labelled accounts evaluated on (exact duplicates dropped).
    pub accounts: usize,
    /// Of which automated or fake. For the text only: the JSON report never carried it.
    #[serde(skip)]
    pub automated_or_fake: usize,
    pub duplicates_dropped: usize,
    /// The press rule set on the same accounts (null: no account has what its checks read).
    #[schema(value_type = Option<Object>)]
    pub rules: Option<Metrics>,
    pub cross_validation: Vec<CrossValidated>,
}

/// A model trained on one platform's accounts and tested on another's.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Transfer {
    pub train: String,
    pub test: String,
    #[schema(value_type = Object)]
    pub metrics: Metrics,
}

/// `earshot --json trust eval`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EvalReport {
    pub folds: usize,
    pub seed: u64,
    /// Platforms with accounts of both classes, in name order.
    pub platforms: Vec<PlatformEval>,
    /// The request's kind of model trained on each platform, tested on each other one.
    pub transfer: Vec<Transfer>,
    /// The name of the kind `transfer` used. For the text only: the JSON report never carried it.
    #[serde(skip)]
    pub transfer_classifier: &'static str,
}

/// Evaluate as `req` asks. `note` hears of platforms whose accounts are all in one class (nothing to
/// evaluate there); a database without labelled accounts is [`Missing`].
pub fn evaluate(
    store: &earshot_store::Store,
    req: &EvalRequest,
    note: &dyn Fn(&str),
) -> Result<EvalReport> {
    req.check()?;
    let set = labelled(store, &req.labels.platforms)?;
    if set.by_platform.is_empty() {
        return Err(Missing(format!(
            "no labelled accounts in {}",
            store.path().display()
        ))
        .into());
    }
    let learners = [
        req.labels.learner(ModelKind::Trees),
        req.labels.learner(ModelKind::Logistic),
    ];
    let mut platforms = Vec::new();
    let mut deduped = Vec::new();
    for (platform, rows) in set.by_platform {
        let (rows, dropped) = dedupe(rows);
        let positives = rows.iter().filter(|r| r.label).count();
        if positives == 0 || positives == rows.len() {
            note(&format!(
                "{platform}: all {} labelled accounts are in one class; nothing to evaluate there",
                rows.len()
            ));
            continue;
        }
        platforms.push(evaluate_platform(
            &platform, &rows, dropped, req, &learners,
        )?);
        deduped.push((platform, rows));
    }
    let learner = req.labels.learner(req.labels.classifier);
    Ok(EvalReport {
        folds: req.folds,
        seed: req.seed,
        platforms,
        transfer: transfer(&deduped, learner)?,
        transfer_classifier: learner.name(),
    })
}

/// One platform's rows (duplicates already dropped) cross-validated with each learner, beside the
/// press rules.
fn evaluate_platform(
    platform: &str,
    rows: &[Labelled],
    dropped: usize,
    req: &EvalRequest,
    learners: &[Learner],
) -> Result<PlatformEval> {
    let mut cross_validation = Vec::new();
    for &l in learners {
        let cv = cross_validate(rows, req.folds, l, req.seed)?;
        cross_validation.push(CrossValidated {
            classifier: l.name(),
            folds: cv.folds,
            model: cv.model,
        });
    }
    Ok(PlatformEval {
        platform: platform.to_string(),
        accounts: rows.len(),
        automated_or_fake: rows.iter().filter(|r| r.label).count(),
        duplicates_dropped: dropped,
        rules: rule_metrics(rows),
        cross_validation,
    })
}

/// `learner` trained on each platform's rows and tested on each other platform's.
fn transfer(platforms: &[(String, Vec<Labelled>)], learner: Learner) -> Result<Vec<Transfer>> {
    let mut out = Vec::new();
    for (a, train_rows) in platforms {
        for (b, test_rows) in platforms {
            if a == b {
                continue;
            }
            let x: Vec<_> = train_rows.iter().map(|r| r.features).collect();
            let y: Vec<bool> = train_rows.iter().map(|r| r.label).collect();
            let m = TrustModel::train("transfer", &x, &y, learner)?;
            let s: Vec<f64> = test_rows
                .iter()
                .map(|r| m.probability(&r.features))
                .collect();
            let t: Vec<bool> = test_rows.iter().map(|r| r.label).collect();
            out.push(Transfer {
                train: a.clone(),
                test: b.clone(),
                metrics: metrics(&s, &t, 0.5),
            });
        }
    }
    Ok(out)
}
