//! `earshot forecast`: how far a new post of an account will travel, as a distribution, learned from the
//! stored interactions; and `--calibrate`, which checks such forecasts against what later posts reached.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::print_json;
use crate::window::parse_instant;
use anyhow::Result;
use clap::Args;
use earshot_app::error::UsageError;
use earshot_app::forecast::{
    calibrate_forecasts, forecast_account, CalibrationRequest, ForecastRequest, Learning,
};
use earshot_app::time::parse_given;
use earshot_store::Store;
use std::io::stdout;

/// Forecast the reach of a new post of ACCOUNT: the distribution of how many accounts will pass it on
/// (mean, p10/p50/p90, P(reach ≥ N)), from Monte Carlo simulations of a model learned from the stored
/// interactions. Each simulation draws one of the author's past posts (or, for a short history, all
/// authors') and adds two parts: the accounts tied to the author (followers, earlier reactors) that pass
/// it on, each with its learned probability scaled by how that past post did among its ties, and the
/// new audience that past post found.
#[derive(Args, Debug)]
#[command(
    after_help = "With --calibrate, the model learns from events before --until and forecasts every
post made after it; the report gives the share of those posts whose whole cascade fell inside the
forecast's 80% interval (p10 to p90) and the randomized PIT by tenths, beside two baselines (the
crowd: every earlier post's reach; the author's last post's reach) with paired intervals on CRPS.
Reach drifts: --since, --crowd-recent and --whole-cascades choose what is learned from;
--history-only and --em choose the model (EVALUATION.md has which won where).

A reshare that names its post counts for that post. Datasets without posts (such as Higgs) get
posts derived from bursts of reshares (--burst-gap); their forecasts are of a post reshared at
least once, and say so.

With --doubling, the question is Cheng et al.'s (WWW 2014): of the posts with at least --k
reshares, which reach twice as many? A logistic regression on what was seen by the k-th reshare
(its speed, the author's and the early adopters' earlier cascades) is fitted on posts before
--until, its setting chosen on posts before --score-until and tested once on the rest, beside
the majority class. With --post ID --at T: one post as it stood at T, and its chance to double
once it has k reshares.

Examples:
  earshot forecast @nasa
  earshot forecast 88 --until 2012-07-04 --reach 50 --reach 500
  earshot forecast 88 --chart reach.svg          the distribution as a chart, p10/p50/p90 marked
  earshot forecast --calibrate --until 2012-07-04
  earshot forecast --doubling --until 1285423889 --score-until 1285476833
  earshot forecast --post cascades.txt:923 --at 1285539814"
)]
pub struct ForecastArgs {
    /// The author: @handle, handle or platform id (not needed with --calibrate).
    #[arg(required_unless_present_any = ["calibrate", "doubling", "post"])]
    pub account: Option<String>,
    /// Learn from events before this instant (unix seconds or a date like 2012-07-04; default: all).
    #[arg(long)]
    pub until: Option<String>,
    /// Only accounts of this platform.
    #[arg(long)]
    pub platform: Option<String>,
    /// Also draw the reach distribution as an SVG chart in FILE: the probability of reaching at
    /// least n accounts against n (log scale), with p10, p50 and p90 marked.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<std::path::PathBuf>,
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
    #[command(flatten)]
    pub learn: LearningArgs,
    /// Score forecasts learned before --until against the reach of every post after it.
    #[arg(long, requires = "until")]
    pub calibrate: bool,
    /// With --calibrate: score only posts before this instant (default: all after --until). With
    /// --doubling: choose the setting on posts before it, test on posts after it.
    #[arg(long)]
    pub score_until: Option<String>,
    /// With --calibrate: learn the posts made before --until with their whole cascades (reshares after
    /// it included), as the cascade benchmarks' training splits are. By default only what was seen by
    /// --until is learned, as a forecast made then would; nothing of the posts scored is learned either
    /// way, but the ties the later reshares make are, which can inflate the forecasts.
    #[arg(long, requires = "calibrate")]
    pub whole_cascades: bool,
    /// With --calibrate: simulations per author.
    #[arg(long, default_value_t = 1000)]
    pub calibrate_simulations: usize,
    #[command(flatten)]
    pub doubling: crate::cmd_doubling::DoublingArgs,
}

impl ForecastArgs {
    /// The request these arguments make, with `until` parsed.
    pub fn request(&self) -> Result<ForecastRequest> {
        Ok(ForecastRequest {
            account: self.account.clone().unwrap_or_default(),
            platform: self.platform.clone(),
            until: parse_given("--until", &self.until)?,
            reach: self.reach.clone(),
            simulations: self.simulations,
            seed: self.seed,
            threads: self.threads,
            learning: self.learning()?,
        })
    }

