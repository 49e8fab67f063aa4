//! `earshot forecast`: how far a new post of an account will travel, as a distribution, learned from the
//! stored interactions; and `--calibrate`, which checks such forecasts against what later posts reached.

use crate::exit::{Exit, UsageError};
use crate::progress::Report;
use crate::window::parse_instant;
use crate::Cli;
use anyhow::{Context, Result};
use clap::Args;
use earshot_app::accounts::display_name;
use earshot_diffusion::{
    calibrate, learn_reach_model, post_outcomes, Calibration, InteractionRow, PostRow, ReachConfig,
    ReachForecast, ReachModel,
};
use earshot_graph::DenseIds;
use earshot_store::{Store, TimeWindow};
use serde_json::json;
use std::time::{Duration, Instant};

/// Forecast the reach of a new post of ACCOUNT: the distribution of how many accounts will pass it on
/// (mean, p10/p50/p90, P(reach ≥ N)), from Monte Carlo simulations of a model learned from the stored
/// interactions. Reach has two parts: accounts tied to the author that pass the post on (Independent
/// Cascade over learned tie probabilities) and new audience (resampled from the author's past posts,
/// shrunk towards all authors' when its history is short).
#[derive(Args, Debug)]
#[command(
    after_help = "With --calibrate, the model learns from events before --until and forecasts every
author whose posts come after; the report gives the share of those posts whose reach fell inside the
forecast's 80% interval (p10 to p90), beside what a calibrated forecast would give.

Datasets without posts (such as Higgs) get posts derived from bursts of reshares (--burst-gap); their
forecasts are of a post reshared at least once, and say so.

Examples:
  earshot forecast @nasa
  earshot forecast 88 --until 2012-07-04 --reach 50 --reach 500
  earshot forecast --calibrate --until 2012-07-04"
)]
pub struct ForecastArgs {
    /// The author: @handle, handle or platform id (not needed with --calibrate).
    #[arg(required_unless_present = "calibrate")]
    pub account: Option<String>,
    /// Learn from events before this instant (unix seconds or a date like 2012-07-04; default: all).
    #[arg(long)]
    pub until: Option<String>,
    /// Only accounts of this platform.
    #[arg(long)]
    pub platform: Option<String>,
    /// Also print P(reach ≥ N) for these N (repeatable).
    #[arg(long = "reach", value_name = "N")]
    pub reach: Vec<u32>,
    /// Monte Carlo simulations per forecast.
    #[arg(long, default_value_t = 10_000)]
    pub simulations: usize,
    /// Random seed: the same seed gives the same forecast on any number of threads.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Longest silence, in seconds, inside one derived post's burst of reshares.
    #[arg(long, default_value_t = 3600)]
    pub burst_gap: i64,
    /// κ: posts of its own an author needs before its history outweighs all authors'.
    #[arg(long, default_value_t = 5.0)]
    pub shrinkage: f64,
    /// Weight, in exposures, of the pooled prior on each tie's probability.
    #[arg(long, default_value_t = 20.0)]
    pub prior_strength: f64,
    /// Score forecasts learned before --until against the reach of every post after it.
    #[arg(long, requires = "until")]
    pub calibrate: bool,
    /// With --calibrate: score only posts before this instant (default: all after --until).
    #[arg(long, requires = "calibrate")]
    pub score_until: Option<String>,
    /// With --calibrate: simulations per author.
    #[arg(long, default_value_t = 1000)]
    pub calibrate_simulations: usize,
}

/// Stored posts and interactions over dense ids.
struct Stored {
    ids: DenseIds,
    posts: Vec<PostRow>,
    interactions: Vec<InteractionRow>,
}

fn load(store: &Store, window: TimeWindow, platform: Option<&str>) -> Result<Stored> {
    let mut ids = DenseIds::new();
    let rows = earshot_app::sources::diffusion::read(store, window, platform, &mut ids, true)?;
    Ok(Stored {
        ids,
        posts: rows.posts,
        interactions: rows.interactions,
    })
}

fn config(a: &ForecastArgs) -> ReachConfig {
    ReachConfig {
        burst_gap: a.burst_gap,
        shrinkage: a.shrinkage,
        prior_strength: a.prior_strength,
        ..ReachConfig::default()
    }
}

fn learn(a: &ForecastArgs, stored: &Stored) -> Result<ReachModel> {
    learn_reach_model(
        stored.ids.len() as u32,
        &stored.posts,
        &stored.interactions,
        &config(a),
    )
    .map_err(|e| UsageError(format!("cannot learn a forecast: {e}")).into())
}

/// The events a forecast learns from: everything before `until`, or everything.
fn learn_window(until: Option<i64>) -> TimeWindow {
    match until {
        Some(t) => TimeWindow {
            from: None,
            to: Some(t),
        },
        None => TimeWindow::all(),
    }
}

