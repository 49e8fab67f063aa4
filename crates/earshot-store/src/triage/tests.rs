use super::*;
use crate::runs::ScoreRun;
use crate::scores::ScoreRow;
use earshot_model::{Account, AccountRef, Event};
use serde_json::{json, Value};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("t.db")).unwrap();
    (dir, s)
}

fn msg(channel: &str, ext: Option<&str>, received: i64) -> NewTriageMessage {
    NewTriageMessage {
        channel: channel.into(),
        ext_id: ext.map(String::from),
        platform: "twitter".into(),
        author_handle: "ann".into(),
        account: None,
        text: "my bag is lost".into(),
        received_at: received,
    }
}

fn decision(score: Option<f64>, due_in: i64, received: i64) -> NewTriageDecision {
    NewTriageDecision {
        decided_at: 5_000,
        policy_version: "earshot-triage-1".into(),
        policy: json!({"floor_secs": 86_400}),
        author_score: score,
        author_authenticity: None,
        score_run: None,
        priority: if due_in < 86_400 { 3 } else { 4 },
        due_by: received + due_in,
        floor_due_by: received + 86_400,
        reasons: json!([{"code": "floor", "detail": "24 h", "advance_secs": 0}]),
    }
}

#[test]
fn a_message_is_stored_once_per_channel_and_ext_id() {
    let (_d, mut s) = store();
    let first = s
        .save_triage(&[
            (msg("twitter", Some("a"), 0), decision(None, 86_400, 0)),
            (msg("twitter", Some("a"), 0), decision(Some(90.0), 3_600, 0)),
            (msg("email", Some("a"), 0), decision(None, 86_400, 0)),
            (msg("twitter", None, 0), decision(None, 86_400, 0)),
            (msg("twitter", None, 0), decision(None, 86_400, 0)),
        ])
        .unwrap();
    let new: Vec<bool> = first.iter().map(|r| r.new).collect();
    assert_eq!(new, [true, false, true, true, true]);
    assert_eq!(first[1].message_id, first[0].message_id);
    assert_eq!(first[1].decision_id, first[0].decision_id);
    // Again: the stored message and its first decision come back; nothing is written.
    let again = s
        .save_triage(&[(msg("twitter", Some("a"), 9), decision(Some(99.0), 60, 9))])
        .unwrap();
    assert_eq!(
        again,
        [TriageSaved {
            new: false,
            ..first[0]
        }]
    );
    let rec = s.triage_message(first[0].message_id).unwrap().unwrap();
    assert_eq!(rec.decisions.len(), 1);
    assert_eq!(rec.decisions[0].decided.due_by, 86_400);
    assert_eq!(
        rec.decisions[0].decided.policy,
        json!({"floor_secs": 86_400})
    );
    assert_eq!(rec.decisions[0].decided.reasons[0]["code"], "floor");
    assert_eq!(rec.message.created_at, 5_000);
    assert_eq!(s.triage_queue(None, 100, 0).unwrap().unanswered, 4);
    // One policy row serves every decision made under it.
    let policies: i64 = s
        .connection()
        .query_row("SELECT COUNT(*) FROM triage_policies", [], |r| r.get(0))
        .unwrap();
    assert_eq!(policies, 1);
}

