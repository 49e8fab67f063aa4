//! The score use case's pieces shared by its fronts: the model a run uses, a stored run's input read
//! again, the rows a scored table is stored as, and a component as reports show it.

use crate::sources::load_input;
use anyhow::{Context, Result};
use earshot_score::{ScoreInput, ScoreModel, ScoreTable};
use earshot_store::{ScoreRow, ScoreRun, Store, TimeWindow};

/// The rows to store for a scored table; `authenticity` gives each account's weight as the run used it
/// (`None` when the run had no authenticity model).
pub fn stored_rows(table: &ScoreTable, authenticity: impl Fn(i64) -> Option<f64>) -> Vec<ScoreRow> {
    (0..table.len())
        .map(|i| ScoreRow {
            account: table.accounts[i],
            overall: table.overall[i],
            raw: [0, 1, 2, 3, 4].map(|c| table.raw[c][i]),
            pct: [0, 1, 2, 3, 4].map(|c| table.pct[c][i]),
            askers: table.conversation[i].askers,
            askers_answered: table.conversation[i].askers_answered,
            authenticity: authenticity(table.accounts[i]),
            expected: table
                .prediction
                .as_ref()
                .filter(|_| table.is_scored(i))
                .map(|p| p.expected(i)),
        })
        .collect()
}

/// The score model in the file at `path`, or the built-in one.
pub fn load_model(path: Option<&std::path::Path>) -> Result<ScoreModel> {
    match path {
        None => Ok(ScoreModel::builtin()),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            ScoreModel::from_json(&text).with_context(|| format!("score model {}", p.display()))
        }
    }
}

/// The model a stored run used and its scoring input, read again from the store: what recomputing
/// any of its scores needs. `note` hears when this build's authenticity model is not the run's.
pub fn run_input(
    store: &Store,
    run: &ScoreRun,
    note: &dyn Fn(&str),
) -> Result<(ScoreModel, ScoreInput)> {
    let model = ScoreModel::from_json(&run.model_json)
        .with_context(|| format!("the model stored with run #{}", run.id))?;
    let window = TimeWindow {
        from: run.window_from,
        to: run.window_to,
    };
    // The run's authenticity model, if it had one: recomputation needs the same probabilities.
    let builtin_trust = earshot_trust::TrustModel::builtin();
    let trust = match &model.authenticity_model {
        None => None,
        Some(v) => {
            if *v != builtin_trust.version {
                note(&format!(
                    "run #{} weighed reactors with authenticity model {v}; this build has {}, so the recomputed score may differ",
                    run.id, builtin_trust.version
                ));
            }
            Some(&builtin_trust)
        }
    };
    let (input, _) = load_input(store, window, run.platform.as_deref(), trust)?;
    Ok((model, input))
}

/// One component of a score as `explain` (and `explain --topic`) reports it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ComponentReport {
    pub component: &'static str,
    pub raw: f64,
    pub percentile: f64,
    pub weight: f64,
    pub points: f64,
    pub meaning: &'static str,
}
