//! What scoring reads: plain rows, gathered from the store by the caller.

use crate::flags::{FlagReason, PostFlag};
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
    /// The post it quotes, for a quote post.
    pub quote_of: Option<i64>,
}

/// Everything one scoring run reads.
#[derive(Debug, Clone, Default)]
pub struct ScoreInput {
    pub reactions: Vec<Reaction>,
    pub posts: FxHashMap<i64, PostInfo>,
    /// Follower counts from profiles, where known; else the distinct followers the stored follow edges
    /// give (a social graph without profiles).
    pub followers: FxHashMap<i64, u64>,
    /// How many of `followers` were counted from follow edges rather than read from a profile.
    pub followers_from_edges: usize,
    /// Authenticity weight in [0, 1] per account; accounts not listed weigh 1.
    pub authenticity: FxHashMap<i64, f64>,
    /// Per (actor, target): a further weight in [0, 1] on the actor's reactions to that target alone,
    /// where the pair is suspect rather than the account (a burst of doubtful new reactors). Pairs not
    /// listed weigh 1.
    pub pair_weights: FxHashMap<(i64, i64), f64>,
    /// Decay is measured back from this instant (normally the end of the window).
    pub reference_time: Timestamp,
    /// Where the window starts, for per-week rates: the window's `from`, or its first event. `None`:
    /// the earliest dated reaction in `reactions`.
    pub window_start: Option<Timestamp>,
    /// Posts found to be spam or copies: reactions their authors made *with* them (the mention or
    /// reply the post carries) earn nothing.
    pub flagged_posts: FxHashMap<i64, PostFlag>,
    /// The same flags keyed by (author, post replied to or quoted): a reply or quote reaction names the
    /// post it answers, not the reply or quote itself. Filled by [`ScoreInput::set_flags`].
    pub flagged_replies: FxHashMap<(i64, i64), PostFlag>,
    /// Every reason each flagged post was flagged for, with its evidence, in [`PostFlag`] order: the
    /// first is the one in `flagged_posts`. Filled by [`ScoreInput::set_flag_reasons`]; empty when
    /// the flags were set without evidence ([`ScoreInput::set_flags`]).
    pub flag_reasons: FxHashMap<i64, Vec<FlagReason>>,
}

impl ScoreInput {
    /// Flag posts for every reason found, with evidence: each post's first reason in [`PostFlag`]
    /// order is its flag ([`Self::set_flags`]); all of them are kept in `flag_reasons`, sorted.
    pub fn set_flag_reasons(&mut self, mut reasons: FxHashMap<i64, Vec<FlagReason>>) {
        let mut flags = FxHashMap::default();
        reasons.retain(|_, r| !r.is_empty());
        for (id, r) in reasons.iter_mut() {
            r.sort_by_key(|r| r.flag);
            flags.insert(*id, r[0].flag);
        }
        self.set_flags(flags);
        self.flag_reasons = reasons;
    }

    /// Flag `flags`' posts, indexing flagged replies and quotes by (author, post answered) too. Where
    /// one author has several flagged answers to one post, the reason kept is the first in `PostFlag`
    /// order, so the result does not depend on map order.
    pub fn set_flags(&mut self, flags: FxHashMap<i64, PostFlag>) {
        let mut answers: FxHashMap<(i64, i64), PostFlag> = FxHashMap::default();
        for (id, f) in &flags {
            let Some(p) = self.posts.get(id) else {
                continue;
            };
            for answered in [p.reply_to, p.quote_of].into_iter().flatten() {
                let e = answers.entry((p.author, answered)).or_insert(*f);
                *e = (*e).min(*f);
            }
        }
        self.flagged_replies = answers;
        self.flagged_posts = flags;
    }

    /// Whether reaction `r` was made with a flagged post of its actor's, and so earns nothing: a
    /// mention carries the actor's post; a reply or quote names the post it answers.
    pub fn flag_of(&self, r: &Reaction) -> Option<PostFlag> {
        let post = r.post?;
        if matches!(r.kind, InteractionKind::Reply | InteractionKind::Quote) {
            if let Some(f) = self.flagged_replies.get(&(r.actor, post)) {
                return Some(*f);
            }
        }
        let flag = self.flagged_posts.get(&post)?;
        self.posts
            .get(&post)
            .is_some_and(|p| p.author == r.actor)
            .then_some(*flag)
    }

    /// The reactions that earn anything: all but those made with a flagged post ([`Self::flag_of`]).
    pub(crate) fn unflagged_reactions(&self) -> Vec<Reaction> {
        self.reactions
            .iter()
            .filter(|r| self.flag_of(r).is_none())
            .copied()
            .collect()
    }

    /// What `actor`'s reactions to `target` are worth: its authenticity times the pair's weight.
    pub fn reactor_weight(&self, actor: i64, target: i64) -> f64 {
        let pair = if self.pair_weights.is_empty() {
            1.0
        } else {
            self.pair_weights
                .get(&(actor, target))
                .copied()
                .unwrap_or(1.0)
                .clamp(0.0, 1.0)
        };
        self.authenticity_of(actor) * pair
    }

    /// The window's length in seconds, from [`ScoreInput::window_start`] (or the first dated reaction)
    /// to the reference time; 0 when nothing is dated.
    pub fn window_seconds(&self) -> f64 {
        let start = self
            .window_start
            .or_else(|| self.reactions.iter().filter_map(|r| r.time).min());
        start.map_or(0.0, |s| (self.reference_time - s).max(0) as f64)
    }

    pub fn authenticity_of(&self, account: i64) -> f64 {
        self.authenticity
            .get(&account)
            .copied()
            .unwrap_or(1.0)
            .clamp(0.0, 1.0)
    }
}
