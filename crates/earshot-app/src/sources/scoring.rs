//! A scoring run's input gathered from the store: interactions, posts with their flags, follower counts
//! and authenticity weights.

use super::flags::flag_posts;
use anyhow::Result;
use earshot_score::{PostInfo, Reaction, ReplyClass, ScoreInput, TextSignals};
use earshot_store::{InteractionRow, PostRow, Store, TimeWindow};
use earshot_trust::TrustModel;

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
        input.posts.insert(p.id, post_info(p));
    })?;
    let reasons = flag_posts(&input.posts);
    input.set_flag_reasons(reasons);
    input.followers = store.follower_counts(platform)?.into_iter().collect();
    // A social graph without profiles (SNAP follows, the cascades' edges.txt): its follow edges are the
    // reach of the accounts no profile gives a count for, labelled as such in the report.
    for (account, n) in store.follow_edge_counts(platform, window.to)? {
        if let std::collections::hash_map::Entry::Vacant(e) = input.followers.entry(account) {
            e.insert(n);
            input.followers_from_edges += 1;
        }
    }
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

/// A stored post as the post flags read it.
pub fn post_info(p: PostRow) -> PostInfo {
    PostInfo {
        author: p.author,
        time: p.time,
        text: p.text,
        reply_to: p.reply_to,
        quote_of: p.quote_of,
    }
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