/// The forecast of one account's next post, with what it was learned from: what `earshot forecast
/// ACCOUNT` prints and the API's forecast job returns.
pub(crate) struct AccountForecast {
    /// The account as a person would name it.
    pub name: String,
    pub seed: u64,
    /// Learned from events before this instant.
    pub until: Option<i64>,
    /// Thresholds N of P(reach ≥ N), ascending.
    pub thresholds: Vec<u32>,
    pub forecast: ReachForecast,
    pub model: ReachModel,
    /// Reading and learning, wall clock.
    pub learned_in: Duration,
}

/// Forecast `a.account`'s next post from the events before `until` (parsed from `a.until`), telling
/// `progress` how far it got: reading, learning, then the simulations. An unknown account is
/// [`crate::exit::Missing`]; one without interactions to learn from, a [`UsageError`].
pub(crate) fn forecast_account(
    store: &Store,
    a: &ForecastArgs,
    until: Option<i64>,
    progress: Report<'_>,
) -> Result<AccountForecast> {
    if a.simulations == 0 {
        return Err(UsageError("simulations must be at least 1".into()).into());
    }
    let platform = a.platform.as_deref();
    let query = a.account.as_deref().unwrap_or_default();
    let account = earshot_app::accounts::resolve(store, query, platform)?;
    let name = display_name(store, account)?;
    let started = Instant::now();
    progress(0.0, "reading the stored interactions");
    let stored = load(store, learn_window(until), platform)?;
    progress(0.2, "learning the reach model");
    let model = learn(a, &stored)?;
    let learned_in = started.elapsed();
    let Some(author) = stored.ids.get(account) else {
        return Err(UsageError(format!(
            "{name} has no interactions{} to learn from",
            a.until
                .as_ref()
                .map(|u| format!(" before {u}"))
                .unwrap_or_default()
        ))
        .into());
    };
    progress(0.4, "simulating cascades");
    let forecast = model
        .forecast_reporting(author, a.simulations, a.seed, a.threads, &|p| {
            progress(0.4 + 0.6 * p, "simulating cascades")
        })
        .context("forecasting")?;
    let mut thresholds: Vec<u32> = if a.reach.is_empty() {
        [1, 10, 100, 1000]
            .into_iter()
            .filter(|&n| n <= forecast.reach.max.max(10))
            .collect()
    } else {
        a.reach.clone()
    };
    thresholds.sort_unstable();
    thresholds.dedup();
    Ok(AccountForecast {
        name,
        seed: a.seed,
        until,
        thresholds,
        forecast,
        model,
        learned_in,
    })
}

impl AccountForecast {
    /// `earshot --json forecast ACCOUNT`'s output.
    pub fn json(&self) -> serde_json::Value {
        let (f, model) = (&self.forecast, &self.model);
        let r = &f.reach;
        let p: Vec<_> = self
            .thresholds
            .iter()
            .map(|&n| json!({"n": n, "probability": r.probability_at_least(n)}))
            .collect();
        json!({
            "account": self.name, "model": "independent cascade + new audience",
            "simulations": r.simulations, "seed": self.seed, "conditional_on_one_reshare": f.conditional,
            "mean": r.mean, "std_error": r.std_error, "p10": r.p10, "p50": r.p50, "p90": r.p90,
            "min": r.min, "max": r.max, "probability_at_least": p,
            "mean_through_ties": f.mean_through_ties, "mean_new_audience": f.mean_new_audience,
            "own_posts": f.own_posts, "own_weight": f.own_weight,
            "learned": {"posts": model.posts, "derived_posts": model.derived_posts,
                "ties": model.graph().edges(), "pooled_tie_rate": model.prior_mean,
                "until": self.until},
        })
    }
}

pub fn run(cli: &Cli, a: &ForecastArgs) -> Result<Exit> {
    if a.simulations == 0 || a.calibrate_simulations == 0 {
        return Err(UsageError("simulations must be at least 1".into()).into());
    }
    let store = Store::open_existing(&cli.db)?;
    let until = parse_instant("--until", &a.until)?;
    if a.calibrate {
        let stored = load(&store, learn_window(until), a.platform.as_deref())?;
        let model = learn(a, &stored)?;
        return run_calibrate(cli, a, &store, stored, &model, until.unwrap_or(i64::MAX));
    }
    let out = forecast_account(&store, a, until, &|_, _| {})?;
    if cli.json {
        println!("{}", out.json());
        return Ok(Exit::Ok);
    }
    let AccountForecast {
        name,
        thresholds,
        forecast: f,
        model,
        learned_in,
        ..
    } = out;
    let r = &f.reach;
    println!(
        "Reach of a new post by {name}: Independent Cascade over learned ties plus new audience, {} simulations (seed {})",
        r.simulations, a.seed
    );
    if f.conditional {
        println!("  of a post reshared at least once: this account's posts are derived from bursts of reshares");
    }
    println!(
        "  mean {:.1} (95% CI ± {:.1}), p10 {}, p50 {}, p90 {}, range {}–{}",
        r.mean,
        1.96 * r.std_error,
        r.p10,
        r.p50,
        r.p90,
        r.min,
        r.max
    );
    for n in thresholds {
        println!("  P(reach ≥ {n}) = {:.3}", r.probability_at_least(n));
    }
    println!(
        "  expected through ties {:.2}, from new audience {:.2}",
        f.mean_through_ties, f.mean_new_audience
    );
    println!(
        "Learned from {} posts ({} derived from reshares){}, {} ties (pooled tie rate {:.2}%), in {:.1} s; \
         {} of the posts are this account's (history weight {:.2}).",
        model.posts,
        model.derived_posts,
        a.until
            .as_ref()
            .map(|u| format!(" before {u}"))
            .unwrap_or_default(),
        model.graph().edges(),
        100.0 * model.prior_mean,
        learned_in.as_secs_f64(),
        f.own_posts,
        f.own_weight
    );
    Ok(Exit::Ok)
}

