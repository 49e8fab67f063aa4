//! `earshot export` through the real binary: the CSV files hold what `top --json` and the store hold,
//! hostile text survives the round trip, GraphML is read by networkx (when Python has it; required
//! under CI), and a refused or failed export leaves no file behind.

mod common;
use common::*;
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// A generated database with one hostile account (quotes, commas, newlines, markup and an emoji in
/// its names and bio) that reacts to and is reacted to by generated accounts, then scored.
fn scored_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("e.db");
    generated_db(dir, &db, 7);
    let hostile = dir.join("hostile.jsonl");
    let lines = [
        json!({"type": "account", "platform": "synthetic", "ext_id": "x,\"1\"", "handle": "odd_one",
               "display_name": "A \"quoted\", <b>bold</b> & 🦀", "bio": "line one\nline two, with a comma"}),
        json!({"type": "interaction", "platform": "synthetic", "kind": "reply", "key": "h1",
               "actor": {"ext_id": "x,\"1\""}, "target": {"ext_id": "1"}, "time": 1_341_100_000}),
        json!({"type": "interaction", "platform": "synthetic", "kind": "reshare", "key": "h2",
               "actor": {"ext_id": "2"}, "target": {"ext_id": "x,\"1\""}, "time": 1_341_100_100}),
    ];
    std::fs::write(
        &hostile,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    let (code, rep) = earshot_json(&db, &["import", hostile.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    let (code, rep) = earshot_json(&db, &["score"]);
    assert_eq!(code, 0, "{rep}");
    db
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn export_scores_csv_holds_what_top_shows_in_the_same_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_db(dir.path());
    let out = dir.path().join("scores.csv");
    let (code, rep) = earshot_json(&db, &["export", "scores", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{rep}");
    let (_, rows) = read_csv(&out);
    assert_eq!(rep["rows"].as_u64().unwrap() as usize, rows.len());
    let (code, top) = earshot_json(&db, &["top", "--limit", "100000"]);
    assert_eq!(code, 0, "{top}");
    let top = top["top"].as_array().unwrap();
    assert!(top.len() > 100, "too few scored accounts to compare");
    assert_eq!(rows.len(), top.len(), "every scored account, once");
    for (i, (row, t)) in rows.iter().zip(top).enumerate() {
        assert_eq!(row["rank"], (i + 1).to_string());
        assert_eq!(
            row["platform_id"],
            t["platform_id"].as_str().unwrap(),
            "row {i}"
        );
        assert_eq!(row["handle"], t["handle"].as_str().unwrap_or(""), "row {i}");
        let overall: f64 = row["overall"].parse().unwrap();
        assert_eq!(overall, t["overall"].as_f64().unwrap(), "row {i}: exact");
        let authority: f64 = row["authority"].parse().unwrap();
        assert_eq!(authority, t["raw"][3].as_f64().unwrap(), "row {i}");
    }
    // Exporting again over the file is refused without --force, and the file is left as it was.
    let before = std::fs::read(&out).unwrap();
    let again = earshot(&db, &["export", "scores", "--out", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // A run that does not exist: an error naming it, and no file.
    let none = dir.path().join("none.csv");
    let missing = earshot(
        &db,
        &[
            "export",
            "scores",
            "--run",
            "99",
            "--out",
            none.to_str().unwrap(),
        ],
    );
    assert_ne!(missing.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("#99"));
    assert!(!none.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".earshot-export-")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    // A platform the store does not have, or a folder that does not exist: usage errors naming them.
    let bad = earshot(
        &db,
        &[
            "export",
            "scores",
            "--platform",
            "nope",
            "--out",
            none.to_str().unwrap(),
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("\"nope\""));
    let nowhere = dir.path().join("no/such/folder/x.csv");
    let bad = earshot(
        &db,
        &["export", "scores", "--out", nowhere.to_str().unwrap()],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("does not exist"));
    assert!(!none.exists());
}

#[test]
fn export_accounts_and_interactions_csv_round_trip_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_db(dir.path());
    let accounts = dir.path().join("accounts.csv");
    let (code, rep) = earshot_json(
        &db,
        &["export", "accounts", "--out", accounts.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{rep}");
    let (_, rows) = read_csv(&accounts);
    let st = stats(&db);
    assert_eq!(rows.len() as u64, st["accounts"].as_u64().unwrap());
    let odd = rows
        .iter()
        .find(|r| r["platform_id"] == "x,\"1\"")
        .expect("the hostile account is exported");
    assert_eq!(odd["handle"], "odd_one");
    assert_eq!(odd["display_name"], "A \"quoted\", <b>bold</b> & 🦀");
    assert_eq!(odd["bio"], "line one\nline two, with a comma");

    let interactions = dir.path().join("interactions.csv");
    let (code, rep) = earshot_json(
        &db,
        &[
            "export",
            "interactions",
            "--out",
            interactions.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{rep}");
    let (_, rows) = read_csv(&interactions);
    assert_eq!(rows.len() as u64, st["interactions"].as_u64().unwrap());
    let reply = rows
        .iter()
        .find(|r| r["actor_platform_id"] == "x,\"1\"")
        .expect("the hostile account's reply");
    assert_eq!(reply["target_platform_id"], "1");
    assert_eq!(reply["kind"], "reply");
    assert_eq!(reply["time"], "1341100000");
}

/// networkx reads the GraphML: node and edge counts equal the report's, the edges' interaction counts
/// sum to the stored interactions, and the hostile account keeps its names.
#[test]
fn export_interactions_graphml_is_read_by_networkx() {
    if !python_has("networkx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = scored_db(dir.path());
    let graph = dir.path().join("g.graphml");
    let (code, rep) = earshot_json(
        &db,
        &[
            "export",
            "interactions",
            "--format",
            "graphml",
            "--out",
            graph.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{rep}");
    let script = r#"
import json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1])
odd = g.nodes['synthetic:x,"1"']
print(json.dumps({
    "directed": g.is_directed(),
    "nodes": g.number_of_nodes(),
    "edges": g.number_of_edges(),
    "interactions": sum(d["interactions"] for _, _, d in g.edges(data=True)),
    "odd_handle": odd.get("handle"),
    "odd_reply_to_1": g.edges['synthetic:x,"1"', "synthetic:1"]["reply"],
}))
"#;
    let got = run_python(script, &[graph.to_str().unwrap()]);
    assert_eq!(got["directed"], true);
    assert_eq!(got["nodes"], rep["rows"]);
    assert_eq!(got["edges"], rep["edges"]);
    assert_eq!(got["interactions"], rep["interactions"]);
    assert_eq!(
        got["interactions"].as_u64().unwrap(),
        stats(&db)["interactions"].as_u64().unwrap()
    );
    assert_eq!(got["odd_handle"], "odd_one");
    assert_eq!(got["odd_reply_to_1"], 1);
}

/// Run a Python script with `args` and parse the JSON it prints.
fn run_python(script: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new("python3")
        .args(["-c", script])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Is `module` importable by python3? Under CI it must be (`.ci/run` installs it); elsewhere a test
/// that needs it is skipped with the reason printed.
fn python_has(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI needs python3 with {module} for this check (.ci/run installs it)");
        }
        eprintln!("skipped: python3 with {module} is not installed (pip install {module})");
    }
    ok
}

/// pyarrow reads each Parquet export: row counts, column types, the best account's values equal
/// `top --json`'s exactly, nulls where the store has none, and the hostile text intact.
#[test]
fn export_parquet_is_read_by_pyarrow_with_the_same_values() {
    if !python_has("pyarrow") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = scored_db(dir.path());
    let mut files = HashMap::new();
    for table in ["scores", "accounts", "interactions"] {
        let f = dir.path().join(format!("{table}.parquet"));
        let (code, rep) = earshot_json(
            &db,
            &[
                "export",
                table,
                "--format",
                "parquet",
                "--out",
                f.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 0, "{rep}");
        files.insert(table, (f, rep));
    }
    let script = r#"
import json, sys
import pyarrow.parquet as pq
s, a, i = (pq.read_table(p) for p in sys.argv[1:4])
odd = [r for r in a.to_pylist() if r["platform_id"] == 'x,"1"'][0]
reply = [r for r in i.to_pylist() if r["actor_platform_id"] == 'x,"1"'][0]
print(json.dumps({
    "rows": [s.num_rows, a.num_rows, i.num_rows],
    "types": {f.name: str(f.type) for t in (s, a, i) for f in t.schema},
    "first": s.slice(0, 1).to_pylist()[0],
    "odd": odd,
    "reply": reply,
}))
"#;
    let got = run_python(
        script,
        &["scores", "accounts", "interactions"].map(|t| files[t].0.to_str().unwrap()),
    );
    let st = stats(&db);
    assert_eq!(got["rows"][0], files["scores"].1["rows"]);
    assert_eq!(got["rows"][1], st["accounts"]);
    assert_eq!(got["rows"][2], st["interactions"]);
    let types = &got["types"];
    assert_eq!(types["overall"], "double");
    assert_eq!(types["rank"], "int64");
    assert_eq!(types["platform_id"], "string");
    assert_eq!(types["verified"], "bool");
    assert_eq!(types["time"], "int64");

    let (code, top) = earshot_json(&db, &["top", "--limit", "1"]);
    assert_eq!(code, 0);
    let best = &top["top"][0];
    let first = &got["first"];
    assert_eq!(first["rank"], 1);
    assert_eq!(first["platform_id"], best["platform_id"]);
    assert_eq!(first["overall"].as_f64(), best["overall"].as_f64(), "exact");
    assert_eq!(first["audience"].as_f64(), best["raw"][0].as_f64());
    assert_eq!(first["reach_pct"].as_f64(), best["pct"][4].as_f64());

    let odd = &got["odd"];
    assert_eq!(odd["handle"], "odd_one");
    assert_eq!(odd["display_name"], "A \"quoted\", <b>bold</b> & 🦀");
    assert_eq!(odd["bio"], "line one\nline two, with a comma");
    assert!(
        odd["followers"].is_null(),
        "no follower count stored: null, not 0"
    );
    assert_eq!(got["reply"]["kind"], "reply");
    assert_eq!(got["reply"]["time"], 1_341_100_000);
}

/// The communities export holds the partition `earshot communities --tsv` finds with the same
/// defaults, account by account, and its GraphML puts the community on every node of it.
#[test]
fn export_communities_matches_the_communities_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_db(dir.path());
    let tsv = dir.path().join("c.tsv");
    let out = earshot(
        &db,
        &["--quiet", "communities", "--tsv", tsv.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: HashMap<String, (String, String)> = std::fs::read_to_string(&tsv)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), (f[2].to_string(), f[3].to_string()))
        })
        .collect();
    let csv_path = dir.path().join("c.csv");
    let (code, rep) = earshot_json(
        &db,
        &["export", "communities", "--out", csv_path.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{rep}");
    let (_, rows) = read_csv(&csv_path);
    assert!(rows.len() > 100);
    assert_eq!(rows.len(), expected.len(), "every node once");
    for r in &rows {
        let (community, size) = &expected[&r["platform_id"]];
        assert_eq!(&r["community"], community, "{}", r["platform_id"]);
        assert_eq!(&r["size"], size);
    }
    if !python_has("networkx") {
        return;
    }
    let graph = dir.path().join("c.graphml");
    let (code, rep) = earshot_json(
        &db,
        &[
            "export",
            "communities",
            "--format",
            "graphml",
            "--out",
            graph.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{rep}");
    let script = r#"
import json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1])
print(json.dumps({n: d.get("community") for n, d in g.nodes(data=True)}))
"#;
    let got = run_python(script, &[graph.to_str().unwrap()]);
    let got: HashMap<String, Option<u64>> = serde_json::from_value(got).unwrap();
    let mut labelled = 0;
    for r in &rows {
        let node = format!("{}:{}", r["platform"], r["platform_id"]);
        assert_eq!(
            got[&node].map(|c| c.to_string()).as_deref(),
            Some(r["community"].as_str()),
            "{node}"
        );
        labelled += 1;
    }
    assert_eq!(labelled, rows.len());
}
