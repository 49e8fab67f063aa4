//! Reverse-reachable sets drawn per second (IMM's sampling kernel) on an influence-maximisation graph,
//! per thread count, timed apart from loading. `bench/imm.cc --rr-only` measures the C++ baseline the
//! same way; `scripts/bench_imm.sh` runs both.

use super::GraphBench;
use anyhow::Result;
use earshot_diffusion::sample_rr_sets;
use serde::Serialize;

/// RR sets drawn, timed.
#[derive(Debug, Clone)]
pub struct RrBenchRequest {
    pub bench: GraphBench,
    /// RR sets per timed run.
    pub sets: usize,
    /// Nodes with at least this many in-edges, all of one probability, jump to their live in-edges;
    /// `None`: a coin for every in-edge, as the IMM paper's sampler.
    pub jump_min_in_degree: Option<usize>,
}

/// One thread count's speed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RrThreadResult {
    pub threads: usize,
    pub median_seconds: f64,
    pub sets_per_second: f64,
    pub members_per_second: f64,
    /// The first thread count's median over this one's.
    pub speedup: f64,
    /// Members drawn: the same on every thread count (the sets are).
    pub members: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RrBenchReport {
    /// The file read.
    pub graph: String,
    pub nodes: usize,
    pub edges: usize,
    pub load_seconds: f64,
    pub sets: usize,
    pub seed: u64,
    /// `null` with a coin per in-edge.
    pub jump_min_in_degree: Option<usize>,
    pub results: Vec<RrThreadResult>,
}

/// Loads the graph and times the sampling on each thread count; `note` hears what was loaded before
/// the timing starts.
pub fn bench_rr(req: &RrBenchRequest, note: &dyn Fn(&str)) -> Result<RrBenchReport> {
    let loaded = req.bench.load()?;
    let g = &loaded.loaded.graph;
    let jump_min = req.jump_min_in_degree.unwrap_or(usize::MAX);
    let sampler = match req.jump_min_in_degree {
        None => "a coin per in-edge".to_string(),
        Some(d) => format!("jumps at in-degree ≥ {d}"),
    };
    note(&format!(
        "{}: {} nodes, {} edges, loaded in {:.2} s; {} RR sets per run, {sampler}",
        loaded.path.display(),
        g.nodes(),
        g.edges(),
        loaded.load_seconds,
        req.sets
    ));
    let timings = req
        .bench
        .time(|k| Ok(sample_rr_sets(g, req.sets, req.bench.seed, k, jump_min)?.members()))?;
    let results = timings
        .into_iter()
        .map(|t| RrThreadResult {
            threads: t.threads,
            median_seconds: t.median_seconds,
            sets_per_second: req.sets as f64 / t.median_seconds,
            members_per_second: t.output as f64 / t.median_seconds,
            speedup: t.speedup,
            members: t.output,
        })
        .collect();
    Ok(RrBenchReport {
        graph: loaded.path.display().to_string(),
        nodes: g.nodes(),
        edges: g.edges(),
        load_seconds: loaded.load_seconds,
        sets: req.sets,
        seed: req.bench.seed,
        jump_min_in_degree: req.jump_min_in_degree,
        results,
    })
}
