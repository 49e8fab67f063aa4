//! Campaign planning: the few accounts that together reach the most, with IMM's guarantee (or CELF's
//! greedy as a cross-check), checked by fresh Monte Carlo simulations (`earshot plan`, the API's plan
//! job).

pub mod evaluate;
pub mod graphs;
mod planners;
mod replay;
pub mod report;
pub mod source;

pub use evaluate::{evaluate_cascades, CascadeEvalReport, CascadeEvalRequest};
pub use planners::CELF_SIMULATIONS;
pub use source::Probabilities;

use crate::error::{FieldStyle, UsageError};
use crate::Progress;
use anyhow::Result;
use earshot_diffusion::{sample_spread_reporting, Model, SpreadEstimate};
use earshot_store::{Store, TimeWindow};
use planners::{plan_celf, plan_imm, relative_difference, top_pagerank, Loading, Plan, Planner};
use report::{
    BaselineReport, Comparison, MonteCarloCheck, NodeId, PlanReport, PlannerReport, SeedReport,
};
use source::{topic_accounts, PlanGraph, PlanNodes};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Which planner chooses the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// IMM: reverse-reachable sets, with a guarantee; fast on large graphs.
    Imm,
    /// CELF: lazy greedy with Monte Carlo marginal gains; small graphs only.
    Celf,
    /// Both, each checked by the same fresh Monte Carlo simulations, and their difference.
    Both,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Imm => "imm",
            Algorithm::Celf => "celf",
            Algorithm::Both => "both",
        }
    }
}

/// What to plan. [`PlanRequest::new`] gives the defaults every front shares.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    /// The influence graph: a named graph of the shared data (see [`graphs::resolve`]) or an edge-list
    /// path; `None` for the stored interactions.
    pub graph: Option<String>,
    /// Where the named graphs are (their `im-graphs/` folder is read).
    pub data: PathBuf,
    /// The stored interactions' window and platform.
    pub window: TimeWindow,
    pub platform: Option<String>,
    /// Edge probabilities of the stored graph.
    pub probabilities: Probabilities,
    /// Seeds to choose.
    pub k: usize,
    pub algorithm: Algorithm,
    /// Approximation slack ε (IMM): the guarantee is (1 − 1/e − ε) of the best.
    pub epsilon: f64,
    /// Confidence ℓ (IMM): the guarantee holds with probability ≥ 1 − n^−ℓ.
    pub ell: f64,
    /// Simulations CELF estimates every marginal gain from.
    pub celf_simulations: usize,
    /// Run CELF on a graph above its size limit.
    pub force_celf: bool,
    /// The same seed gives the same plan on any number of threads.
    pub seed: u64,
    /// Threads (0 = all cores).
    pub threads: usize,
    /// Monte Carlo simulations to check the seeds' spread (0 = skip).
    pub mc: usize,
    /// Only reach inside the accounts this file lists counts.
    pub audience: Option<PathBuf>,
    /// Only reach inside this topic of the latest score run counts.
    pub audience_topic: Option<String>,
    /// Only reach inside this community counts (1 = the largest).
    pub audience_community: Option<usize>,
    /// Only reach inside these stored accounts counts (@handle, handle or platform id): a list typed
    /// in rather than a file.
    pub audience_names: Vec<String>,
    /// The accounts this file lists may not be seeds.
    pub exclude: Option<PathBuf>,
    /// Stored accounts that may not be seeds, by @handle, handle or platform id.
    pub exclude_names: Vec<String>,
    /// Also check the K top-out-degree and top-PageRank accounts.
    pub compare: bool,
    /// Spend at most this much on seeds instead of choosing `k` (IMM only).
    pub budget: Option<f64>,
    /// Seed costs: lines of `account cost`.
    pub cost: Option<PathBuf>,
    /// The cost of an account `cost` does not list.
    pub default_cost: f64,
    /// Also report where IMM's time went.
    pub timings: bool,
    /// Report the process's peak memory (the command line does; a server's says nothing of the plan).
    pub report_memory: bool,
    /// What the report calls the stored interactions (default: the database's path).
    pub stored_label: Option<String>,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

impl PlanRequest {
    pub const DEFAULT_K: usize = 50;
    pub const DEFAULT_EPSILON: f64 = 0.1;
    pub const DEFAULT_ELL: f64 = 1.0;
    pub const DEFAULT_SEED: u64 = 1;
    pub const DEFAULT_MC: usize = 10_000;
    pub const DEFAULT_COST: f64 = 1.0;

