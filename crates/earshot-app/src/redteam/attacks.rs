//! The attacks themselves: each adds its fake accounts, reactions or posts to a copy of the scoring
//! input, drawn from a generator seeded by the request's seed, the target and the attack, so the same
//! request attacks the same way every time.

use super::RedteamRequest;
use crate::sources::flag_posts;
use earshot_model::{stable_id, Account, InteractionKind, Profile};
use earshot_score::{PostInfo, Reaction, ScoreInput};
use earshot_trust::TrustModel;
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// One way of gaming a score, or the control that should move it. The order is part of each attack's
/// random seed (`attack as u64`): reordering the variants changes every number a run reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Attack {
    FakeFollowers,
    /// Fake accounts dressed up to look half-real (months old, some followers and posts, a bio), each
    /// weighing well above zero alone, bought in one batch: an evasion of the profile model that the
    /// burst rule answers.
    DoubtfulAccounts,
    /// Scheduled bots with no profile: each reshares a real account every ten minutes (± a minute),
    /// the target among them, for a day.
    ClockworkBots,
    Pod,
    /// The pod again, each member also reacting once to as many real accounts as the pod is large,
    /// so that most of its partners do not react back: an evasion of the closed-group share rule.
    DilutedPod,
    SpamPosts,
    Control,
}

impl Attack {
    /// Every attack, in the order reports list them.
    pub const ALL: [Attack; 7] = [
        Attack::FakeFollowers,
        Attack::DoubtfulAccounts,
        Attack::ClockworkBots,
        Attack::Pod,
        Attack::DilutedPod,
        Attack::SpamPosts,
        Attack::Control,
    ];

    /// The attack as the text report heads its column.
    pub fn label(self) -> &'static str {
        match self {
            Attack::FakeFollowers => "(a) fake accounts",
            Attack::DoubtfulAccounts => "(a2) dressed-up fakes",
            Attack::ClockworkBots => "(a3) clockwork bots",
            Attack::Pod => "(b) pod",
            Attack::DilutedPod => "(b2) pod+outsiders",
            Attack::SpamPosts => "(c) spam posts",
            Attack::Control => "(d) control",
        }
    }
}

/// The platform the injected accounts and posts belong to, so their ids never meet real ones.
const PLATFORM: &str = "redteam";

/// The id of the `k`-th injected thing of a `kind` (a fake account, a pod member, a spam post, …).
pub(super) fn fresh_id(kind: &str, k: usize) -> i64 {
    stable_id("redteam", PLATFORM, &format!("{kind}-{k}"))
}

/// How an attack draws the `k`-th profile of its fakes, at `now`.
pub(super) type DrawProfile = fn(usize, &mut Xoshiro256PlusPlus, i64) -> Account;

/// A bought follower: new, empty, following thousands, followed by nobody, a generated name.
pub(super) fn fake_profile(k: usize, rng: &mut Xoshiro256PlusPlus, now: i64) -> Account {
    let digits = 10_000_000 + rng.next_u64() % 90_000_000;
    Account {
        platform: PLATFORM.into(),
        ext_id: format!("fake-{k}"),
        handle: Some(format!("user{digits}")),
        display_name: None,
        profile: Profile {
            followers: Some(rng.next_u64() % 10),
            following: Some(800 + rng.next_u64() % 2200),
            post_count: Some(rng.next_u64() % 5),
            created_at: Some(now - 86_400 * (1 + (rng.next_u64() % 5) as i64)),
            bio: Some(String::new()),
            default_avatar: Some(true),
            likes_given: Some(0),
            listed: Some(0),
            verified: Some(false),
            ..Default::default()
        },
    }
}

/// A fake dressed up to pass a glance: months old, a few dozen followers, some posts and likes,
/// a bio half the time, a real picture, a name with a short number.
pub(super) fn dressed_up_profile(k: usize, rng: &mut Xoshiro256PlusPlus, now: i64) -> Account {
    let digits = 10 + rng.next_u64() % 90;
    Account {
        platform: PLATFORM.into(),
        ext_id: format!("dressed-{k}"),
        handle: Some(format!("jess_miller{digits}")),
        display_name: None,
        profile: Profile {
            followers: Some(50 + rng.next_u64() % 250),
            following: Some(200 + rng.next_u64() % 600),
            post_count: Some(50 + rng.next_u64() % 750),
            created_at: Some(now - 86_400 * (180 + (rng.next_u64() % 720) as i64)),
            bio: Some("x".repeat(20 + (rng.next_u64() % 100) as usize)),
            default_avatar: Some(false),
            likes_given: Some(10 + rng.next_u64() % 290),
            listed: Some(0),
            verified: Some(false),
            ..Default::default()
        },
    }
}

