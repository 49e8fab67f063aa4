//! `earshot history --chart`: the SVG file holds one point per run for the score and each component,
//! the text ends with a one-line chart, and a history with nothing to draw is an error that writes
//! nothing.

mod common;
use common::*;

#[test]
fn history_chart_draws_every_run_of_the_score_and_its_components() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    generated_db(dir.path(), &db, 3);
    // Three runs with their windows ending ten days apart (the generated data span January 2024).
    for to in ["2024-01-10", "2024-01-20", "2024-01-31"] {
        let (code, rep) = earshot_json(&db, &["score", "--to", to]);
        assert_eq!(code, 0, "{rep}");
    }
    let (_, top) = earshot_json(&db, &["top", "--limit", "1"]);
    let handle = format!("@{}", top["top"][0]["handle"].as_str().unwrap());
    let svg_path = dir.path().join("h.svg");
    let out = earshot(
        &db,
        &["history", &handle, "--chart", svg_path.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let trend = text
        .lines()
        .find(|l| l.trim_start().starts_with("trend "))
        .expect("a one-line chart");
    let bars: String = trend.chars().filter(|c| ('▁'..='█').contains(c)).collect();
    assert_eq!(bars.chars().count(), 3, "{trend}");
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains(&handle), "the account in the title");
    for name in ["overall score", "audience", "authority", "reach"] {
        assert!(svg.contains(name), "legend names {name}");
    }
    // Six lines (overall and five components), a marker per run on each.
    assert_eq!(svg.matches("<circle").count(), 6 * 3);
    assert!(svg.contains("2024-01-1"), "dates on the x axis");

    // An account never scored: an error, and no file.
    let none = dir.path().join("none.svg");
    let (_, accounts) = earshot_json(&db, &["stats"]);
    assert!(accounts["accounts"].as_u64().unwrap() > 0);
    let out = earshot(
        &db,
        &[
            "history",
            "@no_such_account",
            "--chart",
            none.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(!none.exists());
}

#[test]
fn forecast_chart_marks_the_percentiles_the_report_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    generated_db(dir.path(), &db, 5);
    let (code, rep) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{rep}");
    let (_, top) = earshot_json(&db, &["top", "--limit", "1"]);
    let handle = format!("@{}", top["top"][0]["handle"].as_str().unwrap());
    let svg_path = dir.path().join("f.svg");
    let (code, f) = earshot_json(
        &db,
        &["forecast", &handle, "--chart", svg_path.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{f}");
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.contains(&handle), "the account in the title");
    for p in ["p10", "p50", "p90"] {
        let label = format!("{p} = {}", f[p]);
        assert!(svg.contains(&label), "{label} marked");
    }
    assert!(svg.contains(&format!("{} simulations", f["simulations"])));
}

#[test]
fn backtest_chart_draws_each_decile_of_the_reliability_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    generated_db(dir.path(), &db, 9);
    let svg_path = dir.path().join("r.svg");
    let (code, r) = earshot_json(
        &db,
        &[
            "backtest",
            "--train-until",
            "2024-01-20",
            "--test-until",
            "2024-01-31",
            "--chart",
            svg_path.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{r}");
    let rows = r["reliability"].as_array().unwrap();
    assert_eq!(rows.len(), 10, "{r}");
    let inside = rows.iter().filter(|g| g["inside"] == true).count();
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.contains(&format!("{inside} of 10 score deciles inside")));
    // A marker per decile, and one in the legend.
    assert_eq!(svg.matches("<circle").count(), 11);
    assert!(svg.contains("realised = expected"));
}
