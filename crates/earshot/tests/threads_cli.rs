//! Threads end to end: posts with `reply_to`, `quote_of` or `reshare_of` imply the interactions scoring
//! counts, from JSONL and from CSV, once, whatever order the lines and imports come in. Real binary, real
//! SQLite files.

mod common;
use common::*;
use std::path::{Path, PathBuf};

const T0: i64 = 1_341_100_800; // 2012-07-01

fn post(id: &str, author: &str, t: i64, link: Option<(&str, &str)>) -> serde_json::Value {
    let mut p = serde_json::json!({"type": "post", "platform": "twitter", "ext_id": id,
        "author": {"ext_id": author}, "time": t, "text": format!("post {id}")});
    if let Some((field, to)) = link {
        p[field] = to.into();
    }
    p
}

fn stated(
    key: &str,
    kind: &str,
    actor: &str,
    target: &str,
    about: &str,
    t: i64,
) -> serde_json::Value {
    serde_json::json!({"type": "interaction", "platform": "twitter", "key": key, "kind": kind,
        "actor": {"ext_id": actor}, "target": {"ext_id": target}, "post": about, "time": t})
}

fn write_jsonl(dir: &Path, name: &str, lines: &[serde_json::Value]) -> PathBuf {
    let path = dir.join(name);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, text).unwrap();
    path
}

fn import(db: &Path, file: &Path) -> serde_json::Value {
    let (code, rep) = earshot_json(db, &["import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    rep[0].clone()
}

/// A thread as posts alone: ann posts; bob and cy reply; dee quotes ann; eve reshares bob's reply.
fn thread() -> Vec<serde_json::Value> {
    vec![
        post("p0", "ann", T0, None),
        post("p1", "bob", T0 + 60, Some(("reply_to", "p0"))),
        post("p2", "cy", T0 + 120, Some(("reply_to", "p0"))),
        post("p3", "dee", T0 + 180, Some(("quote_of", "p0"))),
        post("p4", "eve", T0 + 240, Some(("reshare_of", "p1"))),
    ]
}

/// `earshot score`'s count of accounts scored.
fn accounts_scored(db: &Path) -> u64 {
    let (code, out) = earshot_json(db, &["score"]);
    assert_eq!(code, 0, "{out}");
    out["accounts_scored"].as_u64().unwrap()
}

#[test]
fn a_jsonl_thread_of_posts_alone_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let file = write_jsonl(dir.path(), "thread.jsonl", &thread());
    let rep = import(&db, &file);
    assert_eq!(rep["written"]["interactions_new"], 4, "{rep}");
    assert_eq!(rep["written"]["interactions_implied"], 4, "{rep}");
    let s = stats(&db);
    assert_eq!(
        (
            kind_count(&s, "reply"),
            kind_count(&s, "quote"),
            kind_count(&s, "reshare")
        ),
        (2, 1, 1),
        "{s}"
    );
    assert_eq!(s["implied_interactions"], 4);
    // ann (two replies, a quote) and bob (a reshare) were reacted to.
    assert_eq!(accounts_scored(&db), 2);
    let (code, ex) = earshot_json(&db, &["explain", "ann"]);
    assert_eq!(code, 0, "{ex}");
    assert_eq!(ex["evidence"]["distinct_reactors"], 3, "{ex}");

    // Importing the file again adds nothing.
    let again = import(&db, &file);
    assert_eq!(again["written"]["interactions_new"], 0, "{again}");
    assert_eq!(again["written"]["already_present"], 5, "{again}");
    assert_eq!(stats(&db)["interactions"], 4);
}

#[test]
fn a_csv_thread_of_posts_alone_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let file = dir.path().join("thread.csv");
    // The CSV's own mention scan adds a mention for "@ann" in cy's reply: that one is stated by the text.
    std::fs::write(
        &file,
        "id,author,time,text,reply_to,quote_of,reshare_of\n\
         p0,ann,2012-07-01 00:00,hello all,,,\n\
         p1,bob,2012-07-01 00:01,welcome back,p0,,\n\
         p2,cy,2012-07-01 00:02,@ann agreed,p0,,\n\
         p3,dee,2012-07-01 00:03,look at this,,p0,\n\
         p4,eve,2012-07-01 00:04,,,,p1\n",
    )
    .unwrap();
    let (code, rep) = earshot_json(&db, &["import", "--format", "csv", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    assert_eq!(rep[0]["written"]["interactions_implied"], 4, "{rep}");
    let s = stats(&db);
    assert_eq!(
        (
            kind_count(&s, "reply"),
            kind_count(&s, "quote"),
            kind_count(&s, "reshare"),
            kind_count(&s, "mention")
        ),
        (2, 1, 1, 1),
        "{s}"
    );
    assert_eq!(accounts_scored(&db), 2);
    let (_, again) = earshot_json(&db, &["import", "--format", "csv", file.to_str().unwrap()]);
    assert_eq!(again[0]["written"]["interactions_new"], 0, "{again}");
    assert_eq!(stats(&db)["interactions"], 5);
}

#[test]
fn posts_and_their_stated_interactions_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    // Each reaction twice over: as a post with a reference and as the interaction the file states, the
    // post first for bob, the interaction first for cy.
    let lines = vec![
        post("p0", "ann", T0, None),
        post("p1", "bob", T0 + 60, Some(("reply_to", "p0"))),
        stated("i1", "reply", "bob", "ann", "p0", T0 + 60),
        stated("i2", "quote", "cy", "ann", "p0", T0 + 120),
        post("p2", "cy", T0 + 120, Some(("quote_of", "p0"))),
    ];
    let file = write_jsonl(dir.path(), "both.jsonl", &lines);
    import(&db, &file);
    let s = stats(&db);
    assert_eq!(s["interactions"], 2, "{s}");
    assert_eq!(s["implied_interactions"], 0, "{s}");
    assert_eq!((kind_count(&s, "reply"), kind_count(&s, "quote")), (1, 1));
    let again = import(&db, &file);
    assert_eq!(again["written"]["interactions_new"], 0, "{again}");
    assert_eq!(stats(&db)["interactions"], 2);

    // The interactions stated in a later file replace the ones the posts implied.
    let db = dir.path().join("later.db");
    let posts = write_jsonl(dir.path(), "posts.jsonl", &lines[..2]);
    let reactions = write_jsonl(dir.path(), "reactions.jsonl", &lines[2..3]);
    assert_eq!(import(&db, &posts)["written"]["interactions_implied"], 1);
    let rep = import(&db, &reactions);
    assert_eq!(rep["written"]["implied_replaced"], 1, "{rep}");
    let s = stats(&db);
    assert_eq!(
        (
            s["interactions"].as_u64(),
            s["implied_interactions"].as_u64()
        ),
        (Some(1), Some(0))
    );
}

#[test]
fn a_reply_finds_its_parent_later_in_the_file_or_in_a_previous_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    // The reply comes first, its parent after it.
    let file = write_jsonl(
        dir.path(),
        "reversed.jsonl",
        &[
            post("r1", "bob", T0 + 60, Some(("reply_to", "q1"))),
            post("q1", "ann", T0, None),
        ],
    );
    let rep = import(&db, &file);
    assert_eq!(rep["written"]["interactions_implied"], 1, "{rep}");
    assert_eq!(rep["references_waiting"], 0, "{rep}");
    // A reply in a second import to a post of the first.
    let file = write_jsonl(
        dir.path(),
        "second.jsonl",
        &[post("r2", "cy", T0 + 120, Some(("reply_to", "q1")))],
    );
    assert_eq!(import(&db, &file)["written"]["interactions_implied"], 1);
    assert_eq!(kind_count(&stats(&db), "reply"), 2);
    assert_eq!(accounts_scored(&db), 1);
}

