//! A scoring run's input gathered from the store: interactions, posts with their flags, follower counts
//! and authenticity weights.

use anyhow::Result;
use earshot_score::{PostFlag, PostInfo, Reaction, ReplyClass, ScoreInput, TextSignals};
use earshot_store::{InteractionRow, Store, TimeWindow};
use earshot_trust::TrustModel;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// The text signals scoring uses: earshot's own rules (see `earshot-text`).
pub struct Text;

impl TextSignals for Text {
    fn is_question(&self, text: &str) -> bool {
        earshot_text::is_question(text)
    }

    fn reply_class(&self, text: &str) -> ReplyClass {
        match earshot_text::reply_substance(text) {
            earshot_text::Substance::Trivial => ReplyClass::Trivial,
            earshot_text::Substance::Short => ReplyClass::Short,
            earshot_text::Substance::Substantive => ReplyClass::Substantive,
        }
    }
}

/// Everything `earshot score` reads for a window: interactions, posts with text (spam and copies
/// flagged), follower counts, and with a `trust` model, authenticity weights: from profiles the model
/// can read, and from closed-group behaviour ([`apply_behaviour`]). Returns the input and the number of
/// interactions read.
pub fn load_input(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    trust: Option<&TrustModel>,
) -> Result<(ScoreInput, u64)> {
    let (mut input, n) = load_input_before_behaviour(store, window, platform, trust)?;
    if trust.is_some() {
        apply_behaviour(&mut input);
    }
    Ok((input, n))
}

/// Authenticity from behaviour in the input's own reactions (`earshot_trust::behaviour`,
/// `earshot_trust::bursts`): each account's weight is multiplied by its closed-group, ring and
/// clockwork-timing weights, and then reactors that arrived in a burst of doubtful new reactors weigh 0 for that target. Call once
/// per input: it compounds. Returns the bursts found.
pub fn apply_behaviour(input: &mut ScoreInput) -> Vec<earshot_trust::Burst> {
    let pairs = input
        .reactions
        .iter()
        .filter(|r| r.kind.is_reaction())
        .map(|r| (r.actor, r.target));
    let mut weights = earshot_trust::closed_group_weights(pairs);
    let actions = input
        .reactions
        .iter()
        .filter(|r| r.actor != r.target)
        .filter_map(|r| Some((r.actor, r.time?)));
    weights.extend(earshot_trust::behaviour::clockwork_weights(actions));
    for (a, w) in weights {
        *input.authenticity.entry(a).or_insert(1.0) *= w;
    }
    let reactions = input
        .reactions
        .iter()
        .filter(|r| r.kind.is_reaction())
        .map(|r| (r.actor, r.target, r.time));
    let bursts = earshot_trust::find_bursts(
        reactions,
        |a| input.authenticity_of(a),
        &earshot_trust::BurstRule::default(),
    );
    for b in &bursts {
        for &a in &b.suspects {
            input.pair_weights.insert((a, b.target), 0.0);
        }
    }
    bursts
}

/// [`load_input`] without the behaviour step: for callers that add reactions first (`redteam`).
pub fn load_input_before_behaviour(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    trust: Option<&TrustModel>,
) -> Result<(ScoreInput, u64)> {
    let mut input = ScoreInput::default();
    let n = store.scan_interactions(window, platform, |r| input.reactions.push(reaction(r)))?;
    store.scan_posts(window, platform, |p| {
        input.posts.insert(
            p.id,
            PostInfo {
                author: p.author,
                time: p.time,
                text: p.text,
                reply_to: p.reply_to,
                quote_of: p.quote_of,
            },
        );
    })?;
    let flags = flag_posts(&input.posts);
    input.set_flags(flags);
    input.followers = store.follower_counts(platform)?.into_iter().collect();
    if let Some(model) = trust {
        let mut profiled = Vec::new();
        store.scan_profiled_accounts(platform, |id, a| {
            if earshot_trust::has_profile_evidence(&a) {
                profiled.push((id, a));
            }
        })?;
        input.authenticity = earshot_trust::authenticity_weights(&profiled, model)
            .into_iter()
            .collect();
    }
    input.reference_time = store.window_end(window, platform)?;
    // Rates are per week of the window: from its `--from`, else from its first dated reaction.
    input.window_start = window.from;
    Ok((input, n))
}

/// A stored interaction as scoring reads it.
pub fn reaction(r: &InteractionRow) -> Reaction {
    Reaction {
        actor: r.actor,
        target: r.target,
        kind: r.kind,
        time: r.time,
        weight: r.weight,
        post: r.post,
    }
}

/// Shortest post (in 3-word shingles) that can join a copy campaign: short stock phrases ("good
/// morning everyone") are posted by many people independently.
const CAMPAIGN_MIN_SHINGLES: usize = 6;
/// Near-duplicate similarity and distinct authors that make a copy campaign.
const CAMPAIGN_MIN_JACCARD: f32 = 0.7;
const CAMPAIGN_MIN_AUTHORS: usize = 5;

/// Posts whose reactions earn nothing, and why: commercial spam, replies that copy their parent, and
/// copy campaigns (near-identical text from many accounts). Deterministic: posts are taken in id order.
pub fn flag_posts(posts: &FxHashMap<i64, PostInfo>) -> FxHashMap<i64, PostFlag> {
    let mut flags = FxHashMap::default();
    let mut ids: Vec<i64> = posts
        .iter()
        .filter(|(_, p)| p.text.is_some())
        .map(|(&id, _)| id)
        .collect();
    ids.sort_unstable();
    // Per post, independently (in parallel, in id order): a spam or copy flag, or a campaign signature.
    enum Look {
        Flag(PostFlag),
        Campaign(Box<earshot_text::Signature>),
        Nothing,
    }
    let looks: Vec<Look> = ids
        .par_iter()
        .map(|id| {
            let p = &posts[id];
            let Some(text) = p.text.as_deref() else {
                return Look::Nothing;
            };
            if earshot_text::commercial_spam(text).is_some() {
                return Look::Flag(PostFlag::CommercialSpam);
            }
            let parent = p
                .reply_to
                .and_then(|r| posts.get(&r))
                .and_then(|q| q.text.as_deref());
            if parent.is_some_and(|parent| {
                earshot_text::reply_copy_kind(text, parent) == earshot_text::CopyKind::CopiesParent
            }) {
                return Look::Flag(PostFlag::CopiesParent);
            }
            let sh = earshot_text::shingles(text);
            match earshot_text::Signature::from_shingles(&sh) {
                Some(sig) if sh.len() >= CAMPAIGN_MIN_SHINGLES => Look::Campaign(Box::new(sig)),
                _ => Look::Nothing,
            }
        })
        .collect();
    let mut index = earshot_text::NearDupIndex::default();
    let mut indexed: Vec<(i64, i64)> = Vec::new();
    for (id, look) in ids.iter().zip(looks) {
        match look {
            Look::Flag(f) => {
                flags.insert(*id, f);
            }
            Look::Campaign(sig) => {
                if index.insert_signature(Some(*sig)).is_ok() {
                    indexed.push((*id, posts[id].author));
                }
            }
            Look::Nothing => {}
        }
    }
    let authors: Vec<i64> = indexed.iter().map(|&(_, a)| a).collect();
    if let Ok(campaign) =
        earshot_text::copy_campaigns(&index, &authors, CAMPAIGN_MIN_JACCARD, CAMPAIGN_MIN_AUTHORS)
    {
        for ((id, _), flagged) in indexed.iter().zip(campaign) {
            if flagged {
                flags.insert(*id, PostFlag::CopyCampaign);
            }
        }
    }
    flags
}
