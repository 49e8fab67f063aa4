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

mod output;
mod planners;

use planners::{
    plan_celf, plan_imm, relative_difference, top_pagerank, Loading, Plan, CELF_SIMULATIONS,
};

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
            earshot_app::communities::stored_community(s, a.window.window()?, platform, rank)?;
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