#[test]
fn the_queue_is_unanswered_messages_soonest_due_first() {
    let (_d, mut s) = store();
    let saved = s
        .save_triage(&[
            (msg("twitter", Some("late"), 0), decision(None, 86_400, 0)),
            (
                msg("twitter", Some("soon"), 100),
                decision(None, 3_600, 100),
            ),
            (msg("email", Some("tie"), 0), decision(None, 86_400, 0)),
            (msg("twitter", Some("mid"), 0), decision(None, 40_000, 0)),
        ])
        .unwrap();
    let ids = |q: TriageQueue| -> Vec<String> {
        q.items
            .into_iter()
            .map(|e| e.message.arrived.ext_id.unwrap())
            .collect()
    };
    assert_eq!(
        ids(s.triage_queue(None, 10, 0).unwrap()),
        ["soon", "mid", "late", "tie"]
    );
    assert_eq!(ids(s.triage_queue(None, 2, 1).unwrap()), ["mid", "late"]);
    assert_eq!(ids(s.triage_queue(Some("email"), 10, 0).unwrap()), ["tie"]);
    let q = s.triage_queue(None, 1, 0).unwrap();
    assert_eq!(q.unanswered, 4);
    assert_eq!(q.items[0].decision.decided.priority, 3);
    assert_eq!(
        q.items[0].decision.decided.policy,
        Value::Null,
        "the queue leaves policies out"
    );
    let json = serde_json::to_value(&q.items[0]).unwrap();
    assert_eq!(json["message"]["ext_id"], "soon", "flattened");
    assert!(json["decision"].get("policy").is_none());
    assert_eq!(json["decision"]["due_by"], 3_700);

    assert!(s.triage_mark_answered(saved[1].message_id, 7_000).unwrap());
    assert!(s.triage_mark_answered(saved[1].message_id, 9_000).unwrap());
    assert!(!s.triage_mark_answered(12_345, 9_000).unwrap());
    let rec = s.triage_message(saved[1].message_id).unwrap().unwrap();
    assert_eq!(
        rec.message.answered_at,
        Some(7_000),
        "the first answer time stays"
    );
    let q = s.triage_queue(Some("twitter"), 10, 0).unwrap();
    assert_eq!(q.unanswered, 2);
    assert_eq!(ids(q), ["mid", "late"]);
    assert_eq!(s.triage_message(999).unwrap(), None);
}

#[test]
fn fairness_is_reported_per_score_tier() {
    let (_d, mut s) = store();
    let mut batch = Vec::new();
    // Unscored: due after 24, 20, 12 h; tier 81–100: 24 and 6 h; one in 41–60.
    for (i, (score, hours)) in [
        (None, 24),
        (None, 20),
        (Some(f64::NAN), 12),
        (Some(95.0), 24),
        (Some(80.5), 6),
        (Some(41.0), 24),
    ]
    .into_iter()
    .enumerate()
    {
        let ext = i.to_string();
        batch.push((
            msg("twitter", Some(&ext), 1_000),
            decision(score, hours * 3_600, 1_000),
        ));
    }
    let saved = s.save_triage(&batch).unwrap();
    // Nothing answered and, at the time they arrived, nobody overdue.
    let before = s.triage_fairness(None, 1_000).unwrap();
    assert!(before
        .tiers
        .iter()
        .all(|t| (t.answered, t.answered_by_due, t.overdue) == (0, None, 0)));
    // Unscored: the 24 h one answered on time, the 20 h one 2 h past its due-by but within the floor.
    s.triage_mark_answered(saved[0].message_id, 1_000 + 24 * 3_600)
        .unwrap();
    s.triage_mark_answered(saved[1].message_id, 1_000 + 22 * 3_600)
        .unwrap();
    let r = s.triage_fairness(None, 1_000 + 86_400 + 1).unwrap();
    assert_eq!(r.at, 1_000 + 86_400 + 1);
    assert_eq!(r.messages, 6);
    let names: Vec<&str> = r.tiers.iter().map(|t| t.tier).collect();
    assert_eq!(names, SCORE_TIERS);
    let unscored = &r.tiers[0];
    assert_eq!(unscored.messages, 3, "NaN is stored as unscored");
    assert_eq!(
        (
            unscored.min_hours,
            unscored.p50_hours,
            unscored.p90_hours,
            unscored.max_hours
        ),
        (Some(12.0), Some(20.0), Some(24.0), Some(24.0))
    );
    assert_eq!(unscored.within_floor, Some(1.0));
    assert_eq!(unscored.mean_advance_hours, Some((0.0 + 4.0 + 12.0) / 3.0));
    assert_eq!(unscored.by_priority, [0, 0, 2, 1]);
    assert_eq!(
        (
            unscored.answered,
            unscored.answered_by_due,
            unscored.answered_within_floor,
            unscored.overdue
        ),
        (2, Some(0.5), Some(1.0), 1),
        "one answered late, one still waiting past its floor"
    );
    assert_eq!((r.tiers[5].answered, r.tiers[5].overdue), (0, 2));
    let top = &r.tiers[5];
    assert_eq!((top.messages, top.p50_hours), (2, Some(6.0)));
    assert_eq!(r.tiers[3].messages, 1);
    let empty = &r.tiers[1];
    assert_eq!(
        (empty.messages, empty.p50_hours, empty.within_floor),
        (0, None, None)
    );
    assert_eq!(s.triage_fairness(Some("email"), 0).unwrap().messages, 0);
}

