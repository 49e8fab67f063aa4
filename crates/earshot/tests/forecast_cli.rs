//! `earshot forecast` end to end: a hand-made reshare stream whose forecast is known exactly, the errors a
//! user meets, calibration scoring that can tell a forecast that missed, and (with the real data) the
//! Higgs calibration of issue 6: learn before 4 July 2012, forecast every later post, and check that the
//! share of outcomes in the central 80% of the forecasts lies in 70–90%.

mod common;

use common::{earshot, earshot_json, shared_data};

/// A Higgs-format stream (`A B time RT`: A reshared B). Author 1 is reshared in three bursts, each by two
/// accounts it never met before; account 3 mentions author 1 first (a tie that never passes anything on).
/// Author 2 appears only at 60000, reshared by six accounts.
fn stream() -> String {
    let mut s = String::from("3 1 10 MT\n");
    let mut fan = 100;
    for t in [1_000, 20_000, 40_000] {
        for dt in [0, 60] {
            s += &format!("{fan} 1 {} RT\n", t + dt);
            fan += 1;
        }
    }
    for dt in 0..6 {
        s += &format!("{} 2 {} RT\n", 200 + dt, 60_000 + dt);
    }
    s
}

fn imported(dir: &std::path::Path) -> std::path::PathBuf {
    let input = dir.join("stream.txt");
    std::fs::write(&input, stream()).unwrap();
    let db = dir.join("f.db");
    let out = earshot(
        &db,
        &["import", "--format", "higgs", input.to_str().unwrap()],
    );
    assert!(out.status.success(), "{out:?}");
    db
}

