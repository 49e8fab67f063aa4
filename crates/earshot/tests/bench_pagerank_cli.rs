//! `earshot bench pagerank --edges`: an edge list written to a fresh directory, its graph's size in the
//! report, the CSR `--dump` writes for the C++ baseline, and a bad line named by file, line and field
//! (no timing is asserted).

mod common;

use common::{earshot, earshot_json};
use std::path::{Path, PathBuf};

/// `text` written to `name` in `dir`, and an (unused) database path beside it.
fn file(dir: &Path, name: &str, text: &str) -> (PathBuf, PathBuf) {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    (path, dir.join("unused.db"))
}

fn bench(db: &Path, edges: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "bench",
        "pagerank",
        "--edges",
        edges.to_str().unwrap(),
        "--iterations",
        "3",
        "--runs",
        "1",
        "--threads",
        "1,2",
    ];
    args.extend_from_slice(extra);
    let (code, v) = earshot_json(db, &args);
    assert_eq!(code, 0, "{v}");
    v
}

#[test]
fn a_snap_edge_list_is_counted_and_dumped() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse ids 10, 20, 30, 40 and 50; 7 edge lines: a repeat (10 -> 20) and a self-loop (50 -> 50).
    let text = "# Directed graph: a test\n# FromNodeId\tToNodeId\n10\t20\n20\t30\n10\t20\n30\t10\n\
                40\t10\n40\t30\n50\t50\n";
    let (edges, db) = file(dir.path(), "g.txt", text);
    let dump = dir.path().join("g.csr");
    let v = bench(&db, &edges, &["--dump", dump.to_str().unwrap()]);
    assert_eq!(v["nodes"].as_u64(), Some(5), "{v}");
    assert_eq!(v["edges"].as_u64(), Some(6), "the repeat merges: {v}");
    assert_eq!(v["lines"].as_u64(), Some(7), "{v}");
    assert_eq!(v["weighted"].as_bool(), Some(false), "{v}");
    assert_eq!(v["file"].as_str(), edges.to_str());
    assert!(v["scale"].is_null(), "{v}");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["threads"].as_u64(), Some(2));
    assert!(results[0]["edges_per_second"].as_f64().unwrap() > 0.0);
    // The snapshot bench/pagerank_pull.cc reads: magic, then nodes, edges and the weighted flag.
    let bytes = std::fs::read(&dump).unwrap();
    assert_eq!(&bytes[..8], b"ESCSR001");
    let word = |i: usize| u64::from_le_bytes(bytes[8 + 8 * i..16 + 8 * i].try_into().unwrap());
    assert_eq!((word(0), word(1), word(2)), (5, 6, 0));
}

#[test]
fn a_gap_weighted_edge_list_runs_the_weighted_kernel() {
    let dir = tempfile::tempdir().unwrap();
    // GAP's .wel: no header detection, so the first line `3 1 2` is an edge.
    let (edges, db) = file(dir.path(), "g.wel", "3 1 2\n0 1 1\n1 2 4\n2 0 1\n0 1 1\n");
    let v = bench(&db, &edges, &["--weighted"]);
    assert_eq!(
        (v["nodes"].as_u64(), v["edges"].as_u64()),
        (Some(4), Some(4)),
        "{v}"
    );
    assert_eq!(v["weighted"].as_bool(), Some(true), "{v}");
    // Unweighted, the same lines are the same 4 distinct edges.
    let v = bench(&db, &edges, &[]);
    assert_eq!(
        (v["edges"].as_u64(), v["weighted"].as_bool()),
        (Some(4), Some(false)),
        "{v}"
    );
}

#[test]
fn a_malformed_line_is_named_by_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, want) in [
        (
            "bad.txt",
            "# comment\n1 2\n2 x3\n",
            ":3: dst: not a numeric id",
        ),
        (
            "bad.el",
            "0 1\n1 2\n\n2 3 4\n",
            ":4: <line>: expected 2 columns",
        ),
        ("bad.wel", "0 1 1\n1 2 -1\n", ":2: weight:"),
    ] {
        let (edges, db) = file(dir.path(), name, text);
        let path = edges.to_str().unwrap();
        let out = earshot(&db, &["bench", "pagerank", "--edges", path, "--runs", "1"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!("{path}{want}")),
            "{stderr} lacks {want}"
        );
    }
    // An R-MAT option beside --edges is a usage error.
    let (edges, db) = file(dir.path(), "ok.el", "0 1\n");
    let path = edges.to_str().unwrap();
    let out = earshot(&db, &["bench", "pagerank", "--edges", path, "--scale", "4"]);
    assert_eq!(out.status.code(), Some(2));
}
