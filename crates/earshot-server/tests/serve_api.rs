//! The server end to end: a real server (started in this process as `earshot serve` starts it) on an
//! ephemeral loopback port over a real database file, exercised endpoint by endpoint, with auth
//! failures, limits, bad JSON and oversize bodies.

mod common;
use common::server::{default_config, make_key, Server};
use common::*;
use earshot_server::start::{run_announcing, Start};
use earshot_server::ServerConfig;
use serde_json::json;

/// A scored synthetic database with keys of each scope.
struct Fixture {
    _dir: tempfile::TempDir,
    server: Server,
    read: String,
    write: String,
    admin: String,
}

/// `configure` changes the default configuration as `earshot serve`'s flags would.
fn fixture(configure: impl FnOnce(&mut ServerConfig)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("api.db");
    generated_db(dir.path(), &db, 3);
    score(&db, None);
    let read = make_key(&db, "read", 1000, 1000);
    let write = make_key(&db, "write", 1000, 1000);
    let admin = make_key(&db, "admin", 1000, 1000);
    let mut config = default_config(&db);
    configure(&mut config);
    let server = Server::start_with(config);
    Fixture {
        _dir: dir,
        server,
        read,
        write,
        admin,
    }
}

#[test]
fn health_needs_no_key_and_everything_else_does() {
    let f = fixture(|_| {});
    let s = &f.server;
    let h = s.request("GET", "/healthz", None, None);
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["status"], "ok");

    for path in [
        "/v1/top",
        "/v1/jobs",
        "/v1/accounts/synthetic/1",
        "/openapi.json",
    ] {
        let r = s.request("GET", path, None, None);
        assert!(r.problem(401).contains("Bearer"), "{path}");
        let r = s.request("GET", path, Some("es_not_a_real_key"), None);
        assert!(r.problem(401).contains("not known"), "{path}");
    }
    // A malformed header is 401 too, not 400 or 500.
    let r = s.request("GET", "/v1/top", Some(""), None);
    r.problem(401);

    // Scopes: read cannot write, write cannot manage keys; admin can do all.
    let r = s.request(
        "POST",
        "/v1/events",
        Some(&f.read),
        Some(("application/x-ndjson", b"\n".to_vec())),
    );
    assert!(r.problem(403).contains("needs write"));
    s.get("/v1/keys", &f.write).problem(403);
    assert_eq!(s.get("/v1/keys", &f.admin).status, 200);
    assert_eq!(s.get("/v1/top", &f.admin).status, 200);

    // Unknown paths and methods are problems too.
    s.get("/v1/nothing", &f.read).problem(404);
    let r = s.request("DELETE", "/v1/top", Some(&f.read), None);
    r.problem(405);
    assert!(r.allow.as_deref().unwrap_or("").contains("GET"), "{r:?}");
}