#[test]
fn score_tiers_have_their_upper_bounds_inside() {
    let tier = |s| SCORE_TIERS[score_tier(s)];
    assert_eq!(tier(None), "unscored");
    assert_eq!(tier(Some(f64::NAN)), "unscored");
    assert_eq!(tier(Some(-3.0)), "1-20");
    assert_eq!(tier(Some(20.0)), "1-20");
    assert_eq!(tier(Some(20.5)), "21-40");
    assert_eq!(tier(Some(60.0)), "41-60");
    assert_eq!(tier(Some(100.0)), "81-100");
    assert_eq!(tier(Some(f64::INFINITY)), "81-100");
}

#[test]
fn an_author_is_found_by_handle_with_the_latest_score() {
    let (_d, mut s) = store();
    let by_handle = AccountRef::by_handle("Ann");
    let id_keyed = Account {
        platform: "twitter".into(),
        ext_id: "42".into(),
        handle: Some("Bob".into()),
        display_name: None,
        profile: Default::default(),
    };
    let ann = Account {
        platform: "twitter".into(),
        ext_id: by_handle.ext_id.clone(),
        handle: by_handle.handle.clone(),
        display_name: None,
        profile: Default::default(),
    };
    s.write(&[Event::Account(ann), Event::Account(id_keyed)])
        .unwrap();
    let ann_id = by_handle.id("twitter").0;
    let bob_id = AccountRef::by_id("42").id("twitter").0;

    let before = s.triage_author("twitter", "@ANN").unwrap();
    assert_eq!(
        before,
        AuthorLookup {
            account: Some(ann_id),
            ..Default::default()
        }
    );
    let run = ScoreRun {
        id: 0,
        created_at: 1,
        model_version: "m".into(),
        model_json: "{}".into(),
        window_from: None,
        window_to: None,
        last_event: None,
        platform: None,
        accounts: 1,
        interactions: 0,
        weights: [0.2; 5],
    };
    let row = |account, overall| ScoreRow {
        account,
        overall,
        raw: [0.0; 5],
        pct: [0.0; 5],
        askers: 0,
        askers_answered: 0,
        // Stored with the score when the run had an authenticity model; here only for high scores.
        authenticity: (overall > 50.0).then_some(0.4),
        expected: None,
    };
    s.save_score_run(&run, &[row(ann_id, 30.0)]).unwrap();
    let latest = s
        .save_score_run(&run, &[row(ann_id, 70.0), row(bob_id, 12.0)])
        .unwrap();
    let ann = s.triage_author("twitter", "ann").unwrap();
    assert_eq!((ann.score, ann.score_run), (Some(70.0), Some(latest)));
    assert_eq!(ann.authenticity, Some(0.4));
    let bob = s.triage_author("twitter", "bob").unwrap();
    assert_eq!((bob.account, bob.score), (Some(bob_id), Some(12.0)));
    assert_eq!(bob.authenticity, None);
    let stranger = s.triage_author("twitter", "carol").unwrap();
    assert_eq!(
        (stranger.account, stranger.score, stranger.score_run),
        (None, None, Some(latest))
    );
    assert_eq!(s.triage_author("other", "ann").unwrap().account, None);
    assert_eq!(
        s.triage_author("twitter", " @ ").unwrap(),
        AuthorLookup::default()
    );
}
