//! `earshot topics` end to end: match texts against a taxonomy with the terms that matched, refuse a
//! bad taxonomy by naming file, topic and field, discover planted topics in a file of posts, and (with
//! the real data) find topics a reader would accept in TweetEval's emoji tweets.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn no_db() -> PathBuf {
    PathBuf::from("unused.db")
}

const TAXONOMY: &str = r##"
[topics.late]
label = "Late flight"
keywords = ["delay*", "on time"]
hashtags = ["latefl"]

[topics.bags]
keywords = ["lost luggage", "bag*"]
accounts = ["baggage_desk"]
"##;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn topic_keys(v: &serde_json::Value) -> Vec<String> {
    v["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn match_names_topics_terms_language_and_sentiment() {
    let dir = tempfile::tempdir().unwrap();
    let tax = write(dir.path(), "t.toml", TAXONOMY);
    let out = earshot(
        &no_db(),
        &[
            "--json",
            "topics",
            "match",
            "--sentiment",
            "--taxonomy",
            tax.to_str().unwrap(),
            "flight delayed again and my bags are lost, terrible #latefl",
            "@baggage_desk where is it",
            "El vuelo de esta mañana se retrasó otra vez más de tres horas y además perdieron mi equipaje en el aeropuerto, qué desastre total #latefl",
            "Vôo atrasado, bagagem perdida",
            "what a lovely sunny day at the park",
        ],
    );
    let v = lines(&out);
    assert_eq!(v.len(), 5);
    assert_eq!(topic_keys(&v[0]), ["late", "bags"], "{}", v[0]);
    let late_terms: Vec<&str> = v[0]["topics"][0]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(late_terms, ["delay*", "#latefl"]);
    assert_eq!(v[0]["language"], "eng");
    assert_eq!(v[0]["sentiment"], "negative");
    assert_eq!(topic_keys(&v[1]), ["bags"], "{}", v[1]);
    // Spanish: detected, so its words are not matched, but its hashtag is.
    assert_eq!(v[2]["language"], "spa", "{}", v[2]);
    assert_eq!(topic_keys(&v[2]), ["late"], "{}", v[2]);
    // Too short for whatlang to be sure, but accented: not read as English, so "bagagem" is no "bag*".
    assert_ne!(v[3]["language"], "eng", "{}", v[3]);
    assert!(topic_keys(&v[3]).is_empty(), "{}", v[3]);
    assert!(topic_keys(&v[4]).is_empty(), "{}", v[4]);
}

