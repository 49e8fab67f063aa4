//! What a plan reports: the graph, each planner's seeds and figures, the fresh Monte Carlo checks, and
//! the baselines beside them.

use serde::Serialize;
use utoipa::ToSchema;

/// A fresh Monte Carlo check of some seeds: the mean spread and its 95% half-width.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonteCarloCheck {
    pub simulations: usize,
    pub mean: f64,
    pub ci95: f64,
}

/// How a plan names a node: an edge-list file's node id, or a stored account's @handle or platform id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum NodeId {
    Listed(u64),
    Stored(String),
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeId::Listed(n) => write!(f, "{n}"),
            NodeId::Stored(s) => f.write_str(s),
        }
    }
}

/// One chosen seed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeedReport {
    pub id: NodeId,
    /// The spread it adds to the seeds before it, by the planner's own estimate.
    pub marginal_gain: f64,
    /// Its cost, when the plan has a budget.
    pub cost: Option<f64>,
}

/// Where IMM's time went (`--timings`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImmTimings {
    pub load_seconds: f64,
    /// Absent where the front does not report memory; null where it cannot be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_peak_rss_kib: Option<Option<u64>>,
    pub sampling_rounds: usize,
    pub sampling_sets: usize,
    pub sampling_rr_seconds: f64,
    pub sampling_greedy_seconds: f64,
    pub final_rr_seconds: f64,
    pub final_greedy_seconds: f64,
}

/// IMM's plan (Tang, Shi, Xiao 2015), with its guarantee.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImmReport {
    pub epsilon: f64,
    pub ell: f64,
    /// The seeds' spread is at least this share of the best possible, with probability ≥ 1 − n^−ℓ.
    pub guarantee: f64,
    pub budget: Option<f64>,
    pub spent: Option<f64>,
    pub seconds: f64,
    /// Absent where the front does not report memory; null where it cannot be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_rss_kib: Option<Option<u64>>,
    pub rr_sets: usize,
    pub rr_members: usize,
    pub rr_bytes: usize,
    pub index_bytes: usize,
    pub lower_bound: f64,
    pub estimated_spread: f64,
    pub timings: Option<ImmTimings>,
    pub monte_carlo: Option<MonteCarloCheck>,
    pub seeds: Vec<SeedReport>,
}

/// CELF's plan (Leskovec et al. 2007): lazy greedy on Monte Carlo marginal gains.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CelfReport {
    pub celf_simulations: usize,
    pub seconds: f64,
    /// Absent where the front does not report memory; null where it cannot be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_rss_kib: Option<Option<u64>>,
    pub evaluations: usize,
    /// What plain greedy would have evaluated.
    #[serde(skip)]
    pub plain_greedy_evaluations: usize,
    pub estimated_spread: f64,
    pub estimated_ci95: f64,
    pub monte_carlo: Option<MonteCarloCheck>,
    pub seeds: Vec<SeedReport>,
}

/// One planner's plan.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PlannerReport {
    Imm(ImmReport),
    Celf(CelfReport),
}

impl PlannerReport {
    pub fn seeds(&self) -> &[SeedReport] {
        match self {
            PlannerReport::Imm(p) => &p.seeds,
            PlannerReport::Celf(p) => &p.seeds,
        }
    }

    pub fn monte_carlo(&self) -> Option<&MonteCarloCheck> {
        match self {
            PlannerReport::Imm(p) => p.monte_carlo.as_ref(),
            PlannerReport::Celf(p) => p.monte_carlo.as_ref(),
        }
    }
}

/// Baseline seeds checked by the same Monte Carlo simulations (`compare`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BaselineReport {
    /// Which seeds: top out-degree or top PageRank.
    pub seeds: &'static str,
    pub monte_carlo: Option<MonteCarloCheck>,
}

/// IMM beside CELF, when both ran.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Comparison {
    pub seeds_in_common: usize,
    /// CELF's Monte Carlo spread relative to IMM's (null without the Monte Carlo checks).
    pub relative_difference: Option<f64>,
    /// Its 95% half-width, from the paired per-simulation differences.
    pub relative_difference_ci95: Option<f64>,
}

/// `earshot --json plan`'s output and the plan job's result. With one planner its fields are at the
/// top level; with both, under `imm` and `celf`, beside their `comparison`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanReport {
    /// What the graph is.
    pub graph: String,
    pub nodes: usize,
    pub edges: usize,
    /// Accounts in the audience, when only reach inside one counts.
    pub audience: Option<usize>,
    pub k: usize,
    pub seed: u64,
    pub algorithm: &'static str,
    pub baselines: Vec<BaselineReport>,
    #[serde(flatten)]
    pub plan: Option<PlannerReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imm: Option<ImmReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub celf: Option<CelfReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}
