//! Properties the score promises (issue 3): more authentic reactions never lower the target's score; one
//! reactor's repeated reactions are bounded; results do not depend on runs or threads.

use earshot_model::InteractionKind;
use earshot_score::{
    score, Component, Feature, PostInfo, Predictor, Reaction, ReplyClass, Scale, ScoreInput,
    ScoreModel, TextSignals,
};
use proptest::prelude::*;

/// Plain stand-ins for the text crate: a question has a '?', a reply under 12 characters is trivial.
struct SimpleText;
impl TextSignals for SimpleText {
    fn is_question(&self, text: &str) -> bool {
        text.contains('?')
    }
    fn reply_class(&self, text: &str) -> ReplyClass {
        if text.len() < 12 {
            ReplyClass::Trivial
        } else {
            ReplyClass::Substantive
        }
    }
}

const KINDS: [InteractionKind; 6] = [
    InteractionKind::Reply,
    InteractionKind::Mention,
    InteractionKind::Reshare,
    InteractionKind::Quote,
    InteractionKind::Like,
    InteractionKind::Follow,
];

fn reactions() -> impl Strategy<Value = Vec<Reaction>> {
    // Some reactions have no time (undated likes, edge lists): the reacted-back rule must cope.
    let time = prop::option::weighted(0.85, 0i64..1_000_000);
    prop::collection::vec((0i64..12, 0i64..12, 0usize..6, time), 1..80).prop_map(|v| {
        v.into_iter()
            .map(|(actor, target, k, time)| Reaction {
                actor,
                target,
                kind: KINDS[k],
                time,
                weight: 1.0,
                post: None,
            })
            .collect()
    })
}

/// A run's input over a fixed window, [0, 1_000_000): as in a run, the window's ends are the run's, not
/// moved by the reaction a property adds (a score is a rate over its window).
fn input(reactions: Vec<Reaction>) -> ScoreInput {
    ScoreInput {
        reactions,
        reference_time: 1_000_000,
        window_start: Some(0),
        ..Default::default()
    }
}

fn overall_of(input: &ScoreInput, account: i64) -> f64 {
    let t = score(input, &ScoreModel::builtin(), &SimpleText).unwrap();
    t.position(account).map_or(1.0, |i| t.overall[i])
}

/// The built-in model with a predictor that uses every feature (each coefficient > 0) and a scale.
fn predicting_model() -> ScoreModel {
    let mut m = ScoreModel::builtin();
    m.predictor = Some(Predictor {
        intercept: -1.0,
        coefficients: Feature::ALL
            .iter()
            .enumerate()
            .map(|(i, f)| (*f, 0.1 + 0.07 * i as f64))
            .collect(),
        fitted_on: "test".into(),
    });
    m.scale = Some(Scale {
        anchor_score: 25.0,
        anchor_expected: 1.0,
        points_per_doubling: 10.0,
    });
    m
}