    /// A plan of `k` seeds on the stored interactions with every other setting at its default.
    pub fn new(k: usize) -> Self {
        PlanRequest {
            graph: None,
            data: PathBuf::from("../shared/data"),
            window: TimeWindow::all(),
            platform: None,
            probabilities: Probabilities::Learned,
            k,
            algorithm: Algorithm::Imm,
            epsilon: Self::DEFAULT_EPSILON,
            ell: Self::DEFAULT_ELL,
            celf_simulations: CELF_SIMULATIONS,
            force_celf: false,
            seed: Self::DEFAULT_SEED,
            threads: 0,
            mc: Self::DEFAULT_MC,
            audience: None,
            audience_topic: None,
            audience_community: None,
            audience_names: Vec::new(),
            exclude: None,
            exclude_names: Vec::new(),
            compare: false,
            budget: None,
            cost: None,
            default_cost: Self::DEFAULT_COST,
            timings: false,
            report_memory: false,
            stored_label: None,
            fields: FieldStyle::Fields,
        }
    }

    fn peak_rss(&self) -> Option<Option<u64>> {
        self.report_memory.then(crate::peak_rss_kib)
    }

    fn usage(&self, field: &str, problem: &str) -> anyhow::Error {
        UsageError(format!("{} {problem}", self.fields.name(field))).into()
    }
}

/// The graph and lists a plan reads, and what it was asked to reach.
struct Loaded {
    source: PlanGraph,
    store: Option<Store>,
    audience: Option<Vec<u32>>,
    exclude: Vec<u32>,
    costs: Option<Vec<f64>>,
    loading: Loading,
}

/// Plan as `req` asks on the database at `db` (unless `req.graph` names a file). `note` hears what
/// was loaded before the planners run; `progress` hears how far the work got: loading, the planners,
/// the Monte Carlo checks.
pub fn plan(
    db: &Path,
    req: &PlanRequest,
    note: &dyn Fn(&str),
    progress: Progress<'_>,
) -> Result<PlanReport> {
    check(req)?;
    progress(0.0, "loading the influence graph");
    let loaded = load(db, req, note)?;
    let g = &loaded.source.graph;
    // Shares of the work: loading up to 0.1, the planners up to 0.7, the Monte Carlo checks after.
    let mut plans: Vec<Plan> = Vec::new();
    if req.algorithm.imm() {
        let end = if req.algorithm.celf() { 0.4 } else { 0.7 };
        let report = |p: f64, what: &str| progress(0.1 + (end - 0.1) * p, what);
        plans.push(plan_imm(
            g,
            req,
            &loaded.audience,
            &loaded.exclude,
            &loaded.loading,
            &loaded.costs,
            &report,
        )?);
    }
    if req.algorithm.celf() {
        let at = if req.algorithm.imm() { 0.4 } else { 0.1 };
        progress(at, "CELF: choosing seeds");
        plans.push(plan_celf(g, req, &loaded.audience, &loaded.exclude)?);
    }

    // Fresh Monte Carlo: an unbiased check of the seeds, with a different random stream than the plans'.
    // Every check draws simulation i from the same generator, so two plans are compared on equal terms.
    // With an audience, the check counts reach inside it, as the planners do.
    let in_audience = loaded.audience.as_ref().map(|ids| {
        let mut m = vec![false; g.nodes()];
        for &v in ids {
            m[v as usize] = true;
        }
        m
    });
    let checks = plans.len() + if req.compare { 2 } else { 0 };
    let check_share = 0.3 / checks as f64;
    let simulate = |c: usize, seeds: &[u32]| -> Result<Option<(SpreadEstimate, Vec<u32>)>> {
        if req.mc == 0 {
            return Ok(None);
        }
        let at = 0.7 + check_share * c as f64;
        let what = "checking the seeds by Monte Carlo";
        progress(at, what);
        let samples = sample_spread_reporting(
            g,
            Model::IndependentCascade,
            seeds,
            in_audience.as_deref(),
            req.mc,
            req.seed ^ 0x4d43,
            req.threads,
            &|p| progress(at + check_share * p, what),
        )?;
        let e = SpreadEstimate::from_samples(Model::IndependentCascade, samples.clone())?;
        Ok(Some((e, samples)))
    };
    let mut checked: Vec<Option<SpreadEstimate>> = Vec::new();
    for (c, plan) in plans.iter_mut().enumerate() {
        let check = simulate(c, &plan.seeds)?;
        checked.push(check.map(|(e, samples)| {
            plan.samples = samples;
            e
        }));
    }
    let mut baselines = Vec::new();
    if req.compare {
        let c = plans.len();
        let degree = simulate(c, &g.top_out_degree(req.k))?;
        let pagerank = simulate(c + 1, &top_pagerank(g, req.k)?)?;
        for (seeds, check) in [("top out-degree", degree), ("top PageRank", pagerank)] {
            baselines.push(BaselineReport {
                seeds,
                monte_carlo: check.map(|(e, _)| monte_carlo(&e)),
            });
        }
    }
    let comparison = match (plans.as_slice(), checked.as_slice()) {
        ([imm, celf], [imm_check, celf_check]) => {
            let difference = imm_check
                .as_ref()
                .zip(celf_check.as_ref())
                .map(|(i, c)| relative_difference(imm, i.mean, celf, c.mean));
            Some(Comparison {
                seeds_in_common: imm.seeds.iter().filter(|s| celf.seeds.contains(s)).count(),
                relative_difference: difference.map(|d| d.0),
                relative_difference_ci95: difference.map(|d| d.1),
            })
        }
        _ => None,
    };
    let mut reports: Vec<PlannerReport> = Vec::new();
    for (plan, check) in plans.into_iter().zip(checked) {
        reports.push(finish(&loaded, plan, check.as_ref())?);
    }
    progress(1.0, "done");
    let mut report = PlanReport {
        graph: loaded.source.description.clone(),
        nodes: g.nodes(),
        edges: g.edges(),
        audience: loaded.audience.as_ref().map(|v| v.len()),
        k: req.k,
        seed: req.seed,
        algorithm: req.algorithm.name(),
        baselines,
        plan: None,
        imm: None,
        celf: None,
        comparison,
    };
    match (reports.len(), reports.pop()) {
        (1, one) => report.plan = one,
        (2, Some(PlannerReport::Celf(celf))) => {
            report.celf = Some(celf);
            if let Some(PlannerReport::Imm(imm)) = reports.pop() {
                report.imm = Some(imm);
            }
        }
        _ => {}
    }
    Ok(report)
}

