//! earshot's influence components, their calibration to a 1–100 score, and the evidence behind them.
//!
//! Every component is computed from plain interaction rows (no database handle): who reacted to whom,
//! how, when, through which post, and the text of posts where the data has it. Each has a raw value with
//! a meaning a person can check, and a percentile within the population scored together. The overall
//! score ranks accounts by the weighted sum of their log-scaled components (weights from a versioned model
//! file, [`ScoreModel`]) and is `1 + 99 ×` the percentile of that sum, so it can be explained as a sum of
//! contributions and recomputed from the same events to the same number.

pub mod backtest;
mod calibrate;
mod component;
mod components;
mod conversation;
mod explain;
pub mod fit;
mod flags;
pub mod glm;
mod input;
mod model;
mod predict;
mod topic;

pub use calibrate::percentiles;
pub use component::Component;
pub use components::{reactor_credit, reciprocates, Prediction, ScoreTable};
pub use conversation::{ConversationStats, ReplyClass, TextSignals};
pub use explain::{evidence, Evidence, PerPost, PostEvidence, ReactorEvidence};
pub use flags::{FlagEvidence, FlagReason, PostFlag};
pub use input::{PostInfo, Reaction, ScoreInput};
pub use model::{ModelError, ScoreModel, SubstanceWeights};
pub use predict::{effective_weeks, recent_secs, Feature, Predictor, Scale, WEEK};
pub use topic::{score_topic, AuthorityGraph, TopicScope};

/// Score `input` with `model`: components, percentiles and overall scores for every account that
/// reacted or was reacted to.
pub fn score(
    input: &ScoreInput,
    model: &ScoreModel,
    text: &dyn TextSignals,
) -> Result<ScoreTable, ScoreError> {
    if input.flagged_posts.is_empty() {
        return components::compute(
            input,
            &input.reactions,
            model,
            text,
            components::Scope::OVERALL,
        );
    }
    // Reactions made with spam or copied posts earn nothing anywhere: drop them up front.
    let kept = input.unflagged_reactions();
    components::compute(input, &kept, model, text, components::Scope::OVERALL)
}

#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    #[error("building the reaction graph: {0}")]
    Graph(#[from] earshot_graph::GraphError),
}
