//! The flagged posts an explanation lists: the account's own, and other accounts' that carried
//! reactions to it (which earned it nothing), each with its reasons and evidence.

use crate::trust::{flagged_post, FlaggedPost};
use anyhow::Result;
use earshot_model::InteractionKind;
use earshot_score::ScoreInput;
use earshot_store::Store;
use rustc_hash::FxHashSet;
use serde::Serialize;
use utoipa::ToSchema;

/// Posts listed of each kind: the newest; the counts say how many there are.
pub const LISTED_FLAGGED_POSTS: usize = 10;

/// The account's flagged posts, and the flagged posts that cost it points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct FlaggedPostsEvidence {
    /// The account's own flagged posts in the run's window.
    pub own_total: usize,
    /// The newest of them (at most ten), with reasons and evidence.
    pub own: Vec<FlaggedPost>,
    /// Other accounts' flagged posts that carried reactions to this account: those reactions earned it
    /// nothing (`evidence.discarded` counts the reactions).
    pub lost_total: usize,
    /// The newest of them (at most ten).
    pub lost: Vec<FlaggedPost>,
}

impl FlaggedPostsEvidence {
    /// Both lists for `account` from the flags of `input`, named from `store`.
    pub fn of(store: &Store, input: &ScoreInput, account: i64) -> Result<Self> {
        let own: Vec<i64> = input
            .flag_reasons
            .keys()
            .copied()
            .filter(|id| input.posts.get(id).is_some_and(|p| p.author == account))
            .collect();
        // A reply or quote reaction names the post it answers: the flagged post is the actor's answer
        // to it. Other reactions carry the actor's own post.
        let mut answers: FxHashSet<(i64, i64)> = FxHashSet::default();
        let mut carried: FxHashSet<i64> = FxHashSet::default();
        for r in &input.reactions {
            if r.target != account || r.actor == account || input.flag_of(r).is_none() {
                continue;
            }
            let Some(post) = r.post else { continue };
            let answer = matches!(r.kind, InteractionKind::Reply | InteractionKind::Quote)
                && input.flagged_replies.contains_key(&(r.actor, post));
            if answer {
                answers.insert((r.actor, post));
            } else {
                carried.insert(post);
            }
        }
        if !answers.is_empty() {
            for id in input.flag_reasons.keys() {
                let Some(p) = input.posts.get(id) else {
                    continue;
                };
                if [p.reply_to, p.quote_of]
                    .into_iter()
                    .flatten()
                    .any(|a| answers.contains(&(p.author, a)))
                {
                    carried.insert(*id);
                }
            }
        }
        let lost: Vec<i64> = carried
            .into_iter()
            .filter(|id| input.flag_reasons.contains_key(id))
            .collect();
        Ok(FlaggedPostsEvidence {
            own_total: own.len(),
            own: newest(store, input, own)?,
            lost_total: lost.len(),
            lost: newest(store, input, lost)?,
        })
    }
}

/// The newest [`LISTED_FLAGGED_POSTS`] of `ids` (ties by id), as reports show them.
fn newest(store: &Store, input: &ScoreInput, mut ids: Vec<i64>) -> Result<Vec<FlaggedPost>> {
    let time = |id: &i64| input.posts.get(id).map_or(0, |p| p.time);
    ids.sort_unstable_by(|a, b| time(b).cmp(&time(a)).then(a.cmp(b)));
    ids.truncate(LISTED_FLAGGED_POSTS);
    ids.iter()
        .map(|&id| flagged_post(store, id, &input.posts, &input.flag_reasons[&id]))
        .collect()
}
