//! `earshot plan`: choose the few accounts that reach the most, with IMM's guarantee (or CELF's greedy as
//! a cross-check), and check the choice with fresh Monte Carlo simulations (the use case is
//! `earshot_app::plan`; this is its command line).

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::window::parse_instant;
use crate::window::WindowArgs;
use anyhow::Result;
use clap::{Args, ValueEnum};
use earshot_app::error::FieldStyle;
use earshot_app::error::UsageError;
use earshot_app::plan::{
    evaluate_cascades, Algorithm, CascadeEvalRequest, PlanRequest, Probabilities, CELF_SIMULATIONS,
};
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
    /// Learned from the data: `em` where the store holds follow edges and reshares that name their
    /// post (cascades with their social graph), else `ties`.
    Learned,
    /// EM on the follow graph (Saito et al. 2008): how often a followed account's adoptions were passed
    /// on, each adoption credited to the followed accounts that had adopted before it (Beta(1, 19)
    /// prior). Needs follows and cascades.
    Em,
    /// From ties: how often an account passed on the author's posts it saw (Beta(1, 19) prior; posts
    /// derived from bursts of reshares where none are stored); an edge wherever one reacted to another.
    Ties,
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
--to, --platform). Where the store holds a social graph (follows) and cascades (posts with
the reshares that name them, as `import --format cascades` stores the diffusion benchmarks),
the edges are the follows, u → v where v follows u, with probabilities learned by EM
(Saito et al. 2008): each reshare by v is credited to the accounts v follows that had
adopted the post before it, in proportion to their edges' probabilities, and each adoption
by u that a follower never took up counts against u → v (--probabilities em forces it).
Otherwise an edge u → v wherever v reacted to u, with probabilities learned from how often
v passed on u's posts (--probabilities ties) or 1 / v's reacted-to count (weighted-cascade).
The default, learned, picks em or ties by the data and the report says which.
--audience-topic and --audience-community aim the plan at the accounts
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
  earshot plan --k 20 --probabilities em --compare        # cascades on a follow graph
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
    /// Seeds to choose (default 50). With --evaluate-cascades, a list: --k 10,20,50 (the default).
    #[arg(long, value_delimiter = ',', value_name = "K")]
    pub k: Vec<usize>,
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
    /// Evaluate instead of planning: learn probabilities by EM from the stored cascades posted before
    /// --until on the follow graph (the prior chosen on those up to --score-until), plan each --k with
    /// IMM, and score IMM's seeds beside the top-follower and top-PageRank accounts by Monte Carlo
    /// spread and by replaying the later cascades.
    #[arg(
        long,
        conflicts_with_all = ["graph", "audience", "audience_topic", "audience_community", "exclude",
                              "compare", "budget", "algorithm"]
    )]
    pub evaluate_cascades: bool,
    /// With --evaluate-cascades: learn from cascades posted before this instant (default: the 60th
    /// percentile of post times).
    #[arg(long, value_name = "T", requires = "evaluate_cascades")]
    pub until: Option<String>,
    /// With --evaluate-cascades: choose the prior on cascades posted before this instant, test on the
    /// rest (default: the 80th percentile of post times).
    #[arg(long, value_name = "T", requires = "evaluate_cascades")]
    pub score_until: Option<String>,
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
                ProbabilitiesArg::Em => Probabilities::Em,
                ProbabilitiesArg::Ties => Probabilities::Ties,
                ProbabilitiesArg::WeightedCascade => Probabilities::WeightedCascade,
            },
            k: self.one_k()?,
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
            audience_names: Vec::new(),
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

impl PlanArgs {
    /// The one `--k` of a plan.
    fn one_k(&self) -> Result<usize> {
        match self.k.as_slice() {
            [] => Ok(PlanRequest::DEFAULT_K),
            [k] => Ok(*k),
            _ => Err(UsageError(
                "a plan chooses one --k; several go with --evaluate-cascades".into(),
            )
            .into()),
        }
    }

    /// The request of `--evaluate-cascades`.
    fn evaluation(&self) -> Result<CascadeEvalRequest> {
        if self.window.from.is_some() || self.window.to.is_some() {
            return Err(UsageError(
                "--evaluate-cascades reads every stored cascade; split them with --until and \
                 --score-until"
                    .into(),
            )
            .into());
        }
        let mut req = CascadeEvalRequest::new();
        req.platform = self.window.platform.clone();
        if !self.k.is_empty() {
            req.ks = self.k.clone();
        }
        req.cut = parse_instant("--until", &self.until)?;
        req.score_until = parse_instant("--score-until", &self.score_until)?;
        req.epsilon = self.epsilon;
        req.ell = self.ell;
        req.seed = self.seed;
        req.threads = self.threads;
        req.mc = self.mc;
        Ok(req)
    }
}

pub fn run(cli: &Ctx, a: &PlanArgs) -> Result<Exit> {
    if a.evaluate_cascades {
        let store = cli.open_store()?;
        let report = evaluate_cascades(&store, &a.evaluation()?, &|_, _| {})?;
        if cli.json {
            crate::output::print_json(&report)?;
        } else {
            earshot_print::plan_cascades::evaluation(&mut std::io::stdout().lock(), &report)?;
        }
        return Ok(Exit::Ok);
    }
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
