//! How far a message travels: diffusion models over an influence graph, and Monte Carlo estimates of
//! their spread.
//!
//! A [`DiffusionGraph`] is a directed graph over dense `u32` ids whose edges carry activation
//! probabilities, in two CSRs: out-edges for forward simulation and in-edges for reverse sampling (the
//! reverse-reachable sets of IMM build on [`DiffusionGraph::in_links`]). Probabilities are uniform,
//! weighted cascade (`1 / in-degree`), given per edge, or learned from posts and interactions
//! ([`learn_probabilities`]).
//!
//! Two models run on it: Independent Cascade and Linear Threshold ([`Model`]). [`estimate_spread`] runs
//! seeded Monte Carlo simulations in parallel and returns the distribution a forecast prints (mean,
//! standard error, p10/p50/p90, P(reach ≥ N)); simulation `i` has its own generator derived from
//! `(seed, i)`, so the result is the same on any number of threads. [`exact_spread_ic`] and
//! [`exact_spread_lt`] enumerate live-edge worlds on small graphs, the reference the estimators are tested
//! against.
//!
//! Two planners choose seeds: [`imm`] (reverse-reachable sets, [`sample_rr_sets`] in `rr.rs`, covered
//! greedily in `coverage.rs`, with IMM's approximation guarantee, the same plan on any number of threads) and
//! [`celf`] (lazy greedy on sampled live-edge worlds, common to every candidate), the slow classic kept as
//! a cross-check of IMM on small graphs.
//!
//! # Why it looks like this
//! The COST lesson (McSherry, Isard, Murray): a parallel design must first beat a good single thread. So
//! the single-thread simulation is made fast before anything is spread out: compact CSR rows of
//! `(node, f32 p)` streamed in order, one [`Workspace`] per thread whose per-node stamps carry an epoch so
//! nothing is cleared between runs, the activation queue doubling as the activated set, no allocation per
//! simulation. Threads then split *simulations*, which share nothing but the read-only graph; one thread
//! runs a plain loop, the baseline any parallel number is compared with (`earshot bench spread`).
//!
//! ```
//! use earshot_diffusion::{estimate_spread, exact_spread_ic, DiffusionGraph, EdgeModel, Model};
//!
//! // a → b → c, each edge with probability 0.5: the expected spread from {a} is 1 + 0.5 + 0.25.
//! let g = DiffusionGraph::from_pairs(3, &[(0, 1), (1, 2)], EdgeModel::Uniform(0.5)).unwrap();
//! assert_eq!(exact_spread_ic(&g, &[0]).unwrap(), 1.75);
//! let e = estimate_spread(&g, Model::IndependentCascade, &[0], 20_000, 1, 2).unwrap();
//! assert!((e.mean - 1.75).abs() < 4.0 * e.std_error);
//! assert!(e.probability_at_least(3) > 0.2 && e.probability_at_least(3) < 0.3);
//! ```
//!
//! This crate takes plain slices and returns plain values; it knows nothing of files, SQL or HTTP (graph
//! files are read by `earshot-app`'s `sources::edge_list`).

mod celf;
mod choice;
mod coverage;
pub mod doubling;
pub mod em;
mod estimate;
mod exact;
mod forecast;
mod graph;
mod imm;
mod learn;
mod rr;
mod simulate;
mod threads;

pub use celf::{celf, CelfOptions, CelfResult, MAX_CELF_NODES};
pub use estimate::{
    estimate_spread, estimate_spread_within, sample_spread, sample_spread_reporting,
    simulation_rng, ProgressHook, SpreadEstimate,
};
pub use exact::{exact_spread_ic, exact_spread_lt, MAX_EXACT_NODES, MAX_WORLDS};
pub use forecast::{
    calibrate, calibrate_baselines, calibrate_thinned, derive_posts, learn_reach_model,
    learn_reach_model_em, post_outcomes, post_outcomes_counting, BaselineCalibration, Calibration,
    CalibrationReport, KeepShare, Outcome, ReachConfig, ReachForecast, ReachModel,
};
pub use graph::{DiffusionGraph, EdgeModel, Link};
pub use imm::{budget_ratio, imm, imm_reporting, ImmOptions, ImmPhases, ImmResult};
pub use learn::{
    learn_probabilities, learned_graph, InteractionRow, LearnConfig, LearnedEdge, PostLink, PostRow,
};
pub use rr::{sample_rr_sets, RrSets, JUMP_MIN_IN_DEGREE};
pub use simulate::{simulate_ic, simulate_lt, Model, Workspace};

/// Errors of graph construction, simulation and exact computation. None is a panic: every id and
/// parameter from a caller is checked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiffusionError {
    #[error("row {index}: node {node} is outside the graph of {nodes} nodes")]
    NodeOutOfRange { index: usize, node: u32, nodes: u32 },
    #[error("row {index}: post {post} is not among the posts given")]
    PostOutOfRange { index: usize, post: u32 },
    #[error("{}probability {p} is not a number in [0, 1]", match index { Some(i) => format!("edge {i}: "), None => String::new() })]
    BadProbability { index: Option<usize>, p: f32 },
    #[error("more than 2^32 - 2 nodes in one graph")]
    TooManyNodes,
    #[error("seed {seed} is not a node of the graph ({nodes} nodes)")]
    SeedOutOfRange { seed: u32, nodes: usize },
    #[error("linear threshold needs each node's in-probabilities to sum to at most 1; node {node}'s sum to {sum}")]
    LinearThresholdWeights { node: u32, sum: f64 },
    #[error("no simulations to estimate from")]
    NoSimulations,
    #[error("cannot start the thread pool: {0}")]
    ThreadPool(String),
    #[error("too large to enumerate exactly: {nodes} nodes{}", match worlds { Some(w) => format!(", {w:.3e} worlds"), None => String::new() })]
    TooLargeForExact { nodes: usize, worlds: Option<f64> },
    #[error("CELF evaluates every node in its first round, and {nodes} nodes is more than its limit of {limit}: use IMM (or force CELF)")]
    TooLargeForCelf { nodes: usize, limit: usize },
    #[error("{0}")]
    BadParameter(String),
    #[error("IMM would need {sets} RR sets, more than 2^32 - 1; raise epsilon or lower ell")]
    TooManyRrSets { sets: usize },
    #[error("RR sets too large: more than 2^32 - 1 members in 2,048 sets")]
    TooManyRrMembers,
}
