//! Topic scores end to end: `score --topics`, `top --topic`, `explain --topic`, `history --topic`, and
//! the topic profile of `explain`, on small hand-made datasets whose answers are known by construction.

mod common;
use common::*;
use serde_json::Value;
use std::fmt::Write;
use std::path::Path;

const T0: i64 = 1_700_000_000; // 2023-11-14
const DAY: i64 = 86_400;

const TAXONOMY: &str = r#"
[topics.cooking]
label = "Home cooking"
keywords = ["recipe", "bake*"]
hashtags = ["cooking"]

[topics.football]
keywords = ["goal", "striker"]
hashtags = ["football"]
"#;

fn account(lines: &mut String, handle: &str) {
    writeln!(
        lines,
        r#"{{"type":"account","platform":"twitter","ext_id":"{handle}","handle":"{handle}"}}"#
    )
    .unwrap();
}

fn post(lines: &mut String, author: &str, id: &str, time: i64, text: &str) {
    writeln!(
        lines,
        r#"{{"type":"post","platform":"twitter","ext_id":"{id}","author":{{"ext_id":"{author}"}},"time":{time},"text":"{text}"}}"#
    )
    .unwrap();
}

fn react(lines: &mut String, kind: &str, actor: &str, target: &str, post: &str, time: i64) {
    writeln!(
        lines,
        r#"{{"type":"interaction","platform":"twitter","key":"{kind}-{actor}-{post}","kind":"{kind}","actor":{{"ext_id":"{actor}"}},"target":{{"ext_id":"{target}"}},"post":"{post}","time":{time}}}"#
    )
    .unwrap();
}

/// alice posts about cooking and is listened to there; bob posts as much about cooking and nobody
/// reacts; carol posts about football and fans react. bob likes carol's posts, so he is in the run.
/// Four posts each, one a day, so a run up to day 2 sees half of them.
fn dataset(dir: &Path) -> std::path::PathBuf {
    let mut l = String::new();
    let fans: Vec<String> = (0..6).map(|i| format!("fan{i}")).collect();
    for h in ["alice", "bob", "carol"]
        .iter()
        .copied()
        .chain(fans.iter().map(String::as_str))
    {
        account(&mut l, h);
    }
    let cooking = [
        "my sourdough recipe for a slow sunday #cooking",
        "a lemon tart recipe that never fails #cooking",
        "slow roast lamb, the recipe my grandmother used #cooking",
        "five spice pork belly recipe tonight #cooking",
    ];
    let plain_cooking = [
        "baking bread again today, new recipe #cooking",
        "baked a carrot cake from an old recipe #cooking",
        "my recipe notebook is full of cake #cooking",
        "baking cookies for the neighbours #cooking",
    ];
    let football = [
        "what a goal by the new striker #football",
        "late goal wins the derby #football",
        "our striker scores again #football",
        "a goal from the halfway line #football",
    ];
    for d in 0..4i64 {
        let t = T0 + d * DAY;
        let (a, b, c) = (format!("a{d}"), format!("b{d}"), format!("c{d}"));
        post(&mut l, "alice", &a, t, cooking[d as usize]);
        post(&mut l, "bob", &b, t + 60, plain_cooking[d as usize]);
        post(&mut l, "carol", &c, t + 120, football[d as usize]);
        for (k, fan) in fans.iter().enumerate() {
            let kind = if k == 0 { "reshare" } else { "like" };
            react(&mut l, kind, fan, "alice", &a, t + 600 + k as i64);
            if k % 2 == 0 {
                react(&mut l, "like", fan, "carol", &c, t + 700 + k as i64);
            }
        }
        react(&mut l, "like", "bob", "carol", &c, t + 800);
    }
    let file = dir.join("topics.jsonl");
    std::fs::write(&file, l).unwrap();
    file
}

fn row_of<'a>(rows: &'a [Value], name: &str) -> Option<(usize, &'a Value)> {
    rows.iter().enumerate().find(|(_, r)| r["name"] == name)
}

