//! Triage over HTTP against a real server: every message gets a due-by within the floor, urgency and
//! influence only bring it earlier, nothing is dropped, and every decision is in the audit log.

mod common;
use common::server::{default_config, make_key, Server};
use common::*;
use earshot_server::ServerConfig;
use serde_json::{json, Value};

const T0: i64 = 1_700_000_000;

struct Fixture {
    _dir: tempfile::TempDir,
    server: Server,
    read: String,
    write: String,
    /// The best-scored synthetic account's handle.
    star: String,
}

/// `configure` changes the default configuration as `earshot serve`'s flags would.
fn fixture(configure: impl FnOnce(&mut ServerConfig)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("triage.db");
    generated_db(dir.path(), &db, 4);
    score(&db, None);
    let read = make_key(&db, "read", 1000, 1000);
    let write = make_key(&db, "write", 1000, 1000);
    let mut config = default_config(&db);
    configure(&mut config);
    let server = Server::start_with(config);
    let top = server.get("/v1/top?limit=1", &read).json();
    let star = top["items"][0]["handle"].as_str().unwrap().to_string();
    Fixture {
        _dir: dir,
        server,
        read,
        write,
        star,
    }
}

fn msg(id: &str, author: &str, text: &str, at: i64) -> Value {
    json!({"id": id, "channel": "twitter", "platform": "synthetic", "author": author, "text": text, "received_at": at})
}

