//! `POST /v1/audit` end to end: a real server over a real database holding a star of reshares, a
//! labelling sent as CSV, and the request faults a client can make.

mod common;
use common::server::{make_key, Server};
use earshot_model::{AccountRef, Event, Interaction, InteractionKind};
use earshot_store::Store;

/// Accounts 2..=7 each reshare account 1 once: 1 ranks first by authority, the others tie below.
fn star(db: &std::path::Path) {
    let mut store = Store::open(db).unwrap();
    let events: Vec<Event> = (2..=7)
        .map(|a| {
            Event::Interaction(Interaction {
                platform: "p".into(),
                key: format!("r{a}"),
                kind: InteractionKind::Reshare,
                actor: AccountRef::by_id(a.to_string()),
                target: AccountRef::by_id("1"),
                post: None,
                time: Some(1_700_000_000 + a),
                weight: 1.0,
            })
        })
        .collect();
    store.write(&events).unwrap();
}

#[test]
fn a_labelling_sent_as_csv_is_audited_and_bad_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.db");
    star(&db);
    let key = make_key(&db, "read", 1000, 1000);
    let s = Server::start(&db);
    let csv = |body: &str| Some(("text/csv", body.as_bytes().to_vec()));

    let r = s.request(
        "POST",
        "/v1/audit?top=1",
        Some(&key),
        csv("account,group\n1,hub\n2,rim\n3,rim\n4,rim\n5,rim\n6,rim\n7,rim\nnobody,rim\n"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["by"], "authority", "no run: authority");
    assert_eq!(v["graph"], "reactions");
    assert_eq!((v["ranked"].as_u64(), v["k"].as_u64()), (Some(7), Some(1)));
    assert_eq!(v["labels"]["not_found"], 1);
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{v}");
    assert_eq!(groups[0]["group"], "hub");
    assert_eq!(groups[0]["top_k"], 1);
    assert_eq!(groups[1]["group"], "rim");
    assert_eq!(
        (groups[1]["ranked"].as_u64(), groups[1]["top_k"].as_u64()),
        (Some(6), Some(0))
    );

    // Faults: the wrong media type, a bad `by` or `top`, a labelling without its columns, one whose
    // accounts are all unknown, and a run that does not exist.
    s.request(
        "POST",
        "/v1/audit",
        Some(&key),
        Some(("text/plain", b"x".to_vec())),
    )
    .problem(415);
    let detail = s
        .request(
            "POST",
            "/v1/audit?by=followers",
            Some(&key),
            csv("account,group\n1,a\n"),
        )
        .problem(400);
    assert!(detail.contains("`by`"), "{detail}");
    s.request(
        "POST",
        "/v1/audit?top=0",
        Some(&key),
        csv("account,group\n1,a\n"),
    )
    .problem(400);
    let detail = s
        .request("POST", "/v1/audit", Some(&key), csv("who,team\n1,a\n"))
        .problem(422);
    assert!(detail.contains("the request body:1"), "{detail}");
    s.request(
        "POST",
        "/v1/audit",
        Some(&key),
        csv("account,group\nnobody,a\n"),
    )
    .problem(422);
    let detail = s
        .request(
            "POST",
            "/v1/audit?by=overall",
            Some(&key),
            csv("account,group\n1,a\n"),
        )
        .problem(422);
    assert!(
        detail.contains("`by` authority"),
        "fields named as the API names them: {detail}"
    );
    // Without a key, nothing.
    assert_eq!(
        s.request("POST", "/v1/audit", None, csv("account,group\n1,a\n"))
            .status,
        401
    );
}
