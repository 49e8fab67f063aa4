//! The planners: IMM with its guarantee, CELF as the cross-check, PageRank's seeds for the baselines,
//! and how two checked plans compare.

use super::report::{CelfReport, ImmReport, ImmTimings};
use super::{Algorithm, PlanRequest};
use crate::error::UsageError;
use crate::Progress;
use anyhow::Result;
use earshot_diffusion::{
    celf, imm_reporting, CelfOptions, DiffusionError, DiffusionGraph, ImmOptions, Model,
};
use earshot_graph::{pagerank, Edge, PageRankConfig, ReactionGraph};
use std::time::Instant;

/// CELF's default simulations per marginal gain: on email-Eu-core (k = 50) its plan spreads as far as
/// the plan from 10,000 (481.5 against 481.6 in fresh simulations) in 0.8 s rather than 9 s
/// (BENCHMARKS.md).
pub const CELF_SIMULATIONS: usize = 1000;

/// The K accounts PageRank ranks highest when a reaction runs from the reached account to its source.
pub(super) fn top_pagerank(g: &DiffusionGraph, k: usize) -> Result<Vec<u32>> {
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

/// One planner's seeds and figures, before they are named and checked.
pub(super) struct Plan {
    pub seeds: Vec<u32>,
    pub gains: Vec<f64>,
    pub report: Planner,
    /// The fresh Monte Carlo check's samples in simulation order (simulation `i` of every check uses
    /// the same generator), when run.
    pub samples: Vec<u32>,
}

/// The planner's own figures (its report without seeds and Monte Carlo check yet).
pub(super) enum Planner {
    Imm(ImmReport),
    Celf(CelfReport),
}

/// How long loading took and the peak memory after it, for `timings`.
pub(super) struct Loading {
    pub seconds: f64,
    pub peak_rss_kib: Option<Option<u64>>,
}

/// A planner's failure that is the request's fault is a usage error.
fn request_error(e: DiffusionError) -> anyhow::Error {
    match e {
        DiffusionError::BadParameter(_) | DiffusionError::TooManyRrSets { .. } => {
            UsageError(e.to_string()).into()
        }
        e => e.into(),
    }
}

pub(super) fn plan_imm(
    g: &DiffusionGraph,
    req: &PlanRequest,
    audience: &Option<Vec<u32>>,
    exclude: &[u32],
    loading: &Loading,
    costs: &Option<Vec<f64>>,
    progress: Progress<'_>,
) -> Result<Plan> {
    let options = ImmOptions {
        k: req.k,
        epsilon: req.epsilon,
        ell: req.ell,
        seed: req.seed,
        audience: audience.clone(),
        exclude: exclude.to_vec(),
        threads: req.threads,
        budget: req.budget,
        costs: costs.clone(),
    };
    let t = Instant::now();
    let plan = imm_reporting(g, &options, progress).map_err(request_error)?;
    let seconds = t.elapsed().as_secs_f64();
    let guarantee = match req.budget {
        None => 1.0 - 1.0 / std::f64::consts::E,
        Some(_) => earshot_diffusion::budget_ratio(),
    } - req.epsilon;
    let ph = &plan.phases;
    let report = ImmReport {
        epsilon: req.epsilon,
        ell: req.ell,
        guarantee,
        budget: req.budget,
        spent: costs
            .as_ref()
            .map(|c| plan.seeds.iter().map(|&v| c[v as usize]).sum::<f64>())
            .or(req.budget.map(|_| plan.seeds.len() as f64)),
        seconds,
        peak_rss_kib: req.peak_rss(),
        rr_sets: plan.rr_sets,
        rr_members: plan.rr_members,
        rr_bytes: plan.rr_bytes,
        index_bytes: plan.index_bytes,
        lower_bound: plan.lower_bound,
        estimated_spread: plan.estimated_spread,
        timings: req.timings.then_some(ImmTimings {
            load_seconds: loading.seconds,
            load_peak_rss_kib: loading.peak_rss_kib,
            sampling_rounds: ph.sampling_rounds,
            sampling_sets: ph.sampling_sets,
            sampling_rr_seconds: ph.sampling_rr_seconds,
            sampling_greedy_seconds: ph.sampling_greedy_seconds,
            final_rr_seconds: ph.final_rr_seconds,
            final_greedy_seconds: ph.final_greedy_seconds,
        }),
        monte_carlo: None,
        seeds: Vec::new(),
    };
    Ok(Plan {
        seeds: plan.seeds,
        gains: plan.marginal_gains,
        report: Planner::Imm(report),
        samples: Vec::new(),
    })
}

pub(super) fn plan_celf(
    g: &DiffusionGraph,
    req: &PlanRequest,
    audience: &Option<Vec<u32>>,
    exclude: &[u32],
) -> Result<Plan> {
    let options = CelfOptions {
        k: req.k,
        model: Model::IndependentCascade,
        simulations: req.celf_simulations,
        seed: req.seed,
        threads: req.threads,
        audience: audience.clone(),
        exclude: exclude.to_vec(),
        force: req.force_celf,
    };
    let t = Instant::now();
    let plan = match celf(g, &options) {
        Err(DiffusionError::TooLargeForCelf { nodes, limit }) => {
            return Err(UsageError(format!(
                "CELF evaluates every account before it picks the first seed, and {nodes} nodes is \
                 more than its limit of {limit}: use {} imm, or {}",
                req.fields.name("algorithm"),
                req.fields.name("force_celf")
            ))
            .into())
        }
        r => r.map_err(request_error)?,
    };
    let seconds = t.elapsed().as_secs_f64();
    let candidates = g.nodes() - {
        let mut x = exclude.to_vec();
        x.sort_unstable();
        x.dedup();
        x.len()
    };
    let report = CelfReport {
        celf_simulations: plan.simulations,
        seconds,
        peak_rss_kib: req.peak_rss(),
        evaluations: plan.evaluations,
        plain_greedy_evaluations: req.k * candidates - req.k * (req.k - 1) / 2,
        estimated_spread: plan.spread,
        estimated_ci95: 1.96 * plan.spread_std_error,
        monte_carlo: None,
        seeds: Vec::new(),
    };
    Ok(Plan {
        seeds: plan.seeds,
        gains: plan.marginal_gains,
        report: Planner::Celf(report),
        samples: Vec::new(),
    })
}

/// CELF's Monte Carlo spread relative to IMM's: the difference of the means over IMM's, and a 95%
/// half-width from the paired per-simulation differences (both checks draw simulation `i` from the same
/// generator, so the pairs are independent across `i`).
pub(super) fn relative_difference(
    imm: &Plan,
    imm_mean: f64,
    celf: &Plan,
    celf_mean: f64,
) -> (f64, f64) {
    let n = imm.samples.len() as f64;
    let d: Vec<f64> = imm
        .samples
        .iter()
        .zip(&celf.samples)
        .map(|(&x, &y)| f64::from(y) - f64::from(x))
        .collect();
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (
        (celf_mean - imm_mean) / imm_mean,
        1.96 * (var / n).sqrt() / imm_mean,
    )
}

impl Algorithm {
    pub(super) fn imm(self) -> bool {
        self != Algorithm::Celf
    }

    pub(super) fn celf(self) -> bool {
        self != Algorithm::Imm
    }
}
