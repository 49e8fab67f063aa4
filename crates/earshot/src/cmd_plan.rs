//! `earshot plan`: choose the few accounts that reach the most, with IMM's guarantee (or CELF's greedy as
//! a cross-check), and check the choice with fresh Monte Carlo simulations.

use crate::exit::{Exit, UsageError};
use crate::Cli;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use earshot_diffusion::{
    celf, imm, load_edge_list, sample_spread, CelfOptions, DiffusionError, DiffusionGraph,
    ImmOptions, LoadedGraph, Model, SpreadEstimate,
};
use earshot_graph::{pagerank, Edge, PageRankConfig, ReactionGraph};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Instant;

/// Which planner chooses the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Algorithm {
    /// IMM: reverse-reachable sets, with a guarantee; fast on large graphs.
    Imm,
    /// CELF: lazy greedy with Monte Carlo marginal gains; small graphs only.
    Celf,
    /// Both, each checked by the same fresh Monte Carlo simulations, and their difference.
    Both,
}

/// Pick K seed accounts that maximise the expected spread of a message under Independent Cascade, with
/// IMM (Tang, Shi, Xiao 2015): with probability at least 1 − n^−ℓ their spread is at least (1 − 1/e − ε)
/// of the best K accounts' spread. Or with CELF (Leskovec et al. 2007), the greedy that IMM
/// approximates, on Monte Carlo simulations: slow, a cross-check on small graphs. Prints each seed's
/// marginal gain, the estimated spread, and the seeds' spread from fresh Monte Carlo simulations with a
/// 95% interval.
#[derive(Args, Debug)]
#[command(
    after_help = "Graphs: nethept (nethept_chen.txt, undirected, weighted cascade), nethept-wc (its
own probabilities), slashdot, email-eu-core (SNAP, weighted cascade), or a path (`u v` per
line, directed, weighted cascade). Ids in --audience and --exclude files are the graph
file's ids, one per line.

CELF evaluates every account in --celf-simulations simulations before it picks the first
seed, so it refuses graphs above 20,000 nodes unless --force-celf (IMM is the planner for
those). Its simulations are drawn once and shared by every candidate, so its plan is the
same on any number of threads.

Examples:
  earshot plan --graph nethept --k 50 --epsilon 0.1
  earshot plan --graph nethept --k 50 --compare           # beside top-degree and top-PageRank seeds
  earshot plan --graph my-edges.txt --k 10 --audience fans.txt --exclude competitors.txt
  earshot plan --graph email-eu-core --k 50 --algorithm celf
  earshot plan --graph email-eu-core --k 50 --algorithm both    # IMM beside CELF"
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
    /// The planner: imm, celf, or both as a cross-check.
    #[arg(long, value_enum, default_value_t = Algorithm::Imm)]
    pub algorithm: Algorithm,
    /// Approximation slack ε (IMM): the guarantee is (1 − 1/e − ε) of the best.
    #[arg(long, default_value_t = 0.1)]
    pub epsilon: f64,
    /// Confidence ℓ (IMM): the guarantee holds with probability ≥ 1 − n^−ℓ.
    #[arg(long, default_value_t = 1.0)]
    pub ell: f64,
    /// Simulations CELF estimates every marginal gain from.
    #[arg(long, default_value_t = CELF_SIMULATIONS, value_name = "R")]
    pub celf_simulations: usize,
    /// Run CELF on a graph above its limit of 20,000 nodes.
    #[arg(long)]
    pub force_celf: bool,
    /// Random seed (the same seed gives the same plan on any number of threads).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Threads for RR-set generation, CELF's evaluations and the Monte Carlo check (0 = all cores).
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
}

/// CELF's default simulations per marginal gain: on email-Eu-core (k = 50) its plan spreads as far as
/// the plan from 10,000 (481.5 against 481.6 in fresh simulations) in 0.8 s rather than 9 s
/// (BENCHMARKS.md).
const CELF_SIMULATIONS: usize = 1000;

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

