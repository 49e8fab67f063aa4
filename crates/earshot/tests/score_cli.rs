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
    assert_eq!(full["model_version"], "earshot-score-3");

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
    let points: f64 = ex["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["points"].as_f64().unwrap())
        .sum();
    assert!((1.0 + points - ex["overall"].as_f64().unwrap()).abs() < 1e-9);
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
        ],
    );
    assert_eq!(code, 0, "{out}");
    let rows = out["results"].as_array().unwrap();
    assert!(rows[0]["predictor"]
        .as_str()
        .unwrap()
        .starts_with("earshot overall"));
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
