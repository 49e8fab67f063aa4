//! `earshot backtest`: score the past, check against what happened next, beside simple baselines; with
//! `--data`, the same protocol on every real dataset, fitting the score model on early splits.

mod datasets;
mod report;
mod split;

use crate::ctx::Ctx;
use crate::exit::{Exit, UsageError};
use crate::window::parse_instant;
use anyhow::{Context, Result};
use clap::Args;
use earshot_app::score::load_model;
use earshot_store::Store;
use split::{Cut, SplitData, Truth};
use std::path::PathBuf;

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
    pub truth: Truth,
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
}

/// The reliability with the level a training window's last quarter sets.
#[derive(serde::Serialize)]
struct Relevel {
    hours: f64,
    /// What the last quarter received over what the model expected of it.
    factor: f64,
    deciles_inside: usize,
}

fn relevel(
    store: &Store,
    args: &BacktestArgs,
    data: &SplitData,
    model: &earshot_score::ScoreModel,
    predictor: &earshot_score::Predictor,
    scale: &earshot_score::Scale,
) -> Result<Relevel> {
    let start = match data.cut.train_from {
        Some(t) => t,
        None => store.stats(0)?.first_time.unwrap_or(data.cut.train_until),
    };
    let h = earshot_score::recent_secs((data.cut.train_until - start) as f64) as i64;
    let inner = SplitData::load(
        store,
        args.platform.as_deref(),
        Cut {
            train_from: data.cut.train_from,
            train_until: data.cut.train_until - h,
            test_until: data.cut.train_until,
        },
        model,
        args.truth,
    )?;
    let factor = inner.level(predictor);
    let mut leveled = predictor.clone();
    leveled.intercept += factor.ln();
    let r = report::SplitReport::new(data, "relevel", Some((&leveled, scale)), None, args.k, 0);
    Ok(Relevel {
        hours: h as f64 / 3600.0,
        factor,
        deciles_inside: r.deciles_inside(),
    })
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
    let cut = Cut {
        train_from: from,
        train_until: split,
        test_until: end,
    };
    let data = SplitData::load(&store, args.platform.as_deref(), cut, &model, args.truth)?;
    if args.bootstrap > 0 && !cli.json {
        eprintln!(
            "bootstrapping earshot against each baseline ({} resamples of {} accounts)…",
            args.bootstrap,
            data.table.len()
        );
    }
    let predictor = model.predictor.as_ref().zip(model.scale.as_ref());
    let relevel = match predictor {
        Some((p, scale)) if args.relevel => Some(relevel(&store, args, &data, &model, p, scale)?),
        _ => None,
    };
    let report = report::SplitReport::new(
        &data,
        &model.version,
        predictor,
        None,
        args.k,
        args.bootstrap,
    );
    if cli.json {
        let mut v = serde_json::to_value(&report)?;
        if let (Some(r), Some(map)) = (&relevel, v.as_object_mut()) {
            map.insert("relevel".into(), serde_json::to_value(r)?);
        }
        println!("{v}");
    } else {
        report.print();
        if let Some(r) = &relevel {
            println!(
                "\n  with the level set on the training window's last {:.1} h (it received ×{:.3} what the model expected): {} of 10 deciles inside",
                r.hours, r.factor, r.deciles_inside
            );
        }
    }
    if let Some(out) = &args.fit_out {
        let fitted = fit_on_split(&model, &data, cli.db.as_path())?;
        let text = serde_json::to_string_pretty(&fitted)? + "\n";
        std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
        if !cli.json {
            println!(
                "\nmodel {} fitted on this split written to {}; check it on a later split with --model",
                fitted.version,
                out.display()
            );
        }
    }
    Ok(Exit::Ok)
}

/// The settings a model fitted on one database's split takes: the built-in model's choice on Higgs.
const LOCAL_L2: f64 = 0.01;

/// `model` with its predictor refitted on `data` (every feature offered, coefficients ≥ 0), keeping its
/// components' settings and its scale (the scale is a definition, not fitted).
fn fit_on_split(
    model: &earshot_score::ScoreModel,
    data: &SplitData,
    db: &std::path::Path,
) -> Result<earshot_score::ScoreModel> {
    let scale = model.scale.unwrap_or(earshot_score::Scale::DEFINED);
    let described = format!(
        "Poisson GLM (log link, coefficients >= 0), ridge {LOCAL_L2}, every feature offered; fitted on {} with features before {} and engagement until {}",
        db.display(),
        earshot_model::format_utc(data.cut.train_until),
        earshot_model::format_utc(data.cut.test_until)
    );
    let predictor = earshot_score::fit::fit_predictor(
        &data.samples(1.0, 0),
        LOCAL_L2,
        &earshot_score::Feature::ALL,
        described,
    )
    .context("fitting the predictor on this split")?;
    Ok(earshot_score::ScoreModel {
        version: format!("{}-local", model.version.trim_end_matches("-local")),
        predictor: Some(predictor),
        scale: Some(scale),
        ..model.clone()
    })
}
