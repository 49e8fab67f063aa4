//! `earshot trust` end to end: evaluate, train, show and explain on a generated dataset whose accounts
//! carry bot/human labels.

mod common;
use common::*;

#[test]
fn trust_eval_train_show_explain() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let (summary, _) = generated_db(dir.path(), &db, 3);
    assert!(summary["bots"].as_u64().unwrap() > 0, "{summary}");

    let (code, ev) = earshot_json(&db, &["trust", "eval", "--folds", "3"]);
    assert_eq!(code, 0, "{ev}");
    let p = &ev["platforms"][0];
    let cvs = p["cross_validation"].as_array().unwrap();
    assert_eq!(cvs.len(), 2, "{ev}");
    for cv in cvs {
        assert_eq!(cv["folds"], 3);
        let auc = cv["model"]["auc"].as_f64().unwrap();
        // The generator makes bots look like bots (digit-tailed handles, default avatars), so a model
        // that learned nothing would sit near 0.5.
        assert!(auc > 0.8, "{ev}");
    }
    assert!(p["rules"]["n"].as_u64().unwrap() > 0, "{ev}");

    let model = dir.path().join("m.json");
    let (code, trained) = earshot_json(
        &db,
        &[
            "trust",
            "train",
            "--out",
            model.to_str().unwrap(),
            "--model-version",
            "test-trust-1",
            "--rounds",
            "30",
        ],
    );
    assert_eq!(code, 0, "{trained}");
    let (code, shown) = earshot_json(&db, &["trust", "show", "--model", model.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(shown["version"], "test-trust-1");
    assert_eq!(shown, trained);

    // Explain the first generated account with the trained model: the contributions and the
    // intercept add up to the probability's log-odds.
    let (code, ex) = earshot_json(
        &db,
        &[
            "trust",
            "explain",
            "synth_000000",
            "--model",
            model.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{ex}");
    assert_eq!(ex["model_version"], "test-trust-1");
    let prob = ex["probability"].as_f64().unwrap();
    let z = ex["base_log_odds"].as_f64().unwrap()
        + ex["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["log_odds"].as_f64().unwrap())
            .sum::<f64>();
    assert!((1.0 / (1.0 + (-z).exp()) - prob).abs() < 1e-9, "{ex}");

    // Every account's authenticity weight: the generator's bots come out least authentic.
    let (code, scan) = earshot_json(&db, &["trust", "scan", "--top", "10"]);
    assert_eq!(code, 0, "{scan}");
    assert!(scan["accounts"].as_u64().unwrap() >= scan["with_profile"].as_u64().unwrap());
    let least: Vec<f64> = scan["least_authentic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["weight"].as_f64().unwrap())
        .collect();
    assert!(
        !least.is_empty() && least.windows(2).all(|w| w[0] <= w[1]),
        "{scan}"
    );
    assert!(scan["weight_zero"].as_u64().unwrap() > 0, "{scan}");

    // A broken model file is refused with its path named.
    std::fs::write(&model, "{\"version\": 1}").unwrap();
    let out = earshot(&db, &["trust", "show", "--model", model.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("m.json"));
    assert_eq!(
        earshot(&db, &["trust", "eval", "--folds", "1"])
            .status
            .code(),
        Some(2)
    );
}
