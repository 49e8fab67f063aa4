//! `earshot plan`: choose the few accounts that reach the most, with IMM's guarantee, and check the
//! choice with fresh Monte Carlo simulations.

use crate::exit::{Exit, UsageError};
use crate::Cli;
use anyhow::{Context, Result};
use clap::Args;
use earshot_diffusion::{
    estimate_spread, imm, load_edge_list, DiffusionGraph, ImmOptions, LoadedGraph, Model,
};
use earshot_graph::{pagerank, Edge, PageRankConfig, ReactionGraph};
use std::path::PathBuf;
use std::time::Instant;

/// Pick K seed accounts that maximise the expected spread of a message under Independent Cascade, with
/// IMM (Tang, Shi, Xiao 2015): with probability at least 1 − n^−ℓ their spread is at least (1 − 1/e − ε)
/// of the best K accounts' spread. Prints each seed's marginal gain, the estimated spread, and the
/// seeds' spread from fresh Monte Carlo simulations with a 95% interval.
#[derive(Args, Debug)]
#[command(
    after_help = "Graphs: nethept (nethept_chen.txt, undirected, weighted cascade), nethept-wc (its own
probabilities), slashdot, email-eu-core (SNAP, weighted cascade), or a path (`u v` per line, directed,
weighted cascade). Ids in --audience and --exclude files are the graph file's ids, one per line.

Examples:
  earshot plan --graph nethept --k 50 --epsilon 0.1
  earshot plan --graph nethept --k 50 --compare           # beside top-degree and top-PageRank seeds
  earshot plan --graph my-edges.txt --k 10 --audience fans.txt --exclude competitors.txt"
)]
pub struct PlanArgs {
    /// The influence graph: a named graph from the shared data, or an edge-list path.
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
    /// Seeds to choose.
    #[arg(long, default_value_t = 50)]
    pub k: usize,
    /// Approximation slack ε: the guarantee is (1 − 1/e − ε) of the best.
    #[arg(long, default_value_t = 0.1)]
    pub epsilon: f64,
    /// Confidence ℓ: the guarantee holds with probability ≥ 1 − n^−ℓ.
    #[arg(long, default_value_t = 1.0)]
    pub ell: f64,
    /// Random seed (the same seed gives the same plan on any number of threads).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Threads for RR-set generation (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Monte Carlo simulations to check the seeds' spread (0 = skip).
    #[arg(long, default_value_t = 10_000)]
    pub mc: usize,
    /// Only reach inside these accounts counts (file of ids, one per line).
    #[arg(long, value_name = "FILE")]
    pub audience: Option<PathBuf>,
    /// These accounts may not be seeds (file of ids, one per line).
    #[arg(long, value_name = "FILE")]
    pub exclude: Option<PathBuf>,
    /// Also simulate the K top-out-degree and top-PageRank accounts, for comparison.
    #[arg(long)]
    pub compare: bool,
    /// Also print where IMM's time went: RR-set generation and greedy selection, in the sampling phase
    /// and the final selection, and the peak memory after loading (for profiling).
    #[arg(long)]
    pub timings: bool,
}

/// Reads ids (the graph file's own), one per line, `#` comments allowed; errors name file and line.
fn read_ids(path: &PathBuf, loaded: &LoadedGraph) -> Result<Vec<u32>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut ids = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let raw: u64 = t
            .parse()
            .with_context(|| format!("{}:{}: {t:?} is not a node id", path.display(), i + 1))?;
        let Some(d) = loaded.dense(raw) else {
            anyhow::bail!(
                "{}:{}: node {raw} is not in the graph",
                path.display(),
                i + 1
            );
        };
        ids.push(d);
    }
    Ok(ids)
}

/// The K accounts PageRank ranks highest when a reaction runs from the reached account to its source.
fn top_pagerank(g: &DiffusionGraph, k: usize) -> Result<Vec<u32>> {
    let edges: Vec<Edge> = g
        .edge_list()
        .map(|(u, v, _)| Edge {
            src: v,
            dst: u,
            weight: 1.0,
        })
        .collect();
    let rg = ReactionGraph::from_edges(g.nodes() as u32, &edges)?;
    let pr = pagerank(&rg, &PageRankConfig::default())?;
    let mut order: Vec<u32> = (0..g.nodes() as u32).collect();
    order.sort_by(|&a, &b| {
        pr.scores[b as usize]
            .total_cmp(&pr.scores[a as usize])
            .then(a.cmp(&b))
    });
    order.truncate(k);
    Ok(order)
}

