//! Backtests: score the past, check against what happened next, beside simple baselines (`earshot
//! backtest`); with `datasets`, the same protocol on every real dataset, fitting the score model on
//! early splits.

pub mod datasets;
mod report;
mod split;

pub use report::{Lead, Row, SplitReport, Window};
pub use split::{Cut, SplitData, Truth};

use anyhow::{Context, Result};
use earshot_score::{Predictor, Scale, ScoreModel};
use earshot_store::Store;
use std::path::Path;

/// One split of one database.
pub struct BacktestRequest<'a> {
    pub platform: Option<&'a str>,
    pub cut: Cut,
    pub model: &'a ScoreModel,
    pub truth: Truth,
    /// Cut-off of NDCG and precision.
    pub k: usize,
    /// Paired bootstrap resamples for the leads' intervals (0: none).
    pub bootstrap: usize,
    /// Also give the reliability with the level set on the training window's last quarter.
    pub relevel: bool,
}

/// The reliability with the level a training window's last quarter sets.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Relevel {
    pub hours: f64,
    /// What the last quarter received over what the model expected of it.
    pub factor: f64,
    pub deciles_inside: usize,
}

/// A split's report, with the relevelled reliability when asked for: `earshot --json backtest`.
#[derive(Debug, serde::Serialize)]
pub struct BacktestReport {
    #[serde(flatten)]
    pub split: SplitReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relevel: Option<Relevel>,
}

/// Score the request's training window and measure the scores against its test window.
pub fn backtest(store: &Store, req: &BacktestRequest<'_>) -> Result<(BacktestReport, SplitData)> {
    let data = SplitData::load(store, req.platform, req.cut, req.model, req.truth)?;
    let predictor = req.model.predictor.as_ref().zip(req.model.scale.as_ref());
    let relevel = match predictor {
        Some((p, scale)) if req.relevel => Some(relevel(store, req, &data, p, scale)?),
        _ => None,
    };
    let split = SplitReport::new(
        &data,
        &req.model.version,
        predictor,
        None,
        req.k,
        req.bootstrap,
    );
    Ok((BacktestReport { split, relevel }, data))
}

fn relevel(
    store: &Store,
    req: &BacktestRequest<'_>,
    data: &SplitData,
    predictor: &Predictor,
    scale: &Scale,
) -> Result<Relevel> {
    let start = match data.cut.train_from {
        Some(t) => t,
        None => store.stats(0)?.first_time.unwrap_or(data.cut.train_until),
    };
    let h = earshot_score::recent_secs((data.cut.train_until - start) as f64) as i64;
    let inner = SplitData::load(
        store,
        req.platform,
        Cut {
            train_from: data.cut.train_from,
            train_until: data.cut.train_until - h,
            test_until: data.cut.train_until,
        },
        req.model,
        req.truth,
    )?;
    let factor = inner.level(predictor);
    let mut leveled = predictor.clone();
    leveled.intercept += factor.ln();
    let r = SplitReport::new(data, "relevel", Some((&leveled, scale)), None, req.k, 0);
    Ok(Relevel {
        hours: h as f64 / 3600.0,
        factor,
        deciles_inside: r.deciles_inside(),
    })
}

/// The settings a model fitted on one database's split takes: the built-in model's choice on Higgs.
const LOCAL_L2: f64 = 0.01;

/// `model` with its predictor refitted on `data` (every feature offered, coefficients ≥ 0), keeping its
/// components' settings and its scale (the scale is a definition, not fitted). `db` names the data in
/// the model's record.
pub fn fit_on_split(model: &ScoreModel, data: &SplitData, db: &Path) -> Result<ScoreModel> {
    let scale = model.scale.unwrap_or(Scale::DEFINED);
    let described = format!(
        "Poisson GLM (log link, coefficients >= 0), ridge {LOCAL_L2}, every feature offered; fitted on {} with features before {} and engagement until {}",
        db.display(),
        earshot_model::format_utc(data.cut.train_until),
        earshot_model::format_utc(data.cut.test_until)
    );
    let predictor = earshot_score::fit::fit_predictor(
        &data.samples(1.0, 0),
        LOCAL_L2,
        &earshot_score::Feature::ALL,
        described,
    )
    .context("fitting the predictor on this split")?;
    Ok(ScoreModel {
        version: format!("{}-local", model.version.trim_end_matches("-local")),
        predictor: Some(predictor),
        scale: Some(scale),
        ..model.clone()
    })
}
