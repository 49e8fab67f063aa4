//! `earshot backtest`: score the past, check against what happened next, beside simple baselines; with
//! `--data`, the same protocol on every real dataset, fitting the score model on early splits.

mod datasets;

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::window::parse_instant;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use earshot_app::backtest::{backtest, fit_on_split, BacktestRequest, Cut, Truth};
use earshot_app::error::UsageError;
use earshot_app::score::load_model;
use std::io::stdout;
use std::path::PathBuf;

/// What counts as engagement in the test window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TruthArg {
    /// Every reaction from another account (replies, mentions, reshares, quotes, likes).
    Reactions,
    /// Only reactions through posts made inside the test window: adoptions of the account's *later*
    /// cascades (for cascade data, where a post's reach is the engagement).
    LaterPosts,
}

impl TruthArg {
    fn truth(self) -> Truth {
        match self {
            TruthArg::Reactions => Truth::Reactions,
            TruthArg::LaterPosts => Truth::LaterPosts,
        }
    }
}

/// Score accounts on events before --train-until and measure how well the scores rank the engagement
/// each account received in [--train-until, --test-until), beside baselines computed on the same
/// training events: reactions received, distinct reactors (in-degree), plain unweighted PageRank, and
/// follower count where profiles have one.
///
/// earshot's predictor is the model's expected engagement (the score before rounding to the 1–100
/// scale); the reliability table compares, per score decile, the engagement the model expected with the
/// engagement that came, with a 95% interval.
///
/// With `--data DIR`, runs every real dataset earshot is validated on (Higgs, CollegeMsg, both bitcoin
/// trust networks, the twitter and douban cascades), each imported into its own database under `--work`:
/// the model is fitted on each dataset's first split, its settings chosen on the second, and the third
/// (test) split is scored once, beside a transfer figure (fitted without the dataset it is tested on).
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  # Higgs: train on the days before the announcement, test on the rest
  earshot backtest --train-until 2012-07-04 --test-until 2012-07-08 --bootstrap 500
  # every dataset, fitting a model and writing it out
  earshot backtest --data ../shared/data --work /tmp/earshot-backtest --fit-out score-v4.json")]
pub struct BacktestArgs {
    /// End of training (exclusive) and start of the test window.
    #[arg(long, required_unless_present = "data")]
    pub train_until: Option<String>,
    /// End of the test window (exclusive).
    #[arg(long, required_unless_present = "data")]
    pub test_until: Option<String>,
    /// Start of training (default: the first event).
    #[arg(long)]
    pub train_from: Option<String>,
    #[arg(long)]
    pub platform: Option<String>,
    /// Score model file (default: built-in).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Cut-off for NDCG and precision.
    #[arg(long, default_value_t = 100)]
    pub k: usize,
    /// Resample the accounts this many times (paired bootstrap, fixed seed) and print a 95% interval
    /// for earshot's lead over each baseline in Spearman's ρ and NDCG: an interval containing 0 means
    /// the data cannot tell the two apart. 0 (the default) skips it; 500 takes ~10 s on Higgs.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub bootstrap: usize,
    /// What counts as engagement in the test window.
    #[arg(long, value_enum, default_value = "reactions")]
    pub truth: TruthArg,
    /// Run every real dataset under this folder (the layout of earshot's shared data: higgs-twitter/,
    /// temporal-interactions/, diffusion-cascades/), fitting and testing the model on each.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["train_until", "test_until", "train_from"])]
    pub data: Option<PathBuf>,
    /// With --data: where the per-dataset databases are kept (reused when they already hold the data).
    #[arg(long, value_name = "DIR", default_value = "earshot-backtest")]
    pub work: PathBuf,
    /// With --data: only these datasets (comma-separated names; default all).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub only: Vec<String>,
    /// With --data: fit on these datasets only (comma-separated names; default every dataset run); the
    /// others are tested with that model, as transfer figures.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub fit_on: Vec<String>,
    /// Write a fitted model to this file. With --data: fitted on every dataset's first split, its
    /// settings chosen on the second. Without: fitted on this split of your own database (features
    /// before --train-until, engagement until --test-until; ridge 0.01, every feature offered, the
    /// scale unchanged); the table printed is the model given, so check the new one on a *later* split
    /// with --model FILE before scoring with it.
    #[arg(long, value_name = "FILE")]
    pub fit_out: Option<PathBuf>,
    /// Also give the reliability with the model's level set on the training window's own last quarter
    /// (at most 7 days): scored at that cut, what those accounts then received against what the model
    /// expected. Uses only data before --train-until; the ranking does not change.
    #[arg(long)]
    pub relevel: bool,
    /// Also draw the reliability table as an SVG reliability diagram in FILE: each score decile's
    /// realised engagement (with its interval) against what the model expected (one split only).
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub chart: Option<PathBuf>,
}

pub fn run(cli: &Ctx, args: &BacktestArgs) -> Result<Exit> {
    if let Some(dir) = &args.data {
        return datasets::run(cli, args, dir);
    }
    let (Some(train_until), Some(test_until)) = (&args.train_until, &args.test_until) else {
        return Err(UsageError("give --train-until and --test-until, or --data".into()).into());
    };
    let split = parse_instant("--train-until", &Some(train_until.clone()))?.unwrap_or(0);
    let end = parse_instant("--test-until", &Some(test_until.clone()))?.unwrap_or(0);
    let from = parse_instant("--train-from", &args.train_from)?;
    if end <= split {
        return Err(UsageError("--test-until must be after --train-until".into()).into());
    }
    let model = load_model(args.model.as_deref())?;
    let store = cli.open_store()?;
    let req = BacktestRequest {
        platform: args.platform.as_deref(),
        cut: Cut {
            train_from: from,
            train_until: split,
            test_until: end,
        },
        model: &model,
        truth: args.truth.truth(),
        k: args.k,
        bootstrap: args.bootstrap,
        relevel: args.relevel,
    };
    if args.bootstrap > 0 && !cli.json && !cli.quiet {
        eprintln!(
            "bootstrapping earshot against each baseline ({} resamples)…",
            args.bootstrap
        );
    }
    let (report, data) = backtest(&store, &req)?;
    if let Some(path) = &args.chart {
        earshot_print::backtest::reliability_chart(path, &report)?;
        eprintln!("reliability diagram written to {}", path.display());
    }
    if cli.json {
        crate::output::print_json(&report)?;
    } else {
        earshot_print::backtest::backtest(&mut stdout().lock(), &report)?;
    }
    if let Some(out) = &args.fit_out {
        let fitted = fit_on_split(&model, &data, cli.db.as_path())?;
        let text = serde_json::to_string_pretty(&fitted)? + "\n";
        std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
        if !cli.json {
            earshot_print::backtest::fitted(&mut stdout().lock(), &fitted.version, out)?;
        }
    }
    Ok(Exit::Ok)
}
