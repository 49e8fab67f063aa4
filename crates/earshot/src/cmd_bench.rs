//! `earshot bench`: whole-pipeline measurements for BENCHMARKS.md. The measuring is
//! `earshot_app::bench`'s; this is the command line and the text.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::print_report;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use earshot_app::bench::copies::{bench_copies, CopiesBenchRequest};
use earshot_app::bench::em::{bench_em, EmBenchRequest};
use earshot_app::bench::import::{bench_import, ImportBenchRequest};
use earshot_app::bench::pagerank::{bench_pagerank, PagerankBenchRequest, PagerankGraph};
use earshot_app::bench::parse::{bench_parse, ParseBenchRequest};
use earshot_app::bench::rr::{bench_rr, RrBenchRequest};
use earshot_app::bench::spread::{bench_spread, SpreadBenchRequest};
use earshot_app::bench::topics::{bench_topics, TopicsBenchRequest};
use earshot_app::bench::trust::{bench_trust, TrustBenchRequest};
use earshot_app::bench::GraphBench;
use earshot_app::error::FieldStyle;
use earshot_diffusion::em::EmConfig;
use earshot_diffusion::{Model, JUMP_MIN_IN_DEGREE};
use earshot_print::bench as print;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub what: BenchWhat,
}

#[derive(Subcommand, Debug)]
pub enum BenchWhat {
    /// Time the authority kernel (PageRank) per iteration, on 1 and 2 threads, on the R-MAT graph of
    /// `earshot gen` (built in memory from the same draw) or on an edge list given with --edges. Loading
    /// and building the graph are timed apart; --dump writes the graph for the C++ baseline in `bench/`.
    #[command(after_help = "Examples:
  earshot bench pagerank --scale 20 --edge-factor 16
  earshot bench pagerank --scale 20 --edge-factor 32 --dump rmat20.csr
    then OMP_NUM_THREADS=1 ./pagerank_pull rmat20.csr 20   (bench/pagerank_pull.cc, same graph)
  earshot bench pagerank --edges ../shared/data/im-graphs/wiki-Vote.txt.gz --iterations 200
  earshot bench pagerank --edges kron.el --threads 1 --runs 5      (GAP's edge list)
  earshot bench pagerank --edges road.wel.gz --weighted            (third column: weights)
  scripts/bench_pagerank.sh --edges FILE 200   (earshot beside the C++ baseline, in rounds)

Edge lists: a line `src dst` is the edge src -> dst (src passes authority on to dst).
SNAP text (any other name): whitespace or commas, `#` comments, an optional `n m` header
line, an optional third column of weights. GAP's `.el` (`src dst`) and `.wel` (`src dst
weight`), told by the name, have no header. Plain or gzip. Nodes are the ids that appear,
numbered in increasing order; repeated lines merge into one edge (weights add up with
--weighted); self-loops stay. The first bad line stops the run, naming file, line and field.")]
    Pagerank {
        /// R-MAT: 2^SCALE nodes.
        #[arg(long, default_value_t = 20)]
        scale: u32,
        /// R-MAT: edges drawn per node (before repeats merge).
        #[arg(long, default_value_t = 16)]
        edge_factor: u32,
        /// R-MAT: the draw's seed (the same seed, the same graph).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Run on this edge list instead of an R-MAT graph (SNAP text, GAP .el or .wel; see below).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["scale", "edge_factor", "seed"])]
        edges: Option<PathBuf>,
        /// Iterations per timed run (the tolerance is 0, so exactly this many run).
        #[arg(long, default_value_t = 20)]
        iterations: u32,
        /// Timed runs per thread count; the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Thread counts to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
        /// The weighted kernel: R-MAT gives every drawn edge a reproducible weight in [0.5, 1.5), an edge
        /// list each line its third column (1 without one); repeats merge by adding weights. Default:
        /// every distinct edge weighs 1, as in the GAP Benchmark Suite.
        #[arg(long)]
        weighted: bool,
        /// Also write the graph as a binary CSR snapshot to this file (the input of
        /// bench/pagerank_pull.cc).
        #[arg(long, value_name = "FILE")]
        dump: Option<PathBuf>,
    },
    /// The copy check (each post against the earlier posts of its thread and of its author) and all of
    /// scoring's post flags over synthetic threads, on 1 and 2 threads, timed apart from making the
    /// posts.
    /// The authenticity model over synthetic profiles: every profile's features and the built-in
    /// model's probability, as scoring weighs accounts, on 1 and 2 threads, timed apart from making
    /// the profiles.
    #[command(after_help = "Example:\n  earshot bench trust --profiles 1000000 --runs 3")]
    Trust {
        /// Synthetic profiles to make.
        #[arg(long, default_value_t = 1_000_000)]
        profiles: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Timed runs per thread count; the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Thread counts to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
    },
    /// Watch rules evaluated after a score run: two stored runs of --accounts accounts, a watch on
    /// each, and the evaluation of the second run timed (its alerts stored with their deliveries).
    #[command(after_help = "Example:\n  earshot bench watches --accounts 1000000 --runs 5")]
    Watches {
        /// Watched accounts.
        #[arg(long, default_value_t = 1_000_000)]
        accounts: usize,
        /// Accounts in each run (default: all the watched ones); 456626 is the Higgs run's size.
        #[arg(long)]
        scored: Option<usize>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Timed runs; the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Where to build the benchmark's database (default: the system's temporary folder).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
    #[command(after_help = "Example:\n  earshot bench copies --posts 100000 --runs 3")]
    Copies {
        /// Synthetic posts to make.
        #[arg(long, default_value_t = 100_000)]
        posts: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Timed runs per stage and thread count; the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Thread counts to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
    },
    /// Topic assignment and sentiment for every post of a file (one post per line), on 1 and 2
    /// threads: each alone and both together, timed apart from reading the file.
    #[command(
        after_help = "Examples:\n  earshot bench topics --tweeteval ../shared/data/tweet-text/tweeteval_datasets.tar.gz \\\n      --task emoji --split train,val,test          (100,000 real tweets)\n  earshot bench topics --taxonomy topics.toml --lines posts.txt\n  (without --taxonomy, topics are first discovered from the same posts, untimed)"
    )]
    Topics {
        #[command(flatten)]
        source: crate::cmd_topics::PostSource,
        /// Taxonomy (TOML); default: topics discovered from the file itself.
        #[arg(long)]
        taxonomy: Option<PathBuf>,
        /// Timed runs per stage and thread count; the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Thread counts to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
    },
    /// Monte Carlo spread simulations per second on an influence-maximisation graph, on 1 and 2 threads,
    /// from the top-degree seeds (the estimate is the same on every thread count).
    #[command(
        after_help = "Examples:\n  earshot bench spread --graph nethept --seeds 50 --simulations 10000\n  earshot bench spread --graph nethept-wc --model lt\n  earshot bench spread --graph slashdot --data ../shared/data"
    )]
    Spread(SpreadArgs),
    /// Reverse-reachable sets drawn per second (IMM's sampling kernel) on an influence-maximisation
    /// graph, on 1 and 2 threads (the sets are the same on every thread count).
    #[command(
        after_help = "Examples:\n  earshot bench rr --graph nethept --sets 1000000\n  earshot bench rr --graph slashdot --coins            (a coin per in-edge, as the IMM paper)\n  earshot bench rr --graph slashdot --jump-min-degree 4\n  (bench/imm.cc --rr-only N measures the C++ baseline the same way; scripts/bench_imm.sh runs both)"
    )]
    Rr(RrArgs),
    /// Learn edge probabilities by EM (Saito et al. 2008) from the stored cascades on their follow
    /// graph, as `plan --probabilities em` does: reading the rows, counting the trials and the
    /// iterations, each timed (one thread).
    #[command(
        after_help = "Example:\n  earshot --db memetracker.db bench em --runs 5\n  (import the cascades first: earshot --db memetracker.db import --format cascades \\\n      --time-unit microhours /tmp/casc/memetracker/cascades.txt)"
    )]
    Em {
        /// Only the cascades and follows of this platform.
        #[arg(long)]
        platform: Option<String>,
        /// Timed runs per stage; the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Parse a file without storing it (higgs, snap, jsonl, ...): the reader's own speed, in this process.
    #[command(
        after_help = "Example:\n  earshot bench parse --format higgs --runs 5 higgs-activity_time.txt.gz"
    )]
    Parse {
        file: PathBuf,
        /// Input format (as for `earshot import`).
        #[arg(long, value_enum, default_value = "higgs")]
        format: crate::cmd_import::FormatArg,
        /// Runs.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Import a file N times into fresh databases; report median events/s and peak RSS.
    #[command(
        after_help = "Example:\n  earshot bench import --format higgs --runs 5 --replay 10 \\\n      ../shared/data/higgs-twitter/higgs-activity_time.txt.gz"
    )]
    Import {
        file: PathBuf,
        /// Input format (as for `earshot import`).
        #[arg(long, default_value = "higgs")]
        format: String,
        /// Runs per input.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Also measure a file made of this many copies of the input, each shifted one week later
        /// (higgs format only), to show that memory does not grow with file size.
        #[arg(long)]
        replay: Option<u32>,
        /// Extra arguments for each `earshot import` run, e.g. `--cache-mib 64` (repeat the flag per word).
        #[arg(long = "import-arg", allow_hyphen_values = true)]
        import_args: Vec<String>,
        /// Where to keep the scratch databases and replay file (default: a temporary directory).
        #[arg(long)]
        scratch: Option<PathBuf>,
    },
}

/// What `bench spread` and `bench rr` share: the graph, and how to time.
#[derive(Args, Debug)]
pub struct GraphBenchArgs {
    /// `nethept` (nethept_chen.txt, undirected, weighted cascade), `nethept-wc` (nethept_wc_weighted.txt,
    /// its own probabilities), `slashdot`, `email-eu-core` (SNAP, weighted cascade), or the path of an
    /// edge list (`u v` per line, directed, weighted cascade).
    #[arg(long, default_value = "nethept")]
    pub graph: String,
    #[command(flatten)]
    pub shared: crate::cmd_plan::SharedData,
    /// Timed runs per thread count; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Thread counts to measure.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    pub threads: Vec<usize>,
    /// Random seed (the result is the same on every thread count).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl GraphBenchArgs {
    fn request(&self) -> GraphBench {
        GraphBench {
            graph: self.graph.clone(),
            data: self.shared.data.clone(),
            runs: self.runs,
            threads: self.threads.clone(),
            seed: self.seed,
            fields: FieldStyle::Flags,
        }
    }
}

#[derive(Args, Debug)]
pub struct SpreadArgs {
    #[command(flatten)]
    bench: GraphBenchArgs,
    #[arg(long, value_enum, default_value = "ic")]
    model: ModelArg,
    /// Seed with the K nodes of highest out-degree.
    #[arg(long, default_value_t = 50, value_name = "K")]
    seeds: usize,
    /// Simulations per timed run.
    #[arg(long, default_value_t = 10_000)]
    simulations: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModelArg {
    /// Independent Cascade.
    Ic,
    /// Linear Threshold.
    Lt,
}

#[derive(Args, Debug)]
pub struct RrArgs {
    #[command(flatten)]
    bench: GraphBenchArgs,
    /// RR sets per timed run.
    #[arg(long, default_value_t = 1_000_000)]
    sets: usize,
    /// Nodes with at least this many in-edges, all of one probability, jump to their live in-edges
    /// (default: what `earshot plan` uses).
    #[arg(long, default_value_t = JUMP_MIN_IN_DEGREE, value_name = "D", conflicts_with = "coins")]
    jump_min_degree: usize,
    /// Flip a coin for every in-edge, as the IMM paper's sampler (and the C++ baseline by default) do.
    #[arg(long)]
    coins: bool,
}

/// Notes on stderr as they come, unless `quiet`.
fn notes(quiet: bool) -> impl Fn(&str) {
    move |note| {
        if !quiet {
            eprintln!("{note}");
        }
    }
}

/// The report as JSON or as `text` writes it ([`print_report`]), and the command is done.
fn render<R: serde::Serialize>(
    json: bool,
    report: &R,
    text: impl FnOnce(&mut dyn std::io::Write, &R) -> Result<()>,
) -> Result<Exit> {
    print_report(json, report, text).map(|()| Exit::Ok)
}

pub fn run(cli: &Ctx, args: &BenchArgs) -> Result<Exit> {
    // The kernels' set-up notes would only come between the results of a text report.
    let setup_notes = notes(cli.quiet || cli.json);
    match &args.what {
        BenchWhat::Spread(a) => spread(cli, a, &setup_notes),
        BenchWhat::Rr(a) => rr(cli, a, &setup_notes),
        BenchWhat::Parse { file, format, runs } => {
            let req = ParseBenchRequest {
                file: file.clone(),
                format: format.format(),
                runs: *runs,
            };
            render(
                cli.json,
                &bench_parse(&req, &notes(cli.quiet))?,
                print::parse,
            )
        }
        BenchWhat::Em { platform, runs } => {
            let req = EmBenchRequest {
                platform: platform.clone(),
                runs: *runs,
                config: EmConfig::default(),
            };
            render(cli.json, &bench_em(&cli.open_store()?, &req)?, print::em)
        }
        BenchWhat::Trust {
            profiles,
            seed,
            runs,
            threads,
        } => {
            let req = TrustBenchRequest {
                profiles: *profiles,
                seed: *seed,
                runs: *runs,
                threads: threads.clone(),
                fields: FieldStyle::Flags,
            };
            render(cli.json, &bench_trust(&req, &setup_notes)?, |out, r| {
                print::trust(out, r, *runs)
            })
        }
        BenchWhat::Watches {
            accounts,
            scored,
            seed,
            runs,
            dir,
        } => {
            let req = earshot_app::bench::watches::WatchesBenchRequest {
                accounts: *accounts,
                scored: *scored,
                seed: *seed,
                runs: *runs,
                dir: dir.clone(),
            };
            let r = earshot_app::bench::watches::bench_watches(&req, &setup_notes)?;
            render(cli.json, &r, |out, r| print::watches(out, r))
        }
        BenchWhat::Copies {
            posts,
            seed,
            runs,
            threads,
        } => {
            let req = CopiesBenchRequest {
                posts: *posts,
                seed: *seed,
                runs: *runs,
                threads: threads.clone(),
                fields: FieldStyle::Flags,
            };
            render(cli.json, &bench_copies(&req, &setup_notes)?, |out, r| {
                print::copies(out, r, *runs)
            })
        }
        BenchWhat::Topics {
            source,
            taxonomy,
            runs,
            threads,
        } => {
            let posts = source.read(cli)?;
            let mut req = TopicsBenchRequest::new(posts.texts, posts.from)?;
            if let Some(path) = taxonomy {
                let matcher = earshot_app::topics::posts::load_taxonomy(path)?;
                req.taxonomy = Some((matcher, path.display().to_string()));
            }
            req.runs = *runs;
            req.threads = threads.clone();
            req.fields = FieldStyle::Flags;
            render(cli.json, &bench_topics(req, &setup_notes)?, |out, r| {
                print::topics(out, r, *runs)
            })
        }
        BenchWhat::Pagerank {
            scale,
            edge_factor,
            seed,
            edges,
            iterations,
            runs,
            threads,
            weighted,
            dump,
        } => {
            let graph = match edges {
                Some(path) => PagerankGraph::EdgeList(path.clone()),
                None => PagerankGraph::Rmat {
                    scale: *scale,
                    edge_factor: *edge_factor,
                    seed: *seed,
                },
            };
            let req = PagerankBenchRequest {
                graph,
                iterations: *iterations,
                runs: *runs,
                threads: threads.clone(),
                weighted: *weighted,
                dump: dump.clone(),
                fields: FieldStyle::Flags,
            };
            render(cli.json, &bench_pagerank(&req, &setup_notes)?, |out, r| {
                print::pagerank(out, r, *runs, *iterations)
            })
        }
        BenchWhat::Import {
            file,
            format,
            runs,
            replay,
            import_args,
            scratch,
        } => {
            let req = ImportBenchRequest {
                file: file.clone(),
                format: format.clone(),
                runs: *runs,
                replay: *replay,
                scratch: scratch.clone(),
                fields: FieldStyle::Flags,
            };
            // Each run is this binary's `import` in a child process, so peak RSS is the import's own.
            let exe = std::env::current_exe()?;
            let import = |db: &Path, input: &Path| {
                let mut c = Command::new(&exe);
                c.arg("--db").arg(db);
                c.args(["--json", "--quiet", "import", "--format", format]);
                c.args(import_args).arg(input);
                c
            };
            let results = bench_import(&req, &import, &notes(cli.quiet))?;
            if cli.json {
                // Pretty and in the report's field order, as BENCHMARKS.md's scripts read it.
                println!("{}", serde_json::to_string_pretty(&results)?);
                return Ok(Exit::Ok);
            }
            print::import(&mut std::io::stdout().lock(), &results)?;
            Ok(Exit::Ok)
        }
    }
}

fn spread(cli: &Ctx, a: &SpreadArgs, note: &dyn Fn(&str)) -> Result<Exit> {
    let model = match a.model {
        ModelArg::Ic => Model::IndependentCascade,
        ModelArg::Lt => Model::LinearThreshold,
    };
    let req = SpreadBenchRequest {
        bench: a.bench.request(),
        model,
        seeds: a.seeds,
        simulations: a.simulations,
    };
    render(cli.json, &bench_spread(&req, note)?, |out, r| {
        print::spread(out, r, a.bench.runs)
    })
}

fn rr(cli: &Ctx, a: &RrArgs, note: &dyn Fn(&str)) -> Result<Exit> {
    let jump_min_in_degree = (!a.coins).then_some(a.jump_min_degree);
    let req = RrBenchRequest {
        bench: a.bench.request(),
        sets: a.sets,
        jump_min_in_degree,
    };
    render(cli.json, &bench_rr(&req, note)?, |out, r| {
        print::rr(out, r, a.bench.runs)
    })
}
