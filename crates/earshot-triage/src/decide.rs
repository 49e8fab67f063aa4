//! One message's decision: its priority, its due-by, and every reason behind them.

use crate::policy::Policy;
use crate::signals::{signals, Signals};

/// A customer message as triage sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Message<'a> {
    pub text: &'a str,
    /// When it arrived, in unix seconds.
    pub received: i64,
    /// Where it arrived (`twitter`, `email`, a queue's name). Kept with the message; this version of the
    /// rules gives every channel the same floor.
    pub channel: &'a str,
}

/// What is known of the message's author.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Author {
    /// The author's influence score, 1–100 (earshot's overall score); `None` when unscored. Values out
    /// of range are clamped into it; a value that is not a number counts as unscored.
    pub score: Option<f64>,
    /// How authentic the account looks, in [0, 1]: 1 shows no sign of automation or fakery (earshot-trust's
    /// scoring weight `1 − 2p` is such a value). `None` when unknown: unknown is not fake, and leaves the
    /// influence advance whole. Out-of-range values are clamped; a value that is not a number earns no
    /// influence advance.
    pub authenticity: Option<f64>,
}

/// One reason a message's due-by is where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reason {
    /// `floor`, `negative_sentiment`, `complaint`, `question` or `influence`.
    pub code: String,
    /// The reason in plain English, with the numbers it used.
    pub detail: String,
    /// How many seconds earlier than the floor this reason made the message due (0 for `floor`).
    pub advance_secs: i64,
}

/// The outcome for one message.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    /// 1 (most urgent) to 4 (due at the floor); see [`Policy::p1_within`].
    pub priority: u8,
    /// When the message should be answered by, in unix seconds: never later than `floor_due_by`, never
    /// earlier than its arrival.
    pub due_by: i64,
    /// Arrival plus the floor: the latest any message may be due.
    pub floor_due_by: i64,
    /// `floor_due_by − due_by`: the sum of the reasons' advances.
    pub advance_secs: i64,
    /// The floor first, then each reason that brought the due-by earlier, urgency before influence.
    pub reasons: Vec<Reason>,
}

/// Decide one message: every message gets a decision, whoever wrote it and whatever it says.
///
/// ```
/// use earshot_triage::{decide, Author, Message, Policy};
/// let p = Policy::default();
/// let msg = Message { text: "@united lost my bag, nobody answers. Where is it?", received: 0, channel: "twitter" };
/// let nobody = decide(&p, &msg, &Author::default());
/// let famous = decide(&p, &msg, &Author { score: Some(95.0), authenticity: Some(1.0) });
/// assert!(nobody.due_by < 86_400, "urgency brings anyone's complaint earlier");
/// assert!(famous.due_by <= nobody.due_by, "influence can only bring it earlier still");
/// ```
pub fn decide(policy: &Policy, msg: &Message, author: &Author) -> Decision {
    decide_with(policy, msg, author, &signals(msg.text))
}

/// [`decide`] with the text's [`Signals`] already computed (or made up, in tests).
pub fn decide_with(policy: &Policy, msg: &Message, author: &Author, s: &Signals) -> Decision {
    let floor = policy.floor();
    let mut reasons = vec![Reason {
        code: "floor".into(),
        detail: format!(
            "Everyone is answered within {} of writing (the service floor); the reasons below only bring that earlier.",
            span(floor)
        ),
        advance_secs: 0,
    }];
    let mut advances = urgency(policy, s);
    if let Some(r) = influence(policy, author) {
        advances.push(r);
    }
    trim_to(&mut advances, policy.max_advance(), policy);
    let advance: i64 = advances.iter().map(|r| r.advance_secs).sum();
    reasons.extend(advances);
    // The window is at most the floor and at least 0, so the due-by lies between arrival and the floor
    // whatever `received` is (saturating at the ends of i64).
    let window = floor - advance;
    let floor_due_by = msg.received.saturating_add(floor);
    let due_by = msg.received.saturating_add(window);
    Decision {
        priority: priority(policy, window, floor),
        due_by,
        floor_due_by,
        advance_secs: advance,
        reasons,
    }
}