/// ln(expected engagement) of `account` under the predicting model (−∞ when it is not in the table).
fn expected_of(input: &ScoreInput, account: i64) -> f64 {
    let t = score(input, &predicting_model(), &SimpleText).unwrap();
    match (t.position(account), &t.prediction) {
        (Some(i), Some(p)) => p.log_expected[i],
        _ => f64::NEG_INFINITY,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Adding one authentic reaction (of a kind that is not a question to answer) never lowers the
    /// target's overall score.
    #[test]
    fn an_added_reaction_never_lowers_the_target(base in reactions(), actor in 0i64..14, target in 0i64..14, k in 0usize..5, time in prop::option::weighted(0.85, 0i64..1_000_000)) {
        prop_assume!(actor != target);
        let kind = [InteractionKind::Reshare, InteractionKind::Quote, InteractionKind::Like, InteractionKind::Reply, InteractionKind::Mention][k];
        let before = overall_of(&input(base.clone()), target);
        let mut more = base;
        more.push(Reaction { actor, target, kind, time, weight: 1.0, post: None });
        let after = overall_of(&input(more), target);
        prop_assert!(after >= before - 1e-9, "{before} -> {after}");
    }

    /// The same with a predictor that uses every feature: an added authentic reaction never lowers the
    /// target's expected engagement.
    #[test]
    fn an_added_reaction_never_lowers_the_targets_expected_engagement(base in reactions(), actor in 0i64..14, target in 0i64..14, k in 0usize..5, time in prop::option::weighted(0.85, 0i64..1_000_000)) {
        prop_assume!(actor != target);
        let kind = [InteractionKind::Reshare, InteractionKind::Quote, InteractionKind::Like, InteractionKind::Reply, InteractionKind::Mention][k];
        let before = expected_of(&input(base.clone()), target);
        let mut more = base;
        more.push(Reaction { actor, target, kind, time, weight: 1.0, post: None });
        let after = expected_of(&input(more), target);
        prop_assert!(after >= before - 1e-9, "{before} -> {after}");
    }

    /// One reactor repeating its reaction 100 times raises the target's audience by at most 1 (its
    /// credit saturates at 1), however many times it had reacted before.
    #[test]
    fn repeats_of_one_reactor_are_bounded(base in reactions(), reactor in 0i64..12, target in 0i64..12) {
        prop_assume!(reactor != target);
        let model = ScoreModel::builtin();
        let mut with_one = base.clone();
        with_one.push(Reaction { actor: reactor, target, kind: InteractionKind::Like, time: Some(999_999), weight: 1.0, post: None });
        let mut with_many = with_one.clone();
        for _ in 0..100 {
            with_many.push(Reaction { actor: reactor, target, kind: InteractionKind::Like, time: Some(999_999), weight: 1.0, post: None });
        }
        let a = score(&input(with_one), &model, &SimpleText).unwrap();
        let b = score(&input(with_many), &model, &SimpleText).unwrap();
        let aud = |t: &earshot_score::ScoreTable| t.position(target).map_or(0.0, |i| t.raw[0][i]);
        let base_aud = {
            let t = score(&input(base), &model, &SimpleText).unwrap();
            aud(&t)
        };
        prop_assert!(aud(&b) - base_aud <= 1.0 + 1e-12, "{} -> {}", base_aud, aud(&b));
        prop_assert!(aud(&b) >= aud(&a) - 1e-12);
    }
}

#[test]
fn identical_across_runs_and_thread_counts() {
    let mut rs = Vec::new();
    for i in 0..20_000i64 {
        let actor = (i * 7919) % 3001;
        let target = (i * 104_729 + i / 7) % 2999;
        rs.push(Reaction {
            actor,
            target,
            kind: KINDS[(i % 5) as usize],
            time: Some(i * 37),
            weight: 1.0,
            post: None,
        });
    }
    let inp = ScoreInput {
        reactions: rs,
        reference_time: 20_000 * 37,
        ..Default::default()
    };
    let model = ScoreModel::builtin();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| score(&inp, &model, &SimpleText).unwrap())
    };
    let (a, b, c) = (run(1), run(2), run(2));
    for t in [&b, &c] {
        assert_eq!(a.accounts, t.accounts);
        for (x, y) in a.overall.iter().zip(&t.overall) {
            assert!((x - y).abs() <= 1e-9, "{x} vs {y}");
        }
    }
}