fn within_last_day(rng: &mut Xoshiro256PlusPlus, now: i64) -> Option<i64> {
    Some(now - 1 - (rng.next_u64() % 86_400) as i64)
}

fn react(
    actor: i64,
    target: i64,
    kind: InteractionKind,
    time: Option<i64>,
    post: Option<i64>,
) -> Reaction {
    Reaction {
        actor,
        target,
        kind,
        time,
        weight: 1.0,
        post,
    }
}

/// The real reactions of the input, before any attack: whom the clockwork bots and the diluted pod
/// hide among, and what the control draws from.
pub(super) struct RealReactions {
    /// Every account that reacted to another, once each, ascending.
    pub reactors: Vec<i64>,
    /// The kind of every reaction, so the control draws kinds as often as the data has them.
    pub kinds: Vec<InteractionKind>,
}

impl RealReactions {
    pub fn of(input: &ScoreInput) -> Self {
        let reactions = || input.reactions.iter().filter(|r| r.kind.is_reaction());
        let mut reactors: Vec<i64> = reactions().map(|r| r.actor).collect();
        reactors.sort_unstable();
        reactors.dedup();
        RealReactions {
            reactors,
            kinds: reactions().map(|r| r.kind).collect(),
        }
    }
}

/// `input` with `attack` on `target` added.
pub(super) fn attacked(
    input: &ScoreInput,
    attack: Attack,
    target: i64,
    req: &RedteamRequest,
    trust: &TrustModel,
    real: &RealReactions,
) -> ScoreInput {
    let mut out = input.clone();
    let now = input.reference_time;
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(req.seed ^ (target as u64) ^ (attack as u64) << 56);
    let real_reactors = &real.reactors;
    match attack {
        Attack::FakeFollowers | Attack::DoubtfulAccounts => {
            let fakes: Vec<(i64, Account)> = (0..req.size)
                .map(|k| match attack {
                    Attack::FakeFollowers => (fresh_id("fake", k), fake_profile(k, &mut rng, now)),
                    _ => (fresh_id("dressed", k), dressed_up_profile(k, &mut rng, now)),
                })
                .collect();
            for (id, w) in earshot_trust::authenticity_weights(&fakes, trust) {
                out.authenticity.insert(id, w);
            }
            for (k, (id, _)) in fakes.iter().enumerate() {
                let kind = if k % 2 == 0 {
                    InteractionKind::Reshare
                } else {
                    InteractionKind::Mention
                };
                let t = within_last_day(&mut rng, now);
                out.reactions.push(react(*id, target, kind, t, None));
            }
        }
        Attack::ClockworkBots => {
            // req.size reactions to the target, from req.size / 10 bots (at least one).
            let bots = (req.size / 10).max(1);
            for b in 0..bots {
                let bot = fresh_id("clockwork", b);
                let start = now - 86_400 + (rng.next_u64() % 600) as i64;
                for k in 0..144i64 {
                    let t = start + k * 600 + (rng.next_u64() % 121) as i64 - 60;
                    let to = if k % 14 == (b % 14) as i64 || real_reactors.is_empty() {
                        target
                    } else {
                        real_reactors[(rng.next_u64() % real_reactors.len() as u64) as usize]
                    };
                    out.reactions.push(react(
                        bot,
                        to,
                        InteractionKind::Reshare,
                        Some(t.min(now - 1)),
                        None,
                    ));
                }
            }
        }
        Attack::Pod | Attack::DilutedPod => {
            let pod: Vec<i64> = (0..req.pod).map(|k| fresh_id("pod", k)).collect();
            if attack == Attack::DilutedPod && !real_reactors.is_empty() {
                for &a in &pod {
                    for _ in 0..req.pod {
                        let o =
                            real_reactors[(rng.next_u64() % real_reactors.len() as u64) as usize];
                        let t = within_last_day(&mut rng, now);
                        out.reactions
                            .push(react(a, o, InteractionKind::Reshare, t, None));
                    }
                }
            }
            let kinds = [
                InteractionKind::Reshare,
                InteractionKind::Mention,
                InteractionKind::Reply,
            ];
            for (i, &a) in pod.iter().enumerate() {
                for r in 0..req.pod_repeats {
                    let kind = kinds[(i + r) % kinds.len()];
                    for &b in pod.iter().filter(|&&b| b != a) {
                        let t = within_last_day(&mut rng, now);
                        out.reactions.push(react(a, b, kind, t, None));
                    }
                    let t = within_last_day(&mut rng, now);
                    out.reactions.push(react(a, target, kind, t, None));
                }
            }
        }
        Attack::SpamPosts => {
            const PADDING: [&str; 8] = [
                "!!",
                "🔥🔥",
                "wow",
                "so true",
                "100%",
                "must see",
                "right now",
                "👏",
            ];
            for k in 0..req.size {
                let author = fresh_id("spammer", k);
                let post = fresh_id("spam-post", k);
                let text = format!(
                    "Everyone go follow @target right now, the most amazing deals and giveaways on the whole internet today {} {}",
                    PADDING[k % PADDING.len()],
                    k % 97
                );
                let t = within_last_day(&mut rng, now).unwrap_or(now - 1);
                out.posts.insert(
                    post,
                    PostInfo {
                        author,
                        time: t,
                        text: Some(text),
                        reply_to: None,
                        quote_of: None,
                    },
                );
                out.reactions.push(react(
                    author,
                    target,
                    InteractionKind::Mention,
                    Some(t),
                    Some(post),
                ));
            }
            let reasons = flag_posts(&out.posts);
            out.set_flag_reasons(reasons);
        }
        Attack::Control => {
            let pool: Vec<i64> = real_reactors
                .iter()
                .copied()
                .filter(|&r| r != target)
                .collect();
            for _ in 0..req.size.min(pool.len()) {
                let a = pool[(rng.next_u64() % pool.len() as u64) as usize];
                let kind = real.kinds[(rng.next_u64() % real.kinds.len() as u64) as usize];
                let t = within_last_day(&mut rng, now);
                out.reactions.push(react(a, target, kind, t, None));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny input: accounts 1–4 react to each other, so there are real reactors to hide among.
    fn input() -> ScoreInput {
        let mut input = ScoreInput {
            reference_time: 1_000_000,
            ..Default::default()
        };
        for (a, b) in [(1, 2), (2, 3), (3, 4), (4, 1)] {
            let r = react(a, b, InteractionKind::Reshare, Some(999_000), None);
            input.reactions.push(r);
        }
        input
    }

    fn request() -> RedteamRequest {
        RedteamRequest {
            size: 30,
            pod: 5,
            pod_repeats: 2,
            ..RedteamRequest::default()
        }
    }

    /// How many reactions `attack` adds to `input()` aimed at account 2.
    fn added(attack: Attack) -> usize {
        let input = input();
        let real = RealReactions::of(&input);
        let out = attacked(&input, attack, 2, &request(), &TrustModel::builtin(), &real);
        out.reactions.len() - input.reactions.len()
    }

    #[test]
    fn each_attack_adds_what_its_size_says() {
        let req = request();
        assert_eq!(added(Attack::FakeFollowers), req.size);
        assert_eq!(added(Attack::DoubtfulAccounts), req.size);
        // size / 10 bots, each resharing every ten minutes for a day.
        assert_eq!(added(Attack::ClockworkBots), 3 * 144);
        // Each member to every other member and to the target, pod_repeats times.
        assert_eq!(added(Attack::Pod), req.pod * req.pod_repeats * req.pod);
        assert_eq!(
            added(Attack::DilutedPod),
            req.pod * req.pod_repeats * req.pod + req.pod * req.pod
        );
        assert_eq!(added(Attack::SpamPosts), req.size);
        // The control draws from the real reactors other than the target (1, 3 and 4), and makes no
        // more reactions than there are of them: it never invents accounts.
        assert_eq!(added(Attack::Control), 3);
    }

    #[test]
    fn the_same_request_attacks_the_same_way() {
        let input = input();
        let real = RealReactions::of(&input);
        let trust = TrustModel::builtin();
        for attack in Attack::ALL {
            let once = attacked(&input, attack, 2, &request(), &trust, &real);
            let again = attacked(&input, attack, 2, &request(), &trust, &real);
            let times = |i: &ScoreInput| i.reactions.iter().map(|r| r.time).collect::<Vec<_>>();
            assert_eq!(times(&once), times(&again), "{attack:?}");
        }
    }

    #[test]
    fn real_reactions_list_each_reactor_once() {
        let real = RealReactions::of(&input());
        assert_eq!(real.reactors, vec![1, 2, 3, 4]);
        assert_eq!(real.kinds.len(), 4);
    }
}
