//! The tone of what an account's audience wrote to it.

use earshot_model::InteractionKind;
use earshot_score::ScoreInput;

/// The tone of the reactions to an account that carry text (replies, quotes and mentions written by
/// others), by earshot's sentiment model: approval (positive), neutral or complaint (negative). An account
/// drowning in complaints draws reactions, but not approval; the score counts both, so this says which.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Tone {
    pub approval: u32,
    pub neutral: u32,
    pub complaint: u32,
}

impl Tone {
    pub fn total(&self) -> u32 {
        self.approval + self.neutral + self.complaint
    }
}

/// The tone of the texts others wrote to `account` in `input`: replies and quotes of its posts, and the
/// posts carrying mentions of it; each post once, flagged posts (spam, copies) left out. `None` when no
/// such post has text.
pub fn tone_of(input: &ScoreInput, account: i64) -> Option<Tone> {
    use earshot_sentiment::Polarity;
    let by_account = |id: Option<i64>| {
        id.and_then(|id| input.posts.get(&id))
            .is_some_and(|p| p.author == account)
    };
    let mut texts: std::collections::BTreeSet<i64> = input
        .posts
        .iter()
        .filter(|(_, p)| p.author != account && (by_account(p.reply_to) || by_account(p.quote_of)))
        .map(|(&id, _)| id)
        .collect();
    for r in &input.reactions {
        if r.target == account && r.actor != account && r.kind == InteractionKind::Mention {
            if let Some(id) = r
                .post
                .filter(|id| input.posts.get(id).is_some_and(|p| p.author == r.actor))
            {
                texts.insert(id);
            }
        }
    }
    let model = earshot_sentiment::SentimentModel::builtin();
    let mut tone = Tone::default();
    for id in texts {
        if input.flagged_posts.contains_key(&id) {
            continue;
        }
        let Some(text) = input.posts.get(&id).and_then(|p| p.text.as_deref()) else {
            continue;
        };
        match model.classify(text).polarity {
            Polarity::Positive => tone.approval += 1,
            Polarity::Neutral => tone.neutral += 1,
            Polarity::Negative => tone.complaint += 1,
        }
    }
    (tone.total() > 0).then_some(tone)
}