/// The text's advances, in the order they are kept when the total must be trimmed (most important
/// first). They read only the text.
fn urgency(policy: &Policy, s: &Signals) -> Vec<Reason> {
    let mut out = Vec::new();
    let from = policy.negative_from.clamp(0.0, 0.999);
    let negative = if s.negative.is_finite() {
        s.negative.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let share = ((negative - from) / (1.0 - from)).clamp(0.0, 1.0);
    let secs = scale(policy.negative_secs, share);
    if secs > 0 {
        out.push(Reason {
            code: "negative_sentiment".into(),
            detail: format!(
                "Negative in tone (probability {negative:.2}; the advance starts above {from:.2}): {} earlier.",
                span(secs)
            ),
            advance_secs: secs,
        });
    }
    let secs = policy.complaint_secs.max(0);
    if !s.complaint_markers.is_empty() && secs > 0 {
        out.push(Reason {
            code: "complaint".into(),
            detail: format!(
                "Names a service failure ({}): {} earlier.",
                s.complaint_markers
                    .iter()
                    .map(|m| format!("\"{}\"", m.trim_end_matches('*')))
                    .collect::<Vec<_>>()
                    .join(", "),
                span(secs)
            ),
            advance_secs: secs,
        });
    }
    let secs = policy.question_secs.max(0);
    if s.question && secs > 0 {
        out.push(Reason {
            code: "question".into(),
            detail: format!(
                "Asks something of us (a question or a request): {} earlier.",
                span(secs)
            ),
            advance_secs: secs,
        });
    }
    out
}

/// The author's advance, if any: linear in the score above `influence_from_score`, times authenticity.
fn influence(policy: &Policy, author: &Author) -> Option<Reason> {
    let score = author.score.filter(|s| !s.is_nan())?.clamp(1.0, 100.0);
    let from = policy.influence_from_score.clamp(1.0, 99.999);
    if score <= from {
        return None;
    }
    let share = ((score - from) / (100.0 - from)).clamp(0.0, 1.0);
    let before = scale(policy.influence_secs, share);
    let (factor, how) = match author.authenticity {
        None => (1.0, "authenticity unknown, so not reduced".to_string()),
        Some(a) if a.is_nan() => (0.0, "authenticity unreadable, so none given".to_string()),
        Some(a) => {
            let a = a.clamp(0.0, 1.0);
            (a, format!("times authenticity {a:.2}"))
        }
    };
    let secs = scale(before, factor);
    (secs > 0).then(|| Reason {
        code: "influence".into(),
        detail: format!(
            "Author's influence score {score:.0} (the advance starts above {from:.0}) allows up to {}; {how}: {} earlier.",
            span(before),
            span(secs)
        ),
        advance_secs: secs,
    })
}

/// Keep the advances' sum within `max`, trimming from the end of the list (influence first, then the
/// question, the complaint and the tone): urgency never depends on who wrote the message. A trimmed
/// reason stays in the list, saying so, even when nothing of it is left.
fn trim_to(advances: &mut [Reason], max: i64, policy: &Policy) {
    let mut room = max.max(0);
    for r in advances.iter_mut() {
        if r.advance_secs > room {
            let left = if room > 0 {
                span(room)
            } else {
                "nothing".into()
            };
            r.detail.push_str(&format!(
                " Trimmed to {left}: nothing is due sooner than {} after it arrives.",
                span(policy.floor() - max.max(0))
            ));
            r.advance_secs = room;
        }
        room -= r.advance_secs;
    }
}

/// `secs × share`, rounded, for `share` in [0, 1] and `secs` clamped to [0, a year].
fn scale(secs: i64, share: f64) -> i64 {
    let secs = secs.clamp(0, crate::MAX_FLOOR_SECS) as f64;
    (secs * share.clamp(0.0, 1.0)).round() as i64
}

fn priority(policy: &Policy, window: i64, floor: i64) -> u8 {
    let share = if floor > 0 {
        window as f64 / floor as f64
    } else {
        0.0
    };
    let p1 = if policy.p1_within.is_finite() {
        policy.p1_within
    } else {
        0.5
    };
    let p2 = if policy.p2_within.is_finite() {
        policy.p2_within.max(p1)
    } else {
        p1.max(0.75)
    };
    if share <= p1 {
        1
    } else if share <= p2 {
        2
    } else if window < floor {
        3
    } else {
        4
    }
}

/// A duration for people: `24 h`, `3.5 h`, `45 min`, `30 s`.
pub fn span(secs: i64) -> String {
    if secs >= 3_600 {
        let h = secs as f64 / 3_600.0;
        if (h - h.round()).abs() < 0.05 {
            format!("{h:.0} h")
        } else {
            format!("{h:.1} h")
        }
    } else if secs >= 60 {
        format!("{} min", (secs as f64 / 60.0).round())
    } else {
        format!("{secs} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_sentiment::Polarity;

    fn quiet() -> Signals {
        Signals {
            negative: 0.1,
            polarity: Polarity::Neutral,
            complaint_markers: vec![],
            question: false,
            truncated: false,
        }
    }

    fn urgent() -> Signals {
        Signals {
            negative: 1.0,
            polarity: Polarity::Negative,
            complaint_markers: vec!["refund*".into()],
            question: true,
            truncated: false,
        }
    }

    const MSG: Message = Message {
        text: "",
        received: 1_000_000,
        channel: "twitter",
    };

    fn by(score: Option<f64>, authenticity: Option<f64>) -> Author {
        Author {
            score,
            authenticity,
        }
    }

    #[test]
    fn a_quiet_message_from_anyone_at_or_below_the_threshold_is_due_at_the_floor() {
        let p = Policy::default();
        for score in [None, Some(1.0), Some(35.0), Some(60.0), Some(f64::NAN)] {
            let d = decide_with(&p, &MSG, &by(score, None), &quiet());
            assert_eq!(d.due_by, MSG.received + 86_400, "{score:?}");
            assert_eq!(d.due_by, d.floor_due_by);
            assert_eq!(d.priority, 4);
            assert_eq!(d.reasons.len(), 1);
            assert_eq!(d.reasons[0].code, "floor");
        }
    }

    #[test]
    fn urgency_is_the_same_for_everyone_and_influence_adds_to_it() {
        let p = Policy::default();
        let d = decide_with(&p, &MSG, &by(None, None), &urgent());
        // 8 h + 4 h + 2 h, whoever wrote it.
        assert_eq!(d.advance_secs, 14 * 3_600);
        assert_eq!(
            d.priority, 1,
            "due 10 h after arrival: within half the floor"
        );
        let codes: Vec<&str> = d.reasons.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            ["floor", "negative_sentiment", "complaint", "question"]
        );
        let star = decide_with(&p, &MSG, &by(Some(100.0), Some(1.0)), &urgent());
        assert_eq!(star.advance_secs, 18 * 3_600);
        let r = star.reasons.last().unwrap();
        assert_eq!((r.code.as_str(), r.advance_secs), ("influence", 4 * 3_600));
        assert!(r.detail.contains("score 100"), "{}", r.detail);
    }

    #[test]
    fn influence_grows_with_score_and_shrinks_with_doubtful_authenticity() {
        let p = Policy::default();
        let adv =
            |score, auth| decide_with(&p, &MSG, &by(Some(score), auth), &quiet()).advance_secs;
        assert_eq!(adv(80.0, None), 2 * 3_600, "half-way from 60 to 100");
        assert_eq!(adv(100.0, Some(0.25)), 3_600);
        assert_eq!(adv(100.0, Some(0.0)), 0);
        assert_eq!(adv(100.0, Some(f64::NAN)), 0);
        assert_eq!(adv(1e9, Some(7.0)), 4 * 3_600, "clamped into range");
        assert_eq!(
            decide_with(&p, &MSG, &by(Some(80.0), None), &quiet()).priority,
            3
        );
    }

    #[test]
    fn the_minimum_window_trims_influence_first() {
        let p = Policy {
            floor_secs: 12 * 3_600,
            ..Policy::default()
        };
        // Room for 11 h: urgency takes 14 h and is trimmed; influence gets nothing.
        let d = decide_with(&p, &MSG, &by(Some(100.0), None), &urgent());
        assert_eq!(d.due_by, MSG.received + 3_600);
        assert_eq!(d.advance_secs, 11 * 3_600);
        let advance = |code: &str| {
            let r = d.reasons.iter().find(|r| r.code == code).unwrap();
            (r.advance_secs, r.detail.clone())
        };
        assert_eq!(advance("negative_sentiment").0, 8 * 3_600);
        let (secs, detail) = advance("complaint");
        assert_eq!(secs, 3 * 3_600);
        assert!(
            detail.contains("Trimmed to 3 h: nothing is due sooner than 1 h"),
            "{detail}"
        );
        assert_eq!(advance("question").0, 0);
        let (secs, detail) = advance("influence");
        assert_eq!(secs, 0);
        assert!(detail.contains("Trimmed to nothing"), "{detail}");
        let anyone = decide_with(&p, &MSG, &by(None, None), &urgent());
        assert_eq!(anyone.due_by, d.due_by);
    }

    #[test]
    fn extremes_neither_panic_nor_escape_the_bounds() {
        let broken = Policy {
            floor_secs: i64::MIN,
            min_window_secs: i64::MAX,
            negative_secs: i64::MAX,
            negative_from: f64::NAN,
            complaint_secs: i64::MIN,
            question_secs: i64::MAX,
            influence_secs: i64::MAX,
            influence_from_score: f64::INFINITY,
            p1_within: f64::NAN,
            p2_within: f64::NEG_INFINITY,
        };
        for policy in [Policy::default(), broken] {
            for received in [i64::MIN, -1, 0, i64::MAX] {
                let msg = Message { received, ..MSG };
                let d = decide_with(
                    &policy,
                    &msg,
                    &by(Some(f64::INFINITY), Some(-3.0)),
                    &urgent(),
                );
                assert!(d.due_by >= received && d.due_by <= d.floor_due_by, "{d:?}");
                assert!((1..=4).contains(&d.priority));
            }
        }
    }

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(86_400), "24 h");
        assert_eq!(span(12_600), "3.5 h");
        assert_eq!(span(2_700), "45 min");
        assert_eq!(span(5), "5 s");
    }
}
