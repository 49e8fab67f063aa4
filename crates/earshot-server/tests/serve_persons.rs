//! `GET /v1/persons/{name}` end to end: a real server over a scored database in which two accounts are
//! one person's, read with a read key; the person's score is no lower than either account's, and the
//! offline sub-score comes beside it.

mod common;
use common::server::{make_key, Server};
use common::{generated_db, score};
use earshot_store::{EvidenceSubject, OfflineEvidence, Store};

#[test]
fn a_person_is_served_with_their_accounts_evidence_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("persons.db");
    generated_db(dir.path(), &db, 21);
    let run = score(&db, None);
    let (a, b) = (run.top[0].score.account, run.top[1].score.account);
    let mut store = Store::open(&db).unwrap();
    store
        .link_accounts("ann", &[a, b], "by hand", 1)
        .unwrap()
        .unwrap();
    store
        .add_offline_evidence(&[OfflineEvidence {
            subject: EvidenceSubject::Person("ann".into()),
            source: "talks".into(),
            time: None,
            amount: 2.0,
            link: Some("https://conf.example/ann".into()),
            origin: "test".into(),
            occurrence: 0,
        }])
        .unwrap();
    drop(store);
    let key = make_key(&db, "read", 1000, 1000);
    let s = Server::start(&db);

    let r = s.get("/v1/persons/ann", &key);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["accounts"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["accounts"][0]["evidence"], "by hand");
    let person = v["score"]["overall"].as_f64().unwrap();
    let best = run.top[0].score.overall;
    assert!(person >= best, "{person} < {best}: {v}");
    let shares: f64 = v["score"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["share"].as_f64().unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 1e-9, "{v}");
    assert_eq!(v["offline"]["sources"][0]["source"], "talks");
    assert_eq!(
        v["offline"]["score"], 50.5,
        "the only subject of the only source: 1 + 99 × 0.5"
    );

    let r = s.get("/v1/persons/nobody", &key);
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(s
        .get("/openapi.json", &key)
        .body
        .contains("/v1/persons/{name}"));
}
