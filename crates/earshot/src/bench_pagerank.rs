//! `earshot bench pagerank`: the authority kernel alone, GAP-style (kernel timed apart from loading).

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{Context, Result};
use earshot_graph::{pagerank, Edge, PageRankConfig, ReactionGraph};
use earshot_synth::{rmat_pairs, SynthConfig};
use std::path::Path;
use std::time::Instant;

#[derive(serde::Serialize)]
struct ThreadResult {
    threads: usize,
    median_seconds_per_iteration: f64,
    edges_per_second: f64,
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    cli: &Ctx,
    scale: u32,
    edge_factor: u32,
    seed: u64,
    iterations: u32,
    runs: usize,
    threads: &[usize],
    weighted: bool,
    dump: Option<&Path>,
) -> Result<Exit> {
    let cfg = SynthConfig::new(scale, edge_factor, seed);
    let nodes = u32::try_from(cfg.accounts()).context("scale too large for one graph")?;
    let t = Instant::now();
    let edges: Vec<Edge> = rmat_pairs(&cfg)?
        .enumerate()
        .map(|(i, (src, dst))| {
            // A cheap, reproducible weight in [0.5, 1.5) for the weighted kernel.
            let weight = if weighted {
                0.5 + (i.wrapping_mul(2_654_435_761) % 1024) as f64 / 1024.0
            } else {
                1.0
            };
            Edge { src, dst, weight }
        })
        .collect();
    let generate_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut graph = ReactionGraph::from_edges(nodes, &edges)?;
    if !weighted {
        graph = graph.unweighted();
    }
    let build_seconds = t.elapsed().as_secs_f64();
    drop(edges);
    if let Some(path) = dump {
        let f =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        graph.write_binary(std::io::BufWriter::new(f))?;
    }
    if !cli.quiet && !cli.json {
        eprintln!(
            "R-MAT scale {scale}, edge factor {edge_factor}: {} nodes, {} distinct edges ({}weighted); drawn in {generate_seconds:.2} s, CSR built in {build_seconds:.2} s",
            graph.nodes(),
            graph.edges(),
            if graph.is_unit_weighted() { "un" } else { "" }
        );
    }
    let pr_cfg = PageRankConfig {
        tolerance: 0.0,
        max_iterations: iterations,
        ..Default::default()
    };
    let mut results = Vec::new();
    for &k in threads {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(k).build()?;
        let mut per_iter = Vec::new();
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            let pr = pool.install(|| pagerank(&graph, &pr_cfg))?;
            per_iter.push(t.elapsed().as_secs_f64() / f64::from(pr.iterations.max(1)));
        }
        per_iter.sort_by(f64::total_cmp);
        let median = per_iter[per_iter.len() / 2];
        let r = ThreadResult {
            threads: k,
            median_seconds_per_iteration: median,
            edges_per_second: graph.edges() as f64 / median,
        };
        if !cli.json {
            println!(
                "{} thread(s): {:.4} s per iteration, {:.0}M edges/s (median of {} runs of {} iterations)",
                k,
                r.median_seconds_per_iteration,
                r.edges_per_second / 1e6,
                runs.max(1),
                iterations
            );
        }
        results.push(r);
    }
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "scale": scale, "edge_factor": edge_factor, "nodes": graph.nodes(), "edges": graph.edges(),
                "weighted": !graph.is_unit_weighted(), "build_seconds": build_seconds, "results": results,
            })
        );
    }
    Ok(Exit::Ok)
}
