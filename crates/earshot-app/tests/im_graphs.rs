//! The influence-maximisation graphs of `../shared/data/im-graphs` (MANIFEST.md): counts after loading,
//! probabilities, and Monte Carlo that does not depend on the thread count.
//!
//! Without the data these tests print why and pass; under `CI=true` they fail.

use earshot_app::sources::edge_list::{load_edge_list, LoadOptions, LoadedGraph};
use earshot_diffusion::{estimate_spread, sample_spread, Model};
mod common;

use common::shared_data;

fn load(rel: &str, opts: LoadOptions) -> Option<LoadedGraph> {
    let p = shared_data(rel)?;
    Some(load_edge_list(&p, &opts).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn nethept_undirected_weighted_cascade() {
    let Some(g) = load(
        "im-graphs/nethept_chen.txt",
        LoadOptions::undirected_weighted_cascade(),
    ) else {
        return;
    };
    // 58,891 lines, 39 of them self-loops; 31,376 distinct undirected pairs, both directions.
    assert_eq!((g.lines, g.self_loops), (58_891, 39));
    assert_eq!(g.graph.nodes(), 15_233);
    assert_eq!(g.graph.edges(), 62_752);
    let h = g.header.expect("the `n m` header");
    assert_eq!((h.nodes, h.edges), (15_233, 58_891));
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    assert_eq!(g.dense(15_232), Some(15_232));
    // Weighted cascade: each node with in-edges has in-probabilities summing to 1; symmetric structure.
    for v in 0..g.graph.nodes() as u32 {
        assert_eq!(g.graph.in_degree(v), g.graph.out_degree(v));
        if g.graph.in_degree(v) > 0 {
            assert!((g.graph.in_probability_sum(v) - 1.0).abs() < 1e-5);
        }
    }
    g.graph.check_linear_threshold().unwrap();
    // Monte Carlo from the 50 top-degree nodes: the same sample on 1 and 2 threads.
    let seeds = g.graph.top_out_degree(50);
    for model in [Model::IndependentCascade, Model::LinearThreshold] {
        let one = sample_spread(&g.graph, model, &seeds, 500, 7, 1).unwrap();
        let two = sample_spread(&g.graph, model, &seeds, 500, 7, 2).unwrap();
        assert_eq!(one, two, "{model:?}");
        let e = estimate_spread(&g.graph, model, &seeds, 500, 7, 2).unwrap();
        assert!(e.min >= 50 && e.mean > 100.0 && e.mean < 15_233.0, "{e:?}");
        assert!(e.p10 <= e.p50 && e.p50 <= e.p90);
    }
}

#[test]
fn nethept_with_its_own_probabilities() {
    let Some(g) = load(
        "im-graphs/nethept_wc_weighted.txt",
        LoadOptions::directed_with_probabilities(),
    ) else {
        return;
    };
    // 32,235 lines, 22 self-loops dropped, no repeats.
    assert_eq!((g.lines, g.self_loops), (32_235, 22));
    assert_eq!((g.graph.nodes(), g.graph.edges()), (15_233, 32_213));
    let ps: Vec<f32> = g.graph.edge_list().map(|(_, _, p)| p).collect();
    let (lo, hi) = ps
        .iter()
        .fold((1f32, 0f32), |(a, b), &p| (a.min(p), b.max(p)));
    assert!((0.0166..0.0168).contains(&lo) && hi == 1.0, "{lo}..{hi}");
    assert_eq!(g.graph.out_links(0)[0].node, 1);
    g.graph.check_linear_threshold().unwrap();
}

#[test]
fn snap_graphs_through_the_ingest_reader() {
    if let Some(g) = load(
        "im-graphs/email-Eu-core.txt.gz",
        LoadOptions::directed_weighted_cascade(),
    ) {
        assert_eq!((g.lines, g.self_loops), (25_571, 642));
        assert_eq!((g.graph.nodes(), g.graph.edges()), (1_005, 24_929));
        assert_eq!(g.external.last(), Some(&1_004));
    }
    if let Some(g) = load(
        "im-graphs/soc-Slashdot0902.txt.gz",
        LoadOptions::directed_weighted_cascade(),
    ) {
        // 948,464 lines, of which 78,303 self-loops (`0 0`, `1 1`, ...), dropped here.
        assert_eq!((g.lines, g.self_loops), (948_464, 78_303));
        assert_eq!((g.graph.nodes(), g.graph.edges()), (82_168, 870_161));
        g.graph.check_linear_threshold().unwrap();
    }
}
