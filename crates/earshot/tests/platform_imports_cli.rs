//! `earshot import` of the platforms' own formats through the real binary (Reddit's Pushshift dumps,
//! Bluesky's Jetstream and repository exports, Mastodon's outbox, archive and REST statuses, X's
//! archive and API v2 pages): each becomes posts and the reactions between their authors; bad records
//! are rejected one by one while the rest lands; importing the same input again adds nothing.

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

/// Import `path` as `format` a second time and check that nothing is added.
fn imports_once(
    db: &std::path::Path,
    format: &str,
    path: &std::path::Path,
    first: &serde_json::Value,
) {
    let out = earshot(db, &["import", "--format", format, path.to_str().unwrap()]);
    // 0, or 3 when the input has rejected records (as the first import had).
    assert!(matches!(out.status.code(), Some(0 | 3)), "{out:?}");
    let again = stats(db);
    assert_eq!(
        (&again["posts"], &again["interactions"], &again["accounts"]),
        (&first["posts"], &first["interactions"], &first["accounts"]),
        "{format}: a second import adds nothing"
    );
}

#[test]
fn a_bluesky_repository_export_imports_once_and_meets_jetstream_on_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("car.db");
    let car = dir.path().join("repo.car");
    // Written from the CAR v1 and atproto repository specifications (see the fixture's doc).
    std::fs::write(&car, earshot_ingest::bluesky_car::fixture::sample()).unwrap();
    let (code, rep) = earshot_json(
        &db,
        &["import", "--format", "bluesky-car", car.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{rep}");
    let s = stats(&db);
    assert_eq!(s["posts"], 1, "{s}");
    for kind in ["reshare", "like", "follow"] {
        assert_eq!(kind_count(&s, kind), 1, "{kind}: {s}");
    }
    assert_eq!(s["by_platform"][0]["platform"], "bluesky");
    imports_once(&db, "bluesky-car", &car, &s);
    // The same follow seen on the firehose is the same interaction (both keyed by its AT URI).
    let line = r#"{"did":"did:plc:owner","time_us":1725911162000000,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.graph.follow","rkey":"d","record":{"subject":"did:plc:alice"}}}"#;
    let js = dir.path().join("jetstream.jsonl");
    std::fs::write(&js, line).unwrap();
    imports_once(&db, "jetstream", &js, &s);
}

// An archive as Mastodon's BackupService writes it (actor.json, outbox.json, likes.json) with the
// following_accounts.csv of its CSV export beside it; shapes per the module docs of
// earshot-ingest's mastodon_archive.rs; URIs and names made up.
const ACTOR: &str = r#"{"@context":["https://www.w3.org/ns/activitystreams"],"id":"https://s.example/users/a","type":"Person","preferredUsername":"a","name":"Ann","summary":"<p>birds</p>","url":"https://s.example/@a","attachment":[{"type":"PropertyValue","name":"Blog","value":"<a href=\"https://ann.example\" rel=\"nofollow noopener noreferrer me\">ann.example</a>"}]}"#;
const LIKES: &str = r#"{"type":"OrderedCollection","orderedItems":["https://o.example/users/b/statuses/2","https://misskey.example/notes/9"]}"#;
const FOLLOWING: &str = "Account address,Show boosts,Notify on new posts,Languages\nb@o.example,true,false,\nnot an address,true,false,\n";

#[test]
fn a_mastodon_archive_folder_imports_once_with_likes_and_follows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ma.db");
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).unwrap();
    for (name, text) in [
        ("actor.json", ACTOR),
        ("outbox.json", OUTBOX),
        ("likes.json", LIKES),
        ("following_accounts.csv", FOLLOWING),
    ] {
        std::fs::write(archive.join(name), text).unwrap();
    }
    let out = earshot(
        &db,
        &[
            "import",
            "--format",
            "mastodon-archive",
            archive.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("outbox.json:5: published:"), "{err}");
    assert!(err.contains("following_accounts.csv:3:"), "{err}");
    let s = stats(&db);
    assert_eq!(s["posts"], 3, "{s}");
    assert_eq!(
        kind_count(&s, "like"),
        1,
        "the Misskey note names no author: {s}"
    );
    assert_eq!(kind_count(&s, "follow"), 1, "{s}");
    assert_eq!(s["by_platform"][0]["platform"], "mastodon");
    imports_once(&db, "mastodon-archive", &archive, &s);
}

// An X archive's data/ files: `window.YTD.<name>.part0 = [...]`, shapes per the module docs of
// earshot-ingest's x_archive.rs; ids and texts made up.
const X_ACCOUNT: &str = r#"window.YTD.account.part0 = [ { "account" : { "accountId" : "100", "username" : "ann", "accountDisplayName" : "Ann", "createdAt" : "2010-01-01T00:00:00.000Z" } } ]"#;
const X_TWEETS: &str = r#"window.YTD.tweets.part0 = [
  { "tweet" : { "id_str" : "1", "full_text" : "@bob hello", "created_at" : "Wed Oct 10 20:19:24 +0000 2018", "in_reply_to_status_id_str" : "9", "in_reply_to_user_id_str" : "200", "entities" : { "user_mentions" : [ { "id_str" : "200", "screen_name" : "bob" } ] } } },
  { "tweet" : { "id_str" : "2", "full_text" : "RT @carol: a thing", "created_at" : "Thu Oct 11 20:19:24 +0000 2018", "entities" : { "user_mentions" : [ { "id_str" : "300", "screen_name" : "carol" } ] } } },
  { "tweet" : { "full_text" : "no id", "created_at" : "Thu Oct 11 20:19:24 +0000 2018" } }
]"#;
const X_FOLLOWER: &str = r#"window.YTD.follower.part0 = [ { "follower" : { "accountId" : "200", "userLink" : "https://twitter.com/intent/user?user_id=200" } } ]"#;

