//! One event cannot stop `earshot score` (issue 19, finding 1): a database whose data lies years apart
//! (the README's Higgs 2012 and airline 2015 imported together), one interaction dated years after the
//! rest, or one weight of 1e50 used to make the run fail (`NOT NULL constraint failed:
//! scores.authority`) and `earshot authority` print NaN. Each now stores a finite run, and a window
//! chosen for the run is reported with what it left out.

mod common;
use common::*;
use std::path::Path;

/// The run stored and finite: exit 0, every top account's score a number, and `authority`'s too.
fn scores_finitely(db: &Path, authority_args: &[&str]) -> serde_json::Value {
    let (code, rep) = earshot_json(db, &["score", "--top", "50"]);
    assert_eq!(code, 0, "{rep}");
    let top = rep["top"].as_array().unwrap();
    assert!(!top.is_empty(), "{rep}");
    for t in top {
        let numbers = std::iter::once(&t["overall"])
            .chain(t["raw"].as_array().unwrap())
            .chain(t["pct"].as_array().unwrap());
        for v in numbers {
            assert!(v.as_f64().is_some_and(f64::is_finite), "{v}: {t}");
        }
    }
    let mut args = vec!["authority", "--top", "20"];
    args.extend_from_slice(authority_args);
    let (code, auth) = earshot_json(db, &args);
    assert_eq!(code, 0, "{auth}");
    for t in auth["top"].as_array().unwrap() {
        assert!(t["score"].as_f64().is_some_and(f64::is_finite), "{t}");
    }
    rep
}

fn import_line(dir: &Path, db: &Path, line: &str) {
    let file = dir.join("extra.jsonl");
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let (code, rep) = earshot_json(db, &["import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
}

#[test]
fn one_interaction_years_after_the_rest_is_left_out_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("late.db");
    generated_db(dir.path(), &db, 3);
    // The generated stream lies in January 2024; this reply is dated 2028.
    import_line(
        dir.path(),
        &db,
        r#"{"type":"interaction","platform":"synthetic","key":"late:1","kind":"reply","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"time":1830000000}"#,
    );
    let rep = scores_finitely(&db, &["--half-life", "7"]);
    let chosen = &rep["window_chosen"];
    assert_eq!(chosen["left_out_after"], 1, "{chosen}");
    assert_eq!(chosen["left_out_before"], 0, "{chosen}");
    let to = chosen["to"].as_i64().unwrap();
    assert!(to < 1_830_000_000, "{chosen}");
    // The run's window is the chosen one, so it can be recomputed.
    let (_, top) = earshot_json(&db, &["top", "--limit", "1"]);
    assert_eq!(top["run"]["window_to"].as_i64(), Some(to));
}

#[test]
fn a_weight_of_1e50_stores_a_finite_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("heavy.db");
    generated_db(dir.path(), &db, 3);
    import_line(
        dir.path(),
        &db,
        r#"{"type":"interaction","platform":"synthetic","key":"heavy:1","kind":"reply","actor":{"ext_id":"67"},"target":{"ext_id":"179"},"time":1704067700,"weight":1e50}"#,
    );
    let rep = scores_finitely(&db, &[]);
    assert!(
        rep["window_chosen"].is_null(),
        "nothing to leave out: {rep}"
    );
}

#[test]
fn higgs_and_airline_in_one_database_score_their_latest_period() {
    let Some(higgs) = shared_data("higgs-twitter/higgs-activity_time.txt.gz") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixed.db");
    let (code, h) = earshot_json(
        &db,
        &["import", "--format", "higgs", higgs.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{h}");
    let higgs_interactions = h[0]["written"]["interactions_new"].as_u64().unwrap();
    if import_airline(&db).is_none() {
        return;
    }
    let rep = scores_finitely(&db, &["--half-life", "7"]);
    // The airline tweets (2015) are the latest dense period; Higgs (2012) lies 130 half-lives before.
    let chosen = &rep["window_chosen"];
    assert_eq!(
        chosen["left_out_before"].as_u64(),
        Some(higgs_interactions),
        "{chosen}"
    );
    assert_eq!(
        rep["interactions"].as_u64().unwrap() + higgs_interactions,
        stats(&db)["interactions"].as_u64().unwrap()
    );
    // An explicit window reaching back over both still scores: the numerics, not the window, hold.
    let (code, both) = earshot_json(&db, &["score", "--to", "2015-03-01", "--top", "5"]);
    assert_eq!(code, 0, "{both}");
    assert!(both["window_chosen"].is_null());
    assert_eq!(
        both["interactions"].as_u64(),
        stats(&db)["interactions"].as_u64()
    );
}
