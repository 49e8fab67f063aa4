//! The `doubtful_burst` watch rule over HTTP: events posted to `/v1/events` are evaluated once
//! stored. Reactors judged doubtful by the latest run (authenticity below 0.5) or never scored count;
//! authentic ones do not; follows are not reactions; an hour raises one alert however many ingests it
//! sees, and a rolled-back body raises none.

mod common;
use common::server::{make_key, Server};
use serde_json::json;

/// The start of the clock hour before this one: bursts are checked only in recent hours.
fn hour_start() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    now - now % 3600 - 3600
}

/// Account `star` and reactors `a1..a6`, stored; one run of platform `p` judging `a1`, `a2`
/// authentic (0.9) and `a3`, `a4` doubtful (0.1); `a5`, `a6` are left out of the run (never scored).
fn judged(db: &std::path::Path) {
    use earshot_model::{AccountRef, Event, Interaction, InteractionKind};
    let mut store = earshot_store::Store::open(db).unwrap();
    let events: Vec<Event> = ["a1", "a2", "a3", "a4", "a5", "a6"]
        .iter()
        .map(|a| {
            Event::Interaction(Interaction {
                platform: "p".into(),
                key: format!("old-{a}"),
                kind: InteractionKind::Like,
                actor: AccountRef::by_id(*a),
                target: AccountRef::by_id("other"),
                post: None,
                time: Some(1_600_000_000),
                weight: 1.0,
            })
        })
        .chain(std::iter::once(Event::Interaction(Interaction {
            platform: "p".into(),
            key: "star".into(),
            kind: InteractionKind::Like,
            actor: AccountRef::by_id("star"),
            target: AccountRef::by_id("other"),
            post: None,
            time: Some(1_600_000_000),
            weight: 1.0,
        })))
        .collect();
    store.write(&events).unwrap();
    let id = |a: &str| store.account_id("p", a).unwrap().unwrap();
    let rows: Vec<earshot_store::ScoreRow> = [("a1", 0.9), ("a2", 0.9), ("a3", 0.1), ("a4", 0.1)]
        .iter()
        .map(|&(a, w)| earshot_store::ScoreRow {
            account: id(a),
            overall: 10.0,
            raw: [0.0; 5],
            pct: [0.5; 5],
            askers: 0,
            askers_answered: 0,
            authenticity: Some(w),
            expected: None,
        })
        .collect();
    let run = earshot_store::ScoreRun {
        id: 0,
        created_at: 1,
        model_version: "m".into(),
        model_json: "{}".into(),
        window_from: None,
        window_to: None,
        last_event: None,
        platform: Some("p".into()),
        accounts: 4,
        interactions: 7,
        weights: [0.2; 5],
    };
    store.save_score_run(&run, &rows).unwrap();
}

/// JSON lines: each (key, actor, kind, seconds into the hour) a reaction to `star` on `p`.
fn lines(reactions: &[(&str, &str, &str, i64)]) -> Vec<u8> {
    lines_to("p", "star", reactions)
}

/// JSON lines: each (key, actor, kind, seconds into the hour) a reaction to `target` on `platform`.
fn lines_to(platform: &str, target: &str, reactions: &[(&str, &str, &str, i64)]) -> Vec<u8> {
    let mut body = String::new();
    for (key, actor, kind, at) in reactions {
        body += &json!({"type": "interaction", "platform": platform, "key": key, "kind": kind,
            "actor": {"ext_id": actor}, "target": {"ext_id": target}, "time": hour_start() + at})
        .to_string();
        body.push('\n');
    }
    body.into_bytes()
}

