//! What scoring reads: plain rows, gathered from the store by the caller.

use earshot_model::{InteractionKind, Timestamp};
use rustc_hash::FxHashMap;

/// One stored interaction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reaction {
    pub actor: i64,
    pub target: i64,
    pub kind: InteractionKind,
    pub time: Option<Timestamp>,
    pub weight: f64,
    /// The post involved, when known (for a reply or mention: the actor's post carrying it).
    pub post: Option<i64>,
}

/// What conversation needs to know about a post.
#[derive(Debug, Clone, PartialEq)]
pub struct PostInfo {
    pub author: i64,
    pub time: Timestamp,
    pub text: Option<String>,
    pub reply_to: Option<i64>,
}

/// Everything one scoring run reads.
#[derive(Debug, Clone, Default)]
pub struct ScoreInput {
    pub reactions: Vec<Reaction>,
    pub posts: FxHashMap<i64, PostInfo>,
    /// Follower counts from profiles, where known.
    pub followers: FxHashMap<i64, u64>,
    /// Authenticity weight in [0, 1] per account; accounts not listed weigh 1.
    pub authenticity: FxHashMap<i64, f64>,
    /// Decay is measured back from this instant (normally the end of the window).
    pub reference_time: Timestamp,
}

impl ScoreInput {
    pub fn authenticity_of(&self, account: i64) -> f64 {
        self.authenticity
            .get(&account)
            .copied()
            .unwrap_or(1.0)
            .clamp(0.0, 1.0)
    }
}