/// One planner's seeds, ready to print.
struct Plan {
    seeds: Vec<u32>,
    gains: Vec<f64>,
    /// The planner's own estimate of the spread (IMM: RR sets; CELF: its simulations).
    estimated: f64,
    seconds: f64,
    /// The lines before the Monte Carlo check, in text.
    summary: Vec<String>,
    /// The planner's fields, in JSON.
    fields: serde_json::Map<String, Value>,
    /// The fresh Monte Carlo check of the seeds, when run.
    checked: Option<SpreadEstimate>,
    /// Its samples in simulation order (simulation `i` of every check uses the same generator).
    samples: Vec<u32>,
}

impl Plan {
    /// A plan not yet checked by Monte Carlo; `fields` is a JSON object.
    fn new(
        seeds: Vec<u32>,
        gains: Vec<f64>,
        estimated: f64,
        seconds: f64,
        summary: Vec<String>,
        fields: Value,
    ) -> Self {
        Plan {
            seeds,
            gains,
            estimated,
            seconds,
            summary,
            fields: fields.as_object().cloned().unwrap_or_default(),
            checked: None,
            samples: Vec::new(),
        }
    }
}

fn peak_mib() -> String {
    crate::progress::peak_rss_kib().map_or("?".into(), |k| format!("{} MiB", k / 1024))
}

fn plan_imm(
    g: &DiffusionGraph,
    a: &PlanArgs,
    audience: &Option<Vec<u32>>,
    exclude: &[u32],
) -> Result<Plan> {
    let options = ImmOptions {
        k: a.k,
        epsilon: a.epsilon,
        ell: a.ell,
        seed: a.seed,
        audience: audience.clone(),
        exclude: exclude.to_vec(),
        threads: a.threads,
    };
    let t = Instant::now();
    let plan = imm(g, &options)?;
    let seconds = t.elapsed().as_secs_f64();
    let peak = crate::progress::peak_rss_kib();
    let guarantee = 1.0 - 1.0 / std::f64::consts::E - a.epsilon;
    let summary = vec![
        format!(
            "IMM, k = {}, ε = {}, ℓ = {}: {seconds:.3} s, {} RR sets ({} members, {:.1} MiB), peak RSS {}",
            a.k,
            a.epsilon,
            a.ell,
            plan.rr_sets,
            plan.rr_members,
            plan.rr_bytes as f64 / (1024.0 * 1024.0),
            peak_mib()
        ),
        format!(
            "guarantee: spread ≥ {guarantee:.3} × the best {} accounts' spread, with probability ≥ 1 − n^−{}",
            a.k, a.ell
        ),
        format!("estimated spread (RR sets): {:.1}", plan.estimated_spread),
    ];
    let fields = json!({
        "epsilon": a.epsilon, "ell": a.ell, "guarantee": guarantee,
        "seconds": seconds, "peak_rss_kib": peak,
        "rr_sets": plan.rr_sets, "rr_members": plan.rr_members, "rr_bytes": plan.rr_bytes,
        "lower_bound": plan.lower_bound, "estimated_spread": plan.estimated_spread,
    });
    Ok(Plan::new(
        plan.seeds,
        plan.marginal_gains,
        plan.estimated_spread,
        seconds,
        summary,
        fields,
    ))
}

fn plan_celf(
    g: &DiffusionGraph,
    a: &PlanArgs,
    audience: &Option<Vec<u32>>,
    exclude: &[u32],
) -> Result<Plan> {
    let options = CelfOptions {
        k: a.k,
        model: Model::IndependentCascade,
        simulations: a.celf_simulations,
        seed: a.seed,
        threads: a.threads,
        audience: audience.clone(),
        exclude: exclude.to_vec(),
        force: a.force_celf,
    };
    let t = Instant::now();
    let plan = match celf(g, &options) {
        Err(DiffusionError::TooLargeForCelf { nodes, limit }) => {
            return Err(UsageError(format!(
                "CELF evaluates every account before it picks the first seed, and {nodes} nodes is \
                 more than its limit of {limit}: use --algorithm imm, or --force-celf"
            ))
            .into())
        }
        r => r?,
    };
    let seconds = t.elapsed().as_secs_f64();
    let peak = crate::progress::peak_rss_kib();
    let candidates = g.nodes() - {
        let mut x = exclude.to_vec();
        x.sort_unstable();
        x.dedup();
        x.len()
    };
    let summary = vec![
        format!(
            "CELF, k = {}, {} simulations per marginal gain: {seconds:.3} s, {} evaluations (plain greedy: {}), peak RSS {}",
            a.k,
            plan.simulations,
            plan.evaluations,
            a.k * candidates - a.k * (a.k - 1) / 2,
            peak_mib()
        ),
        format!(
            "estimated spread (its own simulations, which chose the seeds): {:.1} ± {:.1}",
            plan.spread,
            1.96 * plan.spread_std_error
        ),
    ];
    let fields = json!({
        "celf_simulations": plan.simulations, "seconds": seconds, "peak_rss_kib": peak,
        "evaluations": plan.evaluations, "estimated_spread": plan.spread,
        "estimated_ci95": 1.96 * plan.spread_std_error,
    });
    Ok(Plan::new(
        plan.seeds,
        plan.marginal_gains,
        plan.spread,
        seconds,
        summary,
        fields,
    ))
}

