//! `earshot plan`: choose the few accounts that reach the most, with IMM's guarantee (or CELF's greedy as
//! a cross-check), and check the choice with fresh Monte Carlo simulations.

use crate::exit::{Exit, UsageError};
use crate::plan_source::{topic_accounts, PlanGraph, Probabilities};
use crate::progress::Report;
use crate::window::WindowArgs;
use crate::Cli;
use anyhow::Result;
use clap::{Args, ValueEnum};
use earshot_diffusion::{
    celf, imm_reporting, sample_spread_reporting, CelfOptions, DiffusionError, DiffusionGraph,
    ImmOptions, Model, SpreadEstimate,
};
use earshot_graph::{pagerank, Edge, PageRankConfig, ReactionGraph};
use earshot_store::Store;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
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
    after_help = "Without --graph, the plan runs on the stored interactions (--db, optionally --from,
--to, --platform): an edge u → v wherever v reacted to u, with probabilities learned from
how often v passed on u's posts (--probabilities learned) or 1 / v's reacted-to count
(weighted-cascade). --audience-topic and --audience-community aim the plan at the accounts
of a topic of the latest score run or of a community as `earshot communities` numbers them;
--audience and --exclude files then hold @handles, handles or platform ids, one per line.

Graphs: nethept (nethept_chen.txt, undirected, weighted cascade), nethept-wc (its own
probabilities), slashdot, email-eu-core (SNAP, weighted cascade), or a path (`u v` per
line, directed, weighted cascade). Ids in --audience and --exclude files are then the
graph file's ids.

CELF evaluates every account in --celf-simulations simulations before it picks the first
seed, so it refuses graphs above 20,000 nodes unless --force-celf (IMM is the planner for
those). Its simulations are drawn once and shared by every candidate, so its plan is the
same on any number of threads.

Examples:
  earshot plan --k 10                                     # on the stored interactions
  earshot plan --k 10 --audience-topic space --exclude rivals.txt
  earshot plan --k 5 --audience-community 2 --probabilities weighted-cascade
  earshot plan --graph nethept --k 50 --epsilon 0.1
  earshot plan --graph nethept --k 50 --compare           # beside top-degree and top-PageRank seeds
  earshot plan --graph my-edges.txt --k 10 --audience fans.txt --exclude competitors.txt
  earshot plan --graph email-eu-core --k 50 --algorithm celf
  earshot plan --graph email-eu-core --k 50 --algorithm both    # IMM beside CELF"
)]
pub struct PlanArgs {
    /// The influence graph: a named graph from the shared data, or an edge-list path (default: the stored
    /// interactions).
    #[arg(long)]
    pub graph: Option<String>,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Edge probabilities of the stored graph.
    #[arg(long, value_enum, default_value_t = Probabilities::Learned)]
    pub probabilities: Probabilities,
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
    #[arg(long, value_name = "FILE", group = "target")]
    pub audience: Option<PathBuf>,
    /// Only reach inside this topic (key or label) of the latest score run counts: the accounts it scored.
    #[arg(long, value_name = "TOPIC", group = "target")]
    pub audience_topic: Option<String>,
    /// Only reach inside this community counts (1 = the largest, as `earshot communities` numbers them).
    #[arg(long, value_name = "N", group = "target")]
    pub audience_community: Option<usize>,
    /// These accounts may not be seeds (file of ids, one per line).
    #[arg(long, value_name = "FILE")]
    pub exclude: Option<PathBuf>,
    /// Also simulate the K top-out-degree and top-PageRank accounts, for comparison.
    #[arg(long)]
    pub compare: bool,
    /// Spend at most this much on seeds instead of choosing --k (costs from --cost; IMM only).
    #[arg(long, value_name = "B")]
    pub budget: Option<f64>,
    /// Seed costs: lines of `account cost`; unlisted accounts cost --default-cost.
    #[arg(long, value_name = "FILE", requires = "budget")]
    pub cost: Option<PathBuf>,
    /// The cost of an account --cost does not list.
    #[arg(long, default_value_t = 1.0, requires = "budget")]
    pub default_cost: f64,
    /// Also print where IMM's time went: RR-set generation and greedy selection, in the sampling phase
    /// and the final selection, and the peak memory after loading (for profiling).
    #[arg(long)]
    pub timings: bool,
}

