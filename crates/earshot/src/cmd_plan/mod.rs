//! `earshot plan`: choose the few accounts that reach the most, with IMM's guarantee (or CELF's greedy as
//! a cross-check), and check the choice with fresh Monte Carlo simulations (the use case is
//! `earshot_app::plan`; this is its command line).

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::window::WindowArgs;
use anyhow::Result;
use clap::{Args, ValueEnum};
use earshot_app::error::FieldStyle;
use earshot_app::plan::{Algorithm, PlanRequest, Probabilities, CELF_SIMULATIONS};
use std::path::PathBuf;

/// Which planner chooses the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgorithmArg {
    /// IMM: reverse-reachable sets, with a guarantee; fast on large graphs.
    Imm,
    /// CELF: lazy greedy with Monte Carlo marginal gains; small graphs only.
    Celf,
    /// Both, each checked by the same fresh Monte Carlo simulations, and their difference.
    Both,
}

/// How a stored graph's edges get their probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbabilitiesArg {
    /// Learned: how often an account passed on the author's posts it saw (Beta(1, 19) prior; posts derived
    /// from bursts of reshares where none are stored).
    Learned,
    /// Weighted cascade: 1 / (the accounts that reacted to the target).
    WeightedCascade,
}

/// `--data`: where the named influence graphs of the shared data are, for `plan` and `bench spread|rr`.
#[derive(Args, Debug)]
pub struct SharedData {
    /// Where the named graphs are (their `im-graphs/` folder is read).
    #[arg(
        long,
        env = "EARSHOT_SHARED_DATA",
        default_value = "../shared/data",
        value_name = "DIR"
    )]
    pub data: PathBuf,
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
    #[arg(long, value_enum, default_value_t = ProbabilitiesArg::Learned)]
    pub probabilities: ProbabilitiesArg,
    #[command(flatten)]
    pub shared: SharedData,
    /// Seeds to choose.
    #[arg(long, default_value_t = PlanRequest::DEFAULT_K)]
    pub k: usize,
    /// The planner: imm, celf, or both as a cross-check.
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Imm)]
    pub algorithm: AlgorithmArg,
    /// Approximation slack ε (IMM): the guarantee is (1 − 1/e − ε) of the best.
    #[arg(long, default_value_t = PlanRequest::DEFAULT_EPSILON)]
    pub epsilon: f64,
    /// Confidence ℓ (IMM): the guarantee holds with probability ≥ 1 − n^−ℓ.
    #[arg(long, default_value_t = PlanRequest::DEFAULT_ELL)]
    pub ell: f64,
    /// Simulations CELF estimates every marginal gain from.
    #[arg(long, default_value_t = CELF_SIMULATIONS, value_name = "R")]
    pub celf_simulations: usize,
    /// Run CELF on a graph above its limit of 20,000 nodes.
    #[arg(long)]
    pub force_celf: bool,
    /// Random seed (the same seed gives the same plan on any number of threads).
    #[arg(long, default_value_t = PlanRequest::DEFAULT_SEED)]
    pub seed: u64,
    /// Threads for RR-set generation, CELF's evaluations and the Monte Carlo check (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Monte Carlo simulations to check the seeds' spread (0 = skip).
    #[arg(long, default_value_t = PlanRequest::DEFAULT_MC)]
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
    #[arg(long, default_value_t = PlanRequest::DEFAULT_COST, requires = "budget")]
    pub default_cost: f64,
    /// Also print where IMM's time went: RR-set generation and greedy selection, in the sampling phase
    /// and the final selection, and the peak memory after loading (for profiling).
    #[arg(long)]
    pub timings: bool,
}

impl PlanArgs {
    /// The request these arguments make, with the window parsed.
    pub fn request(&self) -> Result<PlanRequest> {
        Ok(PlanRequest {
            graph: self.graph.clone(),
            data: self.shared.data.clone(),
            window: self.window.window()?,
            platform: self.window.platform.clone(),
            probabilities: match self.probabilities {
                ProbabilitiesArg::Learned => Probabilities::Learned,
                ProbabilitiesArg::WeightedCascade => Probabilities::WeightedCascade,
            },
            k: self.k,
            algorithm: match self.algorithm {
                AlgorithmArg::Imm => Algorithm::Imm,
                AlgorithmArg::Celf => Algorithm::Celf,
                AlgorithmArg::Both => Algorithm::Both,
            },
            epsilon: self.epsilon,
            ell: self.ell,
            celf_simulations: self.celf_simulations,
            force_celf: self.force_celf,
            seed: self.seed,
            threads: self.threads,
            mc: self.mc,
            audience: self.audience.clone(),
            audience_topic: self.audience_topic.clone(),
            audience_community: self.audience_community,
            exclude: self.exclude.clone(),
            exclude_names: Vec::new(),
            compare: self.compare,
            budget: self.budget,
            cost: self.cost.clone(),
            default_cost: self.default_cost,
            timings: self.timings,
            report_memory: true,
            stored_label: None,
            fields: FieldStyle::Flags,
        })
    }
}

pub fn run(cli: &Ctx, a: &PlanArgs) -> Result<Exit> {
    let note = |n: &str| {
        if !cli.quiet && !cli.json {
            eprintln!("{n}");
        }
    };
    let report = earshot_app::plan::plan(&cli.db, &a.request()?, &note, &|_, _| {})?;
    if cli.json {
        crate::output::print_json(&report)?;
    } else {
        earshot_print::plan::plan(&mut std::io::stdout().lock(), &report)?;
    }
    Ok(Exit::Ok)
}