/// The checks a request must pass before anything is read.
fn check(req: &PlanRequest) -> Result<()> {
    if req.k == 0 {
        return Err(req.usage("k", "must be at least 1"));
    }
    if req.algorithm.imm() && !(req.epsilon > 0.0 && req.epsilon < 1.0) {
        return Err(req.usage(
            "epsilon",
            &format!("must be in (0, 1), not {}", req.epsilon),
        ));
    }
    if req.algorithm.celf() && req.celf_simulations == 0 {
        return Err(req.usage("celf_simulations", "must be at least 1"));
    }
    if req.budget.is_some() && req.algorithm != Algorithm::Imm {
        return Err(UsageError(format!(
            "{} plans with IMM only ({} imm)",
            req.fields.name("budget"),
            req.fields.name("algorithm")
        ))
        .into());
    }
    if !(req.default_cost.is_finite() && req.default_cost > 0.0) {
        return Err(req.usage("default_cost", "must be a number above 0"));
    }
    Ok(())
}

/// The graph, the audience, the exclusions and the costs the request names.
fn load(db: &Path, req: &PlanRequest, note: &dyn Fn(&str)) -> Result<Loaded> {
    let t = Instant::now();
    let stored_only = req.audience_topic.is_some()
        || req.audience_community.is_some()
        || !req.window.is_unbounded()
        || req.platform.is_some()
        || !req.audience_names.is_empty()
        || !req.exclude_names.is_empty();
    let (source, store) = match &req.graph {
        Some(name) => {
            if stored_only {
                return Err(UsageError(format!(
                    "{}, {}, {}, {} and {} choose stored accounts; {} reads a file instead",
                    req.fields.name("audience_topic"),
                    req.fields.name("audience_community"),
                    req.fields.name("from"),
                    req.fields.name("to"),
                    req.fields.name("platform"),
                    req.fields.name("graph")
                ))
                .into());
            }
            (PlanGraph::from_file(&req.data, name)?, None)
        }
        None => {
            let store = Store::open_existing(db)?;
            let source = PlanGraph::from_store(
                &store,
                req.window,
                req.platform.as_deref(),
                req.probabilities,
                req.stored_label.as_deref(),
            )?;
            (source, Some(store))
        }
    };
    let load_seconds = t.elapsed().as_secs_f64();
    let loading = Loading {
        seconds: load_seconds,
        peak_rss_kib: req.peak_rss(),
    };
    let g = &source.graph;
    let platform = req.platform.as_deref();
    let mut notes = Vec::new();
    let audience = if let Some(path) = &req.audience {
        let (ids, isolated) = source.read_list(store.as_ref(), platform, path)?;
        if isolated > 0 {
            notes.push(format!(
                "{isolated} audience accounts have no interactions here and cannot be reached"
            ));
        }
        Some(ids)
    } else if let Some(topic) = &req.audience_topic {
        let s = stored(&store)?;
        let (ids, missing) = source.of_accounts(&topic_accounts(s, topic, platform, req.fields)?);
        notes.push(format!(
            "audience: {} accounts of topic {topic:?} ({missing} without interactions here)",
            ids.len()
        ));
        Some(ids)
    } else if !req.audience_names.is_empty() {
        let named = req
            .audience_names
            .iter()
            .enumerate()
            .map(|(i, name)| (format!("audience[{i}]"), name.as_str()));
        let (ids, isolated) = source.resolve_all(store.as_ref(), platform, named)?;
        notes.push(format!(
            "audience: {} named accounts ({isolated} without interactions here)",
            ids.len()
        ));
        Some(ids)
    } else if let Some(rank) = req.audience_community {
        let s = stored(&store)?;
        let members = crate::communities::stored_community(s, req.window, platform, rank)?;
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
    let mut exclude = match &req.exclude {
        Some(path) => source.read_list(store.as_ref(), platform, path)?.0,
        None => Vec::new(),
    };
    if !req.exclude_names.is_empty() {
        let named = req
            .exclude_names
            .iter()
            .enumerate()
            .map(|(i, name)| (format!("exclude[{i}]"), name.as_str()));
        exclude.extend(source.resolve_all(store.as_ref(), platform, named)?.0);
        exclude.sort_unstable();
        exclude.dedup();
    }
    let costs = match &req.cost {
        Some(path) => Some(source.read_costs(store.as_ref(), platform, path, req.default_cost)?),
        None => req.budget.map(|_| vec![req.default_cost; g.nodes()]),
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
    Ok(Loaded {
        source,
        store,
        audience,
        exclude,
        costs,
        loading,
    })
}

fn stored(store: &Option<Store>) -> Result<&Store> {
    store
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("a stored audience needs the stored graph"))
}

fn monte_carlo(e: &SpreadEstimate) -> MonteCarloCheck {
    MonteCarloCheck {
        simulations: e.simulations,
        mean: e.mean,
        ci95: 1.96 * e.std_error,
    }
}

/// A planner's report with its seeds named and its Monte Carlo check.
fn finish(loaded: &Loaded, plan: Plan, check: Option<&SpreadEstimate>) -> Result<PlannerReport> {
    let mut seeds = Vec::with_capacity(plan.seeds.len());
    for (&s, &gain) in plan.seeds.iter().zip(&plan.gains) {
        seeds.push(SeedReport {
            id: node_id(loaded, s),
            marginal_gain: gain,
            cost: loaded.costs.as_ref().map(|c| c[s as usize]),
        });
    }
    let mc = check.map(monte_carlo);
    Ok(match plan.report {
        Planner::Imm(mut r) => {
            r.seeds = seeds;
            r.monte_carlo = mc;
            PlannerReport::Imm(r)
        }
        Planner::Celf(mut r) => {
            r.seeds = seeds;
            r.monte_carlo = mc;
            PlannerReport::Celf(r)
        }
    })
}

/// How the report names node `d`: its file id, or the stored account's @handle or platform id.
fn node_id(loaded: &Loaded, d: u32) -> NodeId {
    match &loaded.source.nodes {
        PlanNodes::File(ext) => NodeId::Listed(ext[d as usize]),
        PlanNodes::Stored(_) => NodeId::Stored(
            loaded
                .source
                .name(loaded.store.as_ref(), d)
                .unwrap_or_else(|_| format!("#{d}")),
        ),
    }
}
