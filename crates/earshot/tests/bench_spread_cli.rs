//! `earshot bench spread` and `earshot bench rr` on a small edge list, and `earshot bench copies` on a
//! few synthetic posts: the reports' shape and the results' independence from the thread count (no
//! timing is asserted).

mod common;

use common::{earshot, earshot_json};

/// A path 0 → 1 → 2 → 3 and a star out of 0, written to a file in a fresh directory: weighted cascade
/// makes every edge certain (every in-degree is 1). Returns the directory, an (unused) database path in
/// it and the graph's path.
fn tiny_graph() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("g.txt");
    std::fs::write(&graph, "0 1\n1 2\n2 3\n0 4\n0 5\n").unwrap();
    let db = dir.path().join("unused.db");
    let g = graph.to_str().unwrap().to_string();
    (dir, db, g)
}

#[test]
fn bench_spread_reports_each_thread_count_and_one_estimate() {
    let (_dir, db, g) = tiny_graph();
    let g = g.as_str();
    let args = [
        "bench",
        "spread",
        "--graph",
        g,
        "--seeds",
        "1",
        "--simulations",
        "200",
        "--runs",
        "1",
        "--threads",
        "1,2",
    ];
    let (code, v) = earshot_json(&db, &args);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (v["nodes"].as_u64(), v["edges"].as_u64()),
        (Some(6), Some(5))
    );
    assert_eq!(v["spread"]["mean"].as_f64(), Some(6.0));
    assert_eq!(v["spread"]["std_error"].as_f64(), Some(0.0));
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["threads"].as_u64(), Some(2));
    assert!(results[0]["simulations_per_second"].as_f64().unwrap() > 0.0);
    let out = earshot(&db, &["bench", "spread", "--graph", g, "--threads", "0"]);
    let code = out.status.code();
    assert_eq!(code, Some(2), "a zero thread count is a usage error");
}

#[test]
fn bench_rr_reports_throughput_per_thread_count_and_the_same_sets() {
    // Every edge is certain, so a root's set is itself and its ancestors: 1 to 4 members.
    let (_dir, db, g) = tiny_graph();
    let g = g.as_str();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "bench",
            "rr",
            "--graph",
            g,
            "--sets",
            "5000",
            "--runs",
            "1",
            "--threads",
            "1,2",
        ];
        args.extend_from_slice(extra);
        let (code, v) = earshot_json(&db, &args);
        assert_eq!(code, 0, "{v}");
        v
    };
    let v = run(&[]);
    assert_eq!(
        (v["nodes"].as_u64(), v["edges"].as_u64(), v["sets"].as_u64()),
        (Some(6), Some(5), Some(5000))
    );
    assert!(v["jump_min_in_degree"].as_u64().is_some(), "{v}");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(
        (
            results[0]["threads"].as_u64(),
            results[1]["threads"].as_u64()
        ),
        (Some(1), Some(2))
    );
    let members = results[0]["members"].as_u64().unwrap();
    assert_eq!(results[1]["members"].as_u64(), Some(members), "{v}");
    assert!((5000..=20_000).contains(&members), "{members}");
    for r in results {
        let secs = r["median_seconds"].as_f64().unwrap();
        let sets_per_second = r["sets_per_second"].as_f64().unwrap();
        assert!(secs > 0.0 && sets_per_second > 0.0, "{r}");
        assert!(
            (sets_per_second * secs - 5000.0).abs() < 1e-6 * 5000.0,
            "{r}"
        );
        let members_per_second = r["members_per_second"].as_f64().unwrap();
        assert!((members_per_second * secs - members as f64).abs() < 1e-6 * members as f64);
    }
    // A coin per edge: no jumps, and (all edges certain) the very same sets.
    let coins = run(&["--coins"]);
    assert!(coins["jump_min_in_degree"].is_null(), "{coins}");
    assert_eq!(coins["results"][0]["members"].as_u64(), Some(members));
    // The text report names both rates.
    let out = earshot(
        &db,
        &[
            "bench",
            "rr",
            "--graph",
            g,
            "--sets",
            "100",
            "--runs",
            "1",
            "--threads",
            "1",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("RR sets/s") && text.contains("members/s"));
    let out = earshot(&db, &["bench", "rr", "--graph", g, "--threads", "0"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a zero thread count is a usage error"
    );
}

#[test]
fn bench_copies_times_both_stages_and_finds_the_planted_copies() {
    let (_dir, db, _) = tiny_graph();
    let args = [
        "bench",
        "copies",
        "--posts",
        "2000",
        "--runs",
        "1",
        "--threads",
        "1,2",
    ];
    let (code, v) = earshot_json(&db, &args);
    assert_eq!(code, 0, "{v}");
    let stages: Vec<(u64, &str)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["threads"].as_u64().unwrap(), r["stage"].as_str().unwrap()))
        .collect();
    assert_eq!(
        stages,
        [
            (1, "copies"),
            (1, "all flags"),
            (2, "copies"),
            (2, "all flags")
        ]
    );
    assert_eq!(v["posts"], 2000);
    let (planted, found) = (
        v["planted"].as_u64().unwrap(),
        v["planted_found"].as_u64().unwrap(),
    );
    assert!(planted > 50 && found * 10 >= planted * 9, "{v}");
    let out = earshot(&db, &["bench", "copies", "--posts", "0"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
