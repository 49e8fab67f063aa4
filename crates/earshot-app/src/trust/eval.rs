//! Evaluate the authenticity model on the labelled accounts (`earshot trust eval`).
//!
//! Two questions, two modes:
//! * *Does the method work on data it has never seen?* (the default): both kinds of model
//!   cross-validated inside each platform beside the press rule set, the request's kind trained on every
//!   platform but one and tested on the one left out, and trained on each platform and tested on each
//!   other one. Platforms stand for datasets: import each labelled dataset under its own platform.
//! * *Does this model work on my accounts?* ([`evaluate_fixed`], `--model builtin|FILE`): a fixed model
//!   scored as it is, no retraining.
//!
//! Every figure has a 95% bootstrap interval. Accounts are never deduplicated on their features (two
//! different accounts may look alike); the store already keeps one record per account, and accounts
//! left out (labels of neither class, or contradicting labels) are counted and named.

use super::labelled::{labelled, LabelledSet};
use super::{Labels, ModelKind};
use crate::error::{FieldStyle, Missing, UsageError};
use anyhow::Result;
use earshot_trust::eval::{rule_metrics, with_intervals};
use earshot_trust::{cross_validate, leave_one_group_out, Labelled, Learner, Metrics, TrustModel};

/// What to evaluate on, and how to fold it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalRequest {
    pub labels: Labels,
    /// Cross-validation folds (at least 2).
    pub folds: usize,
    /// Seed of the fold assignment and of the bootstrap.
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
    /// Labelled accounts evaluated on.
    pub accounts: usize,
    /// Of which automated or fake.
    pub automated_or_fake: usize,
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

/// A model trained on every other platform and tested on one.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LeftOut {
    /// The platform tested on.
    pub test: String,
    /// The platforms trained on.
    pub train: Vec<String>,
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
    /// The request's kind of model trained on all platforms but one, tested on the one left out.
    pub leave_one_out: Vec<LeftOut>,
    /// The request's kind of model trained on each platform, tested on each other one.
    pub transfer: Vec<Transfer>,
    /// The name of the kind `leave_one_out` and `transfer` used.
    pub transfer_classifier: &'static str,
    /// Labelled accounts left out (labels of neither class, contradicting labels).
    pub left_out: u64,
    /// What was left out and why, in a sentence (none when nothing was).
    pub left_out_note: Option<String>,
}

