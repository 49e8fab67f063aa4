//! `GET /v1/posts/flagged` end to end: a real server over a real database holding one thread with a
//! padded copy of a sibling's reply and an ad, read with a read key.

mod common;
use common::server::{make_key, Server};
use earshot_model::{AccountRef, Event, Post};
use earshot_store::Store;

const COMMENT: &str = "Finally some good news, the buses will get their own lane and the \
                       junction by the station is being redesigned too";

fn post(id: &str, author: &str, time: i64, reply_to: Option<&str>, text: &str) -> Event {
    Event::Post(Post {
        platform: "twitter".into(),
        ext_id: id.into(),
        author: AccountRef::by_id(author),
        time,
        text: Some(text.into()),
        reply_to: reply_to.map(Into::into),
        quote_of: None,
        reshare_of: None,
    })
}

#[test]
fn flagged_posts_are_listed_with_evidence_and_bad_queries_are_400_or_404() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("posts.db");
    let mut store = Store::open(&db).unwrap();
    let base = 1_700_000_000;
    store
        .write(&[
            post(
                "p1",
                "mayor",
                base,
                None,
                "The council approved the new cycle lane on Mill Road",
            ),
            post("p2", "ann", base + 10, Some("p1"), COMMENT),
            post(
                "p3",
                "copier",
                base + 20,
                Some("p1"),
                &format!("Nice post, {COMMENT}"),
            ),
            post(
                "p4",
                "seller",
                base + 30,
                Some("p1"),
                "Buy 1000 real followers cheap! DM now",
            ),
        ])
        .unwrap();
    drop(store);
    let key = make_key(&db, "read", 1000, 1000);
    let s = Server::start(&db);

    let r = s.get("/v1/posts/flagged", &key);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let ids: Vec<&str> = v["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["post"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["p4", "p3"], "{v}");
    assert_eq!(
        (v["total"].as_u64(), v["limit"].as_u64()),
        (Some(2), Some(50))
    );
    let copy = &v["posts"][1];
    assert_eq!(copy["author"]["platform_id"], "copier");
    assert_eq!(copy["flags"][0], "copies_thread_post");
    assert_eq!(copy["evidence"][0]["copy"]["source"]["post"], "p2");
    assert_eq!(copy["evidence"][0]["copy"]["relation"], "sibling");
    assert_eq!(
        v["posts"][0]["evidence"][0]["spam"]["sells"],
        "sells_engagement"
    );

    let v = s
        .get("/v1/posts/flagged?reason=commercial_spam", &key)
        .json();
    assert_eq!(v["total"], 1);
    let v = s
        .get("/v1/posts/flagged?account=copier&platform=twitter", &key)
        .json();
    assert_eq!(v["posts"][0]["post"], "p3");
    assert_eq!(v["total"], 1);
    let v = s.get("/v1/posts/flagged?limit=1&offset=1", &key).json();
    assert_eq!(
        (v["posts"][0]["post"].as_str(), v["total"].as_u64()),
        (Some("p3"), Some(2))
    );

    assert!(s
        .get("/v1/posts/flagged?reason=spam", &key)
        .problem(400)
        .contains("copies_thread_post"));
    s.get("/v1/posts/flagged?limit=0", &key).problem(400);
    s.get("/v1/posts/flagged?offset=-1", &key).problem(400);
    assert!(s
        .get("/v1/posts/flagged?account=%40nobody", &key)
        .problem(404)
        .contains("nobody"));
    assert_eq!(
        s.request("GET", "/v1/posts/flagged", None, None).status,
        401
    );
}