fn run_calibrate(
    cli: &Cli,
    a: &ForecastArgs,
    store: &Store,
    learned: Stored,
    model: &ReachModel,
    cut: i64,
) -> Result<Exit> {
    let started = Instant::now();
    // The later events, over the same dense ids (new accounts get new ids, beyond the model's graph).
    let Stored { mut ids, .. } = learned;
    let window = TimeWindow {
        from: Some(cut),
        to: parse_instant("--score-until", &a.score_until)?,
    };
    let later = earshot_app::sources::diffusion::read(
        store,
        window,
        a.platform.as_deref(),
        &mut ids,
        true,
    )?;
    let outcomes = post_outcomes(
        ids.len() as u32,
        &later.posts,
        &later.interactions,
        &config(a),
    )?;
    let authors = {
        let mut v: Vec<u32> = outcomes.iter().map(|o| o.author).collect();
        v.dedup();
        v.len() as u64
    };
    let bar = crate::progress::count_bar(authors, "authors", cli.quiet);
    let report = calibrate(
        model,
        &outcomes,
        a.calibrate_simulations,
        a.seed,
        a.threads,
        &|| bar.inc(1),
    )?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let rows = [
        ("all posts", &report.all),
        ("authors with posts before", &report.with_history),
        ("authors without", &report.without_history),
    ];
    if cli.json {
        let part = |c: &Calibration| {
            json!({"posts": c.outcomes, "inside_p10_p90": c.interval_coverage(),
                   "forecast_mass_p10_p90": c.interval_mass(), "central_80_randomized_pit": c.central_80_coverage(),
                   "pit_tenths": c.pit_histogram(), "mean_crps": c.mean_crps()})
        };
        println!(
            "{}",
            json!({
                "until": cut, "learned_posts": model.posts, "learned_derived_posts": model.derived_posts,
                "ties": model.graph().edges(), "pooled_tie_rate": model.prior_mean,
                "simulations_per_author": a.calibrate_simulations, "seed": a.seed,
                "authors_forecast": report.authors, "authors_first_seen_after": report.newcomers,
                "all": part(&report.all), "with_history": part(&report.with_history),
                "without_history": part(&report.without_history), "seconds": elapsed,
            })
        );
        return Ok(Exit::Ok);
    }
    println!(
        "Learned before {}: {} posts ({} derived from reshares), {} ties, pooled tie rate {:.2}%.",
        a.until.as_deref().unwrap_or_default(),
        model.posts,
        model.derived_posts,
        model.graph().edges(),
        100.0 * model.prior_mean
    );
    println!(
        "Scored {} later posts of {} authors ({} first seen after the cut, forecast as newcomers), {} simulations per author, in {:.1} s.",
        report.all.outcomes,
        report.authors,
        report.newcomers,
        a.calibrate_simulations,
        elapsed
    );
    println!(
        "{:<28} {:>8} {:>14} {:>14} {:>18} {:>10}",
        "", "posts", "in [p10,p90]", "its mass", "central 80% (PIT)", "mean CRPS"
    );
    for (label, c) in rows {
        println!(
            "{label:<28} {:>8} {:>13.1}% {:>13.1}% {:>17.1}% {:>10.2}",
            c.outcomes,
            100.0 * c.interval_coverage(),
            100.0 * c.interval_mass(),
            100.0 * c.central_80_coverage(),
            c.mean_crps()
        );
    }
    let tenths: Vec<String> = report
        .all
        .pit_histogram()
        .iter()
        .map(|x| format!("{:.3}", x))
        .collect();
    println!(
        "Randomized PIT by tenths (0.100 each if calibrated; heavy first tenths = reach below forecast): {}",
        tenths.join(" ")
    );
    println!("A calibrated forecast puts 80% of outcomes in the central 80% of the PIT, and about \"its mass\" inside [p10, p90];");
    println!("CRPS (in accounts, lower is better) also rewards sharpness.");
    Ok(Exit::Ok)
}
