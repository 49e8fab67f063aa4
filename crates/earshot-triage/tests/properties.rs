//! The promises of the triage policy, checked on any input: any valid policy, any author (scores and
//! authenticities out of range or not numbers included), any text and any arrival time.

use earshot_sentiment::Polarity;
use earshot_triage::{decide, decide_with, Author, Decision, Message, Policy, Signals};
use proptest::prelude::*;

fn maybe_number(range: std::ops::Range<f64>) -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(f64::NAN)),
        1 => prop_oneof![Just(f64::INFINITY), Just(f64::NEG_INFINITY), any::<f64>()].prop_map(Some),
        6 => range.prop_map(Some),
    ]
}

fn author() -> impl Strategy<Value = Author> {
    (maybe_number(-20.0..130.0), maybe_number(-0.5..1.5)).prop_map(|(score, authenticity)| Author {
        score,
        authenticity,
    })
}

fn received() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => 0i64..4_000_000_000,
        1 => any::<i64>(),
        1 => prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(i64::MAX - 3_600)],
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        1i64..=earshot_triage::MAX_FLOOR_SECS,
        0.0f64..=1.0,
        prop::array::uniform4(0i64..200_000),
        0.0f64..0.99,
        1.0f64..99.0,
        (0.01f64..0.98, 0.0f64..1.0),
    )
        .prop_map(
            |(floor, window_share, adv, negative_from, from_score, (p1, gap))| {
                let p = Policy {
                    floor_secs: floor,
                    min_window_secs: (floor as f64 * window_share) as i64,
                    negative_secs: adv[0],
                    negative_from,
                    complaint_secs: adv[1],
                    question_secs: adv[2],
                    influence_secs: adv[3],
                    influence_from_score: from_score,
                    p1_within: p1,
                    p2_within: p1 + (0.99 - p1) * gap.max(0.01),
                };
                assert_eq!(p.validate(), Ok(()), "{p:?}");
                p
            },
        )
}

fn signals() -> impl Strategy<Value = Signals> {
    (
        prop_oneof![8 => 0.0f64..=1.0, 1 => Just(f64::NAN), 1 => any::<f64>()],
        prop::collection::vec(
            prop::sample::select(&earshot_triage::COMPLAINT_MARKERS[..]),
            0..3,
        ),
        any::<bool>(),
    )
        .prop_map(|(negative, markers, question)| Signals {
            negative,
            polarity: Polarity::Neutral,
            complaint_markers: markers.into_iter().map(String::from).collect(),
            question,
            truncated: false,
        })
}

const TEXT: Message = Message {
    text: "",
    received: 0,
    channel: "twitter",
};

fn at(received: i64) -> Message<'static> {
    Message { received, ..TEXT }
}

fn unscored() -> Author {
    Author::default()
}

