//! A social graph of follows alone: scoring says what it ignores and counts reach from the follow edges
//! (issue 18, item 5), and forecasting says it has nothing to learn from.

mod common;
use common::*;

#[test]
fn a_follow_only_graph_scores_reach_from_its_edges_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("follows.txt");
    // SNAP layout, `from<TAB>to`: `from` follows `to`. Account 1 has four followers, 2 has one, the rest none.
    std::fs::write(
        &graph,
        "# a small follow graph\n2\t1\n3\t1\n4\t1\n5\t1\n1\t2\n",
    )
    .unwrap();
    let db = dir.path().join("f.db");
    let out = earshot(
        &db,
        &[
            "import",
            "--format",
            "snap",
            "--kind",
            "follow",
            graph.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = earshot(&db, &["score"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("follows: 5 in the window earn no reaction credit"),
        "{text}"
    );
    assert!(
        text.contains("2 accounts' reach is their follower count"),
        "{text}"
    );
    assert!(
        text.contains("every interaction read is a follow"),
        "{text}"
    );

    let (code, report) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0);
    assert_eq!(report["follows_read"], 5);
    assert_eq!(report["reach_from_follow_edges"], 2);
    // Reach is ln(1 + followers counted from the edges): 4 for account 1, 1 for account 2.
    let (code, top) = earshot_json(&db, &["top", "--by", "reach"]);
    assert_eq!(code, 0, "{top}");
    // `raw` holds the components in order; reach is the last.
    let reach_of = |id: &str| {
        top["top"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["platform_id"] == id)
            .and_then(|r| r["raw"][4].as_f64())
            .unwrap()
    };
    let (r1, r2, r3) = (reach_of("1"), reach_of("2"), reach_of("3"));
    assert_eq!(r3, 0.0);
    assert!(
        (r1 - 5f64.ln()).abs() < 1e-9 && (r2 - 2f64.ln()).abs() < 1e-9,
        "{r1} {r2}"
    );

    // A forecast needs posts passed on; follows alone are named as what it cannot use.
    let out = earshot(&db, &["forecast", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the data hold only follows (5)"), "{err}");
}
