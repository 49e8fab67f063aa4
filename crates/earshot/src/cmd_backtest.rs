//! `earshot backtest`: score the past, check against what happened next, beside simple baselines.

use crate::cmd_score::load_model;
use crate::exit::{Exit, UsageError};
use crate::scoring::{load_input, reaction, Text};
use crate::window::parse_instant;
use crate::Cli;
use anyhow::{Context, Result};
use clap::Args;
use earshot_model::format_utc;
use earshot_score::backtest::{
    baselines, engagement, evaluate, paired_bootstrap, Interval, Metrics,
};
use earshot_score::{score, Reaction};
use earshot_store::{Store, TimeWindow};
use std::path::PathBuf;

/// Score accounts on events before --train-until and measure how well the scores rank the engagement
/// each account received in [--train-until, --test-until), beside baselines computed on the same
/// training events: reactions received, distinct reactors (in-degree), plain unweighted PageRank, and
/// follower count where profiles have one.
#[derive(Args, Debug)]
#[command(
    after_help = "Example (Higgs: train on the days before the announcement, test on the rest):
  earshot backtest --train-until 2012-07-04 --test-until 2012-07-08"
)]
pub struct BacktestArgs {
    /// End of training (exclusive) and start of the test window.
    #[arg(long)]
    pub train_until: String,
    /// End of the test window (exclusive).
    #[arg(long)]
    pub test_until: String,
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
}

#[derive(serde::Serialize)]
struct Row {
    predictor: String,
    #[serde(flatten)]
    metrics: Metrics,
    /// For baselines with --bootstrap: 95% intervals of (earshot − this) in Spearman's ρ and NDCG.
    #[serde(skip_serializing_if = "Option::is_none")]
    earshot_lead: Option<Lead>,
}

#[derive(serde::Serialize, Clone, Copy)]
struct Lead {
    spearman: Interval,
    ndcg: Interval,
}

pub fn run(cli: &Cli, args: &BacktestArgs) -> Result<Exit> {
    let split = parse_instant("--train-until", &Some(args.train_until.clone()))?.unwrap_or(0);
    let end = parse_instant("--test-until", &Some(args.test_until.clone()))?.unwrap_or(0);
    let from = parse_instant("--train-from", &args.train_from)?;
    if end <= split {
        return Err(UsageError("--test-until must be after --train-until".into()).into());
    }
    let model = load_model(args.model.as_deref())?;
    let store = Store::open_existing(&cli.db)
        .with_context(|| format!("opening database {}", cli.db.display()))?;
    let train_window = TimeWindow {
        from,
        to: Some(split),
    };
    let trust = earshot_trust::TrustModel::builtin();
    let (train, train_n) =
        load_input(&store, train_window, args.platform.as_deref(), Some(&trust))?;
    let table = score(&train, &model, &Text)?;
    let mut test: Vec<Reaction> = Vec::new();
    let test_n = store.scan_interactions(
        TimeWindow {
            from: Some(split),
            to: Some(end),
        },
        args.platform.as_deref(),
        |r| test.push(reaction(r)),
    )?;
    let truth = engagement(&test, &table.accounts);
    let base = baselines(&train.reactions, &table.accounts)?;
    if args.bootstrap > 0 && !cli.json {
        eprintln!(
            "bootstrapping earshot against each baseline ({} resamples of {} accounts)…",
            args.bootstrap,
            table.len()
        );
    }
    let lead = |baseline: &[f64]| {
        paired_bootstrap(
            &table.overall,
            baseline,
            &truth,
            args.k,
            args.bootstrap,
            0x5EED,
        )
        .map(|(spearman, ndcg)| Lead { spearman, ndcg })
    };
    let mut rows = vec![
        Row {
            predictor: format!("earshot overall ({})", model.version),
            metrics: evaluate(&table.overall, &truth, args.k),
            earshot_lead: None,
        },
        Row {
            predictor: "baseline: reactions received".into(),
            metrics: evaluate(&base.received, &truth, args.k),
            earshot_lead: lead(&base.received),
        },
        Row {
            predictor: "baseline: distinct reactors".into(),
            metrics: evaluate(&base.distinct_reactors, &truth, args.k),
            earshot_lead: lead(&base.distinct_reactors),
        },
        Row {
            predictor: "baseline: unweighted PageRank".into(),
            metrics: evaluate(&base.pagerank, &truth, args.k),
            earshot_lead: lead(&base.pagerank),
        },
    ];
    let followers: Vec<f64> = table
        .accounts
        .iter()
        .map(|a| train.followers.get(a).map_or(0.0, |&f| f as f64))
        .collect();
    if followers.iter().any(|&f| f > 0.0) {
        rows.push(Row {
            predictor: "baseline: follower count".into(),
            metrics: evaluate(&followers, &truth, args.k),
            earshot_lead: lead(&followers),
        });
    }
    for c in earshot_score::Component::ALL {
        if table.weights[c.index()] > 0.0 {
            rows.push(Row {
                predictor: format!("component: {}", c.name()),
                metrics: evaluate(&table.raw[c.index()], &truth, args.k),
                earshot_lead: None,
            });
        }
    }
    let engaged = truth.iter().filter(|&&t| t > 0.0).count();
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "train": {"from": from, "until": split, "interactions": train_n},
                "test": {"from": split, "until": end, "interactions": test_n},
                "accounts": table.len(), "accounts_engaged_in_test": engaged, "k": args.k, "results": rows,
            })
        );
        return Ok(Exit::Ok);
    }
    println!(
        "train: {} interactions before {} UTC; test: {} interactions in [{}, {}) UTC",
        train_n,
        format_utc(split),
        test_n,
        format_utc(split),
        format_utc(end)
    );
    println!(
        "{} accounts scored on training; {} of them received engagement in the test window\n",
        table.len(),
        engaged
    );
    println!(
        "  {:<40} {:>10} {:>9} {:>13}",
        "predictor",
        "Spearman",
        format!("NDCG@{}", args.k),
        format!("precision@{}", args.k)
    );
    for r in &rows {
        println!(
            "  {:<40} {:>10.4} {:>9.4} {:>13.3}",
            r.predictor, r.metrics.spearman, r.metrics.ndcg, r.metrics.precision
        );
    }
    let leads: Vec<(&str, Lead)> = rows
        .iter()
        .filter_map(|r| r.earshot_lead.map(|l| (r.predictor.as_str(), l)))
        .collect();
    if !leads.is_empty() {
        println!(
            "\n  earshot's lead, 95% interval ({} paired resamples)  {:>21} {:>21}",
            args.bootstrap,
            "Spearman",
            format!("NDCG@{}", args.k)
        );
        for (name, l) in leads {
            println!(
                "  over {:<46} [{:+.4}, {:+.4}]    [{:+.4}, {:+.4}]",
                name.trim_start_matches("baseline: "),
                l.spearman.low,
                l.spearman.high,
                l.ndcg.low,
                l.ndcg.high
            );
        }
    }
    Ok(Exit::Ok)
}