#[test]
fn a_reply_to_an_unknown_post_is_reported_and_made_when_the_post_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let replies = write_jsonl(
        dir.path(),
        "replies.jsonl",
        &[
            post("r1", "bob", T0 + 60, Some(("reply_to", "elsewhere"))),
            post("r2", "cy", T0 + 120, Some(("quote_of", "elsewhere"))),
        ],
    );
    let rep = import(&db, &replies);
    assert_eq!(rep["written"]["interactions_new"], 0, "{rep}");
    assert_eq!(rep["written"]["references_queued"], 2, "{rep}");
    assert_eq!(rep["references_waiting"], 2, "{rep}");
    let s = stats(&db);
    assert_eq!(
        (s["interactions"].as_u64(), s["references_waiting"].as_u64()),
        (Some(0), Some(2))
    );
    // The text report says so.
    let db2 = dir.path().join("text.db");
    let out = earshot(&db2, &["import", replies.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("note: 2 references name posts not in the database yet"),
        "{text}"
    );

    // The post arrives in a later import: both interactions are made, and nothing waits any more.
    let parent = write_jsonl(
        dir.path(),
        "parent.jsonl",
        &[post("elsewhere", "ann", T0, None)],
    );
    let rep = import(&db, &parent);
    assert_eq!(rep["written"]["references_resolved"], 2, "{rep}");
    assert_eq!(rep["written"]["interactions_implied"], 2, "{rep}");
    assert_eq!(rep["references_waiting"], 0, "{rep}");
    let s = stats(&db);
    assert_eq!((kind_count(&s, "reply"), kind_count(&s, "quote")), (1, 1));
}

#[test]
fn a_self_reply_is_kept_but_earns_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    // ann threads her own posts; bob replies once.
    let file = write_jsonl(
        dir.path(),
        "self.jsonl",
        &[
            post("t1", "ann", T0, None),
            post("t2", "ann", T0 + 60, Some(("reply_to", "t1"))),
            post("t3", "ann", T0 + 120, Some(("reply_to", "t2"))),
            post("b1", "bob", T0 + 180, Some(("reply_to", "t1"))),
        ],
    );
    import(&db, &file);
    assert_eq!(kind_count(&stats(&db), "reply"), 3);
    // Only bob's reply is a reaction to someone else: ann alone is scored, with one reactor.
    assert_eq!(accounts_scored(&db), 1);
    let (code, ex) = earshot_json(&db, &["explain", "ann"]);
    assert_eq!(code, 0, "{ex}");
    assert_eq!(ex["evidence"]["distinct_reactors"], 1, "{ex}");
}
