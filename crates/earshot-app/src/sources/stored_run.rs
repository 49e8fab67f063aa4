//! A stored score run's input, read again: what recomputing any of its scores needs.

use super::load_input;
use anyhow::{Context, Result};
use earshot_score::{ScoreInput, ScoreModel};
use earshot_store::{ScoreRun, Store, TimeWindow};

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