/// CELF's default simulations per marginal gain: on email-Eu-core (k = 50) its plan spreads as far as
/// the plan from 10,000 (481.5 against 481.6 in fresh simulations) in 0.8 s rather than 9 s
/// (BENCHMARKS.md).
const CELF_SIMULATIONS: usize = 1000;

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

/// How long loading took and the peak memory after it, for `--timings`.
struct Loading {
    seconds: f64,
    peak_rss_kib: Option<u64>,
}

fn plan_imm(
    g: &DiffusionGraph,
    a: &PlanArgs,
    audience: &Option<Vec<u32>>,
    exclude: &[u32],
    loading: &Loading,
    costs: &Option<Vec<f64>>,
    progress: Report<'_>,
) -> Result<Plan> {
    let options = ImmOptions {
        k: a.k,
        epsilon: a.epsilon,
        ell: a.ell,
        seed: a.seed,
        audience: audience.clone(),
        exclude: exclude.to_vec(),
        threads: a.threads,
        budget: a.budget,
        costs: costs.clone(),
    };
    let t = Instant::now();
    let plan = imm_reporting(g, &options, progress)?;
    let seconds = t.elapsed().as_secs_f64();
    let peak = crate::progress::peak_rss_kib();
    let guarantee = match a.budget {
        None => 1.0 - 1.0 / std::f64::consts::E,
        Some(_) => earshot_diffusion::budget_ratio(),
    } - a.epsilon;
    let best = match a.budget {
        None => format!("the best {} accounts' spread", a.k),
        Some(b) => format!("the best spread a budget of {b} buys"),
    };
    let ph = &plan.phases;
    let mut summary = vec![format!(
        "IMM, {}, ε = {}, ℓ = {}: {seconds:.3} s, {} RR sets ({} members, {:.1} MiB; index {:.1} MiB), peak RSS {}",
        match a.budget {
            None => format!("k = {}", a.k),
            Some(b) => format!("budget {b}, {} seeds bought", plan.seeds.len()),
        },
        a.epsilon,
        a.ell,
        plan.rr_sets,
        plan.rr_members,
        plan.rr_bytes as f64 / (1024.0 * 1024.0),
        plan.index_bytes as f64 / (1024.0 * 1024.0),
        peak_mib()
    )];
    if a.timings {
        summary.push(format!(
            "timings: load {:.3} s (peak RSS {}); sampling {} rounds, {} sets: RR {:.3} s, greedy {:.3} s; final: RR {:.3} s, greedy {:.3} s",
            loading.seconds,
            loading.peak_rss_kib.map_or("?".into(), |k| format!("{} MiB", k / 1024)),
            ph.sampling_rounds,
            ph.sampling_sets,
            ph.sampling_rr_seconds,
            ph.sampling_greedy_seconds,
            ph.final_rr_seconds,
            ph.final_greedy_seconds
        ));
    }
    summary.extend([
        format!(
            "guarantee: spread ≥ {guarantee:.3} × {best}, with probability ≥ 1 − n^−{}",
            a.ell
        ),
        format!("estimated spread (RR sets): {:.1}", plan.estimated_spread),
    ]);
    let fields = json!({
        "epsilon": a.epsilon, "ell": a.ell, "guarantee": guarantee, "budget": a.budget,
        "spent": costs.as_ref().map(|c| plan.seeds.iter().map(|&v| c[v as usize]).sum::<f64>())
            .or(a.budget.map(|_| plan.seeds.len() as f64)),
        "seconds": seconds, "peak_rss_kib": peak,
        "rr_sets": plan.rr_sets, "rr_members": plan.rr_members, "rr_bytes": plan.rr_bytes,
        "index_bytes": plan.index_bytes,
        "lower_bound": plan.lower_bound, "estimated_spread": plan.estimated_spread,
        "timings": a.timings.then(|| json!({
            "load_seconds": loading.seconds, "load_peak_rss_kib": loading.peak_rss_kib,
            "sampling_rounds": ph.sampling_rounds, "sampling_sets": ph.sampling_sets,
            "sampling_rr_seconds": ph.sampling_rr_seconds,
            "sampling_greedy_seconds": ph.sampling_greedy_seconds,
            "final_rr_seconds": ph.final_rr_seconds,
            "final_greedy_seconds": ph.final_greedy_seconds,
        })),
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

/// A Monte Carlo check of some seeds: its estimate and its samples in simulation order.
type Checked = (SpreadEstimate, Vec<u32>);

/// The plans of one `earshot plan`, checked by Monte Carlo: what it prints and the API's plan job
/// returns.
pub(crate) struct Planned<'a> {
    a: &'a PlanArgs,
    source: PlanGraph,
    store: Option<Store>,
    audience: Option<Vec<u32>>,
    costs: Option<Vec<f64>>,
    /// Each planner's plan, IMM first.
    plans: Vec<(&'static str, Plan)>,
    /// The baselines' Monte Carlo checks, with `--compare`.
    baselines: Vec<(&'static str, Option<Checked>)>,
    /// CELF's spread relative to IMM's and its 95% half-width, when both ran and were checked.
    difference: Option<(f64, f64)>,
}

/// Plan as `a` asks on the database at `db` (unless `a.graph` names a file), with `exclude_names`
/// (@handles, handles or platform ids of stored accounts) excluded beside `a.exclude`'s file. `note`
/// hears what was loaded before the planners run; `progress` hears how far the work got: loading,
/// the planners, the Monte Carlo checks.
pub(crate) fn plan<'a>(
    db: &Path,
    a: &'a PlanArgs,
    exclude_names: &[String],
    note: &dyn Fn(&str),
    progress: Report<'_>,
) -> Result<Planned<'a>> {
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
    let t = Instant::now();
    progress(0.0, "loading the influence graph");
    let stored_only = a.audience_topic.is_some()
        || a.audience_community.is_some()
        || !a.window.window()?.is_unbounded()
        || a.window.platform.is_some()
        || !exclude_names.is_empty();
    let (source, store) = match &a.graph {
        Some(name) => {
            if stored_only {
                return Err(UsageError(
                    "--audience-topic, --audience-community, --from, --to and --platform choose stored \
                     accounts; --graph reads a file instead"
                        .into(),
                )
                .into());
            }
            (PlanGraph::from_file(&a.data, name)?, None)
        }
        None => {
            let store = Store::open_existing(db)?;
            let source = PlanGraph::from_store(
                &store,
                a.window.window()?,
                a.window.platform.as_deref(),
                a.probabilities,
            )?;
            (source, Some(store))
        }
    };
    let load_seconds = t.elapsed().as_secs_f64();
    let loading = Loading {
        seconds: load_seconds,
        peak_rss_kib: crate::progress::peak_rss_kib(),
    };
    let g = &source.graph;
    let platform = a.window.platform.as_deref();
    let mut notes = Vec::new();
    let audience = if let Some(path) = &a.audience {
        let (ids, isolated) = source.read_list(store.as_ref(), platform, path)?;
        if isolated > 0 {
            notes.push(format!(
                "{isolated} audience accounts have no interactions here and cannot be reached"
            ));
        }
        Some(ids)
    } else if let Some(topic) = &a.audience_topic {
        let s = store.as_ref().expect("checked: stored graph");
        let (ids, missing) = source.of_accounts(&topic_accounts(s, topic, platform)?);
        notes.push(format!(
            "audience: {} accounts of topic {topic:?} ({missing} without interactions here)",
            ids.len()
        ));
        Some(ids)
    } else if let Some(rank) = a.audience_community {
        let s = store.as_ref().expect("checked: stored graph");
        let members =
            crate::cmd_communities::stored_community(s, a.window.window()?, platform, rank)?;
        let (ids, _) = source.of_accounts(&members);
        notes.push(format!(
            "audience: community {rank}, {} accounts",
            ids.len()
        ));
        Some(ids)
    } else {
        None
    };
    if audience.as_ref().is_some_and(|v| v.is_empty()) {
        return Err(UsageError("the audience has no account in the graph".into()).into());
    }
    let mut exclude = match &a.exclude {
        Some(path) => source.read_list(store.as_ref(), platform, path)?.0,
        None => Vec::new(),
    };
    if !exclude_names.is_empty() {
        let named = exclude_names
            .iter()
            .enumerate()
            .map(|(i, name)| (format!("exclude[{i}]"), name.as_str()));
        exclude.extend(source.resolve_all(store.as_ref(), platform, named)?.0);
        exclude.sort_unstable();
        exclude.dedup();
    }
    if a.budget.is_some() && a.algorithm != Algorithm::Imm {
        return Err(UsageError("--budget plans with IMM only (--algorithm imm)".into()).into());
    }
    if !(a.default_cost.is_finite() && a.default_cost > 0.0) {
        return Err(UsageError("--default-cost must be a number above 0".into()).into());
    }
    let costs = match &a.cost {
        Some(path) => Some(source.read_costs(store.as_ref(), platform, path, a.default_cost)?),
        None => a.budget.map(|_| vec![a.default_cost; g.nodes()]),
    };
    note(&format!(
        "{}: {} nodes, {} edges, loaded in {load_seconds:.2} s",
        source.description,
        g.nodes(),
        g.edges()
    ));
    for n in &notes {
        note(n);
    }
    // Shares of the work: loading up to 0.1, the planners up to 0.7, the Monte Carlo checks after.
    let mut plans: Vec<(&'static str, Plan)> = Vec::new();
    if imm_wanted {
        let end = if celf_wanted { 0.4 } else { 0.7 };
        let report = |p: f64, what: &str| progress(0.1 + (end - 0.1) * p, what);
        plans.push((
            "imm",
            plan_imm(g, a, &audience, &exclude, &loading, &costs, &report)?,
        ));
    }
    if celf_wanted {
        progress(if imm_wanted { 0.4 } else { 0.1 }, "CELF: choosing seeds");
        plans.push(("celf", plan_celf(g, a, &audience, &exclude)?));
    }

    // Fresh Monte Carlo: an unbiased check of the seeds, with a different random stream than the plans'.
    // Every check draws simulation i from the same generator, so two plans are compared on equal terms.
    // With an audience, the check counts reach inside it, as the planners do.
    let in_audience = audience.as_ref().map(|ids| {
        let mut m = vec![false; g.nodes()];
        for &v in ids {
            m[v as usize] = true;
        }
        m
    });
    let checks = plans.len() + if a.compare { 2 } else { 0 };
    let check_share = 0.3 / checks as f64;
    let simulate = |c: usize, seeds: &[u32]| -> Result<Option<Checked>> {
        if a.mc == 0 {
            return Ok(None);
        }
        let (model, mc_seed) = (Model::IndependentCascade, a.seed ^ 0x4d43);
        let at = 0.7 + check_share * c as f64;
        let what = "checking the seeds by Monte Carlo";
        progress(at, what);
        let samples = sample_spread_reporting(
            g,
            model,
            seeds,
            in_audience.as_deref(),
            a.mc,
            mc_seed,
            a.threads,
            &|p| progress(at + check_share * p, what),
        )?;
        let e = SpreadEstimate::from_samples(Model::IndependentCascade, samples.clone())?;
        Ok(Some((e, samples)))
    };
    for (c, (_, plan)) in plans.iter_mut().enumerate() {
        if let Some((e, samples)) = simulate(c, &plan.seeds)? {
            plan.checked = Some(e);
            plan.samples = samples;
        }
    }
    let mut baselines = Vec::new();
    if a.compare {
        let c = plans.len();
        baselines.push(("top out-degree", simulate(c, &g.top_out_degree(a.k))?));
        baselines.push(("top PageRank", simulate(c + 1, &top_pagerank(g, a.k)?)?));
    }
    let difference = match plans.as_slice() {
        [(_, i), (_, c)] => relative_difference(i, c),
        _ => None,
    };
    progress(1.0, "done");
    Ok(Planned {
        a,
        source,
        store,
        audience,
        costs,
        plans,
        baselines,
        difference,
    })
}

impl Planned<'_> {
    /// How the output names node `d`: its file id, or the stored account's @handle or platform id.
    fn external(&self, d: u32) -> Value {
        match &self.source.nodes {
            crate::plan_source::PlanNodes::File(ext) => json!(ext[d as usize]),
            crate::plan_source::PlanNodes::Stored(_) => json!(self
                .source
                .name(self.store.as_ref(), d)
                .unwrap_or_else(|_| format!("#{d}"))),
        }
    }

    fn shown(&self, d: u32) -> String {
        match self.external(d) {
            Value::String(s) => s,
            v => v.to_string(),
        }
    }

    /// `earshot --json plan`'s output.
    pub fn json(&self) -> Value {
        let (a, g, costs) = (self.a, &self.source.graph, &self.costs);
        let plan_json = |p: &Plan| {
            let mut m = p.fields.clone();
            m.insert("monte_carlo".into(), mc_json(&p.checked));
            let seeds: Vec<Value> = p
                .seeds
                .iter()
                .zip(&p.gains)
                .map(|(&s, &gain)| json!({"id": self.external(s), "marginal_gain": gain, "cost": costs.as_ref().map(|c| c[s as usize])}))
                .collect();
            m.insert("seeds".into(), seeds.into());
            m
        };
        let mut out = json!({
            "graph": self.source.description, "nodes": g.nodes(), "edges": g.edges(),
            "audience": self.audience.as_ref().map(|v| v.len()),
            "k": a.k, "seed": a.seed,
            "algorithm": a.algorithm.to_possible_value().map(|v| v.get_name().to_owned()),
            "baselines": self.baselines.iter().map(|(name, r)| json!({
                "seeds": name, "monte_carlo": mc_json(&r.as_ref().map(|(e, _)| e.clone())),
            })).collect::<Vec<_>>(),
        });
        let obj = out.as_object_mut().expect("an object");
        match self.plans.as_slice() {
            [(_, p)] => obj.extend(plan_json(p)),
            [(_, i), (_, c)] => {
                obj.insert("imm".into(), plan_json(i).into());
                obj.insert("celf".into(), plan_json(c).into());
                obj.insert(
                    "comparison".into(),
                    json!({
                        "seeds_in_common": in_common(i, c),
                        "relative_difference": self.difference.map(|d| d.0),
                        "relative_difference_ci95": self.difference.map(|d| d.1),
                    }),
                );
            }
            _ => {}
        }
        out
    }

    /// `earshot plan`'s text.
    fn print(&self) {
        let (plans, difference) = (&self.plans, self.difference);
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
        for (name, r) in &self.baselines {
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
                    println!("  {:>3}  {:<12} {:>13.1}", i + 1, self.shown(s), gain);
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
                        (Some(&s), Some(&gain)) => format!("{:<12} {:>14.1}", self.shown(s), gain),
                        _ => format!("{:27}", ""),
                    };
                    println!("  {:>3}  {}   {}", i + 1, col(imm), col(celf));
                }
            }
            _ => {}
        }
    }
}

fn in_common(x: &Plan, y: &Plan) -> usize {
    x.seeds.iter().filter(|s| y.seeds.contains(s)).count()
}

pub fn run(cli: &Cli, a: &PlanArgs) -> Result<Exit> {
    let note = |n: &str| {
        if !cli.quiet && !cli.json {
            eprintln!("{n}");
        }
    };
    let planned = plan(&cli.db, a, &[], &note, &|_, _| {})?;
    if cli.json {
        println!("{}", planned.json());
    } else {
        planned.print();
    }
    Ok(Exit::Ok)
}