#[test]
fn every_message_is_due_within_the_floor_and_urgency_comes_first() {
    let f = fixture(|_| {});
    let s = &f.server;
    let angry =
        "This is the worst service ever, my bag is lost and nobody answers. Where is my refund?";
    let calm = "Flew today, the crew was lovely.";
    let body = json!({"messages": [
        msg("a", "someone_unknown", angry, T0),
        msg("b", "someone_unknown", calm, T0),
        msg("c", &f.star, calm, T0),
        msg("d", &f.star, angry, T0),
    ]});
    let r = s.post_json("/v1/triage/messages", &f.write, &body);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["floor_secs"], 86_400);
    assert_eq!(
        (v["new"].as_u64(), v["already_stored"].as_u64()),
        (Some(4), Some(0))
    );
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let due: Vec<i64> = items
        .iter()
        .map(|i| i["due_by"].as_i64().unwrap())
        .collect();
    for (i, d) in due.iter().enumerate() {
        assert!((T0..=T0 + 86_400).contains(d), "{i}: {d}");
        assert_eq!(items[i]["floor_due_by"], T0 + 86_400);
        assert!(!items[i]["reasons"].as_array().unwrap().is_empty());
    }
    // Urgency brings the angry message earlier, whoever wrote it.
    assert!(due[0] < due[1], "{due:?}");
    assert!(due[3] < due[2], "{due:?}");
    let codes: Vec<&str> = items[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"complaint") || codes.contains(&"negative_sentiment"),
        "{codes:?}"
    );
    // Influence only ever brings a message earlier: the star is never later than the unknown author.
    assert!(due[2] <= due[1] && due[3] <= due[0], "{due:?}");
    assert!(items[2]["author_score"].as_f64().unwrap() >= 1.0);
    assert!(items[0].get("author_score").is_none());

    // The same ids again: nothing new, the stored decisions come back.
    let again = s.post_json("/v1/triage/messages", &f.write, &body).json();
    assert_eq!(again["new"], 0);
    for (a, b) in again["items"].as_array().unwrap().iter().zip(items) {
        assert_eq!(a["message_id"], b["message_id"]);
        assert_eq!(a["decision_id"], b["decision_id"]);
        assert_eq!(a["due_by"], b["due_by"]);
        assert_eq!(a["new"], false);
    }

    // The queue: soonest due first, all four, paged.
    let q = s.get("/v1/triage/queue?limit=3", &f.read).json();
    assert_eq!(q["unanswered"], 4);
    assert_eq!(q["next_offset"], 3);
    let qd: Vec<i64> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["due_by"].as_i64().unwrap())
        .collect();
    assert!(qd.windows(2).all(|w| w[0] <= w[1]), "{qd:?}");
    assert_eq!(qd[0], *due.iter().min().unwrap());
    let rest = s.get("/v1/triage/queue?limit=3&offset=3", &f.read).json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest.get("next_offset").is_none());
    assert_eq!(
        s.get("/v1/triage/queue?channel=email", &f.read).json()["unanswered"],
        0
    );

    // Answer the first: it leaves the queue; answering twice is fine; unknown ids are 404.
    let first = q["items"][0]["message_id"].as_i64().unwrap();
    let path = format!("/v1/triage/messages/{first}/answered");
    assert_eq!(s.request("POST", &path, Some(&f.write), None).status, 204);
    assert_eq!(s.request("POST", &path, Some(&f.write), None).status, 204);
    s.request(
        "POST",
        "/v1/triage/messages/999999/answered",
        Some(&f.write),
        None,
    )
    .problem(404);
    s.request("POST", &path, Some(&f.read), None).problem(403);
    let q = s.get("/v1/triage/queue", &f.read).json();
    assert_eq!(q["unanswered"], 3);
    assert!(q["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["message_id"].as_i64() != Some(first)));

    // The audit record: the decision with its policy and reasons.
    let rec = s
        .get(&format!("/v1/triage/messages/{first}"), &f.read)
        .json();
    assert!(rec["answered_at"].as_i64().is_some());
    let d = &rec["decisions"][0];
    assert_eq!(d["policy"]["floor_secs"], 86_400);
    assert!(d["policy_version"]
        .as_str()
        .unwrap()
        .starts_with("earshot-triage"));
    assert!(!d["reasons"].as_array().unwrap().is_empty());
    s.get("/v1/triage/messages/999999", &f.read).problem(404);
    s.get("/v1/triage/messages/abc", &f.read).problem(400);

    // Fairness: one row per tier; every populated tier is within the floor.
    let fair = s.get("/v1/triage/fairness", &f.read).json();
    assert_eq!(fair["messages"], 4);
    let tiers = fair["tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 6);
    assert_eq!(tiers[0]["tier"], "unscored");
    assert_eq!(tiers[0]["messages"], 2);
    for t in tiers.iter().filter(|t| t["messages"].as_u64() > Some(0)) {
        assert_eq!(t["within_floor"], 1.0, "{t}");
        assert!(t["max_hours"].as_f64().unwrap() <= 24.0, "{t}");
    }
    // In practice: the one answered today was answered years after its floor, and the three others
    // (received at T0, long past) wait beyond it.
    let sum = |k: &str| tiers.iter().map(|t| t[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!((sum("answered"), sum("overdue")), (1, 3));
    let answered = tiers.iter().find(|t| t["answered"] == 1).unwrap();
    assert_eq!(
        (
            &answered["answered_by_due"],
            &answered["answered_within_floor"]
        ),
        (&json!(0.0), &json!(0.0))
    );
    assert!(fair["at"].as_i64().unwrap() > T0 + 86_400);
}

#[test]
fn bad_triage_requests_are_problems_and_store_nothing() {
    // --triage-floor 2h --triage-min-window 10m
    let f = fixture(|c| {
        c.triage_policy.floor_secs = earshot_triage::parse_duration("2h").unwrap();
        c.triage_policy.min_window_secs = earshot_triage::parse_duration("10m").unwrap();
        c.triage_policy.validate().unwrap();
    });
    let s = &f.server;
    let post = |body: &Value| s.post_json("/v1/triage/messages", &f.write, body);
    post(&json!({"messages": []})).problem(422);
    post(&json!({"messages": [msg("x", "a", "hi", T0)], "extra": 1})).problem(422);
    let mut no_channel = msg("x", "a", "hi", T0);
    no_channel["channel"] = json!(" ");
    assert!(post(&json!({"messages": [no_channel]}))
        .problem(422)
        .contains("channel"));
    post(&json!({"messages": [msg("x", "a", "hi", -5)]})).problem(422);
    let many: Vec<Value> = (0..1001)
        .map(|i| msg(&i.to_string(), "a", "hi", T0))
        .collect();
    post(&json!({ "messages": many })).problem(413);
    let r = s.request(
        "POST",
        "/v1/triage/messages",
        Some(&f.write),
        Some(("application/json", b"{\"messages\": [".to_vec())),
    );
    r.problem(400);
    s.post_json(
        "/v1/triage/messages",
        &f.read,
        &json!({"messages": [msg("x", "a", "hi", T0)]}),
    )
    .problem(403);
    assert_eq!(s.get("/v1/triage/queue", &f.read).json()["unanswered"], 0);

    // The server's own floor applies: 2 hours here, for everyone.
    let r = post(
        &json!({"messages": [msg("y", &f.star, "thanks!", T0), msg("z", "nobody", "WHERE IS MY BAG???", T0)]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["floor_secs"], 7_200);
    for i in v["items"].as_array().unwrap() {
        let d = i["due_by"].as_i64().unwrap();
        assert!((T0 + 600..=T0 + 7_200).contains(&d), "{i}");
    }
    // A message without a time is received now.
    let r =
        post(&json!({"messages": [{"channel": "email", "author": "x", "text": "hello"}]})).json();
    let received = r["items"][0]["received_at"].as_i64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - received).abs() < 600, "{received} vs {now}");
}