    fn learning(&self) -> Result<Learning> {
        self.learn.learning()
    }
}

/// How a reach model is learned: shared by `forecast` and `price`.
#[derive(Args, Debug)]
pub struct LearningArgs {
    /// Longest silence, in seconds, inside one derived post's burst of reshares.
    #[arg(long, default_value_t = 3600)]
    pub burst_gap: i64,
    /// κ: posts of its own an author needs before its history outweighs all authors'.
    #[arg(long, default_value_t = 5.0)]
    pub shrinkage: f64,
    /// Weight, in exposures, of the pooled prior on each tie's probability.
    #[arg(long, default_value_t = 20.0)]
    pub prior_strength: f64,
    /// Draw an author's new audience from its latest N posts only (0: all its posts).
    #[arg(long, default_value_t = 0)]
    pub recent_posts: usize,
    /// Forecast authors without history from the latest N posts of all authors (0: every post): reach
    /// drifts over time.
    #[arg(long, default_value_t = 0)]
    pub crowd_recent: usize,
    /// Learn only from events at or after this instant (unix seconds or a date; default: from the
    /// start). Reach drifts, so old cascades can mislead; the social graph's follows are always kept.
    #[arg(long)]
    pub since: Option<String>,
    /// Forecast from history alone: each simulated post reaches what a past post of the author (or the
    /// crowd's) reached, ignoring who is tied to the author now.
    #[arg(long)]
    pub history_only: bool,
    /// Spread over the follow graph (imported follow edges, such as a cascade dataset's edges.txt) hop by
    /// hop, with Independent Cascade probabilities fitted by Saito et al.'s EM on the stored cascades;
    /// new audience is then what past posts reached outside the graph.
    #[arg(long)]
    pub em: bool,
}

impl LearningArgs {
    pub fn learning(&self) -> Result<Learning> {
        Ok(Learning {
            burst_gap: self.burst_gap,
            shrinkage: self.shrinkage,
            prior_strength: self.prior_strength,
            recent_posts: self.recent_posts,
            crowd_recent: self.crowd_recent,
            since: parse_instant("--since", &self.since)?,
            history_only: self.history_only,
            em: self.em,
        })
    }
}

pub fn run(cli: &Ctx, a: &ForecastArgs) -> Result<Exit> {
    if a.doubling.wanted() {
        let (d, platform) = (&a.doubling, &a.platform);
        return crate::cmd_doubling::run(cli, d, &a.until, &a.score_until, platform, a.seed);
    }
    if a.score_until.is_some() && !a.calibrate {
        return Err(UsageError("--score-until goes with --calibrate or --doubling".into()).into());
    }
    if a.simulations == 0 || a.calibrate_simulations == 0 {
        return Err(UsageError("simulations must be at least 1".into()).into());
    }
    let store = cli.open_store()?;
    let req = a.request()?;
    if a.calibrate {
        return run_calibrate(cli, a, &store, req.until.map_or(i64::MAX, |u| u.at));
    }
    let out = forecast_account(&store, &req, &|_, _| {})?;
    if let Some(path) = &a.chart {
        earshot_print::forecast::forecast_chart(path, &out)?;
        eprintln!("chart written to {}", path.display());
    }
    if cli.json {
        print_json(&out.report())?;
        return Ok(Exit::Ok);
    }
    earshot_print::forecast::forecast(&mut stdout().lock(), &out, a.until.as_deref())?;
    Ok(Exit::Ok)
}

fn run_calibrate(cli: &Ctx, a: &ForecastArgs, store: &Store, cut: i64) -> Result<Exit> {
    let req = CalibrationRequest {
        platform: a.platform.clone(),
        cut,
        score_until: parse_instant("--score-until", &a.score_until)?,
        learning: a.learning()?,
        simulations: a.calibrate_simulations,
        seed: a.seed,
        threads: a.threads,
        whole_cascades: a.whole_cascades,
    };
    let bar = crate::progress::count_bar(0, "authors", cli.quiet);
    let summary = calibrate_forecasts(store, &req, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    if cli.json {
        print_json(&summary)?;
        return Ok(Exit::Ok);
    }
    let until = a.until.as_deref().unwrap_or_default();
    earshot_print::forecast::calibration(&mut stdout().lock(), &summary, until)?;
    Ok(Exit::Ok)
}