#[test]
fn conversation_credits_answers_by_substance_and_counts_broadcasters() {
    // 1 and 2 ask 9 something; 9 answers 1 substantively and 2 with "thanks :)"; 3 asks 8, who never answers.
    let posts: Vec<(i64, PostInfo)> = vec![
        (
            100,
            PostInfo {
                author: 1,
                time: 10,
                text: Some("@nine can you help me rebook?".into()),
                reply_to: None,
                quote_of: None,
            },
        ),
        (
            101,
            PostInfo {
                author: 2,
                time: 11,
                text: Some("@nine where is my bag?".into()),
                reply_to: None,
                quote_of: None,
            },
        ),
        (
            102,
            PostInfo {
                author: 9,
                time: 20,
                text: Some("@one yes, we moved you to the 6pm flight".into()),
                reply_to: Some(100),
                quote_of: None,
            },
        ),
        (
            103,
            PostInfo {
                author: 9,
                time: 21,
                text: Some("thanks :)".into()),
                reply_to: Some(101),
                quote_of: None,
            },
        ),
        (
            104,
            PostInfo {
                author: 3,
                time: 12,
                text: Some("@eight why?".into()),
                reply_to: None,
                quote_of: None,
            },
        ),
    ];
    let r = |actor, target, kind, time, post| Reaction {
        actor,
        target,
        kind,
        time: Some(time),
        weight: 1.0,
        post: Some(post),
    };
    let reactions = vec![
        r(1, 9, InteractionKind::Mention, 10, 100),
        r(2, 9, InteractionKind::Mention, 11, 101),
        r(9, 1, InteractionKind::Reply, 20, 102),
        r(9, 2, InteractionKind::Reply, 21, 103),
        r(3, 8, InteractionKind::Mention, 12, 104),
    ];
    let inp = ScoreInput {
        reactions,
        posts: posts.into_iter().collect(),
        reference_time: 30,
        ..Default::default()
    };
    let model = ScoreModel::builtin();
    let t = score(&inp, &model, &SimpleText).unwrap();
    let nine = t.position(9).unwrap();
    let eight = t.position(8).unwrap();
    let s = t.conversation[nine];
    assert_eq!(
        (
            s.askers,
            s.askers_answered,
            s.replies_sent,
            s.trivial_replies
        ),
        (2, 2, 2, 1)
    );
    let want = model.substance.substantive + model.substance.trivial;
    assert!((t.raw[2][nine] - want).abs() < 1e-12, "{}", t.raw[2][nine]);
    assert_eq!(t.conversation[eight].askers, 1);
    assert_eq!(t.conversation[eight].answered_share(), Some(0.0));
    assert_eq!(t.raw[2][eight], 0.0);
    assert!(t.overall[nine] > t.overall[eight]);

    // Explanations name who was left unanswered, with what they asked; 9 answered everyone.
    let ev8 = earshot_score::evidence(&inp, &model, &t, 8, 5).unwrap();
    assert_eq!(ev8.unanswered, vec![(3, Some("@eight why?".to_string()))]);
    let ev9 = earshot_score::evidence(&inp, &model, &t, 9, 5).unwrap();
    assert!(ev9.unanswered.is_empty());
    assert!(
        ev9.posts.is_empty(),
        "mentions carry the askers' posts, not 9's"
    );
    assert_eq!(ev9.distinct_reactors, 2);
}

/// A follow-back is not a new listener: a reactor who only reacted after the account had reacted to it
/// earns the model's `reciprocal_credit` share, while the account that answered someone who reached out
/// first keeps that reactor's full credit.
#[test]
fn reacting_back_earns_the_reciprocal_share_and_answering_costs_nothing() {
    let r = |actor, target, kind, time| Reaction {
        actor,
        target,
        kind,
        time: Some(time),
        weight: 1.0,
        post: None,
    };
    // 1 reshares 2 first; 2 reshares 1 back later. 3 reshares 2 and 2 never reacts to 3.
    let reactions = vec![
        r(1, 2, InteractionKind::Reshare, 10),
        r(2, 1, InteractionKind::Reshare, 20),
        r(3, 4, InteractionKind::Reshare, 10),
    ];
    let inp = ScoreInput {
        reactions,
        reference_time: 30,
        ..Default::default()
    };
    for share in [0.0, 0.5, 1.0] {
        let mut model = ScoreModel::builtin();
        model.reciprocal_credit = share;
        model.half_life_days = 0.0; // no decay: reactions at different times weigh the same
        let t = score(&inp, &model, &SimpleText).unwrap();
        let aud = |a: i64| t.raw[0][t.position(a).unwrap()];
        // 2 was reached out to first: 1's reshare counts in full, like 3's does for 4.
        assert!((aud(2) - aud(4)).abs() < 1e-12, "{} vs {}", aud(2), aud(4));
        // 1 only got a reshare back.
        assert!(
            (aud(1) - share * aud(4)).abs() < 1e-12,
            "share {share}: {}",
            aud(1)
        );
        let ev = earshot_score::evidence(&inp, &model, &t, 1, 5).unwrap();
        assert!(ev.reactors[0].reciprocating);
        assert!((ev.reactors[0].audience_credit - aud(1)).abs() < 1e-12);
        let ev = earshot_score::evidence(&inp, &model, &t, 2, 5).unwrap();
        assert!(!ev.reactors[0].reciprocating);
    }
    // Without times the order is unknown, and nobody is discounted.
    let untimed = ScoreInput {
        reactions: inp
            .reactions
            .iter()
            .map(|x| Reaction { time: None, ..*x })
            .collect(),
        reference_time: 30,
        ..Default::default()
    };
    let t = score(&untimed, &ScoreModel::builtin(), &SimpleText).unwrap();
    assert_eq!(
        t.raw[0][t.position(1).unwrap()],
        t.raw[0][t.position(2).unwrap()]
    );
}