fn urgency(d: &Decision) -> Vec<(String, i64)> {
    d.reasons
        .iter()
        .filter(|r| r.code != "influence")
        .map(|r| (r.code.clone(), r.advance_secs))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn due_by_lies_between_arrival_and_the_floor(
        p in policy(), a in author(), s in signals(), t in received()
    ) {
        let d = decide_with(&p, &at(t), &a, &s);
        prop_assert!(d.due_by >= t, "{d:?}");
        prop_assert!(d.due_by <= d.floor_due_by, "{d:?}");
        prop_assert_eq!(d.floor_due_by, t.saturating_add(p.floor_secs));
        prop_assert!((1..=4).contains(&d.priority));
        prop_assert!(d.advance_secs >= 0 && d.advance_secs <= p.floor_secs - p.min_window_secs);
        prop_assert_eq!(d.reasons[0].code.as_str(), "floor");
        prop_assert!(d.reasons.iter().all(|r| r.advance_secs >= 0 && !r.detail.is_empty()));
        // The audit adds up: the reasons' advances are the whole advance.
        prop_assert_eq!(d.reasons.iter().map(|r| r.advance_secs).sum::<i64>(), d.advance_secs);
        if t.checked_add(p.floor_secs).is_some() {
            prop_assert_eq!(d.floor_due_by - d.due_by, d.advance_secs);
            prop_assert!(d.due_by - t >= p.min_window_secs, "never sooner than the minimum window");
        }
    }

    #[test]
    fn a_low_or_unscored_author_is_treated_exactly_as_an_unscored_one(
        p in policy(), s in signals(), t in received(), frac in 0.0f64..=1.0,
        authenticity in maybe_number(-0.5..1.5)
    ) {
        let none = decide_with(&p, &at(t), &unscored(), &s);
        prop_assert!(none.due_by <= none.floor_due_by);
        for score in [None, Some(f64::NAN), Some(f64::NEG_INFINITY), Some(-5.0),
                      Some(p.influence_from_score * frac)] {
            let d = decide_with(&p, &at(t), &Author { score, authenticity }, &s);
            prop_assert_eq!(d.due_by, none.due_by, "score {:?}", score);
            prop_assert_eq!(d.priority, none.priority);
        }
    }

    #[test]
    fn a_higher_score_never_makes_the_due_by_later(
        p in policy(), s in signals(), t in received(), a in author(), b in maybe_number(-20.0..130.0)
    ) {
        let lo = decide_with(&p, &at(t), &a, &s);
        let (sa, sb) = (a.score.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN));
        // NaN counts as unscored, the lowest standing; compare only ordered pairs.
        if !sa.is_nan() && !sb.is_nan() && sb >= sa {
            let hi = decide_with(&p, &at(t), &Author { score: b, ..a }, &s);
            prop_assert!(hi.due_by <= lo.due_by, "{lo:?}\n{hi:?}");
            prop_assert!(hi.priority <= lo.priority);
        }
        // Any score is at least as good as none.
        let none = decide_with(&p, &at(t), &Author { score: None, ..a }, &s);
        prop_assert!(lo.due_by <= none.due_by);
    }

    #[test]
    fn lower_authenticity_never_makes_the_due_by_earlier(
        p in policy(), s in signals(), t in received(), score in maybe_number(-20.0..130.0),
        x in -0.5f64..1.5, y in -0.5f64..1.5
    ) {
        let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
        let doubtful = decide_with(&p, &at(t), &Author { score, authenticity: Some(lo) }, &s);
        let genuine = decide_with(&p, &at(t), &Author { score, authenticity: Some(hi) }, &s);
        let unknown = decide_with(&p, &at(t), &Author { score, authenticity: None }, &s);
        let unreadable = decide_with(&p, &at(t), &Author { score, authenticity: Some(f64::NAN) }, &s);
        prop_assert!(doubtful.due_by >= genuine.due_by);
        prop_assert!(genuine.due_by >= unknown.due_by, "unknown is not fake");
        prop_assert_eq!(unreadable.due_by, decide_with(&p, &at(t), &unscored(), &s).due_by);
    }

    #[test]
    fn urgency_moves_everyone_alike(
        p in policy(), s in signals(), t in received(), a in author()
    ) {
        let anyone = decide_with(&p, &at(t), &unscored(), &s);
        let them = decide_with(&p, &at(t), &a, &s);
        prop_assert_eq!(urgency(&anyone), urgency(&them));
    }

    #[test]
    fn more_urgency_never_makes_the_due_by_later(
        p in policy(), s in signals(), t in received(), a in author(), extra in 0.0f64..=1.0
    ) {
        let base = decide_with(&p, &at(t), &a, &s);
        let mut more = s.clone();
        more.question = true;
        more.complaint_markers.push("refund*".into());
        if more.negative.is_finite() {
            more.negative = more.negative.clamp(0.0, 1.0) + (1.0 - more.negative.clamp(0.0, 1.0)) * extra;
        }
        let d = decide_with(&p, &at(t), &a, &more);
        prop_assert!(d.due_by <= base.due_by);
        prop_assert!(d.priority <= base.priority);
    }

    #[test]
    fn priority_follows_the_due_by(
        p in policy(), s1 in signals(), s2 in signals(), a in author(), b in author(), t in 0i64..4_000_000_000
    ) {
        let x = decide_with(&p, &at(t), &a, &s1);
        let y = decide_with(&p, &at(t), &b, &s2);
        if x.due_by <= y.due_by {
            prop_assert!(x.priority <= y.priority, "{x:?}\n{y:?}");
        }
        prop_assert_eq!(x.priority == 4, x.due_by == x.floor_due_by);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The whole path from text, with the real sentiment model and question reader.
    #[test]
    fn any_text_gets_a_decision_within_the_floor(
        text in prop_oneof!["\\PC{0,300}", "[a-z ?!]{0,80}( refund| cancelled| worst| why)?"],
        a in author(), t in received()
    ) {
        let p = Policy::default();
        let msg = Message { text: &text, received: t, channel: "email" };
        let d = decide(&p, &msg, &a);
        prop_assert!(d.due_by >= t && d.due_by <= t.saturating_add(p.floor_secs));
        let none = decide(&p, &msg, &unscored());
        prop_assert!(d.due_by <= none.due_by);
    }
}

#[test]
fn a_huge_text_is_decided() {
    let text = "why is my flight delayed?! ".repeat(200_000);
    let d = decide(
        &Policy::default(),
        &Message {
            text: &text,
            received: 0,
            channel: "email",
        },
        &unscored(),
    );
    assert!(d.reasons.iter().any(|r| r.code == "complaint"));
    assert!(d.due_by < d.floor_due_by);
}