#[test]
fn a_burst_of_doubtful_reactors_raises_one_alert_per_hour() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    judged(&db);
    let write = make_key(&db, "write", 1000, 1000);
    let s = Server::start(&db);
    let r = s.post_json(
        "/v1/watches",
        &write,
        &json!({"accounts": ["star"], "platform": "p", "rule": "doubtful_burst", "reactors": 3}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    s.post_json(
        "/v1/watches",
        &write,
        &json!({"accounts": ["star"], "rule": "doubtful_burst", "reactors": 0}),
    )
    .problem(422);
    let post = |body: Vec<u8>, query: &str| {
        let r = s.request(
            "POST",
            &format!("/v1/events{query}"),
            Some(&write),
            Some(("application/x-ndjson", body)),
        );
        (r.status, r.json())
    };

    // Two authentic reactors, one doubtful, one never scored, and a doubtful follow: 2 doubtful
    // reactors, under the threshold.
    let (code, v) = post(
        lines(&[
            ("k1", "a1", "reply", 10),
            ("k2", "a2", "reshare", 20),
            ("k3", "a3", "like", 30),
            ("k4", "a5", "mention", 40),
            ("k5", "a4", "follow", 50),
        ]),
        "",
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["watches"]["hours"], 1, "{v}");
    assert_eq!(v["watches"]["alerts"], 0, "{v}");

    // A rolled-back body stores nothing, so it raises nothing either.
    let mut bad = lines(&[("k6", "a4", "like", 60)]);
    bad.extend_from_slice(b"{not json\n");
    let (code, v) = post(bad, "?strict=true");
    assert_eq!(code, 422, "{v}");
    assert!(v.get("watches").is_none(), "{v}");

    // A third doubtful reactor later in the same hour (the earlier ones are stored): the alert.
    let (code, v) = post(lines(&[("k7", "a4", "like", 3000)]), "");
    assert_eq!((code, &v["watches"]["alerts"]), (200, &json!(1)), "{v}");
    // A fourth in the same hour: still the one alert for that hour.
    let (code, v) = post(lines(&[("k8", "a6", "like", 3500)]), "");
    assert_eq!((code, &v["watches"]["alerts"]), (200, &json!(0)), "{v}");
    // The next hour starts again from nothing.
    let (_, v) = post(
        lines(&[("k9", "a3", "like", 3600), ("k10", "a4", "like", 3601)]),
        "",
    );
    assert_eq!(v["watches"]["alerts"], 0, "{v}");

    // An account of a platform no run covers (the run is `p`'s): its reactors cannot be told doubtful,
    // so the watch is reported unjudged instead of alerting on every new reactor.
    let r = s.post_json(
        "/v1/watches",
        &write,
        &json!({"accounts": ["q:lonely"], "rule": "doubtful_burst", "reactors": 1}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let (_, v) = post(lines_to("q", "lonely", &[("q1", "x1", "like", 5)]), "");
    assert_eq!(v["watches"]["alerts"], 0, "{v}");
    let r = s.post_json(
        "/v1/watches",
        &write,
        &json!({"accounts": ["lonely"], "platform": "q", "rule": "doubtful_burst", "reactors": 1}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let (_, v) = post(
        lines_to(
            "q",
            "lonely",
            &[("q2", "x2", "like", 6), ("q3", "x3", "like", 7)],
        ),
        "",
    );
    assert_eq!(
        (&v["watches"]["alerts"], &v["watches"]["unjudged"]),
        (&json!(0), &json!(1)),
        "{v}"
    );
    // Events of long ago (a history upload) are not checked at all.
    let old = json!({"type": "interaction", "platform": "p", "key": "old1", "kind": "like",
        "actor": {"ext_id": "a3"}, "target": {"ext_id": "star"}, "time": 1_500_000_000});
    let (_, v) = post(format!("{old}\n").into_bytes(), "");
    assert_eq!(
        (&v["watches"]["hours"], &v["watches"]["hours_skipped"]),
        (&json!(0), &json!(1)),
        "{v}"
    );

    let alerts = s.get("/v1/alerts", &write).json();
    assert_eq!(alerts["total"], 1, "{alerts}");
    let a = &alerts["alerts"][0]["alert"];
    assert_eq!(a["rule"], "doubtful_burst", "{a}");
    assert_eq!(a["hour"], hour_start(), "{a}");
    assert_eq!(a["doubtful_reactors"], 3, "{a}");
    assert_eq!(a["reactors"], 5, "{a}");
    assert_eq!(a["account"]["platform_id"], "star", "{a}");

    // The dashboard's overview says what the burst was, to a session signed in with the key.
    let page = s.dashboard_page(&write, "/");
    assert!(
        page.body.contains(&format!(
            "3 doubtful of 5 reactors in the hour from {}",
            earshot_model::format_utc(hour_start())
        )),
        "{}",
        page.body
    );
}