/// The fresh Monte Carlo check, as JSON.
fn mc_json(e: &Option<SpreadEstimate>) -> Value {
    e.as_ref().map_or(
        Value::Null,
        |e| json!({"simulations": e.simulations, "mean": e.mean, "ci95": 1.96 * e.std_error}),
    )
}

/// CELF's Monte Carlo spread relative to IMM's: the difference of the means over IMM's, and a 95%
/// half-width from the paired per-simulation differences (both checks draw simulation `i` from the same
/// generator, so the pairs are independent across `i`).
fn relative_difference(imm: &Plan, celf: &Plan) -> Option<(f64, f64)> {
    let (i, c) = (imm.checked.as_ref()?, celf.checked.as_ref()?);
    let n = imm.samples.len() as f64;
    let d: Vec<f64> = imm
        .samples
        .iter()
        .zip(&celf.samples)
        .map(|(&x, &y)| f64::from(y) - f64::from(x))
        .collect();
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    Some(((c.mean - i.mean) / i.mean, 1.96 * (var / n).sqrt() / i.mean))
}

pub fn run(cli: &Cli, a: &PlanArgs) -> Result<Exit> {
    if a.k == 0 {
        return Err(UsageError("--k must be at least 1".into()).into());
    }
    let imm_wanted = a.algorithm != Algorithm::Celf;
    let celf_wanted = a.algorithm != Algorithm::Imm;
    if imm_wanted && !(a.epsilon > 0.0 && a.epsilon < 1.0) {
        return Err(UsageError(format!("--epsilon must be in (0, 1), not {}", a.epsilon)).into());
    }
    if celf_wanted && a.celf_simulations == 0 {
        return Err(UsageError("--celf-simulations must be at least 1".into()).into());
    }
    let (path, opts) = crate::bench_spread::resolve(&a.data, &a.graph);
    let t = Instant::now();
    let loaded = load_edge_list(&path, &opts).with_context(|| format!("loading {}", a.graph))?;
    let load_seconds = t.elapsed().as_secs_f64();
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
    let mut plans: Vec<(&str, Plan)> = Vec::new();
    if imm_wanted {
        plans.push(("imm", plan_imm(g, a, &audience, &exclude)?));
    }
    if celf_wanted {
        plans.push(("celf", plan_celf(g, a, &audience, &exclude)?));
    }

    // Fresh Monte Carlo: an unbiased check of the seeds, with a different random stream than the plans'.
    // Every check draws simulation i from the same generator, so two plans are compared on equal terms.
    let simulate = |seeds: &[u32]| -> Result<Option<(SpreadEstimate, Vec<u32>)>> {
        if a.mc == 0 {
            return Ok(None);
        }
        if audience.is_some() {
            // Reach inside the audience is not what the simulations count; leave the check to the
            // planners' estimates rather than report a number that measures something else.
            return Ok(None);
        }
        let samples = sample_spread(
            g,
            Model::IndependentCascade,
            seeds,
            a.mc,
            a.seed ^ 0x4d43,
            a.threads,
        )?;
        let e = SpreadEstimate::from_samples(Model::IndependentCascade, samples.clone())?;
        Ok(Some((e, samples)))
    };
    for (_, plan) in &mut plans {
        if let Some((e, samples)) = simulate(&plan.seeds)? {
            plan.checked = Some(e);
            plan.samples = samples;
        }
    }
    let mut baselines = Vec::new();
    if a.compare {
        baselines.push(("top out-degree", simulate(&g.top_out_degree(a.k))?));
        baselines.push(("top PageRank", simulate(&top_pagerank(g, a.k)?)?));
    }
    let difference = match plans.as_slice() {
        [(_, i), (_, c)] => relative_difference(i, c),
        _ => None,
    };
    let external = |d: u32| loaded.external[d as usize];
    let in_common = |x: &Plan, y: &Plan| x.seeds.iter().filter(|s| y.seeds.contains(s)).count();

    if cli.json {
        let plan_json = |p: &Plan| {
            let mut m = p.fields.clone();
            m.insert("monte_carlo".into(), mc_json(&p.checked));
            let seeds: Vec<Value> = p
                .seeds
                .iter()
                .zip(&p.gains)
                .map(|(&s, &gain)| json!({"id": external(s), "marginal_gain": gain}))
                .collect();
            m.insert("seeds".into(), seeds.into());
            m
        };
        let mut out = json!({
            "graph": path.display().to_string(), "nodes": g.nodes(), "edges": g.edges(),
            "k": a.k, "seed": a.seed,
            "algorithm": a.algorithm.to_possible_value().map(|v| v.get_name().to_owned()),
            "baselines": baselines.iter().map(|(name, r)| json!({
                "seeds": name, "monte_carlo": mc_json(&r.as_ref().map(|(e, _)| e.clone())),
            })).collect::<Vec<_>>(),
        });
        let obj = out.as_object_mut().expect("an object");
        match plans.as_slice() {
            [(_, p)] => obj.extend(plan_json(p)),
            [(_, i), (_, c)] => {
                obj.insert("imm".into(), plan_json(i).into());
                obj.insert("celf".into(), plan_json(c).into());
                obj.insert(
                    "comparison".into(),
                    json!({
                        "seeds_in_common": in_common(i, c),
                        "relative_difference": difference.map(|d| d.0),
                        "relative_difference_ci95": difference.map(|d| d.1),
                    }),
                );
            }
            _ => {}
        }
        println!("{out}");
        return Ok(Exit::Ok);
    }
    for (i, (_, plan)) in plans.iter().enumerate() {
        if i > 0 {
            println!();
        }
        for line in &plan.summary {
            println!("{line}");
        }
        if let Some(e) = &plan.checked {
            println!(
                "Monte Carlo spread ({} simulations): {:.1} ± {:.1} (95%)",
                e.simulations,
                e.mean,
                1.96 * e.std_error
            );
        }
    }
    for (name, r) in &baselines {
        if let Some((e, _)) = r {
            println!(
                "  beside {name} seeds: {:.1} ± {:.1}",
                e.mean,
                1.96 * e.std_error
            );
        }
    }
    match plans.as_slice() {
        [(_, p)] => {
            println!("\n    #  account      marginal gain");
            for (i, (&s, &gain)) in p.seeds.iter().zip(&p.gains).enumerate() {
                println!("  {:>3}  {:<12} {:>13.1}", i + 1, external(s), gain);
            }
        }
        [(_, imm), (_, celf)] => {
            println!();
            match difference {
                Some((d, h)) => println!(
                    "CELF beside IMM: {:+.2}% ± {:.2}% (95%, paired on the same simulations); {} of {} seeds in common; {:.1}× IMM's time",
                    100.0 * d,
                    100.0 * h,
                    in_common(imm, celf),
                    celf.seeds.len(),
                    celf.seconds / imm.seconds.max(1e-9)
                ),
                None => println!(
                    "CELF beside IMM (own estimates, no Monte Carlo check): {:.1} against {:.1}; {} of {} seeds in common",
                    celf.estimated,
                    imm.estimated,
                    in_common(imm, celf),
                    celf.seeds.len()
                ),
            }
            println!("\n    #  IMM account   marginal gain   CELF account  marginal gain");
            for i in 0..imm.seeds.len().max(celf.seeds.len()) {
                let col = |p: &Plan| match (p.seeds.get(i), p.gains.get(i)) {
                    (Some(&s), Some(&gain)) => format!("{:<12} {:>14.1}", external(s), gain),
                    _ => format!("{:27}", ""),
                };
                println!("  {:>3}  {}   {}", i + 1, col(imm), col(celf));
            }
        }
        _ => {}
    }
    Ok(Exit::Ok)
}