#[test]
fn an_x_archive_imports_once_with_replies_retweets_and_followers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let data = dir.path().join("twitter-2024").join("data");
    std::fs::create_dir_all(&data).unwrap();
    for (name, text) in [
        ("account.js", X_ACCOUNT),
        ("tweets.js", X_TWEETS),
        ("follower.js", X_FOLLOWER),
    ] {
        std::fs::write(data.join(name), text).unwrap();
    }
    let root = data.parent().unwrap();
    let out = earshot(
        &db,
        &["import", "--format", "x-archive", root.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tweets.js:4: tweet.id_str:"), "{err}");
    let s = stats(&db);
    assert_eq!(s["posts"], 1, "a retweet is not the owner's post: {s}");
    for kind in ["reply", "reshare", "follow"] {
        assert_eq!(kind_count(&s, kind), 1, "{kind}: {s}");
    }
    assert_eq!(s["by_platform"][0]["platform"], "twitter");
    imports_once(&db, "x-archive", root, &s);
}

// An X API v2 page (developer.x.com: Tweet object, User object, expansions); ids made up.
const X_PAGE: &str = r#"{"data":[{"id":"11","text":"@ann yes","author_id":"200","created_at":"2023-01-01T00:00:00.000Z","referenced_tweets":[{"type":"replied_to","id":"10"}],"entities":{"mentions":[{"username":"ann","id":"100"}]}},{"id":"12","text":"RT","author_id":"300","created_at":"2023-01-01T01:00:00.000Z","referenced_tweets":[{"type":"retweeted","id":"10"}]}],"includes":{"users":[{"id":"100","username":"ann","name":"Ann","public_metrics":{"followers_count":5,"following_count":1,"tweet_count":3,"listed_count":0}},{"id":"200","username":"bob","name":"Bob"},{"id":"300","username":"carol","name":"Carol"}],"tweets":[{"id":"10","text":"question?","author_id":"100","created_at":"2022-12-31T00:00:00.000Z"}]}}"#;

#[test]
fn x_api_pages_import_once_and_reach_the_includes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.db");
    let file = dir.path().join("page.json");
    std::fs::write(&file, X_PAGE).unwrap();
    let (code, rep) = earshot_json(
        &db,
        &["import", "--format", "x-api", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{rep}");
    let s = stats(&db);
    assert_eq!(s["posts"], 3, "{s}");
    assert_eq!(s["accounts"], 3, "{s}");
    for kind in ["reply", "reshare"] {
        assert_eq!(kind_count(&s, kind), 1, "{kind}: {s}");
    }
    imports_once(&db, "x-api", &file, &s);
}

// Statuses as docs.joinmastodon.org/entities/Status describes them; values made up.
const STATUSES: &str = r#"[{"id":"1","uri":"https://s.example/users/a/statuses/1","url":"https://s.example/@a/1","created_at":"2023-05-01T10:00:00.000Z","content":"<p>hi <span>@b</span></p>","account":{"id":"7","username":"a","acct":"a","url":"https://s.example/@a","display_name":"Ann","note":"","followers_count":10,"following_count":2,"statuses_count":5,"created_at":"2020-01-01T00:00:00.000Z"},"mentions":[{"id":"8","username":"b","acct":"b@o.example","url":"https://o.example/@b"}],"reblog":null},
{"id":"2","uri":"https://o.example/users/b/statuses/2/activity","created_at":"2023-05-01T11:00:00.000Z","content":"","account":{"id":"8","username":"b","acct":"b@o.example","url":"https://o.example/@b"},"mentions":[],"reblog":{"id":"1","uri":"https://s.example/users/a/statuses/1","created_at":"2023-05-01T10:00:00.000Z","content":"<p>hi</p>","account":{"id":"7","username":"a","acct":"a","url":"https://s.example/@a"},"mentions":[]}},
{"id":"3","created_at":"2023-05-01T12:00:00.000Z","account":{"id":"9"}}]"#;

#[test]
fn mastodon_api_statuses_import_once_with_boosts_and_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mapi.db");
    let file = dir.path().join("statuses.json");
    std::fs::write(&file, STATUSES).unwrap();
    let out = earshot(
        &db,
        &["import", "--format", "mastodon-api", file.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("statuses.json:3:"), "{err}");
    let s = stats(&db);
    assert_eq!(s["posts"], 2, "{s}");
    for kind in ["reshare", "mention"] {
        assert_eq!(kind_count(&s, kind), 1, "{kind}: {s}");
    }
    imports_once(&db, "mastodon-api", &file, &s);
}