/// Evaluate as `req` asks. `note` hears of platforms whose accounts are all in one class (nothing to
/// evaluate there) and of accounts left out; a database without labelled accounts is [`Missing`].
pub fn evaluate(
    store: &earshot_store::Store,
    req: &EvalRequest,
    note: &dyn Fn(&str),
) -> Result<EvalReport> {
    req.check()?;
    let set = read(store, &req.labels.platforms, note)?;
    let left_out = set.left_out_total();
    let left_out_note = set.left_out_note();
    let learners = [
        req.labels.learner(ModelKind::Trees),
        req.labels.learner(ModelKind::Logistic),
    ];
    let mut platforms = Vec::new();
    let mut both_classes = Vec::new();
    for (platform, rows) in set.by_platform {
        let positives = rows.iter().filter(|r| r.label).count();
        if positives == 0 || positives == rows.len() {
            note(&format!(
                "{platform}: all {} labelled accounts are in one class; nothing to evaluate there",
                rows.len()
            ));
            continue;
        }
        platforms.push(evaluate_platform(&platform, &rows, req, &learners)?);
        both_classes.push((platform, rows));
    }
    let learner = req.labels.learner(req.labels.classifier);
    let all: Vec<Labelled> = both_classes.iter().flat_map(|(_, r)| r.clone()).collect();
    let leave_one_out = if both_classes.len() > 1 {
        leave_one_group_out(&all, learner, req.seed)?
            .into_iter()
            .map(|h| LeftOut {
                test: h.group,
                train: h.trained_on,
                metrics: h.metrics,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(EvalReport {
        folds: req.folds,
        seed: req.seed,
        platforms,
        leave_one_out,
        transfer: transfer(&both_classes, learner, req.seed)?,
        transfer_classifier: learner.name(),
        left_out,
        left_out_note,
    })
}

/// The labelled accounts, or [`Missing`]; the accounts left out are told to `note`.
fn read(
    store: &earshot_store::Store,
    platforms: &[String],
    note: &dyn Fn(&str),
) -> Result<LabelledSet> {
    let set = labelled(store, platforms)?;
    if set.by_platform.is_empty() {
        return Err(Missing(format!(
            "no labelled accounts in {}",
            store.path().display()
        ))
        .into());
    }
    if let Some(n) = set.left_out_note() {
        note(&n);
    }
    Ok(set)
}

/// One platform's rows cross-validated with each learner, beside the press rules.
fn evaluate_platform(
    platform: &str,
    rows: &[Labelled],
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
        rules: rule_metrics(rows),
        cross_validation,
    })
}

/// `learner` trained on each platform's rows and tested on each other platform's.
fn transfer(
    platforms: &[(String, Vec<Labelled>)],
    learner: Learner,
    seed: u64,
) -> Result<Vec<Transfer>> {
    let mut out = Vec::new();
    for (a, train_rows) in platforms {
        let refs: Vec<&Labelled> = train_rows.iter().collect();
        let m = TrustModel::train("transfer", &refs, learner)?;
        for (b, test_rows) in platforms {
            if a == b {
                continue;
            }
            out.push(Transfer {
                train: a.clone(),
                test: b.clone(),
                metrics: score_fixed(&m, test_rows, seed),
            });
        }
    }
    Ok(out)
}

/// A fixed model's metrics, with intervals, on `rows`.
fn score_fixed(model: &TrustModel, rows: &[Labelled], seed: u64) -> Metrics {
    let s: Vec<f64> = rows.iter().map(|r| model.probability_of(r)).collect();
    let y: Vec<bool> = rows.iter().map(|r| r.label).collect();
    with_intervals(&s, &y, 0.5, seed)
}

/// One platform's figures for a fixed model.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FixedPlatform {
    pub platform: String,
    #[schema(value_type = Object)]
    pub metrics: Metrics,
    /// The press rule set on the same accounts, where it applies.
    #[schema(value_type = Option<Object>)]
    pub rules: Option<Metrics>,
}

/// `earshot --json trust eval --model …`'s output: a fixed model scored on every labelled account, then
/// per platform. `auc`, `f1`, `precision`, `recall` and `intervals` are over all the accounts together.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FixedEvalReport {
    /// The model's version.
    pub model: String,
    /// Labelled accounts scored.
    pub accounts: usize,
    pub auc: f64,
    pub f1: f64,
    pub precision: f64,
    pub recall: f64,
    #[schema(value_type = Option<Object>)]
    pub intervals: Option<earshot_trust::Intervals>,
    /// The press rule set on all the accounts, where it applies.
    #[schema(value_type = Option<Object>)]
    pub rules: Option<Metrics>,
    pub platforms: Vec<FixedPlatform>,
    pub left_out: u64,
    pub left_out_note: Option<String>,
}

/// Score `model` as it is on the labelled accounts of `platforms` (empty: all), with no retraining.
pub fn evaluate_fixed(
    store: &earshot_store::Store,
    model: &TrustModel,
    platforms: &[String],
    seed: u64,
    note: &dyn Fn(&str),
) -> Result<FixedEvalReport> {
    let set = read(store, platforms, note)?;
    let left_out = set.left_out_total();
    let left_out_note = set.left_out_note();
    let per: Vec<FixedPlatform> = set
        .by_platform
        .iter()
        .map(|(p, rows)| FixedPlatform {
            platform: p.clone(),
            metrics: score_fixed(model, rows, seed),
            rules: rule_metrics(rows),
        })
        .collect();
    let all = set.all();
    let m = score_fixed(model, &all, seed);
    Ok(FixedEvalReport {
        model: model.version.clone(),
        accounts: all.len(),
        auc: m.auc,
        f1: m.f1,
        precision: m.precision,
        recall: m.recall,
        intervals: m.intervals,
        rules: rule_metrics(&all),
        platforms: per,
        left_out,
        left_out_note,
    })
}
