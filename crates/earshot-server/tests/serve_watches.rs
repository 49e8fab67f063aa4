//! Watches over HTTP end to end: a real server over a real database with two score runs, watches
//! added and removed through the API, alerts raised on the second run, and the server delivering
//! them in the background to a real receiver on loopback, signed with the webhook's secret.

mod common;
use common::server::{make_key, Server};
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

/// Accounts `1..=n` on platform `p` (each reshared once so it exists) and two score runs in which
/// account `i` scores `i` then `i + 10 * (i % 2)`: every odd account rises 10 points.
fn two_runs(db: &std::path::Path, n: i64) {
    use earshot_model::{AccountRef, Event, Interaction, InteractionKind};
    let mut store = earshot_store::Store::open(db).unwrap();
    let events: Vec<Event> = (1..=n)
        .map(|a| {
            Event::Interaction(Interaction {
                platform: "p".into(),
                key: format!("r{a}"),
                kind: InteractionKind::Reshare,
                actor: AccountRef::by_id("0"),
                target: AccountRef::by_id(a.to_string()),
                post: None,
                time: Some(1_700_000_000 + a),
                weight: 1.0,
            })
        })
        .collect();
    store.write(&events).unwrap();
    let id = |a: i64| store.account_id("p", &a.to_string()).unwrap().unwrap();
    let ids: Vec<i64> = (1..=n).map(id).collect();
    for run in 1..=2 {
        let rows: Vec<earshot_store::ScoreRow> = ids
            .iter()
            .zip(1..)
            .map(|(&account, i)| earshot_store::ScoreRow {
                account,
                overall: i as f64 + if run == 2 && i % 2 == 1 { 10.0 } else { 0.0 },
                raw: [0.0; 5],
                pct: [0.5; 5],
                askers: 0,
                askers_answered: 0,
                authenticity: None,
                expected: None,
            })
            .collect();
        let r = earshot_store::ScoreRun {
            id: 0,
            created_at: run,
            model_version: "m".into(),
            model_json: "{}".into(),
            window_from: None,
            window_to: None,
            last_event: None,
            platform: None,
            accounts: n as u64,
            interactions: n as u64,
            weights: [0.2; 5],
        };
        store.save_score_run(&r, &rows).unwrap();
    }
}

/// Whether `header` (`t=..,v1=..`) is the HMAC-SHA256 of `"t." + body` under `secret`, computed
/// here with the hmac crate.
fn signed(header: &str, secret: &str, body: &[u8]) -> bool {
    use hmac::{Hmac, Mac};
    let Some((t, v1)) = header
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
    else {
        return false;
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    hex == v1
}

/// A receiver that answers 200 to every request and sends each (signature, key, body) on.
fn receiver() -> (u16, mpsc::Receiver<(String, String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut writer = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let (mut len, mut sig, mut key) = (0usize, String::new(), String::new());
                loop {
                    line.clear();
                    reader.read_line(&mut line).unwrap();
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    let (k, v) = l.split_once(':').unwrap();
                    match k.to_ascii_lowercase().as_str() {
                        "content-length" => len = v.trim().parse().unwrap(),
                        "earshot-signature" => sig = v.trim().to_string(),
                        "idempotency-key" => key = v.trim().to_string(),
                        _ => {}
                    }
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                writer
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                    .unwrap();
                if tx.send((sig, key, body)).is_err() {
                    return;
                }
            }
        }
    });
    (port, rx)
}

#[test]
fn watches_added_over_http_raise_alerts_the_server_delivers_signed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    two_runs(&db, 20);
    let read = make_key(&db, "read", 1000, 1000);
    let write = make_key(&db, "write", 1000, 1000);
    let admin = make_key(&db, "admin", 1000, 1000);
    let s = Server::start(&db);
    let (port, deliveries) = receiver();

    // Scopes: webhooks are admin's, watches need a write key.
    let hook =
        json!({"url": format!("http://127.0.0.1:{port}/in"), "secret": "0123456789abcdef-secret"});
    s.post_json("/v1/webhooks", &write, &hook).problem(403);
    let r = s.post_json("/v1/webhooks", &admin, &hook);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["secret"], "0123456789abcdef-secret");
    assert!(s
        .post_json("/v1/webhooks", &admin, &hook)
        .problem(409)
        .contains("already"));
    let listed = s.get("/v1/webhooks", &admin).json();
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is never listed: {listed}"
    );
    let bad = json!({"url": "ftp://x", "secret": null});
    s.post_json("/v1/webhooks", &admin, &bad).problem(422);

    let accounts: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
    let watches =
        json!({"accounts": accounts, "platform": "p", "rule": "score_change", "points": 5});
    s.post_json("/v1/watches", &read, &watches).problem(403);
    let r = s.post_json("/v1/watches", &write, &watches);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["added"], 20);
    let detail = s
        .post_json(
            "/v1/watches",
            &write,
            &json!({"accounts": ["1"], "rule": "score_change"}),
        )
        .problem(422);
    assert!(detail.contains("`points`"), "{detail}");
    s.post_json(
        "/v1/watches",
        &write,
        &json!({"accounts": ["nobody"], "rule": "score_change", "points": 1}),
    )
    .problem(422);
    let list = s.get("/v1/watches?limit=5", &read).json();
    assert_eq!(list["total"], 20, "{list}");

    // Remove account 19's watch (an account that rose); then run 2 is evaluated (as `earshot score`
    // does after storing it).
    let last = s.get("/v1/watches?limit=1&offset=18", &read).json()["watches"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        s.request("DELETE", &format!("/v1/watches/{last}"), Some(&write), None)
            .status,
        204
    );
    s.request("DELETE", &format!("/v1/watches/{last}"), Some(&write), None)
        .problem(404);
    let mut store = earshot_store::Store::open(&db).unwrap();
    let eval = earshot_app::watch::evaluate_run(&mut store, 2, 0).unwrap();
    drop(store);
    assert_eq!(
        eval.alerts, 9,
        "the odd accounts rose 10 points; 19 is no longer watched"
    );

    let alerts = s.get("/v1/alerts?limit=100", &read).json();
    assert_eq!(alerts["total"], 9, "{alerts}");
    assert_eq!(alerts["alerts"][0]["alert"]["change"], 10.0);

    // The dashboard's overview shows them, to a session signed in with the read key.
    let page = s.dashboard_page(&read, "/");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("20 watches") || page.body.contains("19 watches"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Latest alerts") && page.body.contains("score 11.00 → 21.00"),
        "{}",
        page.body
    );

    // The server delivers them without being asked, each signed.
    let mut keys = std::collections::BTreeSet::new();
    while keys.len() < 9 {
        let (sig, key, body) = deliveries
            .recv_timeout(Duration::from_secs(30))
            .expect("the server delivers the alerts");
        assert!(signed(&sig, "0123456789abcdef-secret", &body), "{sig}");
        let payload: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(payload["key"], key.as_str());
        keys.insert(key);
    }
}
