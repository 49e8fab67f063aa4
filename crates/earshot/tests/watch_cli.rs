//! `earshot watch` over real score runs of a generated stream: the alerts a run raises are exactly
//! the changes and topic entries computed here from `earshot top`'s own output, evaluating again
//! raises nothing new, and bad rules are refused.

mod common;
use common::*;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

const TAXONOMY: &str = "[topics.film]\nlabel = \"Film\"\nkeywords = [\"film\"]\n\n\
                        [topics.coffee]\nlabel = \"Coffee\"\nkeywords = [\"coffee\"]\n";

/// `top` of run `run` (by overall, or in `topic`), as (platform id, value) in rank order.
fn ranking(
    db: &std::path::Path,
    run: &str,
    topic: Option<&str>,
    limit: &str,
) -> Vec<(String, f64)> {
    let mut args = vec!["top", "--run", run, "--limit", limit];
    if let Some(t) = topic {
        args.extend(["--topic", t]);
    }
    let (code, top) = earshot_json(db, &args);
    assert_eq!(code, 0, "{top}");
    top["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let v = r
                .get("overall")
                .or_else(|| r.get("score"))
                .and_then(Value::as_f64);
            (
                r["platform_id"].as_str().unwrap().to_string(),
                v.unwrap_or(0.0),
            )
        })
        .collect()
}

