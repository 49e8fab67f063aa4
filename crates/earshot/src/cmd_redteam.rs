//! `earshot redteam`: attack the scores the way influence was gamed, and measure how far each attack
//! moves its target, beside a control of real reactions that should move it.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{bail, Result};
use clap::Args;
use earshot_app::error::UsageError;
use earshot_app::sources::{apply_behaviour, flag_posts, load_input_before_behaviour, Text};
use earshot_model::{stable_id, Account, InteractionKind, Profile};
use earshot_score::{score, PostInfo, Reaction, ScoreInput, ScoreModel};
use earshot_store::TimeWindow;
use earshot_trust::TrustModel;
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Inject the classic ways of gaming influence scores into the stored data (in memory: the database is
/// never written) and report how much each moves a target's overall score.
///
/// Targets are the scored accounts at the given percentiles of the overall score. Attacks: (a) fake accounts
/// with bought-follower profiles that each reshare or mention the target; (b) a pod of accounts that
/// react to each other and to the target many times, and (b2) the same pod also reacting to as many real
/// accounts as it has members, to hide among outsiders; (c) near-duplicate spam posts mentioning the
/// target, one per fresh account; (d) the control: the same number of reactions from real reactors in
/// the data, which should move the score.
#[derive(Args, Debug)]
#[command(after_help = "Example (Higgs, as in EVALUATION.md):
  earshot import --format higgs --platform higgs higgs-activity_time.txt.gz
  earshot redteam")]
pub struct RedteamArgs {
    #[arg(long)]
    pub platform: Option<String>,
    /// Fake accounts (a), spam posts (c) and control reactions (d) per attack.
    #[arg(long, default_value_t = 1000)]
    pub size: usize,
    /// Accounts in the pod (b).
    #[arg(long, default_value_t = 50)]
    pub pod: usize,
    /// Reactions from each pod member to each other member and to the target.
    #[arg(long, default_value_t = 20)]
    pub pod_repeats: usize,
    /// Target percentiles of the overall score, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "50,90,99")]
    pub targets: Vec<f64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum Attack {
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
    const ALL: [Attack; 7] = [
        Attack::FakeFollowers,
        Attack::DoubtfulAccounts,
        Attack::ClockworkBots,
        Attack::Pod,
        Attack::DilutedPod,
        Attack::SpamPosts,
        Attack::Control,
    ];

    fn label(self) -> &'static str {
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

const PLATFORM: &str = "redteam";

fn fresh_id(kind: &str, k: usize) -> i64 {
    stable_id("redteam", PLATFORM, &format!("{kind}-{k}"))
}

/// A bought follower: new, empty, following thousands, followed by nobody, a generated name.
fn fake_profile(k: usize, rng: &mut Xoshiro256PlusPlus, now: i64) -> Account {
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
fn dressed_up_profile(k: usize, rng: &mut Xoshiro256PlusPlus, now: i64) -> Account {
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

/// `input` with `attack` on `target` added.
fn attacked(
    input: &ScoreInput,
    attack: Attack,
    target: i64,
    args: &RedteamArgs,
    trust: &TrustModel,
    real_reactors: &[i64],
    real_kinds: &[InteractionKind],
) -> ScoreInput {
    let mut out = input.clone();
    let now = input.reference_time;
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(args.seed ^ (target as u64) ^ (attack as u64) << 56);
    match attack {
        Attack::FakeFollowers | Attack::DoubtfulAccounts => {
            let fakes: Vec<(i64, Account)> = (0..args.size)
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
            // args.size reactions to the target, from args.size / 10 bots (at least one).
            let bots = (args.size / 10).max(1);
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
            let pod: Vec<i64> = (0..args.pod).map(|k| fresh_id("pod", k)).collect();
            if attack == Attack::DilutedPod && !real_reactors.is_empty() {
                for &a in &pod {
                    for _ in 0..args.pod {
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
                for r in 0..args.pod_repeats {
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
            for k in 0..args.size {
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
            let flags = flag_posts(&out.posts);
            out.set_flags(flags);
        }
        Attack::Control => {
            let pool: Vec<i64> = real_reactors
                .iter()
                .copied()
                .filter(|&r| r != target)
                .collect();
            for _ in 0..args.size.min(pool.len()) {
                let a = pool[(rng.next_u64() % pool.len() as u64) as usize];
                let kind = real_kinds[(rng.next_u64() % real_kinds.len() as u64) as usize];
                let t = within_last_day(&mut rng, now);
                out.reactions.push(react(a, target, kind, t, None));
            }
        }
    }
    out
}

#[derive(serde::Serialize)]
struct Outcome {
    attack: Attack,
    score: f64,
    change: f64,
    /// The change had the burst rule not applied (an ablation, where bursts were found).
    change_without_bursts: Option<f64>,
}

#[derive(serde::Serialize)]
struct TargetReport {
    percentile: f64,
    account: i64,
    name: String,
    score: f64,
    outcomes: Vec<Outcome>,
}

pub fn run(cli: &Ctx, args: &RedteamArgs) -> Result<Exit> {
    if args.targets.iter().any(|q| !(0.0..=100.0).contains(q)) {
        return Err(UsageError("--targets are percentiles between 0 and 100".into()).into());
    }
    if args.size == 0 || args.pod < 2 || args.pod_repeats == 0 {
        return Err(UsageError("--size, --pod-repeats must be ≥ 1 and --pod ≥ 2".into()).into());
    }
    let store = cli.open_store()?;
    let model = ScoreModel::builtin();
    let trust = TrustModel::builtin();
    let (input, n) = load_input_before_behaviour(
        &store,
        TimeWindow::default(),
        args.platform.as_deref(),
        Some(&trust),
    )?;
    if input.reactions.is_empty() {
        bail!("no interactions in {}: import data first", cli.db.display());
    }
    let base = {
        let mut inp = input.clone();
        apply_behaviour(&mut inp);
        score(&inp, &model, &Text)?
    };
    // What the trust model makes of the profiles attacks (a) and (a2) use: mean weight, and the share
    // of accounts weighing under the burst rule's bar.
    let weigh = |profile: fn(usize, &mut Xoshiro256PlusPlus, i64) -> Account| {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(args.seed);
        let now = input.reference_time;
        let fakes: Vec<(i64, Account)> = (0..args.size.min(1000))
            .map(|k| (fresh_id("probe", k), profile(k, &mut rng, now)))
            .collect();
        let w = earshot_trust::authenticity_weights(&fakes, &trust);
        let n = w.len().max(1) as f64;
        let bar = earshot_trust::BurstRule::default().suspect_below;
        (
            w.iter().map(|(_, w)| w).sum::<f64>() / n,
            w.iter().filter(|(_, w)| *w < bar).count() as f64 / n,
        )
    };
    let (fake_weight, _) = weigh(fake_profile);
    let (dressed_weight, dressed_doubtful) = weigh(dressed_up_profile);
    if base.is_empty() {
        bail!(
            "nothing left to score in {}: every reaction was discarded as spam or a copy",
            cli.db.display()
        );
    }
    // Targets are taken among the scored accounts: with a predicting model, an account without
    // authentic engagement has no score to move.
    let mut by_score: Vec<usize> = (0..base.len()).filter(|&i| base.is_scored(i)).collect();
    if by_score.is_empty() {
        bail!(
            "no account in {} has authentic engagement to score, so there is no target to attack",
            cli.db.display()
        );
    }
    by_score.sort_by(|&a, &b| {
        base.overall[a]
            .total_cmp(&base.overall[b])
            .then(base.accounts[a].cmp(&base.accounts[b]))
    });
    let mut real_reactors: Vec<i64> = input
        .reactions
        .iter()
        .filter(|r| r.kind.is_reaction())
        .map(|r| r.actor)
        .collect();
    real_reactors.sort_unstable();
    real_reactors.dedup();
    let real_kinds: Vec<InteractionKind> = input
        .reactions
        .iter()
        .filter(|r| r.kind.is_reaction())
        .map(|r| r.kind)
        .collect();
    if !cli.quiet && !cli.json {
        eprintln!(
            "scored {} accounts from {n} interactions; {} attacks on {} targets…",
            base.len(),
            Attack::ALL.len(),
            args.targets.len()
        );
    }
    let mut reports = Vec::new();
    for &q in &args.targets {
        let i = by_score[((q / 100.0) * (by_score.len() - 1) as f64).round() as usize];
        let account = base.accounts[i];
        let before = base.overall[i];
        let mut outcomes = Vec::new();
        for attack in Attack::ALL {
            let mut inp = attacked(
                &input,
                attack,
                account,
                args,
                &trust,
                &real_reactors,
                &real_kinds,
            );
            let bursts = apply_behaviour(&mut inp);
            let t = score(&inp, &model, &Text)?;
            let after = t.position(account).map_or(before, |j| t.overall[j]);
            let change_without_bursts = if bursts.is_empty() {
                None
            } else {
                inp.pair_weights.clear();
                let t = score(&inp, &model, &Text)?;
                Some(t.position(account).map_or(before, |j| t.overall[j]) - before)
            };
            outcomes.push(Outcome {
                attack,
                score: after,
                change: after - before,
                change_without_bursts,
            });
        }
        reports.push(TargetReport {
            percentile: q,
            account,
            name: earshot_app::accounts::display_name(&store, account)?,
            score: before,
            outcomes,
        });
    }
    if cli.json {
        println!(
            "{}",
            serde_json::json!({"size": args.size, "pod": args.pod, "pod_repeats": args.pod_repeats,
                "fake_account_mean_authenticity": fake_weight,
                "dressed_up_mean_authenticity": dressed_weight,
                "dressed_up_doubtful_share": dressed_doubtful,
                "seed": args.seed, "model_version": model.version, "trust_model": trust.version,
                "targets": reports})
        );
        return Ok(Exit::Ok);
    }
    println!(
        "score change of each target (model {}, trust {}); attacks should move a score by at most 2 points, the control by at least 5 at the 50th percentile\n",
        model.version, trust.version
    );
    println!("bought-follower profiles drawn like attack (a)'s weigh {fake_weight:.3} on average (1 − 2p, floored at 0)");
    println!(
        "dressed-up fakes drawn like attack (a2)'s weigh {dressed_weight:.3} on average; {:.0}% of them are doubtful (under {})\n",
        dressed_doubtful * 100.0,
        earshot_trust::BurstRule::default().suspect_below
    );
    print!("  {:<10} {:<24} {:>7}", "target", "account", "score");
    for a in Attack::ALL {
        print!(" {:>18}", a.label());
    }
    println!();
    for r in &reports {
        print!("  p{:<9} {:<24} {:>7.1}", r.percentile, r.name, r.score);
        for o in &r.outcomes {
            print!(" {:>+18.1}", o.change);
        }
        println!();
    }
    let ablation: Vec<String> = reports
        .iter()
        .flat_map(|r| {
            r.outcomes.iter().filter_map(move |o| {
                o.change_without_bursts
                    .map(|c| format!("{} on p{}: {c:+.1}", o.attack.label(), r.percentile))
            })
        })
        .collect();
    if !ablation.is_empty() {
        println!(
            "\nwithout the burst rule (doubtful new reactors arriving together earn nothing), the changes would have been: {}",
            ablation.join("; ")
        );
    }
    Ok(Exit::Ok)
}
