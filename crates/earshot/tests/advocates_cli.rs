//! `earshot advocates` end to end: ranking on a small hand-made stream (repeat advocates, reactions by
//! fakes, the brand's own posts, detractors' reasons), clear errors, and on the airline tweets: every
//! airline's advocates with their positive share and volume, and complaint reasons that agree with the
//! dataset's `negativereason` far more often than chance and the majority class.

mod common;
use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn reasons_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../taxonomies/airline-complaints.toml")
}

const T: i64 = 1_424_000_000;

fn account_ref(h: &str) -> Value {
    json!({"ext_id": format!("@{h}"), "handle": h})
}

/// @keen praises @acme four times; @once once, liked by 30 new, empty accounts following thousands
/// (bought likes); @real once, liked by two ordinary accounts; @grump complains three times; @acme
/// praises itself.
fn stream(dir: &Path) -> PathBuf {
    let mut lines: Vec<Value> = Vec::new();
    let mut post = |id: u32, h: &str, t: i64, text: &str| {
        lines.push(
            json!({"type": "post", "platform": "twitter", "ext_id": id.to_string(),
            "author": account_ref(h), "time": t, "text": text}),
        );
    };
    post(1, "acme", T, "@acme we love our customers, thank you all!");
    for (k, text) in [
        "@acme love the new lounge, great work!",
        "@acme thank you, best crew ever :)",
        "@acme amazing flight today, thanks so much!",
        "@acme wonderful service again, love it",
    ]
    .iter()
    .enumerate()
    {
        post(10 + k as u32, "keen", T + 100 * k as i64, text);
    }
    post(20, "once", T + 50, "@acme thanks, great service! love it");
    post(
        30,
        "real",
        T + 70,
        "@acme great job, thank you for the smooth trip!",
    );
    for (k, text) in [
        "@acme flight delayed again, three hours late. terrible",
        "@acme delayed and nobody answers the phone, awful",
        "@acme you lost my luggage, no bag at the carousel. worst airline",
    ]
    .iter()
    .enumerate()
    {
        post(40 + k as u32, "grump", T + 200 + k as i64, text);
    }
    post(50, "other", T, "nothing to do with any brand, lovely day");
    // One author pasting the same praise five times (case, links and spacing aside) is one mention.
    for k in 0..5u32 {
        let text = [
            "@acme BEST airline ever, love you",
            "@ACME best airline  ever, love you https://t.co/x",
        ][k as usize % 2];
        post(60 + k, "parrot", T + 300 + k as i64, text);
    }
    let like = |actor: &str, target: &str, post: u32, t: i64| {
        json!({"type": "interaction", "platform": "twitter", "key": format!("like:{actor}:{post}"),
            "kind": "like", "actor": account_ref(actor), "target": account_ref(target),
            "post": post.to_string(), "time": t})
    };
    for f in 0..30 {
        let h = format!("user{}", 12_345_670 + f);
        lines.push(
            json!({"type": "account", "platform": "twitter", "ext_id": format!("@{h}"),
            "handle": h, "followers": f % 3, "following": 1500 + f, "post_count": 1,
            "created_at": T - 2 * 86_400, "bio": "", "default_avatar": true, "likes_given": 0,
            "listed": 0, "verified": false}),
        );
        lines.push(like(&h, "once", 20, T + 60 + f as i64));
    }
    lines.push(like("alice", "real", 30, T + 80));
    lines.push(like("bob", "real", 30, T + 90));
    let path = dir.join("acme.jsonl");
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
    path
}

fn handles(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect()
}

