//! `earshot authority --restart`: topic-sensitive (personalised) PageRank through the real binary, on
//! small graphs whose scores are worked out by hand or by an independent power iteration here.

mod common;
use common::*;
use std::collections::HashMap;
use std::path::Path;

/// Reactor → author edges `(src, dst, time)` of the hand-worked graph, in the ids the file uses:
///
/// ```text
///   s=1 → a=2 → b=3 → c=4        s has no in-edges; c reacts to nobody (dangling)
///           ╰──────────→ c
/// ```
///
/// plus 9 → 8 at time 5000, after the `--to 1000` window: accounts 8 and 9 are stored but not in that
/// window's graph.
const EDGES: &[(u32, u32, i64)] = &[
    (1, 2, 100),
    (2, 3, 100),
    (2, 4, 100),
    (3, 4, 100),
    (9, 8, 5000),
];

/// Write `EDGES` as `g.txt` (platform `g`) and import it into `db`.
fn import_graph(dir: &Path, db: &Path, name: &str) {
    let file = dir.join(name);
    let text: String = EDGES
        .iter()
        .map(|(s, d, t)| format!("{s} {d} {t}\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    let out = earshot(
        db,
        &[
            "--quiet",
            "import",
            "--format",
            "snap",
            "--kind",
            "reshare",
            "--columns",
            "src,dst,time",
            "--header",
            "no",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run `authority --restart` with `extra` flags; return `(ext_id → score, JSON report, stderr)`.
fn authority(
    dir: &Path,
    db: &Path,
    restart: &str,
    extra: &[&str],
) -> (HashMap<String, f64>, serde_json::Value, String) {
    let seeds = dir.join("seeds.txt");
    std::fs::write(&seeds, restart).unwrap();
    let tsv = dir.join("scores.tsv");
    let mut args = vec![
        "--json",
        "authority",
        "--tolerance",
        "1e-14",
        "--restart",
        seeds.to_str().unwrap(),
        "--tsv",
        tsv.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = earshot(db, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let scores = std::fs::read_to_string(&tsv)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[2].parse().unwrap())
        })
        .collect();
    (scores, report, stderr)
}

/// Restarting only at s, which nobody reacts to, s's score is the restart share `1 − α` plus what it gets
/// back as the restart target of the dangling node c: `x_s = (1 − α) + α·x_c`. Following the edges,
/// `x_a = α·x_s`, `x_b = α·x_a/2`, `x_c = α·(x_a/2 + x_b) = α²(1 + α)/2 · x_s`, so
/// `x_s = (1 − α) / (1 − α³(1 + α)/2)`. The four then sum to 1, as PageRank's must.
#[test]
fn one_seed_without_in_edges_gets_the_restart_share_and_the_dangling_mass() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    import_graph(dir.path(), &db, "g.txt");
    // 8 is stored but has no reaction before 1000: reported, ignored, and no change to the scores.
    let (scores, report, stderr) = authority(
        dir.path(),
        &db,
        "# topic seeds\n\n1\n8 2\n",
        &["--to", "1000"],
    );
    let alpha: f64 = 0.85;
    let s = (1.0 - alpha) / (1.0 - alpha.powi(3) * (1.0 + alpha) / 2.0);
    let want = [
        ("1", s),
        ("2", alpha * s),
        ("3", alpha * alpha * s / 2.0),
        ("4", alpha * alpha * (1.0 + alpha) / 2.0 * s),
    ];
    assert!((want.iter().map(|w| w.1).sum::<f64>() - 1.0).abs() < 1e-15);
    assert_eq!(scores.len(), 4, "{scores:?}");
    for (id, w) in want {
        assert!(
            (scores[id] - w).abs() < 1e-12,
            "{id}: {} vs {w}",
            scores[id]
        );
    }
    assert_eq!(report["restart"]["seeds"], 2);
    assert_eq!(report["restart"]["in_graph"], 1);
    assert_eq!(report["restart"]["ignored"], serde_json::json!(["8"]));
    assert!(
        stderr.contains("seeds.txt:4") && stderr.contains("\"8\"") && stderr.contains("ignored"),
        "{stderr}"
    );
}

/// Power iteration written from the definition over a dense matrix: `x ← α(Mx + d·p) + (1 − α)p`, with
/// `d` the mass on nodes with no out-edges.
fn reference(n: usize, edges: &[(usize, usize)], alpha: f64, p: &[f64]) -> Vec<f64> {
    let total: f64 = p.iter().sum();
    let p: Vec<f64> = p.iter().map(|v| v / total).collect();
    let mut out = vec![0usize; n];
    for &(s, _) in edges {
        out[s] += 1;
    }
    let mut x = vec![1.0 / n as f64; n];
    for _ in 0..500 {
        let d: f64 = (0..n).filter(|&u| out[u] == 0).map(|u| x[u]).sum();
        let mut next: Vec<f64> = (0..n).map(|v| (alpha * d + 1.0 - alpha) * p[v]).collect();
        for &(s, t) in edges {
            next[t] += alpha * x[s] / out[s] as f64;
        }
        x = next;
    }
    x
}

/// Weighted seeds, a zero weight, a tab, another α, and two platforms holding the same ext_ids.
#[test]
fn weighted_seeds_match_a_power_iteration_and_platforms_disambiguate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    import_graph(dir.path(), &db, "g.txt");
    import_graph(dir.path(), &db, "h.txt");
    let seeds = "2\t3\n4 1\n3 0\n";

    // Without --platform, "2" names an account on g and on h.
    let file = dir.path().join("seeds.txt");
    std::fs::write(&file, seeds).unwrap();
    let out = earshot(&db, &["authority", "--restart", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("seeds.txt:1") && err.contains("g, h") && err.contains("--platform"),
        "{err}"
    );

    let (scores, _, _) = authority(
        dir.path(),
        &db,
        seeds,
        &["--platform", "g", "--alpha", "0.5"],
    );
    // The reference indexes nodes by position in `ids`; with no window the whole file is in the graph.
    let ids = ["1", "2", "3", "4", "9", "8"];
    let at = |id: u32| ids.iter().position(|&x| x == id.to_string()).unwrap();
    let edges: Vec<(usize, usize)> = EDGES.iter().map(|&(s, d, _)| (at(s), at(d))).collect();
    let mut p = vec![0.0; ids.len()];
    p[at(2)] = 3.0;
    p[at(4)] = 1.0;
    let want = reference(ids.len(), &edges, 0.5, &p);
    assert_eq!(scores.len(), ids.len(), "{scores:?}");
    for (i, id) in ids.iter().enumerate() {
        assert!(
            (scores[*id] - want[i]).abs() < 1e-12,
            "{id}: {} vs {}",
            scores[*id],
            want[i]
        );
    }
    // Nobody restarts at 1, 9 or 8, and nothing leads to them: they score 0.
    for id in ["1", "9", "8"] {
        assert_eq!(scores[id], 0.0, "{id}");
    }
}

/// Bad seed files fail before any ranking, with exit 2 and the file, line and offending field.
#[test]
fn bad_restart_files_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    import_graph(dir.path(), &db, "g.txt");
    let file = dir.path().join("seeds.txt");
    let cases: &[(&str, &[&str])] = &[
        (
            "1\n# fine so far\n77 2\n",
            &["seeds.txt:3", "\"77\"", "no account"],
        ),
        ("1 -1\n", &["seeds.txt:1", "\"-1\"", ">= 0"]),
        ("1 NaN\n", &["seeds.txt:1", "\"NaN\""]),
        ("1 2 3\n", &["seeds.txt:1", "third field"]),
        ("1\n2\n1 4\n", &["seeds.txt:3", "first on line 1"]),
        ("1 0\n2 0\n", &["every weight is 0"]),
        ("# nothing\n", &["no seed accounts"]),
    ];
    for (text, wants) in cases {
        std::fs::write(&file, text).unwrap();
        let out = earshot(&db, &["authority", "--restart", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text:?}: {err}");
        for w in *wants {
            assert!(err.contains(w), "{text:?}: {err:?} lacks {w:?}");
        }
        assert!(out.stdout.is_empty(), "{text:?}: nothing is ranked");
    }
    // Every seed stored but outside the window: nowhere to restart.
    std::fs::write(&file, "8\n9 1\n").unwrap();
    let out = earshot(
        &db,
        &[
            "authority",
            "--to",
            "1000",
            "--restart",
            file.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("nowhere to restart"), "{err}");
    // A missing file is an I/O error (exit 1) that names it.
    let out = earshot(&db, &["authority", "--restart", "/nonexistent/seeds.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/seeds.txt"));
}