#[test]
fn forecast_of_a_known_history_and_the_errors_users_meet() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported(dir.path());
    // Learning before 50000, author 1's history alone (κ = 0): every post reaches exactly two accounts.
    let (code, v) = earshot_json(
        &db,
        &[
            "forecast",
            "1",
            "--until",
            "50000",
            "--shrinkage",
            "0",
            "--reach",
            "2",
            "--reach",
            "3",
        ],
    );
    assert_eq!(code, 0, "{v}");
    for q in ["p10", "p50", "p90", "min", "max"] {
        assert_eq!(v[q].as_u64(), Some(2), "{q}: {v}");
    }
    assert_eq!(v["conditional_on_one_reshare"], true, "{v}");
    assert_eq!(v["own_posts"].as_u64(), Some(3), "{v}");
    assert_eq!(v["learned"]["posts"].as_u64(), Some(3), "{v}");
    let p = v["probability_at_least"].as_array().unwrap();
    assert_eq!(p[0]["probability"].as_f64(), Some(1.0), "{v}");
    assert_eq!(p[1]["probability"].as_f64(), Some(0.0), "{v}");
    // The mention made a tie whose pooled rate is 0: it adds nothing.
    assert_eq!(v["mean_through_ties"].as_f64(), Some(0.0), "{v}");

    // The whole stream, with the crowd: author 1's weight is 3 / (3 + 5), and the crowd holds a 6.
    let (_, v) = earshot_json(&db, &["forecast", "1", "--simulations", "4000"]);
    let p6 = v["probability_at_least"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["n"] == 10)
        .map(|p| p["probability"].as_f64().unwrap());
    assert_eq!(p6, Some(0.0), "{v}");
    let mean = v["mean"].as_f64().unwrap();
    // E = 3/8 · 2 + 5/8 · (3 · 2 + 6) / 4 = 2.625.
    assert!((mean - 2.625).abs() < 0.08, "{v}");

    // Text output says what the numbers are.
    let out = earshot(&db, &["forecast", "1", "--simulations", "500"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("p10") && text.contains("P(reach ≥"), "{text}");
    assert!(text.contains("reshared at least once"), "{text}");

    // Errors: an unknown account, an account with nothing before --until, --calibrate without --until.
    let out = earshot(&db, &["forecast", "nobody"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account \"nobody\""));
    let out = earshot(&db, &["forecast", "2", "--until", "50000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("before 50000"));
    let out = earshot(&db, &["forecast", "--calibrate"]);
    assert_eq!(out.status.code(), Some(2));
    let out = earshot(&db, &["forecast", "1", "--simulations", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn calibration_scores_a_post_far_above_its_forecast_in_the_top_tenth() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported(dir.path());
    // Learned before 50000: only author 1's posts, each of reach 2. Author 2 is first seen later, so it
    // is forecast as a newcomer from the crowd (always 2), and its post reached 6.
    let (code, v) = earshot_json(&db, &["forecast", "--calibrate", "--until", "50000"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["all"]["posts"].as_u64(), Some(1), "{v}");
    assert_eq!(v["authors_first_seen_after"].as_u64(), Some(1), "{v}");
    assert_eq!(
        v["all"]["central_80_randomized_pit"].as_f64(),
        Some(0.0),
        "{v}"
    );
    assert_eq!(v["all"]["inside_p10_p90"].as_f64(), Some(0.0), "{v}");
    assert_eq!(v["all"]["pit_tenths"][9].as_f64(), Some(1.0), "{v}");
    // Learned before 30000 (author 1's first two bursts): its later post reached 2, exactly the
    // forecast from its own history, so it lies inside [p10, p90] = [2, 2].
    let (_, v) = earshot_json(
        &db,
        &[
            "forecast",
            "--calibrate",
            "--until",
            "30000",
            "--shrinkage",
            "0",
        ],
    );
    assert_eq!(v["with_history"]["posts"].as_u64(), Some(1), "{v}");
    assert_eq!(
        v["with_history"]["inside_p10_p90"].as_f64(),
        Some(1.0),
        "{v}"
    );
}

#[test]
fn real_higgs_forecasts_are_calibrated() {
    let Some(file) = shared_data("higgs-twitter/higgs-activity_time.txt.gz") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("higgs.db");
    let out = earshot(
        &db,
        &[
            "--quiet",
            "import",
            "--format",
            "higgs",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let (code, v) = earshot_json(
        &db,
        &[
            "forecast",
            "--calibrate",
            "--until",
            "2012-07-04",
            "--calibrate-simulations",
            "400",
        ],
    );
    assert_eq!(code, 0, "{v}");
    eprintln!("Higgs calibration: {v}");
    // Every later reshare burst is scored: about 65K posts, most by authors first seen after the cut.
    let posts = v["all"]["posts"].as_u64().unwrap();
    assert!(posts > 60_000, "{v}");
    for part in ["all", "with_history", "without_history"] {
        let c = v[part]["central_80_randomized_pit"].as_f64().unwrap();
        assert!(
            (0.70..=0.90).contains(&c),
            "{part}: {c} outside 70–90%: {v}"
        );
        // The plain [p10, p90] holds about as many outcomes as the forecasts' own mass in it.
        let inside = v[part]["inside_p10_p90"].as_f64().unwrap();
        let mass = v[part]["forecast_mass_p10_p90"].as_f64().unwrap();
        assert!(
            (inside - mass).abs() < 0.08,
            "{part}: {inside} vs {mass}: {v}"
        );
    }
}

/// One author's overlapping posts: P1 at 1,000,000 and P2 at 1,000,200, with P1's three reshares arriving
/// after P2 and after the cut, and P2's one reshare. Guessing "the author's latest post" gave P2 four
/// reshares and turned nothing into a post of its own; credited by name, P2 reached one account.
#[test]
fn calibration_credits_each_reshare_to_the_post_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("overlap.jsonl");
    let post = |id: &str, t: i64| {
        format!(
            r#"{{"type":"post","platform":"t","ext_id":"{id}","author":{{"ext_id":"a"}},"time":{t}}}"#
        )
    };
    let reshare = |who: &str, id: &str, t: i64| {
        format!(
            r#"{{"type":"interaction","platform":"t","key":"rs:{who}:{id}","kind":"reshare","actor":{{"ext_id":"{who}"}},"target":{{"ext_id":"a"}},"post":"{id}","time":{t}}}"#
        )
    };
    let lines = [
        post("p1", 1_000_000),
        post("p2", 1_000_200),
        reshare("x", "p2", 1_000_210),
        reshare("u", "p1", 1_000_250),
        reshare("v", "p1", 1_000_255),
        reshare("w", "p1", 1_000_260),
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let db = dir.path().join("o.db");
    let out = earshot(&db, &["import", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calibrate = |extra: &[&str]| {
        let mut args = vec!["forecast", "--calibrate", "--until", "1000100"];
        args.extend_from_slice(extra);
        let (code, r) = earshot_json(&db, &args);
        assert_eq!(code, 0, "{r}");
        r
    };
    let r = calibrate(&[]);
    // One scored post (P2): P1's late reshares name P1, made before the cut, so they derive no post.
    assert_eq!(r["all"]["posts"], 1, "{r}");
    assert_eq!(r["learned_posts"], 1);
    // Learned at the cut, P1 had reached nobody: the last-size forecast is a point at 0, and P2's reach is
    // 1 (x), not 4, so its CRPS is |0 − 1|.
    assert_eq!(r["last_size_baseline"]["mean_crps"], 1.0, "{r}");
    // Learned with its whole cascade, P1 reached three: |3 − 1|.
    let r = calibrate(&["--whole-cascades"]);
    assert_eq!(r["last_size_baseline"]["mean_crps"], 2.0, "{r}");
}
