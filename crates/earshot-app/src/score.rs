//! The score use case's pieces shared by its fronts: the model a run uses, and the rows a scored table
//! is stored as.

use anyhow::{Context, Result};
use earshot_score::{ScoreModel, ScoreTable};
use earshot_store::ScoreRow;

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
