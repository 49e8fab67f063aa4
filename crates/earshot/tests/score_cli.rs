//! `earshot score`, `top`, `explain` and `history` end to end on a generated dataset.

mod common;
use common::*;

#[test]
fn score_top_explain_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    generated_db(dir.path(), &db, 5);

    // An early window first, then everything: two runs for history.
    let (code, early) = earshot_json(&db, &["score", "--to", "2024-01-15"]);
    assert_eq!(code, 0, "{early}");
    let (code, full) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{full}");
    assert!(full["accounts"].as_u64().unwrap() >= early["accounts"].as_u64().unwrap());
    assert_eq!(full["model_version"], "earshot-score-4");

    let (code, top) = earshot_json(&db, &["top", "--limit", "5"]);
    assert_eq!(code, 0);
    let rows = top["top"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let overall: Vec<f64> = rows
        .iter()
        .map(|r| r["overall"].as_f64().unwrap())
        .collect();
    assert!(overall.windows(2).all(|w| w[0] >= w[1]), "{overall:?}");
    assert!(overall.iter().all(|s| (1.0..=100.0).contains(s)));
    let (code, by_conv) = earshot_json(&db, &["top", "--by", "conversation", "--limit", "3"]);
    assert_eq!(code, 0);
    let conv: Vec<f64> = by_conv["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["raw"][2].as_f64().unwrap())
        .collect();
    assert!(conv.windows(2).all(|w| w[0] >= w[1]), "{conv:?}");
    let out = earshot(&db, &["top", "--by", "fame"]);
    assert_eq!(out.status.code(), Some(2));

    // Explain the best account: recomputed from events to the stored number; points add up.
    let best = rows[0]["account"].as_i64().unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ext: String = conn
        .query_row("SELECT ext_id FROM accounts WHERE id = ?1", [best], |r| {
            r.get(0)
        })
        .unwrap();
    drop(conn);
    let (code, ex) = earshot_json(&db, &["explain", &ext]);
    assert_eq!(code, 0, "{ex}");
    assert_eq!(ex["reproduced"], true, "{ex}");
    // The score is the scale applied to the expected engagement: base + each feature's points, and
    // the expected engagement is the scale read backwards.
    let pred = &ex["prediction"];
    let points: f64 = pred["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["points"].as_f64().unwrap())
        .sum();
    let base = pred["base_points"].as_f64().unwrap();
    let overall = ex["overall"].as_f64().unwrap();
    assert!((base + points - overall).abs() < 1e-9, "{pred}");
    let scale = &pred["scale"];
    let expected = scale["anchor_expected"].as_f64().unwrap()
        * 2f64.powf(
            (overall - scale["anchor_score"].as_f64().unwrap())
                / scale["points_per_doubling"].as_f64().unwrap(),
        );
    let stated = pred["expected_next_week"].as_f64().unwrap();
    assert!(
        (expected - stated).abs() < 1e-6 * stated,
        "{expected} vs {stated}"
    );
    assert!(!ex["evidence"]["reactors"].as_array().unwrap().is_empty());
    let credits: Vec<f64> = ex["evidence"]["reactors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["audience_credit"].as_f64().unwrap())
        .collect();
    assert!(
        credits.iter().all(|c| (0.0..=1.0).contains(c)),
        "{credits:?}"
    );

    let (code, hist) = earshot_json(&db, &["history", &ext]);
    assert_eq!(code, 0);
    assert!(!hist["history"].as_array().unwrap().is_empty());
    let out = earshot(&db, &["explain", "nobody-by-this-name"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account"));
}

#[test]
fn backtest_reports_metrics_and_bootstrap_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    generated_db(dir.path(), &db, 5);
    let (code, out) = earshot_json(
        &db,
        &[
            "backtest",
            "--train-until",
            "2024-01-15",
            "--test-until",
            "2030-01-01",
            "--bootstrap",
            "30",
            "--k",
            "10",
            "--relevel",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let rows = out["results"].as_array().unwrap();
    assert!(rows[0]["predictor"]
        .as_str()
        .unwrap()
        .starts_with("earshot ("));
    for r in rows {
        for m in ["spearman", "ndcg", "precision"] {
            let v = r[m].as_f64().unwrap();
            assert!((-1.0..=1.0).contains(&v), "{r}");
        }
        let is_baseline = r["predictor"].as_str().unwrap().starts_with("baseline");
        assert_eq!(r.get("earshot_lead").is_some(), is_baseline, "{r}");
        if is_baseline {
            for m in ["spearman", "ndcg"] {
                let (lo, hi) = (
                    r["earshot_lead"][m]["low"].as_f64().unwrap(),
                    r["earshot_lead"][m]["high"].as_f64().unwrap(),
                );
                assert!(lo <= hi, "{r}");
            }
        }
    }
    // The reliability table: ten deciles of the scored accounts, each with an interval.
    let deciles = out["reliability"].as_array().unwrap();
    assert_eq!(deciles.len(), 10, "{out}");
    for d in deciles {
        let (lo, hi) = (
            d["realised_low"].as_f64().unwrap(),
            d["realised_high"].as_f64().unwrap(),
        );
        assert!(
            lo <= d["realised"].as_f64().unwrap() && d["realised"].as_f64().unwrap() <= hi,
            "{d}"
        );
    }

    // --relevel: the level set on the training window's last quarter (data before the cut only).
    let relevel = &out["relevel"];
    assert!(relevel["hours"].as_f64().unwrap() > 0.0, "{relevel}");
    assert!(relevel["factor"].as_f64().unwrap() > 0.0, "{relevel}");
    assert!(
        relevel["deciles_inside"].as_u64().unwrap() <= 10,
        "{relevel}"
    );

    // A model fitted on this database's own split: written out, every coefficient ≥ 0, and usable.
    let fitted = dir.path().join("local.json");
    let (code, out) = earshot_json(
        &db,
        &[
            "backtest",
            "--train-until",
            "2024-01-10",
            "--test-until",
            "2024-01-15",
            "--fit-out",
            fitted.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fitted).unwrap()).unwrap();
    assert_eq!(model["version"], "earshot-score-4-local");
    let coefficients = model["predictor"]["coefficients"].as_object().unwrap();
    assert!(
        coefficients.values().all(|b| b.as_f64().unwrap() >= 0.0),
        "{model}"
    );
    assert!(
        coefficients.values().any(|b| b.as_f64().unwrap() > 0.0),
        "{model}"
    );
    let (code, later) = earshot_json(
        &db,
        &[
            "backtest",
            "--train-until",
            "2024-01-15",
            "--test-until",
            "2030-01-01",
            "--model",
            fitted.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{later}");
    assert!(later["results"][0]["predictor"]
        .as_str()
        .unwrap()
        .contains("earshot-score-4-local"));
    let (code, run) = earshot_json(&db, &["score", "--model", fitted.to_str().unwrap()]);
    assert_eq!(
        (code, &run["model_version"]),
        (0, &serde_json::json!("earshot-score-4-local"))
    );

    // The test window must follow training.
    let bad = earshot(
        &db,
        &[
            "backtest",
            "--train-until",
            "2024-02-01",
            "--test-until",
            "2024-01-01",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn reactors_with_bot_like_profiles_earn_less() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    generated_db(dir.path(), &db, 11);
    let (code, with) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{with}");
    assert!(with["authenticity_model"]
        .as_str()
        .unwrap()
        .starts_with("earshot-trust-"));
    assert!(
        with["accounts_with_authenticity"].as_u64().unwrap() > 0,
        "{with}"
    );
    let (code, without) = earshot_json(&db, &["score", "--no-authenticity"]);
    assert_eq!(code, 0, "{without}");
    assert!(without["authenticity_model"].is_null());
    let audience_total = |run: &serde_json::Value| -> f64 {
        let run = run["run"].to_string();
        let (code, top) = earshot_json(
            &db,
            &[
                "top", "--by", "audience", "--run", &run, "--limit", "1000000",
            ],
        );
        assert_eq!(code, 0, "{top}");
        top["top"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["raw"][0].as_f64().unwrap())
            .sum()
    };
    // Every reactor weighs at most 1, and the generator's bots weigh much less.
    let (a, b) = (audience_total(&with), audience_total(&without));
    assert!(a < 0.99 * b, "{a} vs {b}");
}

/// 2012-07-01 00:00:00 UTC.
const T0: i64 = 1_341_100_800;
const DAY: i64 = 86_400;
/// The latest twitter interaction of [`tiny_db`]: ten days and an hour after [`T0`].
const LAST_TWITTER: i64 = T0 + 10 * DAY + 3_600;
/// The latest interaction of all, on the other platform.
const LAST_FORUM: i64 = T0 + 20 * DAY;

/// A small hand-made database: four twitter accounts (two with a handle and a numeric id, one known
/// only by its handle, one without a handle), reactions on 2012-07-01/02 and ten days later, and one
/// forum reaction later still.
fn tiny_db(dir: &std::path::Path) -> std::path::PathBuf {
    let account = |platform: &str, ext: &str, handle: Option<&str>| {
        let mut a = serde_json::json!({"type": "account", "platform": platform, "ext_id": ext});
        if let Some(h) = handle {
            a["handle"] = h.into();
        }
        a
    };
    let mut lines = vec![
        account("twitter", "1", Some("Ann")),
        account("twitter", "2", Some("bob")),
        account("twitter", "3", None),
        account("twitter", "@dee", Some("dee")),
        account("forum", "f1", Some("fay")),
        account("forum", "f2", None),
    ];
    let reactions = [
        ("twitter", "2", "1", "reply", T0),
        ("twitter", "3", "1", "mention", T0 + 60),
        ("twitter", "@dee", "1", "like", T0 + 120),
        ("twitter", "1", "3", "reply", T0 + 180),
        ("twitter", "2", "3", "mention", T0 + DAY),
        ("twitter", "3", "1", "reply", T0 + 10 * DAY),
        ("twitter", "2", "1", "like", T0 + 10 * DAY + 60),
        ("twitter", "@dee", "1", "mention", LAST_TWITTER),
        ("forum", "f2", "f1", "reply", LAST_FORUM),
    ];
    for (i, (platform, actor, target, kind, time)) in reactions.iter().enumerate() {
        lines.push(serde_json::json!({
            "type": "interaction", "platform": platform, "key": format!("k{i}"), "kind": kind,
            "actor": {"ext_id": actor}, "target": {"ext_id": target}, "time": time,
        }));
    }
    write_and_import(dir, &lines)
}

fn write_and_import(dir: &std::path::Path, lines: &[serde_json::Value]) -> std::path::PathBuf {
    let file = dir.join("tiny.jsonl");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let db = dir.join("tiny.db");
    let (code, rep) = earshot_json(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    db
}

fn score_runs(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT COUNT(*) FROM score_runs", [], |r| r.get(0))
        .unwrap()
}

/// A JSON account record names the account as people do: platform, the platform's id, and the
/// handle (present, null when unknown), besides earshot's internal id.
fn assert_named(record: &serde_json::Value, platform: &str, id: &str, handle: Option<&str>) {
    assert_eq!(record["platform"], platform, "{record}");
    assert_eq!(record["platform_id"], id, "{record}");
    let h = record
        .as_object()
        .unwrap()
        .get("handle")
        .unwrap_or_else(|| panic!("no handle field: {record}"));
    assert_eq!(h.as_str(), handle, "{record}");
}

#[test]
fn json_account_records_carry_platform_id_and_handle() {
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_db(dir.path());
    let (code, scored) = earshot_json(&db, &["score", "--platform", "twitter"]);
    assert_eq!(code, 0, "{scored}");

    let conn = rusqlite::Connection::open(&db).unwrap();
    let ext_of = |id: i64| -> String {
        conn.query_row("SELECT ext_id FROM accounts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let handles = |ext: &str| match ext {
        "1" => Some("Ann"),
        "2" => Some("bob"),
        "@dee" => Some("dee"),
        _ => None,
    };
    for list in [&scored["top"], &earshot_json(&db, &["top"]).1["top"]] {
        let rows = list.as_array().unwrap();
        assert!(rows.len() >= 3, "{list}");
        for r in rows {
            let ext = ext_of(r["account"].as_i64().unwrap());
            assert_named(r, "twitter", &ext, handles(&ext));
        }
        // The account without a handle is there, with a null handle.
        assert!(rows.iter().any(|r| r["platform_id"] == "3"), "{list}");
    }

    let (code, ex) = earshot_json(&db, &["explain", "@ann"]);
    assert_eq!(code, 0, "{ex}");
    assert_named(&ex, "twitter", "1", Some("Ann"));
    let (code, ex) = earshot_json(&db, &["explain", "3"]);
    assert_eq!(code, 0, "{ex}");
    assert_named(&ex, "twitter", "3", None);
    let (code, hist) = earshot_json(&db, &["history", "@dee"]);
    assert_eq!(code, 0, "{hist}");
    assert_named(&hist, "twitter", "@dee", Some("dee"));
}

#[test]
fn as_of_without_to_is_the_latest_event_not_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_db(dir.path());
    let as_of = |args: &[&str]| -> i64 {
        let (code, run) = earshot_json(&db, args);
        assert_eq!(code, 0, "{run}");
        let id = run["run"].to_string();
        let (code, top) = earshot_json(&db, &["top", "--run", &id]);
        assert_eq!(code, 0, "{top}");
        top["as_of"].as_i64().unwrap()
    };
    // Of one platform: its latest event, not the other platform's later one.
    assert_eq!(as_of(&["score", "--platform", "twitter"]), LAST_TWITTER);
    assert_eq!(as_of(&["score"]), LAST_FORUM);
    // With --from only, still the latest event in the window.
    assert_eq!(as_of(&["score", "--from", "2012-07-02"]), LAST_FORUM);
    // With --to: the window's end.
    let to = T0 + 3 * DAY;
    assert_eq!(as_of(&["score", "--to", &to.to_string()]), to);

    // History dates the runs the same way, in JSON and in text.
    let (code, hist) = earshot_json(&db, &["history", "@ann"]);
    assert_eq!(code, 0, "{hist}");
    let dates: Vec<i64> = hist["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["as_of"].as_i64().unwrap())
        .collect();
    assert_eq!(dates, [LAST_TWITTER, LAST_FORUM, LAST_FORUM, to]);
    let text = String::from_utf8(earshot(&db, &["history", "@ann"]).stdout).unwrap();
    assert!(text.contains("2012-07-11 01:00:00"), "{text}");
    assert!(!text.contains("2026") && !text.contains("2025"), "{text}");
}

#[test]
fn history_says_why_a_delta_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_db(dir.path());
    // Two runs of twitter ten days apart by their data: a week's change for the second, no month's.
    let early = (T0 + 2 * DAY).to_string();
    for args in [
        vec!["score", "--platform", "twitter", "--to", &early],
        vec!["score", "--platform", "twitter"],
    ] {
        let (code, out) = earshot_json(&db, &args);
        assert_eq!(code, 0, "{out}");
    }
    let (code, hist) = earshot_json(&db, &["history", "@ann"]);
    assert_eq!(code, 0, "{hist}");
    let runs = hist["history"].as_array().unwrap();
    assert_eq!(runs.len(), 2, "{hist}");
    let (first, second) = (&runs[0], &runs[1]);
    assert!(first["week_delta"].is_null(), "{first}");
    assert_eq!(first["week_delta_note"], "no run a week earlier");
    assert!(first["month_delta"].is_null(), "{first}");
    assert_eq!(first["month_delta_note"], "no run a month earlier");
    let week = second["week_delta"].as_f64().expect("a week's change");
    let (a, b) = (
        first["score"]["overall"].as_f64().unwrap(),
        second["score"]["overall"].as_f64().unwrap(),
    );
    assert!((week - (b - a)).abs() < 1e-9, "{hist}");
    assert!(second["week_delta_note"].is_null(), "{second}");
    assert_eq!(second["month_delta_note"], "no run a month earlier");

    let out = earshot(&db, &["history", "@ann"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("no run a week earlier"), "{text}");
    assert!(text.contains("no run a month earlier"), "{text}");
}

#[test]
fn score_with_nothing_to_score_fails_and_stores_no_run() {
    let dir = tempfile::tempdir().unwrap();
    // Accounts, but not one interaction.
    let db = write_and_import(
        dir.path(),
        &[
            serde_json::json!({"type": "account", "platform": "twitter", "ext_id": "1", "handle": "ann"}),
        ],
    );
    let out = earshot(&db, &["score"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("nothing to score"), "{err}");
    assert!(err.contains("no interactions"), "{err}");
    assert_eq!(score_runs(&db), 0);
    // With --json too (the error is on stderr, stdout stays empty).
    let out = earshot(&db, &["--json", "score"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(score_runs(&db), 0);

    // A database with interactions, but none in the window or on the platform asked for.
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_db(dir.path());
    for args in [
        vec!["score", "--from", "2030-01-01"],
        vec!["score", "--platform", "nowhere"],
    ] {
        let out = earshot(&db, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("nothing to score"), "{err}");
        assert_eq!(score_runs(&db), 0, "{args:?}");
    }
    let (code, out) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(score_runs(&db), 1);
}

/// `explain` splits the texts written to an account by tone: a brand drowning in complaints is not
/// read as simply influential. A reply of praise, two complaints (a reply and a mention) and a plain
/// question; a like carries no text and is not counted; the brand's own reply is not its audience.
#[test]
fn explain_splits_the_audiences_texts_by_tone() {
    let dir = tempfile::tempdir().unwrap();
    let post = |id: &str, author: &str, t: i64, text: &str, reply_to: Option<&str>| {
        let mut p = serde_json::json!({"type": "post", "platform": "twitter", "ext_id": id,
            "author": {"ext_id": author}, "time": t, "text": text});
        if let Some(r) = reply_to {
            p["reply_to"] = r.into();
        }
        p
    };
    let react = |key: &str, kind: &str, actor: &str, post: &str, t: i64| {
        serde_json::json!({"type": "interaction", "platform": "twitter", "key": key, "kind": kind,
            "actor": {"ext_id": actor}, "target": {"ext_id": "brand"}, "post": post, "time": t})
    };
    let lines = vec![
        post("p0", "brand", T0, "Our new timetable starts today", None),
        post(
            "p1",
            "ann",
            T0 + 60,
            "Thank you so much, this is wonderful, great job!",
            Some("p0"),
        ),
        post(
            "p2",
            "bob",
            T0 + 120,
            "This is terrible. Worst service ever, my bag is lost and nobody helps",
            Some("p0"),
        ),
        post(
            "p3",
            "cy",
            T0 + 180,
            "@brand awful delay again, I am furious and disappointed",
            None,
        ),
        post(
            "p4",
            "dee",
            T0 + 240,
            "@brand which gate for the 6pm flight?",
            None,
        ),
        post(
            "p5",
            "brand",
            T0 + 300,
            "@bob so sorry, we are on it",
            Some("p2"),
        ),
        react("r1", "reply", "ann", "p0", T0 + 60),
        react("r2", "reply", "bob", "p0", T0 + 120),
        react("r3", "mention", "cy", "p3", T0 + 180),
        react("r4", "mention", "dee", "p4", T0 + 240),
        react("r5", "like", "eve", "p0", T0 + 250),
    ];
    let db = write_and_import(dir.path(), &lines);
    let (code, out) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{out}");
    // Six accounts took part; the brand was reacted to, and so was bob, by the brand's reply p5 (a
    // post's reply_to implies its reply), so both are scored. The run is as of its latest interaction,
    // that reply.
    assert_eq!(
        (out["accounts"].as_u64(), out["accounts_scored"].as_u64()),
        (Some(6), Some(2)),
        "{out}"
    );
    assert_eq!(out["as_of"], "2012-07-01 00:05:00", "{out}");
    let (code, ex) = earshot_json(&db, &["explain", "brand"]);
    assert_eq!(code, 0, "{ex}");
    let tone = &ex["tone"];
    assert_eq!(tone["approval"], 1, "{tone}");
    assert_eq!(tone["complaint"], 2, "{tone}");
    assert_eq!(tone["neutral"], 1, "{tone}");
    let text = earshot(&db, &["explain", "brand"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("tone of the 4 reactions with text") && text.contains("50% complaint (2)"),
        "{text}"
    );
}

/// A platform's scores are measured back from its own last event: data from another platform that
/// ends years later does not decay them away.
#[test]
fn a_platforms_scores_ignore_another_platforms_later_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_db(dir.path());
    let twitter = |db: &std::path::Path| {
        let (code, out) = earshot_json(db, &["score", "--platform", "twitter", "--top", "3"]);
        assert_eq!(code, 0, "{out}");
        out["top"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["platform_id"].clone(), r["overall"].as_f64().unwrap()))
            .collect::<Vec<_>>()
    };
    let before = twitter(&db);
    assert!(before[0].1 >= 1.0, "{before:?}");
    let later = dir.path().join("later.jsonl");
    std::fs::write(
        &later,
        format!(
            "{}\n",
            serde_json::json!({"type": "interaction", "platform": "forum", "key": "late", "kind": "reply",
                "actor": {"ext_id": "f1"}, "target": {"ext_id": "f2"}, "time": LAST_FORUM + 2_000 * DAY})
        ),
    )
    .unwrap();
    let (code, rep) = earshot_json(&db, &["import", later.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    assert_eq!(twitter(&db), before);
}
