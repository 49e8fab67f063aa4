//! Monte Carlo spread simulations per second on an influence-maximisation graph, per thread count
//! (the single thread first: COST), timed apart from loading.

use super::GraphBench;
use anyhow::{Context, Result};
use earshot_diffusion::{estimate_spread, Model};
use serde::Serialize;

/// Spread from the top-degree seeds, timed.
#[derive(Debug, Clone)]
pub struct SpreadBenchRequest {
    pub bench: GraphBench,
    pub model: Model,
    /// Seed with the K nodes of highest out-degree.
    pub seeds: usize,
    /// Simulations per timed run.
    pub simulations: usize,
}

/// One thread count's speed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpreadThreadResult {
    pub threads: usize,
    pub median_seconds: f64,
    pub simulations_per_second: f64,
    /// The first thread count's median over this one's.
    pub speedup: f64,
}

/// The estimate every run and thread count gives.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpreadSummary {
    pub mean: f64,
    pub std_error: f64,
    pub p10: u32,
    pub p50: u32,
    pub p90: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpreadBenchReport {
    /// The file read.
    pub graph: String,
    pub nodes: usize,
    pub edges: usize,
    pub load_seconds: f64,
    pub model: String,
    /// Seeds used (fewer than asked on a small graph).
    pub seeds: usize,
    pub simulations: usize,
    pub seed: u64,
    pub spread: SpreadSummary,
    pub results: Vec<SpreadThreadResult>,
}

/// Loads the graph and times the simulations on each thread count; `note` hears what was loaded
/// before the timing starts.
pub fn bench_spread(req: &SpreadBenchRequest, note: &dyn Fn(&str)) -> Result<SpreadBenchReport> {
    let loaded = req.bench.load()?;
    let g = &loaded.loaded.graph;
    let seeds = g.top_out_degree(req.seeds);
    note(&format!(
        "{}: {} nodes, {} edges, loaded in {:.2} s; {} top-degree seeds, {}, {} simulations",
        loaded.path.display(),
        g.nodes(),
        g.edges(),
        loaded.load_seconds,
        seeds.len(),
        req.model.name(),
        req.simulations
    ));
    let timings = req.bench.time(|k| {
        estimate_spread(g, req.model, &seeds, req.simulations, req.bench.seed, k)
            .map_err(Into::into)
    })?;
    let mut results = Vec::new();
    let mut estimate = None;
    for t in timings {
        results.push(SpreadThreadResult {
            threads: t.threads,
            median_seconds: t.median_seconds,
            simulations_per_second: req.simulations as f64 / t.median_seconds,
            speedup: t.speedup,
        });
        // Every run and thread count gives the same estimate; keep one.
        estimate = Some(t.output);
    }
    let e = estimate.context("no thread counts to measure")?;
    Ok(SpreadBenchReport {
        graph: loaded.path.display().to_string(),
        nodes: g.nodes(),
        edges: g.edges(),
        load_seconds: loaded.load_seconds,
        model: req.model.name().to_string(),
        seeds: seeds.len(),
        simulations: req.simulations,
        seed: req.bench.seed,
        spread: SpreadSummary {
            mean: e.mean,
            std_error: e.std_error,
            p10: e.p10,
            p50: e.p50,
            p90: e.p90,
        },
        results,
    })
}
