//! `earshot plan` end to end: a small graph whose best seeds are known, files of audience and exclusion
//! ids with clear errors, and (with the real data) NetHEPT, where IMM's seeds must out-spread the
//! top-degree and top-PageRank accounts in fresh Monte Carlo simulations.

mod common;

use common::{earshot, earshot_json, shared_data};

fn ids(v: &serde_json::Value) -> Vec<u64> {
    v["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect()
}

#[test]
fn plan_picks_the_hubs_respects_exclusions_and_audiences_and_names_bad_ids() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("g.txt");
    // Hub 10 reaches 11..=16, hub 20 reaches 21..=23; weighted cascade makes every edge certain.
    let mut text: String = (11..=16).map(|v| format!("10 {v}\n")).collect();
    text += &(21..=23).map(|v| format!("20 {v}\n")).collect::<String>();
    std::fs::write(&graph, text).unwrap();
    let db = dir.path().join("unused.db");
    let g = graph.to_str().unwrap();
    let (code, v) = earshot_json(
        &db,
        &["plan", "--graph", g, "--k", "2", "--mc", "500", "--timings"],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(ids(&v), [10, 20], "{v}");
    // --timings: the phases are reported (their durations are not checked, only that they are there).
    let t = &v["timings"];
    assert!(t["sampling_rounds"].as_u64().unwrap() >= 1, "{v}");
    assert!(t["sampling_sets"].as_u64() <= v["rr_sets"].as_u64(), "{v}");
    for phase in ["sampling_rr", "sampling_greedy", "final_rr", "final_greedy"] {
        assert!(
            t[format!("{phase}_seconds")].as_f64().unwrap() >= 0.0,
            "{v}"
        );
    }
    // Certain edges: the seeds reach exactly 7 + 4 nodes, in the estimate and in every simulation.
    assert!(
        (v["estimated_spread"].as_f64().unwrap() - 11.0).abs() < 1e-9,
        "{v}"
    );
    assert_eq!(v["monte_carlo"]["mean"].as_f64(), Some(11.0), "{v}");
    let gains: Vec<f64> = v["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["marginal_gain"].as_f64().unwrap())
        .collect();
    // Each gain is 11 × the share of sampled roots in that hub's star: 7 and 4 up to sampling noise.
    assert!(
        (gains[0] - 7.0).abs() < 0.5 && (gains[1] - 4.0).abs() < 0.5,
        "{gains:?}"
    );

    let exclude = dir.path().join("x.txt");
    std::fs::write(&exclude, "# competitors\n10\n").unwrap();
    let (_, v) = earshot_json(
        &db,
        &[
            "plan",
            "--graph",
            g,
            "--k",
            "1",
            "--exclude",
            exclude.to_str().unwrap(),
        ],
    );
    assert_eq!(ids(&v), [20], "{v}");

    let audience = dir.path().join("a.txt");
    std::fs::write(&audience, "21\n22\n").unwrap();
    let (_, v) = earshot_json(
        &db,
        &[
            "plan",
            "--graph",
            g,
            "--k",
            "1",
            "--audience",
            audience.to_str().unwrap(),
        ],
    );
    assert_eq!(ids(&v), [20], "{v}");
    assert!(
        (v["estimated_spread"].as_f64().unwrap() - 2.0).abs() < 1e-9,
        "{v}"
    );

    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "10\n99\n").unwrap();
    let out = earshot(
        &db,
        &["plan", "--graph", g, "--exclude", bad.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("bad.txt:2") && err.contains("99"),
        "{err}"
    );
    let out = earshot(&db, &["plan", "--graph", g, "--epsilon", "1.5"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn real_nethept_imm_beats_degree_and_pagerank_seeds() {
    let Some(data) = shared_data("im-graphs/nethept_chen.txt") else {
        return;
    };
    let data_dir = data.parent().unwrap().parent().unwrap();
    let db = std::path::PathBuf::from("unused.db");
    let (code, v) = earshot_json(
        &db,
        &[
            "plan",
            "--graph",
            "nethept",
            "--data",
            data_dir.to_str().unwrap(),
            "--k",
            "50",
            "--epsilon",
            "0.5",
            "--mc",
            "5000",
            "--compare",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (v["nodes"].as_u64(), v["edges"].as_u64()),
        (Some(15_233), Some(62_752))
    );
    let imm = &v["monte_carlo"];
    let (m, h) = (imm["mean"].as_f64().unwrap(), imm["ci95"].as_f64().unwrap());
    for b in v["baselines"].as_array().unwrap() {
        let (bm, bh) = (
            b["monte_carlo"]["mean"].as_f64().unwrap(),
            b["monte_carlo"]["ci95"].as_f64().unwrap(),
        );
        assert!(
            m - h > bm + bh,
            "IMM {m} ± {h} should beat {} {bm} ± {bh}",
            b["seeds"]
        );
    }
    assert_eq!(ids(&v).len(), 50);
}