#[test]
fn a_bad_taxonomy_is_refused_naming_file_topic_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.toml",
        "[topics.late]\nkeywords = [\"de*lay\"]\n",
    );
    let out = earshot(
        &no_db(),
        &["topics", "match", "--taxonomy", bad.to_str().unwrap(), "x"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("\"late\"") && err.contains("keywords"),
        "{err}"
    );

    let typo = write(
        dir.path(),
        "typo.toml",
        "[topics.late]\nkeywrods = [\"delay\"]\n",
    );
    let out = earshot(
        &no_db(),
        &["topics", "match", "--taxonomy", typo.to_str().unwrap(), "x"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("typo.toml") && err.contains("keywrods"),
        "{err}"
    );

    let out = earshot(
        &no_db(),
        &["topics", "match", "--taxonomy", "/nonexistent/t.toml", "x"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("/nonexistent/t.toml"),
        "{err}"
    );
}

#[test]
fn discover_finds_planted_topics_and_writes_a_usable_taxonomy() {
    let dir = tempfile::tempdir().unwrap();
    let winter = ["snow", "sled", "mittens", "#winter", "blizzard"];
    let food = ["tacos", "salsa", "guacamole", "#foodie", "burrito"];
    let mut text = String::new();
    for i in 0..200usize {
        let words = if i % 2 == 0 { &winter } else { &food };
        let pick: Vec<&str> = (0..3).map(|k| words[(i / 2 + k * 2) % 5]).collect();
        text += &format!("{} with friend{i} tonight\n", pick.join(" and "));
    }
    text += "東京の桜がとても綺麗でした #花見\n\n";
    let posts = write(dir.path(), "posts.txt", &text);
    let out_toml = dir.path().join("found.toml");
    let (code, v) = earshot_json(
        &no_db(),
        &[
            "topics",
            "discover",
            "--lines",
            posts.to_str().unwrap(),
            "--out",
            out_toml.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["posts"], 201);
    let topics = v["topics"].as_array().unwrap();
    assert_eq!(topics.len(), 2, "{v}");
    for t in topics {
        let terms: Vec<&str> = t["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        let planted = if terms.contains(&"snow") {
            &winter
        } else {
            &food
        };
        let mut got = terms.clone();
        got.sort_unstable();
        let mut want = planted.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "{t}");
        assert_eq!(t["posts"], 100, "{t}");
        assert_eq!(t["examples"].as_array().unwrap().len(), 3, "{t}");
    }
    // The written taxonomy assigns an example post back to its topic.
    let example = topics[0]["examples"][0].as_str().unwrap();
    let out = earshot(
        &no_db(),
        &[
            "--json",
            "topics",
            "match",
            "--taxonomy",
            out_toml.to_str().unwrap(),
            example,
        ],
    );
    let m = lines(&out);
    assert_eq!(
        topic_keys(&m[0]),
        [topics[0]["key"].as_str().unwrap()],
        "{}",
        m[0]
    );
}

#[test]
fn discover_on_an_empty_database_says_there_is_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let out = earshot(&db, &["topics", "discover"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("e.db"), "{err}");
}

/// TweetEval's emoji tweets (hashtag-rich Instagram cross-posts from the US): the topics must include
/// ones a reader recognises, each with three examples. The thresholds are what a reader would accept,
/// not the figures of one run: San Francisco and Las Vegas must each come out as their own topic, and
/// at least ten topics must be found.
#[test]
fn real_tweeteval_emoji_topics_are_recognisable() {
    let Some(data) = shared_data("tweet-text/tweeteval_datasets.tar.gz") else {
        return;
    };
    let (code, v) = earshot_json(
        &no_db(),
        &[
            "topics",
            "discover",
            "--terms",
            "1000",
            "--tweeteval",
            data.to_str().unwrap(),
            "--task",
            "emoji",
            "--split",
            "train",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["posts"], 45_000);
    let topics = v["topics"].as_array().unwrap();
    assert!(topics.len() >= 10, "{}", topics.len());
    let assigned = v["assigned"].as_f64().unwrap() / 45_000.0;
    assert!(assigned > 0.3, "only {assigned} of posts assigned");
    let with = |a: &str, b: &str| {
        topics
            .iter()
            .filter(|t| {
                let terms = t["terms"].as_array().unwrap();
                terms.iter().any(|x| x == a) && terms.iter().any(|x| x == b)
            })
            .count()
    };
    assert_eq!(
        with("san", "francisco"),
        1,
        "San Francisco should be one topic"
    );
    assert_eq!(with("las", "vegas"), 1, "Las Vegas should be one topic");
    assert_eq!(
        with("francisco", "vegas"),
        0,
        "San Francisco and Las Vegas should not merge"
    );
    for t in topics {
        let ex = t["examples"].as_array().unwrap();
        assert_eq!(ex.len(), 3, "{t}");
        // An example holds at least two of its topic's terms (the assignment rule).
        let terms: Vec<String> = t["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_lowercase())
            .collect();
        for e in ex {
            let e = e.as_str().unwrap().to_lowercase();
            let n = terms
                .iter()
                .filter(|term| e.contains(term.trim_start_matches('#')))
                .count();
            assert!(n >= 2, "example {e:?} shares {n} terms with {terms:?}");
        }
    }
}
