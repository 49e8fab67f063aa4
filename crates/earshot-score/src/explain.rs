//! The evidence behind one account's score: who earned it the points, and what would raise it.

use crate::component::Component;
use crate::components::{reactor_credit, reciprocates, FirstReaction, ScoreTable};
use crate::flags::PostFlag;
use crate::input::ScoreInput;
use crate::model::ScoreModel;
use earshot_graph::{SnapshotBuilder, SnapshotConfig};
use earshot_model::InteractionKind;
use rustc_hash::FxHashMap;

/// One account that reacted to the explained account, and what its reactions earned.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReactorEvidence {
    pub account: i64,
    /// Reactions by kind (earshot kind names), in this window.
    pub reactions: Vec<(String, u32)>,
    /// Whether it only reacted back: the explained account had reacted to it first (its credit is then
    /// the model's `reciprocal_credit` share).
    pub reciprocating: bool,
    /// Its authenticity weight (1 − 2 × probability of being automated or fake, floored at 0, times any
    /// behaviour discount; 1 without evidence).
    pub authenticity: f64,
    /// Whether it arrived in a burst of doubtful new reactors, so that its reactions to this account
    /// earn nothing whatever its own weight.
    pub in_burst: bool,
    /// Its credit to audience: authenticity × reciprocation discount × (1 − e^(−weight)), at most 1.
    pub audience_credit: f64,
    /// Its credit to amplification (reshares and quotes only).
    pub amplification_credit: f64,
    /// Share of the explained account's authority that flows in from this reactor.
    pub authority_share: f64,
}

/// Everything `earshot explain` shows beyond the component table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evidence {
    /// Reactors, most audience credit first.
    pub reactors: Vec<ReactorEvidence>,
    pub distinct_reactors: usize,
    /// Of those, how many arrived in bursts of doubtful new reactors and earned nothing.
    pub burst_reactors: usize,
    pub reactions_received: u64,
    /// The account's posts that drew the most reactions (only where the data links reactions to posts).
    pub posts: Vec<PostEvidence>,
    /// Reactions per post over all the account's posts in the window (where the data has its posts):
    /// amplification measured per post, not per follower.
    pub per_post: Option<PerPost>,
    /// Accounts that addressed this one (a question, or any mention or reply where there is no text) and
    /// got no reply, with what they wrote where known: the conversations it left unanswered.
    pub unanswered: Vec<(i64, Option<String>)>,
    /// Plain-language ways to raise the score, biggest gain first: (component, points available, advice).
    pub to_raise: Vec<(Component, f64, String)>,
    /// Reactions to the account that earned nothing because the post carrying them was spam or a
    /// copy, by reason.
    pub discarded: Vec<(PostFlag, u32)>,
}

/// One of the account's posts and the reactions it drew.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PostEvidence {
    pub post: i64,
    pub reactions: u32,
    /// Of those, reshares and quotes.
    pub amplifications: u32,
    pub reactors: u32,
    pub text: Option<String>,
}

/// What the account's posts drew, on average.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PerPost {
    /// The account's posts in the window.
    pub posts: u32,
    /// Reactions from others per post.
    pub reactions: f64,
    /// Reshares and quotes per post.
    pub amplifications: f64,
}

