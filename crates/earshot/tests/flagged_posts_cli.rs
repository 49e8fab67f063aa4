//! `earshot trust posts` lists flagged posts with their evidence, and `earshot explain` lists the flagged
//! posts that cost an account points: the real binary over a real database.

mod common;
use common::*;
use std::fmt::Write;

const COMMENT: &str = "Finally some good news, the buses will get their own lane and the junction by the station is being redesigned too";

/// A post, replying to `reply_to` when given.
fn post(lines: &mut String, id: &str, author: &str, time: i64, reply_to: Option<&str>, text: &str) {
    let reply = reply_to
        .map(|r| format!(r#","reply_to":"{r}""#))
        .unwrap_or_default();
    writeln!(
        lines,
        r#"{{"type":"post","platform":"twitter","ext_id":"{id}","author":{{"ext_id":"{author}"}},"time":{time},"text":"{text}"{reply}}}"#
    )
    .unwrap();
}

/// A reaction to `brand` carried by `post`.
fn reaction(lines: &mut String, key: &str, kind: &str, actor: &str, post: &str, time: i64) {
    writeln!(
        lines,
        r#"{{"type":"interaction","platform":"twitter","key":"{key}","kind":"{kind}","actor":{{"ext_id":"{actor}"}},"target":{{"ext_id":"brand"}},"post":"{post}","time":{time}}}"#
    )
    .unwrap();
}

fn database() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let file = dir.path().join("thread.jsonl");
    let base = 1_700_000_000;
    let mut l = String::new();
    post(
        &mut l,
        "p1",
        "brand",
        base,
        None,
        "Our summer timetable is out, with new evening trains to the coast",
    );
    post(&mut l, "p2", "ann", base + 10, Some("p1"), COMMENT);
    reaction(&mut l, "r2", "reply", "ann", "p1", base + 10);
    post(
        &mut l,
        "p3",
        "copier",
        base + 20,
        Some("p1"),
        &format!("Nice post, {COMMENT}"),
    );
    reaction(&mut l, "r3", "reply", "copier", "p1", base + 20);
    post(
        &mut l,
        "p4",
        "seller",
        base + 30,
        None,
        "@brand Buy 1000 real followers cheap, DM now for instant delivery",
    );
    reaction(&mut l, "r4", "mention", "seller", "p4", base + 30);
    post(
        &mut l,
        "p5",
        "fan",
        base + 40,
        None,
        "@brand is the evening train to the coast running on Sundays too?",
    );
    reaction(&mut l, "r5", "mention", "fan", "p5", base + 40);
    std::fs::write(&file, l).unwrap();
    let (code, rep) = earshot_json(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    (dir, db)
}

#[test]
fn trust_posts_lists_each_flagged_post_with_its_evidence() {
    let (_dir, db) = database();
    let (code, r) = earshot_json(&db, &["trust", "posts"]);
    assert_eq!(code, 0, "{r}");
    let posts = r["posts"].as_array().unwrap();
    let ids: Vec<&str> = posts.iter().map(|p| p["post"].as_str().unwrap()).collect();
    assert_eq!(ids, ["p4", "p3"], "{r}");
    assert_eq!(r["total"], 2);
    let copy = &posts[1];
    assert_eq!(copy["author"]["platform_id"], "copier");
    assert_eq!(copy["flags"], serde_json::json!(["copies_thread_post"]));
    let ev = &copy["evidence"][0]["copy"];
    assert_eq!(ev["source"]["post"], "p2", "{copy}");
    assert_eq!(ev["source"]["author"]["platform_id"], "ann");
    assert_eq!(ev["relation"], "sibling");
    assert_eq!(ev["new_words"], 0);
    let spam = &posts[0]["evidence"][0]["spam"];
    assert_eq!(spam["sells"], "sells_engagement", "{r}");
    assert!(
        spam["cues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "quantity"),
        "{r}"
    );

    let (code, r) = earshot_json(&db, &["trust", "posts", "--reason", "copies_thread_post"]);
    assert_eq!(code, 0);
    assert_eq!(r["total"], 1);
    let (code, r) = earshot_json(&db, &["trust", "posts", "--account", "seller"]);
    assert_eq!(code, 0);
    assert_eq!(r["posts"][0]["post"], "p4");
    assert_eq!(r["by_reason"], serde_json::json!({"commercial_spam": 1}));

    let out = earshot(&db, &["trust", "posts", "--reason", "spam"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--reason \"spam\" is not a flag") && err.contains("repeats_own_post"),
        "{err}"
    );
    let out = earshot(&db, &["trust", "posts", "--account", "@nobody"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = earshot(&db, &["trust", "posts", "--limit", "1"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "2 flagged posts of 5 read (by reason: commercial_spam 1, copies_thread_post 1)\n"
        ),
        "{text}"
    );
    assert!(text.contains("twitter p4 by seller, "), "{text}");
    assert!(text.contains("showing 1–1 of 2"), "{text}");
}

#[test]
fn explain_lists_the_flagged_posts_that_cost_an_account_points() {
    let (_dir, db) = database();
    let (code, run) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{run}");
    let (code, ex) = earshot_json(&db, &["explain", "brand"]);
    assert_eq!(code, 0, "{ex}");
    let f = &ex["flagged_posts"];
    assert_eq!(f["lost_total"], 2, "{ex}");
    let lost: Vec<&str> = f["lost"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["post"].as_str().unwrap())
        .collect();
    assert_eq!(lost, ["p4", "p3"]);
    assert_eq!(f["own_total"], 0);
    assert_eq!(f["lost"][1]["evidence"][0]["copy"]["source"]["post"], "p2");

    let out = earshot(&db, &["explain", "brand"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("flagged posts of others that carried reactions to it (those reactions earned nothing): 2\n  twitter p4 by seller"), "{text}");
    assert!(
        text.contains("copies_thread_post: copies p2 by ann (sibling)"),
        "{text}"
    );
}
