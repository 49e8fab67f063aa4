//! Conversation: does the account answer the people who ask it something, and with substance?
//!
//! An *ask* is a mention of or reply to the account whose text is a question. Where the data has no text
//! (Higgs, edge lists), every mention and reply counts as an ask and every answer's substance is
//! "unknown": the component degrades to "does it reply to those who address it", never to nothing.
//! An asker counts as answered when the account replied to them at or after their first ask.
//!
//! The component's value is the authenticity-weighted number of askers answered, each weighted by the
//! substance of the best answer they got. It grows with every answer and is never lowered by a new ask
//! (so more reactions never lower a score); the share of askers answered is reported beside it, so a
//! broadcaster who answers no one is plain to see.

use crate::input::{Reaction, ScoreInput};
use crate::model::ScoreModel;
use earshot_graph::DenseIds;
use earshot_model::InteractionKind;
use rustc_hash::FxHashMap;

/// How substantive a reply is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyClass {
    /// A bare "thanks", an emoji, "ok".
    Trivial,
    /// A one-liner with little content.
    Short,
    Substantive,
}

/// Text signals the conversation component needs; `earshot-text` provides the real ones.
pub trait TextSignals: Sync {
    fn is_question(&self, text: &str) -> bool;
    fn reply_class(&self, text: &str) -> ReplyClass;
}

/// What the conversation component saw for one account.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct ConversationStats {
    /// Distinct accounts that asked this account something.
    pub askers: u32,
    /// Of them, how many got a reply at or after their ask.
    pub askers_answered: u32,
    /// Replies this account sent (to anyone), and how many of them were trivial.
    pub replies_sent: u32,
    pub trivial_replies: u32,
    /// Replies whose text the data does not have.
    pub replies_without_text: u32,
}

impl ConversationStats {
    /// Share of askers answered, or `None` when nobody asked.
    pub fn answered_share(&self) -> Option<f64> {
        (self.askers > 0).then(|| f64::from(self.askers_answered) / f64::from(self.askers))
    }
}

/// Conversation values (indexed by dense id) and per-account statistics.
pub(crate) fn conversation(
    input: &ScoreInput,
    reactions: &[Reaction],
    ids: &DenseIds,
    model: &ScoreModel,
    text: &dyn TextSignals,
) -> (Vec<f64>, Vec<ConversationStats>) {
    let n = ids.len();
    let mut stats = vec![ConversationStats::default(); n];
    let text_of = |post: Option<i64>| {
        post.and_then(|p| input.posts.get(&p))
            .and_then(|p| p.text.as_deref())
    };
    // First ask time per (asked, asker); replies per (replier, replied-to) with their substance weight.
    let mut asks: FxHashMap<(u32, u32), i64> = FxHashMap::default();
    let mut replies: FxHashMap<(u32, u32), Vec<(i64, f64)>> = FxHashMap::default();
    for r in reactions {
        if r.actor == r.target
            || !matches!(r.kind, InteractionKind::Mention | InteractionKind::Reply)
        {
            continue;
        }
        let (Some(actor), Some(target)) = (ids.get(r.actor), ids.get(r.target)) else {
            continue;
        };
        let t = r.time.unwrap_or(i64::MIN);
        let body = text_of(r.post);
        if body.is_none_or(|b| text.is_question(b)) {
            let first = asks.entry((target, actor)).or_insert(t);
            *first = (*first).min(t);
        }
        if r.kind == InteractionKind::Reply {
            let s = &mut stats[actor as usize];
            s.replies_sent += 1;
            let w = match body {
                None => {
                    s.replies_without_text += 1;
                    model.substance.unknown
                }
                Some(b) => match text.reply_class(b) {
                    ReplyClass::Trivial => {
                        s.trivial_replies += 1;
                        model.substance.trivial
                    }
                    ReplyClass::Short => model.substance.short,
                    ReplyClass::Substantive => model.substance.substantive,
                },
            };
            replies.entry((actor, target)).or_default().push((t, w));
        }
    }
    let mut value = vec![0.0; n];
    let mut asked: Vec<((u32, u32), i64)> = asks.into_iter().collect();
    asked.sort_unstable(); // a fixed order, so sums are the same on every run
    for ((asked_one, asker), since) in asked {
        let s = &mut stats[asked_one as usize];
        s.askers += 1;
        let answers: Vec<f64> = replies
            .get(&(asked_one, asker))
            .into_iter()
            .flatten()
            .filter(|(t, _)| *t >= since)
            .map(|&(_, w)| w)
            .collect();
        if !answers.is_empty() {
            s.askers_answered += 1;
            let best = answers.iter().copied().fold(0.0f64, f64::max);
            value[asked_one as usize] += input.authenticity_of(ids.external(asker)) * best;
        }
    }
    (value, stats)
}
