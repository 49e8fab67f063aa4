//! `earshot bench rr`: reverse-reachable sets drawn per second (IMM's sampling kernel) on an
//! influence-maximisation graph, on 1 and 2 threads, timed apart from loading. `bench/imm.cc --rr-only`
//! measures the C++ baseline the same way; `scripts/bench_imm.sh` runs both.

use crate::bench_spread::GraphBench;
use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::Args;
use earshot_diffusion::{sample_rr_sets, JUMP_MIN_IN_DEGREE};

#[derive(Args, Debug)]
pub struct RrArgs {
    #[command(flatten)]
    bench: GraphBench,
    /// RR sets per timed run.
    #[arg(long, default_value_t = 1_000_000)]
    sets: usize,
    /// Nodes with at least this many in-edges, all of one probability, jump to their live in-edges
    /// (default: what `earshot plan` uses).
    #[arg(long, default_value_t = JUMP_MIN_IN_DEGREE, value_name = "D", conflicts_with = "coins")]
    jump_min_degree: usize,
    /// Flip a coin for every in-edge, as the IMM paper's sampler (and the C++ baseline by default) do.
    #[arg(long)]
    coins: bool,
}

#[derive(serde::Serialize)]
struct ThreadResult {
    threads: usize,
    median_seconds: f64,
    sets_per_second: f64,
    members_per_second: f64,
    speedup: f64,
    /// Members drawn: the same on every thread count (the sets are).
    members: usize,
}

pub fn run(cli: &Ctx, a: &RrArgs) -> Result<Exit> {
    let (loaded, path, load_seconds) = a.bench.load()?;
    let g = &loaded.graph;
    let jump_min = if a.coins {
        usize::MAX
    } else {
        a.jump_min_degree
    };
    let sampler = if a.coins {
        "a coin per in-edge".to_string()
    } else {
        format!("jumps at in-degree ≥ {jump_min}")
    };
    if !cli.quiet && !cli.json {
        eprintln!(
            "{}: {} nodes, {} edges, loaded in {load_seconds:.2} s; {} RR sets per run, {sampler}",
            path.display(),
            g.nodes(),
            g.edges(),
            a.sets
        );
    }
    let timings = a
        .bench
        .time(|k| Ok(sample_rr_sets(g, a.sets, a.bench.seed, k, jump_min)?.members()))?;
    let results: Vec<ThreadResult> = timings
        .into_iter()
        .map(|t| ThreadResult {
            threads: t.threads,
            median_seconds: t.median_seconds,
            sets_per_second: a.sets as f64 / t.median_seconds,
            members_per_second: t.output as f64 / t.median_seconds,
            speedup: t.speedup,
            members: t.output,
        })
        .collect();
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "graph": path.display().to_string(), "nodes": g.nodes(), "edges": g.edges(),
                "load_seconds": load_seconds, "sets": a.sets, "seed": a.bench.seed,
                "jump_min_in_degree": (!a.coins).then_some(jump_min),
                "results": results,
            })
        );
        return Ok(Exit::Ok);
    }
    for r in &results {
        println!(
            "{} thread(s): {:.3} s, {:.0} RR sets/s, {:.0} members/s, {:.2}x (median of {} runs; {} members, {:.2} per set)",
            r.threads,
            r.median_seconds,
            r.sets_per_second,
            r.members_per_second,
            r.speedup,
            a.bench.runs.max(1),
            r.members,
            r.members as f64 / a.sets.max(1) as f64
        );
    }
    Ok(Exit::Ok)
}
