//! The authority kernel (PageRank) alone, GAP-style: the R-MAT graph of `earshot gen` built in memory
//! from the same draw, loading timed apart from the kernel.

use super::median_run_on;
use anyhow::{Context, Result};
use earshot_graph::{pagerank, Edge, PageRankConfig, ReactionGraph};
use earshot_synth::{rmat_pairs, SynthConfig};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// PageRank on an R-MAT graph, timed per iteration.
#[derive(Debug, Clone)]
pub struct PagerankBenchRequest {
    /// 2^scale nodes, as `earshot gen` draws them.
    pub scale: u32,
    /// Edges drawn per node (before repeats merge).
    pub edge_factor: u32,
    /// The R-MAT draw's seed: the same seed, the same graph.
    pub seed: u64,
    /// Iterations per timed run (the tolerance is 0, so exactly this many run).
    pub iterations: u32,
    /// Timed runs per thread count; the median is reported.
    pub runs: usize,
    pub threads: Vec<usize>,
    /// A reproducible weight in [0.5, 1.5) for every drawn edge (repeats add up) and the weighted
    /// kernel; otherwise every distinct edge weighs 1, as in the GAP Benchmark Suite.
    pub weighted: bool,
    /// Also write the graph as a binary CSR snapshot to this file.
    pub dump: Option<PathBuf>,
}

/// One thread count's speed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PagerankThreadResult {
    pub threads: usize,
    pub median_seconds_per_iteration: f64,
    pub edges_per_second: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PagerankBenchReport {
    pub scale: u32,
    pub edge_factor: u32,
    pub nodes: usize,
    /// Distinct edges.
    pub edges: usize,
    pub weighted: bool,
    /// Seconds building the CSR from the drawn edges.
    pub build_seconds: f64,
    pub results: Vec<PagerankThreadResult>,
}

/// Draws and builds the graph (dumping it if asked), then times the kernel on each thread count;
/// `note` hears the graph's size and build times before the timing starts.
pub fn bench_pagerank(
    req: &PagerankBenchRequest,
    note: &dyn Fn(&str),
) -> Result<PagerankBenchReport> {
    let cfg = SynthConfig::new(req.scale, req.edge_factor, req.seed);
    let nodes = u32::try_from(cfg.accounts()).context("scale too large for one graph")?;
    let t = Instant::now();
    let edges: Vec<Edge> = rmat_pairs(&cfg)?
        .enumerate()
        .map(|(i, (src, dst))| {
            // A cheap, reproducible weight in [0.5, 1.5) for the weighted kernel.
            let weight = if req.weighted {
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
    if !req.weighted {
        graph = graph.unweighted();
    }
    let build_seconds = t.elapsed().as_secs_f64();
    drop(edges);
    if let Some(path) = &req.dump {
        let f =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        graph.write_binary(std::io::BufWriter::new(f))?;
    }
    note(&format!(
        "R-MAT scale {}, edge factor {}: {} nodes, {} distinct edges ({}weighted); drawn in {generate_seconds:.2} s, CSR built in {build_seconds:.2} s",
        req.scale,
        req.edge_factor,
        graph.nodes(),
        graph.edges(),
        if graph.is_unit_weighted() { "un" } else { "" }
    ));
    let pr_cfg = PageRankConfig {
        tolerance: 0.0,
        max_iterations: req.iterations,
        ..Default::default()
    };
    let mut results = Vec::new();
    for &k in &req.threads {
        let (seconds, iterations) =
            median_run_on(k, req.runs, || Ok(pagerank(&graph, &pr_cfg)?.iterations))?;
        let per_iteration = seconds / f64::from(iterations.max(1));
        results.push(PagerankThreadResult {
            threads: k,
            median_seconds_per_iteration: per_iteration,
            edges_per_second: graph.edges() as f64 / per_iteration,
        });
    }
    Ok(PagerankBenchReport {
        scale: req.scale,
        edge_factor: req.edge_factor,
        nodes: graph.nodes(),
        edges: graph.edges(),
        weighted: !graph.is_unit_weighted(),
        build_seconds,
        results,
    })
}