#[test]
fn repeat_advocates_lead_bought_likes_count_nothing_and_detractors_have_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let (code, rep) = earshot_json(&db, &["import", stream(dir.path()).to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    let reasons = reasons_file();
    let args = [
        "advocates",
        "--brand",
        "Acme",
        "--handle",
        "@acme",
        "--reasons",
        reasons.to_str().unwrap(),
    ];
    let (code, v) = earshot_json(&db, &args);
    assert_eq!(code, 0, "{v}");
    // The brand's own post and the unrelated one are not mentions.
    assert_eq!(v["mentions"], 10, "{v}");
    assert_eq!(v["repeats_dropped"], 4, "{v}");
    assert_eq!(v["by_sentiment"]["positive"], 7, "{v}");
    let order = handles(&v["advocates"]);
    assert_eq!(order[..2], ["@keen", "@real"], "{v}");
    let parrot = v["advocates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == "@parrot");
    let parrot = parrot.expect("parrot is an advocate");
    assert_eq!(parrot["mentions"], 1, "{v}");
    assert_eq!(
        parrot["evidence"][0]["text"], "@acme BEST airline ever, love you",
        "the first is kept: {v}"
    );
    let once = v["advocates"]
        .as_array()
        .unwrap()
        .iter()
        .position(|a| a["account"] == "@once");
    let keen = &v["advocates"][0];
    assert_eq!(
        (keen["positive"].as_u64(), keen["mentions"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(keen["share"], 1.0);
    assert_eq!(keen["evidence"].as_array().unwrap().len(), 2);
    assert_eq!(v["advocates"][1]["reactions"], 2.0, "{v}");
    assert_eq!(
        v["advocates"][once.expect("@once listed")]["reactions"],
        0.0,
        "bought likes: {v}"
    );
    let grump = &v["detractors"][0];
    assert_eq!(grump["account"], "@grump", "{v}");
    assert_eq!(grump["negative"], 3);
    assert_eq!(grump["reasons"][0]["reason"], "Late Flight", "{v}");
    assert_eq!(grump["reasons"][0]["posts"], 2, "{v}");
    assert!(grump["evidence"][0]["text"]
        .as_str()
        .unwrap()
        .contains("delayed"));

    // Without authenticity the thirty likes count, and lift the one-off above a genuine one.
    let mut raw = args.to_vec();
    raw.push("--no-authenticity");
    let (_, v) = earshot_json(&db, &raw);
    assert_eq!(
        handles(&v["advocates"])[..3],
        ["@keen", "@once", "@real"],
        "{v}"
    );
    assert_eq!(v["advocates"][1]["reactions"], 30.0, "{v}");

    // Text output shows counts and shares.
    let out = earshot(&db, &args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("@keen") && text.contains("100%"), "{text}");
    assert!(text.contains("Late Flight 2"), "{text}");
}

#[test]
fn clear_errors_and_an_empty_result_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let (code, _) = earshot_json(&db, &["import", stream(dir.path()).to_str().unwrap()]);
    assert_eq!(code, 0);
    let missing = dir.path().join("no-such-reasons.toml");
    let out = earshot(
        &db,
        &[
            "advocates",
            "--brand",
            "acme",
            "--reasons",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-reasons.toml"), "{err}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[topics.x]\nkeywords = [\"de*lay\"]\n").unwrap();
    let out = earshot(
        &db,
        &[
            "advocates",
            "--brand",
            "acme",
            "--reasons",
            bad.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(1) && err.contains("bad.toml") && err.contains("de*lay"),
        "{err}"
    );

    let out = earshot(&db, &["advocates", "--brand", "acme", "--keyword", "a*"]);
    assert_eq!(out.status.code(), Some(2), "a bad keyword is a usage error");
    let out = earshot(&db, &["advocates", "--handle", "acme"]);
    assert_eq!(out.status.code(), Some(2), "--brand is required");

    let out = earshot(&db, &["advocates", "--brand", "Nobody Inc"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no stored post mentions Nobody Inc"),
        "{text}"
    );
    assert!(text.contains("@NobodyInc"), "{text}");
    let (code, v) = earshot_json(&db, &["advocates", "--brand", "nobody", "--keyword", "zzz"]);
    assert_eq!(code, 0);
    assert_eq!(v["mentions"], 0);
    assert!(v["note"].as_str().unwrap().contains("zzz"), "{v}");

    let out = earshot(
        &dir.path().join("missing.db"),
        &["advocates", "--brand", "acme"],
    );
    assert_eq!(out.status.code(), Some(1));
}

/// The airline handles, by the dataset's `airline` column (its "Delta" rows are tweets to @JetBlue).
const AIRLINES: [(&str, &str); 6] = [
    ("United", "united"),
    ("US Airways", "usairways"),
    ("American", "americanair"),
    ("Southwest", "southwestair"),
    ("Delta", "jetblue"),
    ("Virgin America", "virginamerica"),
];

#[test]
fn airline_advocates_and_reasons_agree_with_the_labels() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("airline.db");
    let Some(file) = import_airline(&db) else {
        return;
    };
    let file = file.to_str().unwrap();
    let reasons = reasons_file();
    let reasons = reasons.to_str().unwrap();
    for (airline, handle) in AIRLINES {
        let (code, v) = earshot_json(
            &db,
            &[
                "advocates",
                "--brand",
                airline,
                "--handle",
                handle,
                "--reasons",
                reasons,
                "--limit",
                "5",
            ],
        );
        assert_eq!(code, 0, "{v}");
        let advocates = v["advocates"].as_array().unwrap();
        assert_eq!(advocates.len(), 5, "{airline}: {v}");
        for a in advocates {
            let (pos, n) = (
                a["positive"].as_u64().unwrap(),
                a["mentions"].as_u64().unwrap(),
            );
            let share = a["share"].as_f64().unwrap();
            assert!(pos >= 1 && pos <= n, "{a}");
            assert!((share - pos as f64 / n as f64).abs() < 1e-9, "{a}");
            assert!(!a["evidence"].as_array().unwrap().is_empty(), "{a}");
        }
        // The top advocate mentioned the airline positively more than once.
        assert!(
            advocates[0]["positive"].as_u64().unwrap() >= 2,
            "{airline}: {v}"
        );
        let detractors = v["detractors"].as_array().unwrap();
        assert_eq!(detractors.len(), 5, "{airline}: {v}");
        assert!(
            detractors
                .iter()
                .any(|d| !d["reasons"].as_array().unwrap().is_empty()),
            "{airline}: {v}"
        );
    }

    let (code, v) = earshot_json(
        &db,
        &[
            "advocates",
            "eval-reasons",
            "--airline",
            file,
            "--reasons",
            reasons,
        ],
    );
    assert_eq!(code, 0, "{v}");
    let row = |scope: &str, level: &str| -> Value {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["scope"] == scope && r["level"] == level)
            .unwrap_or_else(|| panic!("no row {scope}/{level}: {v}"))
            .clone()
    };
    let f = |r: &Value, k: &str| r[k].as_f64().unwrap();
    // Measured (EVALUATION.md): tweet level 62.0% against chance 18.4% and majority 34.7%, coverage
    // 71.9%; detractors as `advocates` finds them 57.6% against 19.9% and 40.5%.
    for level in [
        "tweet",
        "tweet_all",
        "detractor_labelled",
        "detractor_classified",
    ] {
        let r = row("all", level);
        assert!(f(&r, "agreement") >= f(&r, "chance") + 0.25, "{r}");
        assert!(f(&r, "agreement") >= f(&r, "majority") + 0.1, "{r}");
    }
    let tweet = row("all", "tweet");
    assert!(f(&tweet, "coverage") >= 0.65, "{tweet}");
    assert!(f(&row("all", "detractor_classified"), "coverage") >= 0.7);
    // Every airline, every level: well above chance; tweets above the majority class too.
    for (airline, _) in AIRLINES {
        for level in [
            "tweet",
            "tweet_all",
            "detractor_labelled",
            "detractor_classified",
        ] {
            let r = row(airline, level);
            assert!(f(&r, "agreement") >= f(&r, "chance") + 0.2, "{r}");
        }
        let r = row(airline, "tweet");
        assert!(f(&r, "agreement") >= f(&r, "majority") + 0.05, "{r}");
    }
}
