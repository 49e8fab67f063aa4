//! `earshot audit`: group shares of the top K, exposure and the labelling's errors, through the real
//! binary, on a graph whose ranking is known by construction and on a generated score run checked
//! against `earshot top`'s own ranking.

mod common;
use common::*;
use std::path::Path;

/// A star of follows: accounts 2..=10 each follow 1 (platform `star`), so 1 ranks first and the nine
/// others tie below it. Every account is in the graph.
fn star(dir: &Path, db: &Path) {
    let file = dir.join("star.txt");
    let text: String = (2..=10).map(|a| format!("{a} 1\n")).collect();
    std::fs::write(&file, text).unwrap();
    let out = earshot(
        db,
        &[
            "--quiet",
            "import",
            "--format",
            "snap",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Write `csv` as `groups.csv` and run `--json audit` with `extra`; (exit code, report, stderr).
fn audit(dir: &Path, db: &Path, csv: &str, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let groups = dir.join("groups.csv");
    std::fs::write(&groups, csv).unwrap();
    let mut args = vec!["--json", "audit", "--groups", groups.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = earshot(db, &args);
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn group<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == name)
        .unwrap_or_else(|| panic!("no group {name} in {report}"))
}

const STAR_GROUPS: &str =
    "account,group,extra\n1,hub,x\n2,a,\n3,a,\n4,a,\n5,a,\n6,a,\n7,b,\n8,b,\n9,b,\nghost,b,\n";

#[test]
fn a_follow_star_puts_its_hub_alone_in_the_top() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    star(dir.path(), &db);
    let (code, r, err) = audit(dir.path(), &db, STAR_GROUPS, &["--top", "1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["by"], "authority", "no run: authority by default");
    assert_eq!(
        r["graph"], "follows",
        "a follow-only graph is ranked over its follows"
    );
    assert_eq!(r["ranked"], 10);
    assert_eq!(r["k"], 1);
    assert_eq!(r["tied_at_cut"], 0);
    assert_eq!(r["labels"]["rows"], 10);
    assert_eq!(r["labels"]["found"], 9);
    assert_eq!(r["labels"]["not_found"], 1);
    assert_eq!(r["labels"]["not_found_sample"][0], "ghost");
    let names: Vec<&str> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "hub", "(unlabelled)"]);
    for (name, ranked, top) in [
        ("hub", 1, 1),
        ("a", 5, 0),
        ("b", 3, 0),
        ("(unlabelled)", 1, 0),
    ] {
        let g = group(&r, name);
        assert_eq!(g["ranked"], ranked, "{name}");
        assert_eq!(g["top_k"], top, "{name}");
        assert_eq!(g["base_share"].as_f64().unwrap(), ranked as f64 / 10.0);
        assert_eq!(g["top_k_share"].as_f64().unwrap(), top as f64);
    }
    // Exposure: the hub sees position 1 (weight 1); the nine tied accounts share positions 2..=10.
    let tied: f64 = (2..=10)
        .map(|r| 1.0 / f64::log2(1.0 + r as f64))
        .sum::<f64>()
        / 9.0;
    let total = 1.0 + 9.0 * tied;
    let a = group(&r, "a")["exposure_share"].as_f64().unwrap();
    assert!((a - 5.0 * tied / total).abs() < 1e-12, "{a}");
    let hub = group(&r, "hub")["exposure_share"].as_f64().unwrap();
    assert!((hub - 1.0 / total).abs() < 1e-12, "{hub}");
    // a and b are treated alike (same exposure per account), so only groups of 5 or more count.
    let d = &r["exposure_disparity"];
    assert_eq!(d["lowest_group"], "a");
    assert_eq!(d["highest_group"], "a");

    // A cut inside the tie says so.
    let (code, r, err) = audit(dir.path(), &db, STAR_GROUPS, &["--top", "3"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["tied_at_cut"], 9);
    assert_eq!(
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["top_k"].as_u64().unwrap())
            .sum::<u64>(),
        3
    );
}

#[test]
fn a_bad_labelling_is_refused_naming_its_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    star(dir.path(), &db);
    let cases = [
        ("who,team\n1,a\n", "must name an `account` column"),
        (
            "account,group\n1,a\n2,\n",
            "groups.csv:3: field `group` is empty",
        ),
        (
            "account,group\n1,a\n2,b\n1,b\n",
            "groups.csv:4: field `group`",
        ),
        (
            "account,group\n1,(unlabelled)\n",
            "groups.csv:2: field `group`",
        ),
        ("account,group\nnobody,a\n", "none of its 1 rows"),
    ];
    for (csv, want) in cases {
        let (code, _, err) = audit(dir.path(), &db, csv, &[]);
        assert_eq!(code, 2, "{csv:?}: {err}");
        assert!(err.contains(want), "{csv:?}: {err}");
    }
    let (code, _, err) = audit(
        dir.path(),
        &db,
        "account,group\n1,a\n",
        &["--by", "followers"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("conversation"),
        "the choices are listed: {err}"
    );
    let (code, _, err) = audit(
        dir.path(),
        &db,
        "account,group\n1,a\n",
        &["--by", "overall"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no score run"), "{err}");
    // The same account twice in the same group is one row, not an error.
    let (code, r, err) = audit(dir.path(), &db, "account,group\n1,a\n1,a\n", &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["labels"]["found"], 1);
}

#[test]
fn a_score_runs_groups_match_its_own_ranking() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    generated_db(dir.path(), &db, 7);
    let (code, run) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{run}");
    let (code, top) = earshot_json(&db, &["top", "--by", "conversation", "--limit", "100000"]);
    assert_eq!(code, 0, "{top}");
    let ranking: Vec<String> = top["top"]
        .as_array()
        .expect("top's ranking")
        .iter()
        .map(|s| s["platform_id"].as_str().unwrap().to_string())
        .collect();
    assert!(ranking.len() > 100, "{}", ranking.len());
    // Label by the id's last digit: even or odd, and leave the accounts ending in 9 out.
    let label = |id: &str| match id.chars().last().unwrap() {
        '9' => None,
        c if c.to_digit(10).is_some_and(|d| d % 2 == 0) => Some("even"),
        _ => Some("odd"),
    };
    let csv: String = std::iter::once("account,group\n".to_string())
        .chain(
            ranking
                .iter()
                .filter_map(|id| Some(format!("{id},{}\n", label(id)?))),
        )
        .collect();
    let (code, r, err) = audit(
        dir.path(),
        &db,
        &csv,
        &["--by", "conversation", "--top", "50"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["by"], "conversation");
    assert_eq!(r["ranked"].as_u64().unwrap() as usize, ranking.len());
    for name in ["even", "odd", "(unlabelled)"] {
        let want = |n: usize| {
            ranking
                .iter()
                .take(n)
                .filter(|id| label(id).unwrap_or("(unlabelled)") == name)
                .count()
        };
        let g = group(&r, name);
        assert_eq!(
            g["ranked"].as_u64().unwrap() as usize,
            want(ranking.len()),
            "{name}"
        );
        assert_eq!(g["top_k"].as_u64().unwrap() as usize, want(50), "{name}");
        let gaps = g["component_gaps"].as_array().unwrap();
        assert_eq!(gaps.len(), 5, "every component's gap: {g}");
        let sizes: Vec<f64> = gaps
            .iter()
            .map(|c| c["gap"].as_f64().unwrap().abs())
            .collect();
        assert!(
            sizes.windows(2).all(|w| w[0] >= w[1]),
            "largest gap first: {sizes:?}"
        );
    }
}