#[test]
fn lookup_history_top_and_pagination() {
    let f = fixture(|_| {});
    let s = &f.server;
    let top = s.get("/v1/top?limit=5", &f.read);
    assert_eq!(top.status, 200, "{}", top.body);
    let top = top.json();
    let items = top["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(top["next_offset"], 5);
    let scores: Vec<f64> = items.iter().map(|i| i["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert_eq!(items[0]["rank"], 1);

    // The next page continues the same ranking without overlap.
    let page2 = s.get("/v1/top?limit=5&offset=5", &f.read).json();
    assert_eq!(page2["items"][0]["rank"], 6);
    assert!(page2["items"][0]["score"].as_f64().unwrap() <= scores[4]);
    let ids1: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert!(page2["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| !ids1.contains(&i["id"].as_str().unwrap())));
    // The last page has no next_offset.
    let all = s.get("/v1/top?limit=1000", &f.read).json();
    assert!(all.get("next_offset").is_none(), "{all}");
    let n = all["items"].as_array().unwrap().len();
    assert!(n > 10);

    // Ranked by a component: that component's raw value descends.
    let by = s.get("/v1/top?by=conversation&limit=20", &f.read).json();
    let v: Vec<f64> = by["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_f64().unwrap())
        .collect();
    assert!(v.windows(2).all(|w| w[0] >= w[1]), "{v:?}");
    // Filters that match nothing give an empty page, not an error.
    let none = s.get("/v1/top?platform=elsewhere", &f.read).json();
    assert_eq!(none["items"].as_array().unwrap().len(), 0);

    // Bad parameters are 400 problems naming the parameter.
    assert!(s
        .get("/v1/top?limit=0", &f.read)
        .problem(400)
        .contains("limit"));
    assert!(s
        .get("/v1/top?limit=1001", &f.read)
        .problem(400)
        .contains("limit"));
    s.get("/v1/top?limit=abc", &f.read).problem(400);
    s.get("/v1/top?by=fame", &f.read).problem(400);
    s.get("/v1/top?by=reactions", &f.read).problem(400);
    s.get("/v1/top?run=999", &f.read).problem(404);
    s.get("/v1/top?topic=nothing", &f.read).problem(404);

    // Lookup by handle, @handle (any case) and platform id: the same account and score.
    let best = &items[0];
    let handle = best["handle"]
        .as_str()
        .expect("synthetic accounts have handles");
    let ext = best["ext_id"].as_str().unwrap();
    // Named as the command line's JSON names accounts: platform, platform_id and handle.
    assert_eq!(best["platform"], "synthetic");
    assert_eq!(best["platform_id"], ext);
    let a = s.get(&format!("/v1/accounts/synthetic/{handle}"), &f.read);
    assert_eq!(a.status, 200, "{}", a.body);
    let a = a.json();
    assert_eq!(a["id"], best["id"]);
    assert_eq!(
        (&a["platform_id"], &a["handle"]),
        (&best["platform_id"], &best["handle"])
    );
    assert_eq!(a["score"]["overall"], best["score"]);
    // The score says how many authentic reactions are expected next week, on the built-in model's log
    // scale (25 = 5 a week, every 10 points doubles it); the lookup gives the number itself.
    let expected = a["score"]["expected_next_week"]
        .as_f64()
        .expect("expected_next_week");
    let overall = a["score"]["overall"].as_f64().unwrap();
    let on_scale = (25.0 + 10.0 * (expected / 5.0).log2()).clamp(1.0, 100.0);
    assert!((on_scale - overall).abs() < 1e-6, "{expected} vs {overall}");
    let comps = a["score"]["components"].as_array().unwrap();
    assert_eq!(comps.len(), 5);
    let weights: f64 = comps.iter().map(|c| c["weight"].as_f64().unwrap()).sum();
    assert!(weights > 0.0);
    // Scored with the built-in authenticity model: the weight is there, 0–1.
    let auth = a["score"]["authenticity"].as_f64().expect("authenticity");
    assert!((0.0..=1.0).contains(&auth));
    let upper = format!("/v1/accounts/synthetic/@{}", handle.to_uppercase());
    assert_eq!(s.get(&upper, &f.read).json()["id"], best["id"]);
    assert_eq!(
        s.get(&format!("/v1/accounts/synthetic/{ext}"), &f.read)
            .json()["id"],
        best["id"]
    );
    assert!(s
        .get("/v1/accounts/synthetic/@nobody_here", &f.read)
        .problem(404)
        .contains("nobody_here"));
    s.get(&format!("/v1/accounts/elsewhere/{handle}"), &f.read)
        .problem(404);

    // History: one run so far; a second run makes two, newest first, paged.
    let h = s
        .get(&format!("/v1/accounts/synthetic/{handle}/history"), &f.read)
        .json();
    assert_eq!(h["items"].as_array().unwrap().len(), 1);
    score(&s.db, Some("2024-01-15"));
    let h = s
        .get(
            &format!("/v1/accounts/synthetic/{handle}/history?limit=1"),
            &f.read,
        )
        .json();
    assert_eq!(h["items"].as_array().unwrap().len(), 1);
    assert_eq!(h["next_offset"], 1);
    let newest = h["items"][0]["run"].as_i64().unwrap();
    let h2 = s
        .get(
            &format!("/v1/accounts/synthetic/{handle}/history?limit=1&offset=1"),
            &f.read,
        )
        .json();
    assert!(h2["items"][0]["run"].as_i64().unwrap() < newest);
    assert!(h2.get("next_offset").is_none());
}

#[test]
fn enrichment_keeps_order_and_lists_the_unknown() {
    let f = fixture(|_| {});
    let s = &f.server;
    let top = s.get("/v1/top?limit=3", &f.read).json();
    let handles: Vec<String> = top["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["handle"].as_str().unwrap().to_string())
        .collect();
    let asked = vec![
        handles[2].clone(),
        "@no_such_person".to_string(),
        format!("@{}", handles[0]),
    ];
    let r = s.post_json(
        "/v1/enrich",
        &f.read,
        &json!({"platform": "synthetic", "accounts": asked}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(
        (v["found"].as_u64(), v["not_found"].as_u64()),
        (Some(2), Some(1))
    );
    for (item, want) in items.iter().zip(&asked) {
        assert_eq!(item["input"].as_str(), Some(want.as_str()));
    }
    assert_eq!(items[1]["found"], false);
    assert_eq!(
        items[0]["account"]["handle"].as_str(),
        Some(handles[2].as_str())
    );
    assert!(items[0]["account"]["score"]["overall"].as_f64().unwrap() >= 1.0);

    // The same as CSV, with a platform column or a default platform.
    let csv = format!("account\n{}\n@no_such_person\n", handles[1]);
    let r = s.request(
        "POST",
        "/v1/enrich?platform=synthetic",
        Some(&f.read),
        Some(("text/csv", csv.into_bytes())),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (v["found"].as_u64(), v["not_found"].as_u64()),
        (Some(1), Some(1))
    );
    let r = s.request(
        "POST",
        "/v1/enrich",
        Some(&f.read),
        Some(("text/csv", b"handle\nx\n".to_vec())),
    );
    assert!(r.problem(422).contains("platform"));
    let r = s.request(
        "POST",
        "/v1/enrich",
        Some(&f.read),
        Some(("text/csv", b"name\nx\n".to_vec())),
    );
    assert!(r.problem(422).contains("handle"));

    // Bad JSON, the wrong shape, the wrong media type, too many accounts.
    let r = s.request(
        "POST",
        "/v1/enrich",
        Some(&f.read),
        Some(("application/json", b"{\"platform\": ".to_vec())),
    );
    assert!(r.problem(400).contains("not valid JSON"));
    let r = s.post_json("/v1/enrich", &f.read, &json!({"platform": "synthetic"}));
    r.problem(422);
    let r = s.request(
        "POST",
        "/v1/enrich",
        Some(&f.read),
        Some(("text/plain", b"x".to_vec())),
    );
    r.problem(415);
    let many: Vec<String> = (0..1001).map(|i| format!("h{i}")).collect();
    let r = s.post_json(
        "/v1/enrich",
        &f.read,
        &json!({"platform": "synthetic", "accounts": many}),
    );
    assert!(r.problem(413).contains("1000"));
}

/// The API decodes events as `earshot import` does, with its value checks (issue 19, finding 6): a
/// count the store cannot hold, a handle id not lower-cased and a NUL character are each refused by
/// line and field, and nothing of them is stored.
#[test]
fn events_with_values_outside_the_format_are_refused_by_line_and_field() {
    let f = fixture(|_| {});
    let s = &f.server;
    let lines = [
        json!({"type": "account", "platform": "crm", "ext_id": "9", "followers": u64::MAX}),
        json!({"type": "account", "platform": "crm", "ext_id": "@ANN"}),
        json!({"type": "post", "platform": "crm", "ext_id": "p\u{0}", "author": {"ext_id": "9"},
               "time": 1_709_287_200}),
        json!({"type": "account", "platform": "crm", "ext_id": "@ann", "handle": "Ann"}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let r = s.request(
        "POST",
        "/v1/events",
        Some(&f.write),
        Some(("application/x-ndjson", body.into_bytes())),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let refused: Vec<(u64, String)> = v["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        refused,
        [
            (1, "followers".to_string()),
            (2, "ext_id".to_string()),
            (3, "ext_id".to_string())
        ],
        "{v}"
    );
    assert_eq!(v["accounts_new"], 1, "only @ann: {v}");
    s.get("/v1/accounts/crm/9", &f.read).problem(404);
}

#[test]
fn events_are_validated_per_line_and_idempotent() {
    let f = fixture(|_| {});
    let s = &f.server;
    let good = [
        json!({"type": "account", "platform": "crm", "ext_id": "1", "handle": "Ann"}),
        json!({"type": "account", "platform": "crm", "ext_id": "2", "handle": "bob"}),
        json!({"type": "interaction", "platform": "crm", "key": "i1", "kind": "reply",
               "actor": {"ext_id": "2"}, "target": {"ext_id": "1"}, "time": 1_709_287_200}),
    ];
    let mut body = String::new();
    for (i, e) in good.iter().enumerate() {
        body.push_str(&e.to_string());
        body.push('\n');
        if i == 1 {
            body.push_str("{\"type\": \"interaction\", \"platform\": \"crm\"}\n");
        }
    }
    let post = |strict: bool| {
        s.request(
            "POST",
            if strict {
                "/v1/events?strict=true"
            } else {
                "/v1/events"
            },
            Some(&f.write),
            Some(("application/x-ndjson", body.clone().into_bytes())),
        )
    };
    // Strict: a bad line refuses the whole body and stores nothing.
    let r = post(true);
    assert_eq!(r.status, 422, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"], "rolled_back");
    assert_eq!(v["rejected"], 1);
    s.get("/v1/accounts/crm/ann", &f.read).problem(404);

    // Lenient: good lines stored, the bad one reported by line and field.
    let r = post(false);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (v["lines"].as_u64(), v["rejected"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(v["accounts_new"], 2);
    assert_eq!(v["interactions_new"], 1);
    assert_eq!(v["rejections"][0]["line"], 3);
    assert!(v["rejections"][0]["field"].is_string());
    assert_eq!(s.get("/v1/accounts/crm/@ANN", &f.read).status, 200);

    // Again: nothing new.
    let v = post(false).json();
    assert_eq!(v["accounts_new"], 0);
    assert_eq!(v["interactions_new"], 0);
    assert_eq!(v["already_present"], 1);
    // The import log records API ingests like CLI imports, the refused one too.
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let statuses: Vec<String> = conn
        .prepare("SELECT status FROM imports WHERE path = '<api>' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        statuses,
        ["rolled-back", "rejected-lines", "rejected-lines"]
    );
}

/// `POST /v1/events` writes through the same store as `earshot import`: posts with references imply
/// their replies, quotes and reshares, a reference to a post not sent yet waits for it, and a stated
/// reaction replaces the implied one.
#[test]
fn events_posts_imply_their_thread_interactions() {
    let f = fixture(|_| {});
    let s = &f.server;
    let send = |lines: &[serde_json::Value]| {
        let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let r = s.request(
            "POST",
            "/v1/events",
            Some(&f.write),
            Some(("application/x-ndjson", body.into_bytes())),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    };
    let post = |id: &str, author: &str, t: i64, link: Option<(&str, &str)>| {
        let mut p = json!({"type": "post", "platform": "forum", "ext_id": id,
            "author": {"ext_id": author}, "time": t});
        if let Some((field, to)) = link {
            p[field] = to.into();
        }
        p
    };
    let t = 1_709_287_200;
    let interactions = |kind: u8| -> i64 {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        conn.query_row(
            "SELECT COUNT(*) FROM interactions i JOIN accounts a ON a.id = i.actor
             WHERE a.platform = 'forum' AND i.kind = ?1",
            [kind],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (reply, quote) = (
        earshot_model::InteractionKind::Reply.code(),
        earshot_model::InteractionKind::Quote.code(),
    );

    // A reply and a quote of a post not sent yet: they wait.
    let v = send(&[
        post("r1", "bob", t + 60, Some(("reply_to", "p0"))),
        post("q1", "cy", t + 120, Some(("quote_of", "p0"))),
    ]);
    assert_eq!(
        (
            v["interactions_new"].as_u64(),
            v["references_queued"].as_u64()
        ),
        (Some(0), Some(2)),
        "{v}"
    );
    // The post arrives: both interactions are made.
    let v = send(&[post("p0", "ann", t, None)]);
    assert_eq!(
        (
            v["references_resolved"].as_u64(),
            v["interactions_implied"].as_u64(),
            v["interactions_new"].as_u64()
        ),
        (Some(2), Some(2), Some(2)),
        "{v}"
    );
    assert_eq!((interactions(reply), interactions(quote)), (1, 1));
    // The client then states bob's reply itself: it replaces the implied one, and counts once.
    let stated = json!({"type": "interaction", "platform": "forum", "key": "k1", "kind": "reply",
        "actor": {"ext_id": "bob"}, "target": {"ext_id": "ann"}, "post": "p0", "time": t + 60});
    let v = send(std::slice::from_ref(&stated));
    assert_eq!(
        (
            v["interactions_new"].as_u64(),
            v["implied_replaced"].as_u64()
        ),
        (Some(1), Some(1)),
        "{v}"
    );
    assert_eq!(interactions(reply), 1);
    // Sending everything again adds nothing.
    let v = send(&[
        post("r1", "bob", t + 60, Some(("reply_to", "p0"))),
        post("q1", "cy", t + 120, Some(("quote_of", "p0"))),
        post("p0", "ann", t, None),
        stated,
    ]);
    assert_eq!(
        (
            v["interactions_new"].as_u64(),
            v["already_present"].as_u64()
        ),
        (Some(0), Some(4)),
        "{v}"
    );
    assert_eq!((interactions(reply), interactions(quote)), (1, 1));
}

#[test]
fn limits_rate_and_body_size() {
    // --max-body-mib 1
    let f = fixture(|c| c.max_body_bytes = 1 << 20);
    let s = &f.server;
    // Over the body limit: 413, and nothing is stored.
    let mut big = String::new();
    let mut i = 0;
    while big.len() < (1 << 20) + 10 {
        big.push_str(
            &json!({"type": "account", "platform": "big", "ext_id": i.to_string()}).to_string(),
        );
        big.push('\n');
        i += 1;
    }
    let r = s.request(
        "POST",
        "/v1/events",
        Some(&f.write),
        Some(("application/x-ndjson", big.into_bytes())),
    );
    r.problem(413);
    s.get("/v1/accounts/big/0", &f.read).problem(404);

    // A key with a small burst gets 429 with Retry-After once it is spent.
    let slow = make_key(&s.db, "read", 1, 3);
    let mut codes = Vec::new();
    let mut retry = None;
    // A key made while the server runs is picked up on its first use (401s cost no budget).
    for _ in 0..100 {
        let r = s.get("/v1/jobs", &slow);
        if r.status != 401 {
            codes.push(r.status);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    for _ in 0..5 {
        let r = s.get("/v1/jobs", &slow);
        if r.status == 429 {
            retry = r.retry_after.clone();
            r.problem(429);
        }
        codes.push(r.status);
    }
    assert!(codes[..3].iter().all(|&c| c == 200), "{codes:?}");
    assert!(codes.contains(&429), "{codes:?}");
    let secs: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!(secs >= 1);
    // Other keys are not affected by one key's limit.
    assert_eq!(s.get("/v1/jobs", &f.read).status, 200);
}

#[test]
fn keys_over_the_api_and_revocation() {
    let f = fixture(|_| {});
    let s = &f.server;
    let r = s.post_json(
        "/v1/keys",
        &f.admin,
        &json!({"name": "crm", "scope": "read"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let created = r.json();
    let token = created["token"].as_str().unwrap().to_string();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(s.get("/v1/top?limit=1", &token).status, 200);
    // Listing never shows a token.
    let list = s.get("/v1/keys", &f.admin);
    assert!(!list.body.contains(&token));
    assert!(list.json()["items"].as_array().unwrap().len() >= 4);
    // Tokens are stored only as hashes.
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let plain: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM api_keys WHERE CAST(hash AS TEXT) = ?1 OR prefix = ?1",
            [&token],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(plain, 0);
    drop(conn);
    // Bad requests.
    s.post_json("/v1/keys", &f.admin, &json!({"name": "x", "scope": "root"}))
        .problem(422);
    s.post_json("/v1/keys", &f.admin, &json!({"name": " ", "scope": "read"}))
        .problem(422);
    // Revoke: the token stops working at once; a second revoke is 404.
    let r = s.request("DELETE", &format!("/v1/keys/{id}"), Some(&f.admin), None);
    assert_eq!(r.status, 204, "{}", r.body);
    s.get("/v1/top?limit=1", &token).problem(401);
    s.request("DELETE", &format!("/v1/keys/{id}"), Some(&f.admin), None)
        .problem(404);
    s.request("DELETE", "/v1/keys/abc", Some(&f.admin), None)
        .problem(400);
}

#[test]
fn openapi_document_and_reference_page() {
    let f = fixture(|_| {});
    let s = &f.server;
    let doc = s.get("/openapi.json", &f.read);
    assert_eq!(doc.status, 200);
    let doc = doc.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/healthz",
        "/v1/accounts/{platform}/{account}",
        "/v1/accounts/{platform}/{account}/explanation",
        "/v1/accounts/{platform}/{account}/history",
        "/v1/top",
        "/v1/enrich",
        "/v1/posts/flagged",
        "/v1/events",
        "/v1/jobs/forecast",
        "/v1/jobs/plan",
        "/v1/jobs",
        "/v1/jobs/{id}",
        "/v1/keys",
        "/v1/keys/{id}",
        "/v1/triage/messages",
        "/v1/triage/messages/{id}",
        "/v1/triage/messages/{id}/answered",
        "/v1/triage/queue",
        "/v1/triage/fairness",
    ] {
        assert!(paths.contains_key(p), "{p} missing");
    }
    // Every operation but /healthz needs the bearer key and documents 401 and 429.
    for (p, item) in paths {
        for (_, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{p}");
            // A problem is documented as what it is sent as.
            for (code, r) in responses {
                for (media, c) in r["content"].as_object().into_iter().flatten() {
                    if c["schema"]["$ref"] == "#/components/schemas/Problem" {
                        assert_eq!(media, "application/problem+json", "{p} {code}");
                    }
                }
            }
            if p != "/healthz" {
                assert!(
                    responses.contains_key("401") && responses.contains_key("429"),
                    "{p}"
                );
                assert!(op["security"].is_array(), "{p}");
            }
        }
    }
    // The reference page is served from the binary (no network needed).
    let page = s.get("/docs/", &f.read);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("swagger"),
        "{}",
        &page.body[..page.body.len().min(200)]
    );
    // The same document without a server (what `earshot serve --openapi` prints).
    let printed: serde_json::Value = serde_json::from_str(&earshot_server::openapi_json()).unwrap();
    assert_eq!(printed["paths"].as_object().unwrap().len(), paths.len());
}

#[test]
fn public_docs_and_graceful_stop() {
    let f = fixture(|c| c.public_docs = true);
    let s = &f.server;
    assert_eq!(s.request("GET", "/openapi.json", None, None).status, 200);
    // Data still needs a key.
    s.request("GET", "/v1/top", None, None).problem(401);
    f.server.stop().expect("a graceful stop");
}

#[test]
fn a_database_held_exclusively_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("held.db");
    make_key(&db, "read", 100, 200);
    // Another connection holds the file exclusively, as an import started before the server would.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder
        .pragma_update(None, "locking_mode", "EXCLUSIVE")
        .unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE; COMMIT;").unwrap();
    let mut announced = false;
    let start = Start {
        listen: "127.0.0.1:0".parse().unwrap(),
        workers: Some(2),
        quiet: true,
        server: default_config(&db),
    };
    let err = run_announcing(start, async {}, |_| {
        announced = true;
        Ok(())
    })
    .expect_err("a held database is refused");
    let err = format!("{err:#}");
    assert!(
        err.contains("another process holds") && err.contains("held.db"),
        "{err}"
    );
    // Not announced as listening: nothing would have answered.
    assert!(!announced);
    drop(holder);
    // Released, the same database serves.
    let s = Server::start(&db);
    assert_eq!(s.request("GET", "/healthz", None, None).status, 200);
}

#[test]
fn an_admin_forgets_an_account_and_events_cannot_bring_it_back() {
    let f = fixture(|_| {});
    let s = &f.server;
    // The most reacted-to account of the fixture.
    let top = s.get("/v1/top?limit=1", &f.read).json();
    let handle = top["items"][0]["handle"].as_str().unwrap().to_string();
    let path = format!("/v1/accounts/synthetic/@{handle}");
    assert_eq!(s.get(&path, &f.read).status, 200);
    // Only admin keys may erase.
    s.request("DELETE", &path, Some(&f.read), None).problem(403);
    s.request("DELETE", &path, Some(&f.write), None)
        .problem(403);
    let r = s.request(
        "DELETE",
        &format!("{path}?vacuum=false"),
        Some(&f.admin),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let report = r.json();
    assert_eq!(report["forgotten"], 1, "{report}");
    assert!(
        report["erased"]["interactions"].as_u64().unwrap() > 0,
        "{report}"
    );
    s.get(&path, &f.read).problem(404);
    s.request("DELETE", &path, Some(&f.admin), None)
        .problem(404);
    // An event naming it is left out, not stored.
    let line = format!(
        "{{\"type\":\"interaction\",\"platform\":\"synthetic\",\"key\":\"after-forget\",\"kind\":\"like\",\
         \"actor\":{{\"ext_id\":\"x-1\"}},\"target\":{{\"ext_id\":\"@{}\",\"handle\":\"{handle}\"}},\"time\":1700000000}}\n",
        handle.to_lowercase()
    );
    let w = s.request(
        "POST",
        "/v1/events",
        Some(&f.write),
        Some(("application/x-ndjson", line.into_bytes())),
    );
    assert_eq!(w.status, 200, "{}", w.body);
    s.get(&path, &f.read).problem(404);
}
