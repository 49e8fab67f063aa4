//! The names of the five components, apart from how they are computed (`components.rs`): the
//! predictor's features (`predict.rs`) map onto them, and `components.rs` builds on the predictor, so the
//! names sit below both.

/// The components of a score, in the order of [`ScoreTable::raw`](crate::ScoreTable::raw).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Audience,
    Amplification,
    Conversation,
    Authority,
    Reach,
}

impl Component {
    pub const ALL: [Component; 5] = [
        Component::Audience,
        Component::Amplification,
        Component::Conversation,
        Component::Authority,
        Component::Reach,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Component::Audience => "audience",
            Component::Amplification => "amplification",
            Component::Conversation => "conversation",
            Component::Authority => "authority",
            Component::Reach => "reach",
        }
    }

    /// What the raw value means, in one line.
    pub fn meaning(self) -> &'static str {
        match self {
            Component::Audience => "distinct accounts that reacted, each counting at most 1 however often it reacted",
            Component::Amplification => "distinct accounts that reshared or quoted, plus half the spread their own amplifiers gave",
            Component::Conversation => "askers who got an answer, weighted by how substantive the best answer was",
            Component::Authority => "weighted PageRank over who reacts to whom, 1 = the average account",
            Component::Reach => "ln(1 + followers): from the profile, else counted from the stored follow edges",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}