/// Evidence for `account` from the same input and model that produced `table`. `top` bounds the number
/// of reactors listed.
pub fn evidence(
    input: &ScoreInput,
    model: &ScoreModel,
    table: &ScoreTable,
    account: i64,
    top: usize,
) -> Option<Evidence> {
    let i = table.position(account)?;
    let weigher = SnapshotBuilder::new(SnapshotConfig {
        kind_weights: model.kind_weights_array(),
        half_life: (model.half_life_days > 0.0).then_some(model.half_life_days * 86_400.0),
        reference_time: input.reference_time,
    });
    // Each reactor's total outgoing weight (for its authority share) and its reactions to `account`.
    let mut out_weight: FxHashMap<i64, f64> = FxHashMap::default();
    struct Acc {
        w: f64,
        s: f64,
        first: FirstReaction,
        kinds: [u32; 7],
    }
    let mut to_me: FxHashMap<i64, Acc> = FxHashMap::default();
    let mut received = 0u64;
    // When the account first reacted to each account it reacted to.
    let mut first_to: FxHashMap<i64, FirstReaction> = FxHashMap::default();
    let mut discarded: std::collections::BTreeMap<PostFlag, u32> = Default::default();
    for r in &input.reactions {
        if r.actor == r.target {
            continue;
        }
        if let Some(flag) = input.flag_of(r) {
            if r.target == account {
                *discarded.entry(flag).or_default() += 1;
            }
            continue;
        }
        let w = weigher.edge_weight(r.kind, r.time, r.weight, 1.0);
        if w > 0.0 {
            *out_weight.entry(r.actor).or_default() += w * input.reactor_weight(r.actor, r.target);
            if r.actor == account {
                first_to.entry(r.target).or_default().add(r.time);
            }
        }
        if r.target == account {
            received += 1;
            let a = to_me.entry(r.actor).or_insert(Acc {
                w: 0.0,
                s: 0.0,
                first: FirstReaction::default(),
                kinds: [0; 7],
            });
            if w > 0.0 {
                a.first.add(r.time);
            }
            a.w += w;
            if matches!(r.kind, InteractionKind::Reshare | InteractionKind::Quote) {
                a.s += w;
            }
            if let Some(k) = InteractionKind::ALL.iter().position(|k| *k == r.kind) {
                a.kinds[k] += 1;
            }
        }
    }
    // Authority inflow from r: alpha × PR(r) × w(r→me) / W(r); shares are of the total inflow.
    let n = table.len() as f64;
    let inflow = |r: i64, w: f64| -> f64 {
        let pr = table
            .position(r)
            .map_or(0.0, |j| table.raw[Component::Authority.index()][j] / n);
        let total = out_weight.get(&r).copied().unwrap_or(0.0);
        if total > 0.0 {
            pr * w * input.reactor_weight(r, account) / total
        } else {
            0.0
        }
    };
    let total_inflow: f64 = to_me.iter().map(|(&r, a)| inflow(r, a.w)).sum();
    let mut reactors: Vec<ReactorEvidence> = to_me
        .iter()
        .map(|(&r, a)| {
            let back = first_to
                .get(&r)
                .is_some_and(|mine| reciprocates(a.first.known(), mine.known()));
            let worth =
                input.reactor_weight(r, account) * if back { model.reciprocal_credit } else { 1.0 };
            (r, a, back, worth)
        })
        .map(|(r, a, reciprocating, worth)| ReactorEvidence {
            account: r,
            reciprocating,
            authenticity: input.authenticity_of(r),
            in_burst: input
                .pair_weights
                .get(&(r, account))
                .is_some_and(|&w| w < 1.0),
            reactions: InteractionKind::ALL
                .iter()
                .zip(a.kinds)
                .filter(|(_, c)| *c > 0)
                .map(|(k, c)| (k.name().to_string(), c))
                .collect(),
            audience_credit: worth * reactor_credit(a.w / model.reactor_saturation),
            amplification_credit: if a.s > 0.0 {
                worth * reactor_credit(a.s / model.reactor_saturation)
            } else {
                0.0
            },
            authority_share: if total_inflow > 0.0 {
                inflow(r, a.w) / total_inflow
            } else {
                0.0
            },
        })
        .collect();
    let distinct_reactors = reactors.len();
    let burst_reactors = reactors.iter().filter(|r| r.in_burst).count();
    reactors.sort_by(|a, b| {
        b.audience_credit
            .total_cmp(&a.audience_credit)
            .then(b.authority_share.total_cmp(&a.authority_share))
            .then(a.account.cmp(&b.account))
    });
    reactors.truncate(top);

    let mut to_raise: Vec<(Component, f64, String)> = Component::ALL
        .iter()
        .filter(|c| table.weights[c.index()] > 0.0)
        .map(|&c| {
            // At most what the component could add, and never past 100.
            let room = (99.0 * table.weights[c.index()] * (1.0 - table.pct[c.index()][i]))
                .min(100.0 - table.overall[i]);
            (c, room, advice(c, table, i))
        })
        .filter(|(_, room, _)| *room >= 0.5)
        .collect();
    to_raise.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (posts, per_post) = top_posts(input, account, top);
    let unanswered = unanswered_askers(input, account, top);
    Some(Evidence {
        reactors,
        distinct_reactors,
        burst_reactors,
        reactions_received: received,
        posts,
        per_post,
        unanswered,
        discarded: discarded.into_iter().collect(),
        to_raise,
    })
}