#[test]
fn a_runs_alerts_are_the_changes_and_topic_entries_of_the_watched_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    generated_db(dir.path(), &db, 3);
    let tax = dir.path().join("tax.toml");
    std::fs::write(&tax, TAXONOMY).unwrap();
    let tax = tax.to_str().unwrap();
    let (code, first) = earshot_json(&db, &["score", "--topics", tax, "--to", "2024-01-15"]);
    assert_eq!(code, 0, "{first}");
    assert!(
        first["watches"]["previous_run"].is_null(),
        "a first run has nothing to compare"
    );

    // Watch every account of run 1: a score change of 2 points, and an entry into film's top 5.
    let before = ranking(&db, "1", None, "100000");
    let watched: Vec<String> = before
        .iter()
        .map(|(id, _)| format!("synthetic:{id}"))
        .collect();
    let mut args = vec!["watch", "add", "--rule", "score-change", "--points", "2"];
    args.extend(watched.iter().map(String::as_str));
    let (code, added) = earshot_json(&db, &args);
    assert_eq!(
        (code, added["added"].as_u64()),
        (0, Some(before.len() as u64)),
        "{added}"
    );
    let mut args = vec![
        "watch",
        "add",
        "--rule",
        "topic-top",
        "--topic",
        "film",
        "--k",
        "5",
    ];
    args.extend(watched.iter().map(String::as_str));
    let (code, added) = earshot_json(&db, &args);
    assert_eq!(code, 0, "{added}");
    // The same rule again takes the new threshold: nothing is added twice.
    let (code, again) = earshot_json(
        &db,
        &[
            "watch",
            "add",
            "--rule",
            "score-change",
            "--points",
            "2",
            &watched[0],
        ],
    );
    assert_eq!(
        (code, again["added"].as_u64(), again["updated"].as_u64()),
        (0, Some(0), Some(1))
    );

    let (code, second) = earshot_json(&db, &["score", "--topics", tax]);
    assert_eq!(code, 0, "{second}");
    assert_eq!(second["watches"]["previous_run"], 1, "{second}");

    // What the alerts must be, from `top` itself.
    let after: HashMap<String, f64> = ranking(&db, "2", None, "100000").into_iter().collect();
    let changed: BTreeSet<String> = before
        .iter()
        .filter(|(id, b)| after.get(id).is_some_and(|a| (a - b).abs() >= 2.0))
        .map(|(id, _)| id.clone())
        .collect();
    let film_before: BTreeSet<String> = ranking(&db, "1", Some("film"), "5")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let entered: BTreeSet<String> = ranking(&db, "2", Some("film"), "5")
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| !film_before.contains(id) && before.iter().any(|(w, _)| w == id))
        .collect();
    assert!(
        !changed.is_empty() && !entered.is_empty(),
        "the data must move: {changed:?} {entered:?}"
    );

    let (code, alerts) = earshot_json(&db, &["watch", "alerts", "--limit", "100000"]);
    assert_eq!(code, 0, "{alerts}");
    let of_rule = |rule: &str| -> BTreeSet<String> {
        alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["alert"])
            .filter(|a| a["rule"] == rule)
            .map(|a| a["account"]["platform_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(of_rule("score_change"), changed);
    assert_eq!(of_rule("topic_top"), entered);
    assert_eq!(
        second["watches"]["alerts"].as_u64().unwrap() as usize,
        changed.len() + entered.len()
    );
    for a in alerts["alerts"].as_array().unwrap() {
        let a = &a["alert"];
        if a["rule"] == "score_change" {
            let change = a["after"].as_f64().unwrap() - a["before"].as_f64().unwrap();
            assert!((change - a["change"].as_f64().unwrap()).abs() < 1e-9, "{a}");
            assert!(a["key"].as_str().unwrap().ends_with("-run-2"), "{a}");
        } else {
            assert!((1..=5).contains(&a["rank"].as_u64().unwrap()), "{a}");
        }
    }

    // Evaluating the run again raises nothing new.
    let (code, eval) = earshot_json(&db, &["watch", "evaluate", "--run", "2"]);
    assert_eq!((code, eval["alerts"].as_u64()), (0, Some(0)), "{eval}");

    // Erasing an account erases its watches and the alerts about it.
    let gone = changed.iter().next().unwrap().clone();
    let (_, list) = earshot_json(&db, &["watch", "list", "--limit", "100000"]);
    let watches_before = list["total"].as_u64().unwrap();
    let on_gone = |list: &Value| {
        list["watches"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["platform_id"] == gone.as_str())
            .count() as u64
    };
    let mine = on_gone(&list);
    assert_eq!(mine, 2, "two rules on it: {gone}");
    let out = earshot(
        &db,
        &["forget", &gone, "--platform", "synthetic", "--no-rescore"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, list) = earshot_json(&db, &["watch", "list", "--limit", "100000"]);
    assert_eq!(list["total"].as_u64(), Some(watches_before - mine));
    assert_eq!(on_gone(&list), 0);
    let (_, alerts) = earshot_json(&db, &["watch", "alerts", "--limit", "100000"]);
    assert!(
        alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["alert"]["account"]["platform_id"] != gone.as_str()),
        "no alert names {gone}"
    );

    // Removing a watch.
    let (_, list) = earshot_json(&db, &["watch", "list", "--limit", "1"]);
    let total = list["total"].as_u64().unwrap();
    let id = list["watches"][0]["id"].as_i64().unwrap().to_string();
    let (code, removed) = earshot_json(&db, &["watch", "remove", &id]);
    assert_eq!((code, removed["removed"].as_u64()), (0, Some(1)));
    let (_, list) = earshot_json(&db, &["watch", "list", "--limit", "1"]);
    assert_eq!(list["total"].as_u64(), Some(total - 1));
}

#[test]
fn bad_rules_are_refused_before_anything_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    generated_db(dir.path(), &db, 4);
    for (args, code, want) in [
        (vec!["--rule", "nope"], 2, "expected one of"),
        (vec!["--rule", "score-change"], 2, "needs --points"),
        (
            vec!["--rule", "score-change", "--points=-3"],
            2,
            "--points -3",
        ),
        (
            vec!["--rule", "component-change", "--points", "5"],
            2,
            "--component",
        ),
        (
            vec!["--rule", "authenticity-drop", "--drop", "2"],
            2,
            "--drop 2",
        ),
        (vec!["--rule", "topic-top", "--topic", "film"], 2, "--k"),
    ] {
        let mut full = vec!["watch", "add", "1"];
        full.extend(args.iter().copied());
        let out = earshot(&db, &full);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let out = earshot(
        &db,
        &[
            "watch",
            "add",
            "1",
            "2",
            "nobody_at_all",
            "--rule",
            "score-change",
            "--points",
            "1",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, list) = earshot_json(&db, &["watch", "list"]);
    assert_eq!(list["total"], 0, "nothing stored: {list}");
}
