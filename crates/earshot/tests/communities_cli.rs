//! `earshot communities`: Louvain over an edge-list file or the stored interactions, NMI against labels.

mod common;

use common::{earshot, earshot_json, generated_db, shared_data};
use std::path::Path;

/// Two 5-cliques joined by one edge, written as a directed edge list with a self-loop, a repeated edge
/// and a node (9) that only has a self-loop.
fn two_cliques(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from("# two cliques\n");
    for base in [0, 10] {
        for a in 0..5 {
            for b in a + 1..5 {
                text.push_str(&format!("{} {}\n", base + a, base + b));
            }
        }
    }
    text.push_str("4 10\n1 0\n3 3\n9 9\n");
    let path = dir.join("cliques.txt");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn edge_list_communities_match_their_labels() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let edges = two_cliques(dir.path());
    let labels = dir.path().join("labels.txt");
    // Node 9 has only a self-loop; node 99 is not in the graph at all: both count as communities of
    // their own, so the labels (9 and 99 in group "c") do not match perfectly.
    std::fs::write(
        &labels,
        "0 a\n1 a\n2 a\n3 a\n4 a\n10 b\n11 b\n12 b\n13 b\n14 b\n9 c\n99 c\n",
    )
    .unwrap();
    let tsv = dir.path().join("c.tsv");
    let (code, v) = earshot_json(
        &db,
        &[
            "communities",
            "--edges",
            edges.to_str().unwrap(),
            "--format",
            "snap",
            "--labels",
            labels.to_str().unwrap(),
            "--tsv",
            tsv.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert!(!db.exists(), "--edges must not create a database");
    assert_eq!(v["nodes"], 11);
    assert_eq!(v["edges"], 21, "{v}");
    assert_eq!(v["self_loops_dropped"], 2);
    assert_eq!(v["nodes_without_edges"], 1);
    assert_eq!(v["communities"], 3);
    assert_eq!(v["singletons"], 1);
    // 21 distinct edges weighing m = 22 (`1 0` merges into `0 1`, weight 2). The cliques hold 10 + 1
    // and 10 inside, degree sums 2 · 11 + 1 = 23 and 2 · 10 + 1 = 21 (the bridge's ends).
    let m = 22.0f64;
    let want = 11.0 / m - (23.0 / (2.0 * m)).powi(2) + 10.0 / m - (21.0 / (2.0 * m)).powi(2);
    assert!(
        (v["modularity"].as_f64().unwrap() - want).abs() < 1e-12,
        "{v}"
    );
    let top = v["top"].as_array().unwrap();
    assert_eq!(top.len(), 2, "the lone node is counted, not listed");
    assert_eq!(top[0]["size"], 5);
    // Weighted degree first, ties by first appearance: 0 and 1 (the doubled edge) and 4 (the bridge).
    let first: Vec<(&str, f64)> = top[0]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["ext_id"].as_str().unwrap(),
                a["strength"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        first,
        [("0", 5.0), ("1", 5.0), ("4", 5.0), ("2", 4.0), ("3", 4.0)]
    );
    let l = &v["labels"];
    assert_eq!(
        (l["labelled"].as_u64(), l["labels"].as_u64()),
        (Some(12), Some(3))
    );
    assert_eq!(l["with_edges"], 10);
    assert_eq!(l["without_edges"], 1);
    assert_eq!(l["not_in_graph"], 1);
    assert!(
        (l["nmi_with_edges"].as_f64().unwrap() - 1.0).abs() < 1e-12,
        "{l}"
    );
    let nmi = l["nmi"].as_f64().unwrap();
    assert!(nmi > 0.9 && nmi < 1.0, "{l}");

    let text = std::fs::read_to_string(&tsv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ext_id\thandle\tcommunity\tsize");
    assert_eq!(lines.len(), 12);
    assert!(lines.contains(&"9\t\t3\t1"), "{text}");
    assert!(
        lines.contains(&"0\t\t1\t5") ^ lines.contains(&"0\t\t2\t5"),
        "{text}"
    );

    let out = earshot(
        &db,
        &[
            "communities",
            "--edges",
            edges.to_str().unwrap(),
            "--top",
            "1",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("3 communities (1 of one node)"), "{stdout}");
    assert!(
        stdout.contains("1 more communities of two nodes or more"),
        "{stdout}"
    );
}

#[test]
fn bad_labels_and_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let edges = two_cliques(dir.path());
    let edges = edges.to_str().unwrap();
    let labels = dir.path().join("labels.txt");
    std::fs::write(&labels, "0 a\n1 a b\n").unwrap();
    let out = earshot(
        &db,
        &[
            "communities",
            "--edges",
            edges,
            "--labels",
            labels.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("labels.txt:2: expected `node label`, found 3 fields"),
        "{err}"
    );
    for args in [
        vec!["communities", "--edges", edges, "--platform", "x"],
        vec!["communities", "--edges", edges, "--resolution", "0"],
        vec!["communities", "--format", "snap"],
        vec!["communities", "--edges", edges, "--seed", "1", "--id-order"],
    ] {
        let out = earshot(&db, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let missing = dir.path().join("missing.txt");
    let out = earshot(&db, &["communities", "--edges", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn stored_interactions_give_communities_led_by_the_latest_scores() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    generated_db(dir.path(), &db, 11);
    let (code, v) = earshot_json(&db, &["communities", "--top", "3", "--accounts", "2"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["ranking"], "weighted degree");
    let nodes = v["nodes"].as_u64().unwrap();
    assert!(nodes > 100, "{v}");
    assert!(v["modularity"].as_f64().unwrap() > 0.1, "{v}");
    let top = v["top"].as_array().unwrap();
    assert_eq!(top.len(), 3);
    assert!(top[0]["size"].as_u64() >= top[1]["size"].as_u64());
    let a = &top[0]["accounts"];
    assert!(
        a[0]["strength"].as_f64() >= a[1]["strength"].as_f64(),
        "{a}"
    );
    assert!(a[0]["handle"].is_string(), "{a}");

    // The same graph every time, and the same partition for the same seed.
    let again = earshot_json(&db, &["communities", "--top", "3", "--accounts", "2"]).1;
    assert_eq!(again["top"], v["top"]);
    let s1 = earshot_json(&db, &["communities", "--seed", "5"]).1;
    let s2 = earshot_json(&db, &["communities", "--seed", "5"]).1;
    assert_eq!(s1["top"], s2["top"]);
    assert_eq!(s1["modularity"], s2["modularity"]);

    let (code, _) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0);
    let (code, v) = earshot_json(&db, &["communities", "--top", "1", "--accounts", "3"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["ranking"], "overall score of run #1");
    let a = v["top"][0]["accounts"].as_array().unwrap();
    assert!(a.iter().all(|x| x["score"].is_number()), "{v}");
    assert!(a[0]["score"].as_f64() >= a[1]["score"].as_f64(), "{v}");

    // A window with nothing in it is an empty graph, not an error.
    let (code, v) = earshot_json(&db, &["communities", "--to", "1971-01-01"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (v["nodes"].as_u64(), v["communities"].as_u64()),
        (Some(0), Some(0))
    );
}

/// Acceptance (issue 6): Louvain on email-Eu-core recovers the ground-truth departments. The graph is
/// made undirected by summing both directions (weights 1 or 2) and its 642 self-loops are dropped; the
/// 19 nodes with only self-loops are communities of their own. Measured (EVALUATION.md): by default
/// (seed 0) NMI 0.5941 and modularity 0.4276; over seeds 0–9 NMI 0.578 on average, as networkx's
/// `louvain_communities` on the same graph; in id order NMI 0.5566.
#[test]
fn email_eu_core_communities_recover_departments() {
    let (Some(edges), Some(labels)) = (
        shared_data("im-graphs/email-Eu-core.txt.gz"),
        shared_data("im-graphs/email-Eu-core-department-labels.txt"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let run = |order: Option<&str>| {
        let mut args = vec![
            "communities".to_string(),
            "--edges".into(),
            edges.display().to_string(),
            "--labels".into(),
            labels.display().to_string(),
        ];
        match order {
            Some("id") => args.push("--id-order".into()),
            Some(seed) => args.extend(["--seed".into(), seed.to_string()]),
            None => {}
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, v) = earshot_json(&db, &args);
        assert_eq!(code, 0, "{v}");
        v
    };
    let v = run(None);
    assert_eq!(v["nodes"], 1005);
    assert_eq!(v["edges"], 16064);
    assert_eq!(v["self_loops_dropped"], 642);
    assert_eq!(v["nodes_without_edges"], 19);
    let l = &v["labels"];
    assert_eq!(
        (l["labelled"].as_u64(), l["labels"].as_u64()),
        (Some(1005), Some(42))
    );
    assert_eq!(
        (l["without_edges"].as_u64(), l["not_in_graph"].as_u64()),
        (Some(19), Some(0))
    );
    let nmi = l["nmi"].as_f64().unwrap();
    let q = v["modularity"].as_f64().unwrap();
    let big = v["communities"].as_u64().unwrap() - v["singletons"].as_u64().unwrap();
    eprintln!(
        "email-Eu-core, seed 0: NMI {nmi:.4}, modularity {q:.4}, {big} communities of 2+ nodes"
    );
    assert!(nmi >= 0.58, "NMI {nmi}");
    assert!(q >= 0.425, "modularity {q}");
    assert!((5..=15).contains(&big), "{big} communities");

    let id = run(Some("id"));
    let id_nmi = id["labels"]["nmi"].as_f64().unwrap();
    eprintln!("email-Eu-core, id order: NMI {id_nmi:.4}");
    assert!(id_nmi >= 0.54, "NMI in id order {id_nmi}");

    let seeds: Vec<f64> = (0..10)
        .map(|s| run(Some(&s.to_string()))["labels"]["nmi"].as_f64().unwrap())
        .collect();
    assert_eq!(seeds[0], nmi, "the default is seed 0");
    let mean = seeds.iter().sum::<f64>() / seeds.len() as f64;
    eprintln!("email-Eu-core, seeds 0-9: mean NMI {mean:.4}, {seeds:.4?}");
    assert!(mean >= 0.56, "mean NMI over seeds {mean}");
    assert!(seeds.iter().all(|&x| x >= 0.5), "{seeds:?}");
}