#[test]
fn topic_scores_rank_the_listened_to_above_the_merely_talkative() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let data = dataset(dir.path());
    let (code, imp) = earshot_json(&db, &["import", data.to_str().unwrap()]);
    assert_eq!(code, 0, "{imp}");
    let tax = dir.path().join("taxonomy.toml");
    std::fs::write(&tax, TAXONOMY).unwrap();
    let tax = tax.to_str().unwrap();

    // Before any run with topics, --topic is a usage error.
    let (code, plain) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{plain}");
    assert!(plain["topics"].is_null(), "{plain}");
    let out = earshot(&db, &["top", "--topic", "cooking"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no topics"));

    // Two runs with topics: the first sees days 0 and 1, the second everything.
    let cut = (T0 + 2 * DAY).to_string();
    let (code, early) = earshot_json(&db, &["score", "--topics", tax, "--to", &cut]);
    assert_eq!(code, 0, "{early}");
    let (code, run) = earshot_json(&db, &["score", "--topics", tax]);
    assert_eq!(code, 0, "{run}");
    let topics = run["topics"]["topics"].as_array().unwrap();
    let keys: Vec<&str> = topics
        .iter()
        .map(|t| t["topic"]["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["cooking", "football"], "{run}");
    assert_eq!(topics[0]["topic"]["posts"], 8, "{run}");
    assert_eq!(topics[1]["topic"]["posts"], 4, "{run}");
    assert_eq!(run["topics"]["posts_with_text"], 12);
    assert_eq!(run["topics"]["posts_assigned"], 12);

    // top --topic, by key and by label in another case.
    for name in ["cooking", "HOME COOKING"] {
        let (code, top) = earshot_json(&db, &["top", "--topic", name]);
        assert_eq!(code, 0, "{top}");
        assert_eq!(top["topic"]["key"], "cooking");
        let rows = top["top"].as_array().unwrap();
        let (ra, a) = row_of(rows, "@alice").expect("alice has a cooking row");
        let (rb, b) = row_of(rows, "@bob").expect("bob has a cooking row");
        assert!(ra < rb, "{top}");
        assert!(a["score"].as_f64().unwrap() > b["score"].as_f64().unwrap());
        assert_eq!(a["posts_about"], 4);
        assert_eq!(b["posts_about"], 4);
        // carol never touched cooking: no row.
        assert!(row_of(rows, "@carol").is_none(), "{top}");
        let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        assert!(scores.iter().all(|s| (1.0..=100.0).contains(s)));
    }
    // On football, carol leads and alice is absent.
    let (code, top) = earshot_json(&db, &["top", "--topic", "football"]);
    assert_eq!(code, 0, "{top}");
    let rows = top["top"].as_array().unwrap();
    assert_eq!(rows[0]["name"], "@carol", "{top}");
    assert!(row_of(rows, "@alice").is_none());

    // An unknown topic is a usage error that lists the run's topics.
    let out = earshot(&db, &["top", "--topic", "knitting"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cooking") && err.contains("football") && err.contains("Home cooking"),
        "{err}"
    );
    let out = earshot(&db, &["explain", "alice", "--topic", "knitting"]);
    assert_eq!(out.status.code(), Some(2));
    let out = earshot(&db, &["history", "alice", "--topic", "knitting"]);
    assert_eq!(out.status.code(), Some(2));
    let out = earshot(&db, &["top", "--topic", "cooking", "--by", "reach"]);
    assert_eq!(out.status.code(), Some(2));

    // explain --topic: bob is heard by nobody on cooking; alice by the six fans.
    let (code, bob) = earshot_json(&db, &["explain", "bob", "--topic", "cooking"]);
    assert_eq!(code, 0, "{bob}");
    assert_eq!(bob["reproduced"], true, "{bob}");
    assert_eq!(bob["listened"].as_f64().unwrap(), 0.0);
    assert_eq!(bob["reactions"], 0);
    assert_eq!(bob["posts_about"], 4);
    let posts = bob["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 4, "{bob}");
    assert!(posts.iter().all(|p| p["reactions"] == 0));
    assert!(
        posts.iter().all(|p| p["terms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "#cooking")),
        "{bob}"
    );
    // bob's profile: he posts about cooking, is listened to on nothing.
    assert_eq!(bob["profile"]["posts_about"][0]["key"], "cooking");
    assert!(bob["profile"]["listened_on"].as_array().unwrap().is_empty());

    let (code, alice) = earshot_json(&db, &["explain", "@alice", "--topic", "cooking"]);
    assert_eq!(code, 0, "{alice}");
    assert_eq!(alice["reproduced"], true, "{alice}");
    assert_eq!(alice["reactions"], 24, "4 posts × 6 fans: {alice}");
    assert_eq!(alice["distinct_reactors"], 6, "{alice}");
    assert!(alice["listened"].as_f64().unwrap() > 0.0);
    assert!(alice["score"].as_f64().unwrap() > bob["score"].as_f64().unwrap());
    let posts = alice["posts"].as_array().unwrap();
    assert!(posts.iter().all(|p| p["reactions"] == 6), "{alice}");
    assert!(posts
        .iter()
        .all(|p| p["terms"].as_array().unwrap().iter().any(|t| t == "recipe")));
    // alice has no football row: explaining it says so and fails.
    let out = earshot(&db, &["explain", "alice", "--topic", "football"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no score there"));

    // explain without --topic carries the profile when the run has topics.
    let (code, ex) = earshot_json(&db, &["explain", "alice"]);
    assert_eq!(code, 0, "{ex}");
    assert_eq!(ex["topics"]["listened_on"][0]["key"], "cooking", "{ex}");
    assert_eq!(ex["topics"]["posts_about"][0]["posts_about"], 4);
    let out = earshot(&db, &["explain", "alice"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("topic profile") && text.contains("listened to on:"),
        "{text}"
    );

    // history --topic: one row per run with topics; the early run saw two of alice's posts.
    let (code, h) = earshot_json(&db, &["history", "alice", "--topic", "Home Cooking"]);
    assert_eq!(code, 0, "{h}");
    let items = h["history"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{h}");
    assert_eq!(items[0]["run"]["id"], early["run"]);
    assert_eq!(items[1]["run"]["id"], run["run"]);
    assert_eq!(items[0]["score"]["posts_about"], 2);
    assert_eq!(items[1]["score"]["posts_about"], 4);
    let out = earshot(&db, &["history", "alice", "--topic", "cooking"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn auto_topics_find_planted_hashtags_and_no_text_is_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let mut l = String::new();
    let winter = ["xmas", "santa", "snow", "reindeer", "sleigh"];
    let match_day = ["goal", "striker", "penalty", "derby", "keeper"];
    for i in 0..40usize {
        let (tags, who) = if i % 2 == 0 {
            (&winter, format!("w{}", i % 5))
        } else {
            (&match_day, format!("m{}", i % 5))
        };
        let text: Vec<String> = (0..3)
            .map(|k| format!("#{}", tags[(i / 2 + k) % 5]))
            .collect();
        let id = format!("p{i}");
        post(
            &mut l,
            &who,
            &id,
            T0 + i as i64 * 600,
            &format!("note{i} {}", text.join(" ")),
        );
        react(
            &mut l,
            "like",
            &format!("r{}", i % 7),
            &who,
            &id,
            T0 + i as i64 * 600 + 60,
        );
    }
    let file = dir.path().join("auto.jsonl");
    std::fs::write(&file, l).unwrap();
    let (code, imp) = earshot_json(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{imp}");
    let (code, run) = earshot_json(&db, &["score", "--topics", "auto"]);
    assert_eq!(code, 0, "{run}");
    let topics = run["topics"]["topics"].as_array().unwrap();
    assert!(!topics.is_empty(), "{run}");
    assert_eq!(run["topics"]["source"], "auto");
    // Every discovered topic holds posts of one planted set only, and has rows.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let taxonomy: String = conn
        .query_row("SELECT taxonomy FROM score_taxonomies", [], |r| r.get(0))
        .unwrap();
    assert!(
        taxonomy.contains("santa") || taxonomy.contains("striker"),
        "{taxonomy}"
    );
    for t in topics {
        assert!(t["topic"]["posts"].as_u64().unwrap() >= 5, "{run}");
        let key = t["topic"]["key"].as_str().unwrap();
        let (code, top) = earshot_json(&db, &["top", "--topic", key]);
        assert_eq!(code, 0, "{top}");
        let names: Vec<&str> = top["top"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["posts_about"].as_u64().unwrap() > 0)
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert!(!names.is_empty(), "{top}");
        // Authors are w0..w4 (winter) and m0..m4 (match day).
        let first = names[0].chars().next().unwrap();
        assert!(
            names.iter().all(|n| n.starts_with(first)),
            "a topic mixes the planted sets: {names:?}"
        );
    }

    // Interactions without any post text: a note, not an error, and nothing stored.
    let db2 = dir.path().join("bare.db");
    let mut l = String::new();
    for i in 0..10 {
        writeln!(
            l,
            r#"{{"type":"interaction","platform":"twitter","key":"k{i}","kind":"mention","actor":{{"ext_id":"u{i}"}},"target":{{"ext_id":"hub"}},"time":{}}}"#,
            T0 + i
        )
        .unwrap();
    }
    let bare = dir.path().join("bare.jsonl");
    std::fs::write(&bare, l).unwrap();
    let (code, imp) = earshot_json(&db2, &["import", bare.to_str().unwrap()]);
    assert_eq!(code, 0, "{imp}");
    let (code, run) = earshot_json(&db2, &["score", "--topics", "auto"]);
    assert_eq!(code, 0, "{run}");
    assert!(
        run["topics"]["note"]
            .as_str()
            .unwrap()
            .contains("no posts with text"),
        "{run}"
    );
    let out = earshot(&db2, &["score", "--topics", "auto"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no posts with text"));
    let out = earshot(&db2, &["top", "--topic", "anything"]);
    assert_eq!(out.status.code(), Some(2));

    // A taxonomy file that does not parse is refused before anything runs.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[topics.x]\nkeyword = [\"a\"]\n").unwrap();
    let out = earshot(&db2, &["score", "--topics", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.toml"));
}
