//! `earshot bench spread`: Monte Carlo spread simulations per second on an influence-maximisation graph,
//! on 1 and 2 threads (the single thread first: COST), timed apart from loading.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use earshot_app::error::UsageError;
use earshot_app::sources::edge_list::{load_edge_list, LoadedGraph};
use earshot_diffusion::{estimate_spread, Model};
use std::path::PathBuf;
use std::time::Instant;

/// What `bench spread` and `bench rr` share: the graph, and how to time.
#[derive(Args, Debug)]
pub struct GraphBench {
    /// `nethept` (nethept_chen.txt, undirected, weighted cascade), `nethept-wc` (nethept_wc_weighted.txt,
    /// its own probabilities), `slashdot`, `email-eu-core` (SNAP, weighted cascade), or the path of an
    /// edge list (`u v` per line, directed, weighted cascade).
    #[arg(long, default_value = "nethept")]
    pub graph: String,
    /// Where the named graphs are (their `im-graphs/` folder is read).
    #[arg(
        long,
        env = "EARSHOT_SHARED_DATA",
        default_value = "../shared/data",
        value_name = "DIR"
    )]
    pub data: PathBuf,
    /// Timed runs per thread count; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Thread counts to measure.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    pub threads: Vec<usize>,
    /// Random seed (the result is the same on every thread count).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl GraphBench {
    /// Checks the thread counts (before anything is read), then loads the graph: the graph, the file it
    /// came from and the seconds loading took.
    pub(crate) fn load(&self) -> Result<(LoadedGraph, PathBuf, f64)> {
        check_threads(&self.threads)?;
        let (path, opts) = earshot_app::plan::graphs::resolve(&self.data, &self.graph);
        let t = Instant::now();
        let loaded =
            load_edge_list(&path, &opts).with_context(|| format!("loading {}", self.graph))?;
        Ok((loaded, path, t.elapsed().as_secs_f64()))
    }

    /// [`time_threads`] over this bench's thread counts and runs.
    pub(crate) fn time<T>(&self, run: impl FnMut(usize) -> Result<T>) -> Result<Vec<Timing<T>>> {
        time_threads(&self.threads, self.runs, run)
    }
}

#[derive(Args, Debug)]
pub struct SpreadArgs {
    #[command(flatten)]
    bench: GraphBench,
    #[arg(long, value_enum, default_value = "ic")]
    model: ModelArg,
    /// Seed with the K nodes of highest out-degree.
    #[arg(long, default_value_t = 50, value_name = "K")]
    seeds: usize,
    /// Simulations per timed run.
    #[arg(long, default_value_t = 10_000)]
    simulations: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModelArg {
    /// Independent Cascade.
    Ic,
    /// Linear Threshold.
    Lt,
}

#[derive(serde::Serialize)]
struct ThreadResult {
    threads: usize,
    median_seconds: f64,
    simulations_per_second: f64,
    speedup: f64,
}

/// One thread count's measurement: the median of its runs, the speed-up over the first thread count
/// measured, and the last run's output.
pub(crate) struct Timing<T> {
    pub threads: usize,
    pub median_seconds: f64,
    pub speedup: f64,
    pub output: T,
}

/// A usage error unless every thread count is at least 1 and there is one (checked before a graph is
/// loaded).
pub(crate) fn check_threads(threads: &[usize]) -> Result<()> {
    if threads.contains(&0) || threads.is_empty() {
        return Err(UsageError("--threads takes counts of at least 1".into()).into());
    }
    Ok(())
}

/// Runs `run(threads)` `runs` times (at least once) for each thread count, in the order given, and
/// reports each count's median time. Errors on an empty or zero thread count (a usage error) and on
/// the first failed run.
pub(crate) fn time_threads<T>(
    threads: &[usize],
    runs: usize,
    mut run: impl FnMut(usize) -> Result<T>,
) -> Result<Vec<Timing<T>>> {
    check_threads(threads)?;
    let mut out: Vec<Timing<T>> = Vec::new();
    for &k in threads {
        let mut secs = Vec::new();
        let mut output = None;
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            output = Some(run(k)?);
            secs.push(t.elapsed().as_secs_f64());
        }
        secs.sort_by(f64::total_cmp);
        let median = secs[secs.len() / 2];
        let base = out.first().map_or(median, |r| r.median_seconds);
        out.push(Timing {
            threads: k,
            median_seconds: median,
            speedup: base / median,
            output: output.context("no runs")?,
        });
    }
    Ok(out)
}

pub fn run(cli: &Ctx, a: &SpreadArgs) -> Result<Exit> {
    let (loaded, path, load_seconds) = a.bench.load()?;
    let g = &loaded.graph;
    let seeds = g.top_out_degree(a.seeds);
    let model = match a.model {
        ModelArg::Ic => Model::IndependentCascade,
        ModelArg::Lt => Model::LinearThreshold,
    };
    if !cli.quiet && !cli.json {
        eprintln!(
            "{}: {} nodes, {} edges, loaded in {load_seconds:.2} s; {} top-degree seeds, {}, {} simulations",
            path.display(),
            g.nodes(),
            g.edges(),
            seeds.len(),
            model.name(),
            a.simulations
        );
    }
    let timings = a.bench.time(|k| {
        estimate_spread(g, model, &seeds, a.simulations, a.bench.seed, k).map_err(Into::into)
    })?;
    let mut results = Vec::new();
    let mut estimate = None;
    for t in timings {
        let r = ThreadResult {
            threads: t.threads,
            median_seconds: t.median_seconds,
            simulations_per_second: a.simulations as f64 / t.median_seconds,
            speedup: t.speedup,
        };
        if !cli.json {
            println!(
                "{} thread(s): {:.3} s, {:.0} simulations/s, {:.2}x (median of {} runs)",
                r.threads,
                r.median_seconds,
                r.simulations_per_second,
                r.speedup,
                a.bench.runs.max(1)
            );
        }
        results.push(r);
        // Every run and thread count gives the same estimate; keep one to print.
        estimate = Some(t.output);
    }
    let e = estimate.context("no thread counts to measure")?;
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "graph": path.display().to_string(), "nodes": g.nodes(), "edges": g.edges(),
                "load_seconds": load_seconds, "model": model.name(), "seeds": seeds.len(),
                "simulations": a.simulations, "seed": a.bench.seed,
                "spread": { "mean": e.mean, "std_error": e.std_error, "p10": e.p10, "p50": e.p50, "p90": e.p90 },
                "results": results,
            })
        );
    } else {
        println!(
            "spread: mean {:.1} ± {:.1} (standard error), p10 {}, p50 {}, p90 {}",
            e.mean, e.std_error, e.p10, e.p50, e.p90
        );
    }
    Ok(Exit::Ok)
}
