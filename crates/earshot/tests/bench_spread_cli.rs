//! `earshot bench spread` on a small edge list: the report's shape and the estimate's independence from
//! the thread count (no timing is asserted).

mod common;

use common::{earshot, earshot_json};

#[test]
fn bench_spread_reports_each_thread_count_and_one_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("g.txt");
    // A path 0 → 1 → 2 → 3 and a star out of 0: weighted cascade makes every edge certain.
    std::fs::write(&graph, "0 1\n1 2\n2 3\n0 4\n0 5\n").unwrap();
    let db = dir.path().join("unused.db");
    let g = graph.to_str().unwrap();
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