pub fn run(cli: &Cli, a: &PlanArgs) -> Result<Exit> {
    if a.k == 0 {
        return Err(UsageError("--k must be at least 1".into()).into());
    }
    if !(a.epsilon > 0.0 && a.epsilon < 1.0) {
        return Err(UsageError(format!("--epsilon must be in (0, 1), not {}", a.epsilon)).into());
    }
    let (path, opts) = crate::bench_spread::resolve(&a.data, &a.graph);
    let t = Instant::now();
    let loaded = load_edge_list(&path, &opts).with_context(|| format!("loading {}", a.graph))?;
    let load_seconds = t.elapsed().as_secs_f64();
    let load_peak = crate::progress::peak_rss_kib();
    let g = &loaded.graph;
    let audience = a
        .audience
        .as_ref()
        .map(|p| read_ids(p, &loaded))
        .transpose()?;
    let exclude = a
        .exclude
        .as_ref()
        .map(|p| read_ids(p, &loaded))
        .transpose()?
        .unwrap_or_default();
    if !cli.quiet && !cli.json {
        eprintln!(
            "{}: {} nodes, {} edges, loaded in {load_seconds:.2} s",
            path.display(),
            g.nodes(),
            g.edges()
        );
    }
    let options = ImmOptions {
        k: a.k,
        epsilon: a.epsilon,
        ell: a.ell,
        seed: a.seed,
        audience: audience.clone(),
        exclude,
        threads: a.threads,
    };
    let t = Instant::now();
    let plan = imm(g, &options)?;
    let imm_seconds = t.elapsed().as_secs_f64();
    let peak = crate::progress::peak_rss_kib();

    // Fresh Monte Carlo: an unbiased check of the seeds, with a different random stream than the plan's.
    let in_audience = audience.as_ref().map(|ids| {
        let mut m = vec![false; g.nodes()];
        for &v in ids {
            m[v as usize] = true;
        }
        m
    });
    let simulate = |seeds: &[u32]| -> Result<Option<(f64, f64)>> {
        if a.mc == 0 {
            return Ok(None);
        }
        if in_audience.is_some() {
            // Reach inside the audience is not what estimate_spread counts; leave the check to the RR
            // estimate rather than report a number that measures something else.
            return Ok(None);
        }
        let e = estimate_spread(
            g,
            Model::IndependentCascade,
            seeds,
            a.mc,
            a.seed ^ 0x4d43,
            a.threads,
        )?;
        Ok(Some((e.mean, 1.96 * e.std_error)))
    };
    let checked = simulate(&plan.seeds)?;
    let mut baselines = Vec::new();
    if a.compare {
        baselines.push(("top out-degree", simulate(&g.top_out_degree(a.k))?));
        baselines.push(("top PageRank", simulate(&top_pagerank(g, a.k)?)?));
    }
    let external = |d: u32| loaded.external[d as usize];
    let ph = &plan.phases;
    if cli.json {
        let seeds: Vec<serde_json::Value> = plan
            .seeds
            .iter()
            .zip(&plan.marginal_gains)
            .map(|(&s, &gain)| serde_json::json!({"id": external(s), "marginal_gain": gain}))
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "graph": path.display().to_string(), "nodes": g.nodes(), "edges": g.edges(),
                "k": a.k, "epsilon": a.epsilon, "ell": a.ell, "seed": a.seed,
                "guarantee": 1.0 - 1.0 / std::f64::consts::E - a.epsilon,
                "seconds": imm_seconds, "peak_rss_kib": peak,
                "timings": a.timings.then(|| serde_json::json!({
                    "load_seconds": load_seconds, "load_peak_rss_kib": load_peak,
                    "sampling_rounds": ph.sampling_rounds, "sampling_sets": ph.sampling_sets,
                    "sampling_rr_seconds": ph.sampling_rr_seconds,
                    "sampling_greedy_seconds": ph.sampling_greedy_seconds,
                    "final_rr_seconds": ph.final_rr_seconds,
                    "final_greedy_seconds": ph.final_greedy_seconds,
                })),
                "rr_sets": plan.rr_sets, "rr_members": plan.rr_members, "rr_bytes": plan.rr_bytes,
                "index_bytes": plan.index_bytes,
                "lower_bound": plan.lower_bound, "estimated_spread": plan.estimated_spread,
                "monte_carlo": checked.map(|(m, h)| serde_json::json!({"simulations": a.mc, "mean": m, "ci95": h})),
                "baselines": baselines.iter().map(|(name, r)| serde_json::json!({
                    "seeds": name, "monte_carlo": r.map(|(m, h)| serde_json::json!({"mean": m, "ci95": h})),
                })).collect::<Vec<_>>(),
                "seeds": seeds,
            })
        );
        return Ok(Exit::Ok);
    }
    println!(
        "IMM, k = {}, ε = {}, ℓ = {}: {:.3} s, {} RR sets ({} members, {:.1} MiB; index {:.1} MiB), peak RSS {}",
        a.k,
        a.epsilon,
        a.ell,
        imm_seconds,
        plan.rr_sets,
        plan.rr_members,
        plan.rr_bytes as f64 / (1024.0 * 1024.0),
        plan.index_bytes as f64 / (1024.0 * 1024.0),
        peak.map_or("?".into(), |k| format!("{} MiB", k / 1024))
    );
    if a.timings {
        println!(
            "timings: load {load_seconds:.3} s (peak RSS {}); sampling {} rounds, {} sets: RR {:.3} s, greedy {:.3} s; final: RR {:.3} s, greedy {:.3} s",
            load_peak.map_or("?".into(), |k| format!("{} MiB", k / 1024)),
            ph.sampling_rounds,
            ph.sampling_sets,
            ph.sampling_rr_seconds,
            ph.sampling_greedy_seconds,
            ph.final_rr_seconds,
            ph.final_greedy_seconds
        );
    }
    println!(
        "guarantee: spread ≥ {:.3} × the best {} accounts' spread, with probability ≥ 1 − n^−{}",
        1.0 - 1.0 / std::f64::consts::E - a.epsilon,
        a.k,
        a.ell
    );
    println!("estimated spread (RR sets): {:.1}", plan.estimated_spread);
    if let Some((m, h)) = checked {
        println!(
            "Monte Carlo spread ({} simulations): {m:.1} ± {h:.1} (95%)",
            a.mc
        );
    }
    for (name, r) in &baselines {
        if let Some((m, h)) = r {
            println!("  beside {name} seeds: {m:.1} ± {h:.1}");
        }
    }
    println!("\n    #  account      marginal gain");
    for (i, (&s, &gain)) in plan.seeds.iter().zip(&plan.marginal_gains).enumerate() {
        println!("  {:>3}  {:<12} {:>13.1}", i + 1, external(s), gain);
    }
    Ok(Exit::Ok)
}