/// The account's posts by reactions drawn from others, most first.
fn top_posts(input: &ScoreInput, account: i64, top: usize) -> (Vec<PostEvidence>, Option<PerPost>) {
    #[derive(Default)]
    struct Drawn {
        reactions: u32,
        amplifications: u32,
        who: rustc_hash::FxHashSet<i64>,
    }
    let mut by_post: FxHashMap<i64, Drawn> = FxHashMap::default();
    for r in input
        .reactions
        .iter()
        .filter(|r| r.target == account && r.actor != account && input.flag_of(r).is_none())
    {
        let Some(p) = r.post else { continue };
        // A reply or mention carries the reactor's own post; only reactions *to* this account's posts count.
        if input
            .posts
            .get(&p)
            .is_some_and(|info| info.author == account)
        {
            let e = by_post.entry(p).or_default();
            e.reactions += 1;
            if matches!(r.kind, InteractionKind::Reshare | InteractionKind::Quote) {
                e.amplifications += 1;
            }
            e.who.insert(r.actor);
        }
    }
    let own_posts = input.posts.values().filter(|p| p.author == account).count() as u32;
    let per_post = (own_posts > 0).then(|| {
        let n = f64::from(own_posts);
        PerPost {
            posts: own_posts,
            reactions: by_post
                .values()
                .map(|d| f64::from(d.reactions))
                .sum::<f64>()
                / n,
            amplifications: by_post
                .values()
                .map(|d| f64::from(d.amplifications))
                .sum::<f64>()
                / n,
        }
    });
    let mut posts: Vec<PostEvidence> = by_post
        .into_iter()
        .map(|(post, d)| PostEvidence {
            post,
            reactions: d.reactions,
            amplifications: d.amplifications,
            reactors: d.who.len() as u32,
            text: input.posts.get(&post).and_then(|p| p.text.clone()),
        })
        .collect();
    posts.sort_by(|a, b| b.reactions.cmp(&a.reactions).then(a.post.cmp(&b.post)));
    posts.truncate(top);
    (posts, per_post)
}

/// Askers who addressed `account` and never got a reply from it afterwards (first ones first).
fn unanswered_askers(input: &ScoreInput, account: i64, top: usize) -> Vec<(i64, Option<String>)> {
    let mut first_ask: FxHashMap<i64, (i64, Option<String>)> = FxHashMap::default();
    let mut replied: FxHashMap<i64, i64> = FxHashMap::default();
    for r in input
        .reactions
        .iter()
        .filter(|r| input.flag_of(r).is_none())
    {
        let t = r.time.unwrap_or(i64::MIN);
        if r.target == account
            && r.actor != account
            && matches!(r.kind, InteractionKind::Mention | InteractionKind::Reply)
        {
            let text = r
                .post
                .and_then(|p| input.posts.get(&p))
                .and_then(|p| p.text.clone());
            let e = first_ask.entry(r.actor).or_insert((t, text.clone()));
            if t < e.0 {
                *e = (t, text);
            }
        } else if r.actor == account && r.kind == InteractionKind::Reply {
            let e = replied.entry(r.target).or_insert(t);
            *e = (*e).max(t);
        }
    }
    let mut out: Vec<(i64, i64, Option<String>)> = first_ask
        .into_iter()
        .filter(|(asker, (t, _))| replied.get(asker).is_none_or(|last| last < t))
        .map(|(asker, (t, text))| (t, asker, text))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    out.into_iter()
        .take(top)
        .map(|(_, asker, text)| (asker, text))
        .collect()
}

fn advice(c: Component, table: &ScoreTable, i: usize) -> String {
    match c {
        Component::Audience => "reach more distinct people who react: many fans reacting once count more than one fan reacting often".into(),
        Component::Amplification => "post things people reshare or quote, especially people whose own posts get reshared".into(),
        Component::Conversation => {
            let s = table.conversation[i];
            match s.answered_share() {
                Some(share) if share < 1.0 => format!(
                    "answer the people who ask you something: {} of {} askers got a reply{}",
                    s.askers_answered,
                    s.askers,
                    if s.trivial_replies > 0 { format!(", and {} of your {} replies were a bare thanks or emoji", s.trivial_replies, s.replies_sent) } else { String::new() }
                ),
                Some(_) => "keep answering, with substance: every asker got a reply".into(),
                None => "nobody asked you anything in this window: conversation grows when you answer people".into(),
            }
        }
        Component::Authority => "be reacted to by accounts that are themselves reacted to".into(),
        Component::Reach => "followers count only a little here, and only where profiles are known".into(),
    }
}