/// Regression (review of issue 3/4 work): an untimed reaction makes a pair's order unknown, so a
/// later timed reaction from the same reactor cannot turn it into "reacted back" and cost its target.
#[test]
fn a_timed_reaction_after_an_untimed_one_never_costs_the_target() {
    let r = |actor, target, kind, time| Reaction {
        actor,
        target,
        kind,
        time,
        weight: 1.0,
        post: None,
    };
    let mut base = vec![
        r(2, 1, InteractionKind::Reshare, Some(10)),
        r(3, 1, InteractionKind::Reshare, Some(20)),
        r(4, 1, InteractionKind::Reshare, Some(30)),
        r(9, 1, InteractionKind::Mention, None),
        r(1, 9, InteractionKind::Mention, Some(100)),
        r(5, 6, InteractionKind::Reshare, Some(40)),
    ];
    let before = overall_of(&input(base.clone()), 1);
    base.push(r(9, 1, InteractionKind::Mention, Some(200)));
    let after = overall_of(&input(base), 1);
    assert!(after >= before - 1e-9, "{before} -> {after}");
}

#[test]
fn a_pair_weight_silences_one_reactor_for_one_target_only() {
    // Accounts 1..=6 reshare both 100 and 200; 7 and 8 reshare 100 only, 9 and 10 reshare 200 only.
    let mut rs = Vec::new();
    let mut push = |actor: i64, target: i64| {
        rs.push(Reaction {
            actor,
            target,
            kind: InteractionKind::Reshare,
            time: Some(1_000),
            weight: 1.0,
            post: None,
        })
    };
    for a in 1..=6 {
        push(a, 100);
        push(a, 200);
    }
    push(7, 100);
    push(8, 100);
    push(9, 200);
    push(10, 200);
    let plain = input(rs);
    let mut burst = plain.clone();
    // 1..=6 arrived at 100 in a burst: their reactions to 100 earn nothing, to 200 everything.
    for a in 1..=6 {
        burst.pair_weights.insert((a, 100), 0.0);
    }
    let model = ScoreModel::builtin();
    let (p, b) = (
        score(&plain, &model, &SimpleText).unwrap(),
        score(&burst, &model, &SimpleText).unwrap(),
    );
    let raw = |t: &earshot_score::ScoreTable, c: Component, a: i64| {
        t.raw[c.index()][t.position(a).unwrap()]
    };
    for c in [Component::Audience, Component::Amplification] {
        // 100 keeps only 7 and 8: a quarter of what eight equal reactors gave it.
        assert!(
            (raw(&b, c, 100) - raw(&p, c, 100) * 2.0 / 8.0).abs() < 1e-9,
            "{c:?}"
        );
        assert_eq!(raw(&b, c, 200), raw(&p, c, 200), "{c:?}");
    }
    assert!(raw(&b, Component::Authority, 100) < raw(&p, Component::Authority, 100));
    assert!(b.overall[b.position(100).unwrap()] < p.overall[p.position(100).unwrap()]);
}
