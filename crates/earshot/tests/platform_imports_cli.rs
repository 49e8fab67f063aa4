//! `earshot import --format reddit`, `jetstream` and `mastodon-outbox` through the real binary: a
//! Pushshift-shaped thread, a Jetstream capture and an outbox become posts and the reactions between their authors; bad lines are
//! rejected one by one while the rest lands; importing the same file again adds nothing.

mod common;
use common::*;

// Fields as the Pushshift paper's "Data Description" lists them (Baumgartner et al., ICWSM 2020);
// values made up.
const DUMP: &str = r#"{"id":"5lcgjh","author":"alice_b","created_utc":1483228800,"subreddit":"rust","title":"Borrow checker question","selftext":"u/bob-c said it fails","score":10}
{"id":"dbuo0ap","author":"bob-c","created_utc":"1483229000","body":"Because of the lifetime","parent_id":"t3_5lcgjh","link_id":"t3_5lcgjh"}
{"id":"dbuo1xx","author":"Alice_B","created_utc":1483229100,"body":"thanks!","parent_id":"t1_dbuo0ap","link_id":"t3_5lcgjh"}
{"id":"dbuo2zz","author":"[deleted]","created_utc":1483229200,"body":"gone","parent_id":"t3_5lcgjh"}
{"id":"dbuo3aa","author":"carol","created_utc":"later","body":"bad time","parent_id":"t3_5lcgjh"}
"#;

#[test]
fn a_pushshift_thread_imports_once_with_its_replies_and_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let file = dir.path().join("RC_2017-01.jsonl");
    std::fs::write(&file, DUMP).unwrap();
    let path = file.to_str().unwrap();

    let out = earshot(&db, &["import", "--format", "reddit", path]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":4: author:") && err.contains(":5: created_utc:"),
        "each bad line named with its field: {err}"
    );
    let s = stats(&db);
    assert_eq!(s["posts"], 3, "{s}");
    assert_eq!(s["accounts"], 2, "alice_b and Alice_B are one account: {s}");
    assert_eq!(kind_count(&s, "reply"), 2, "{s}");
    assert_eq!(kind_count(&s, "mention"), 1, "{s}");
    assert_eq!(s["by_platform"][0]["platform"], "reddit");

    // Again: nothing new.
    earshot(&db, &["import", "--format", "reddit", path]);
    let again = stats(&db);
    assert_eq!(
        (&again["posts"], &again["interactions"], &again["accounts"]),
        (&s["posts"], &s["interactions"], &s["accounts"])
    );
}

// Jetstream events shaped as its README's "Example Events"; records as the app.bsky lexicons define
// them; values made up.
const JETSTREAM: &str = r#"{"did":"did:plc:alice","time_us":1725911162329308,"kind":"identity","identity":{"did":"did:plc:alice","handle":"alice.example.com","seq":1}}
{"did":"did:plc:alice","time_us":1725911162329308,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"a1","record":{"text":"hello"}}}
{"did":"did:plc:bob","time_us":1725911200000000,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"b1","record":{"text":"hi","reply":{"parent":{"uri":"at://did:plc:alice/app.bsky.feed.post/a1"}}}}}
{"did":"did:plc:dan","time_us":1725911400000000,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.repost","rkey":"d1","record":{"subject":{"uri":"at://did:plc:alice/app.bsky.feed.post/a1"}}}}
{"did":"did:plc:dan","time_us":1725911500000000,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.like","rkey":"d2","record":{"subject":{"uri":"at://did:plc:alice/app.bsky.feed.post/a1"}}}}
{"did":"did:plc:dan","time_us":1725911600000000,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.graph.follow","rkey":"d3","record":{"subject":"did:plc:alice"}}}
{"did":"did:plc:dan","time_us":"soon","kind":"commit","commit":{}}
"#;

#[test]
fn a_jetstream_capture_imports_once_with_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    let file = dir.path().join("jetstream.jsonl");
    std::fs::write(&file, JETSTREAM).unwrap();
    let path = file.to_str().unwrap();
    let out = earshot(&db, &["import", "--format", "jetstream", path]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":7: time_us:"), "{err}");
    let s = stats(&db);
    assert_eq!(s["posts"], 2, "{s}");
    for kind in ["reply", "reshare", "like", "follow"] {
        assert_eq!(kind_count(&s, kind), 1, "{kind}: {s}");
    }
    assert_eq!(s["by_platform"][0]["platform"], "bluesky");
    earshot(&db, &["import", "--format", "jetstream", path]);
    let again = stats(&db);
    assert_eq!(
        (&again["posts"], &again["interactions"], &again["accounts"]),
        (&s["posts"], &s["interactions"], &s["accounts"])
    );
}

// An outbox as an ActivityStreams OrderedCollection (Activity Vocabulary §3.2 Create and Announce, §3.3
// Note, Mention tags); URIs and texts made up.
const OUTBOX: &str = r#"{"type":"OrderedCollection","orderedItems":[
{"id":"https://s.example/users/a/statuses/1/activity","type":"Create","actor":"https://s.example/users/a","published":"2023-05-01T10:00:00Z","object":{"id":"https://s.example/users/a/statuses/1","type":"Note","content":"<p>hello</p>"}},
{"id":"https://o.example/users/b/statuses/2/activity","type":"Create","actor":"https://o.example/users/b","published":"2023-05-01T11:00:00Z","object":{"id":"https://o.example/users/b/statuses/2","type":"Note","inReplyTo":"https://s.example/users/a/statuses/1","content":"<p>hi <a>@a</a></p>","tag":[{"type":"Mention","href":"https://s.example/users/a","name":"@a@s.example"}]}},
{"id":"https://o.example/users/c/statuses/3/activity","type":"Announce","actor":"https://o.example/users/c","published":"2023-05-02T09:00:00Z","object":"https://s.example/users/a/statuses/1"},
{"id":"https://o.example/users/c/statuses/4/activity","type":"Announce","actor":"https://o.example/users/c","published":"never","object":"https://s.example/users/a/statuses/1"}
]}"#;

#[test]
fn a_mastodon_outbox_imports_once_with_replies_boosts_and_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let file = dir.path().join("outbox.json");
    std::fs::write(&file, OUTBOX).unwrap();
    let path = file.to_str().unwrap();
    let out = earshot(&db, &["import", "--format", "mastodon-outbox", path]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":5: published:"), "{err}");
    let s = stats(&db);
    assert_eq!(s["posts"], 3, "{s}");
    for kind in ["reply", "reshare", "mention"] {
        assert_eq!(kind_count(&s, kind), 1, "{kind}: {s}");
    }
    assert_eq!(s["by_platform"][0]["platform"], "mastodon");
    earshot(&db, &["import", "--format", "mastodon-outbox", path]);
    let again = stats(&db);
    assert_eq!(
        (&again["posts"], &again["interactions"], &again["accounts"]),
        (&s["posts"], &s["interactions"], &s["accounts"])
    );
}
