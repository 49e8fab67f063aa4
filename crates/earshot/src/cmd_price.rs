//! `earshot price`: what one sponsored post by an account is worth, as a distribution; `--compare`, a
//! candidate list ranked by authentic engagement per unit of cost; `--calibrate`, the price backtest.

use crate::cmd_forecast::LearningArgs;
use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::print_json;
use crate::window::parse_instant;
use anyhow::{Context, Result};
use clap::Args;
use earshot_app::error::{FieldStyle, UsageError};
use earshot_app::forecast::{CalibrationRequest, ForecastRequest};
use earshot_app::price::{
    calibrate_prices, compare, counting, price, AccountList, CompareRequest, CountingRequest,
    PriceRequest, Rate,
};
use earshot_app::time::parse_given;
use std::io::stdout;
use std::path::PathBuf;

/// Price one sponsored post by ACCOUNT: the distribution (mean, p10/p50/p90) of the authentic
/// accounts inside your audience that will pass it on, times your rate. The reach forecast is
/// `earshot forecast`'s; each simulated reach keeps the share of the author's past adopters that were
/// authentic (authenticity ≥ 0.5 in the latest score run, or --run) and in the audience, and the gap
/// between the reach and what is kept is shown as the authenticity discount.
#[derive(Args, Debug)]
#[command(
    after_help = "Reach is accounts that acted on a post (passed it on), which interaction data show;
impressions they do not, so --cpm prices a thousand acting accounts, a floor on what a CPM on
views would pay. A price needs a score run to judge authenticity: run `earshot score` first.

--audience FILE is a CSV with an `account` column (handle, @handle or platform id); --topic T
keeps only accounts the run scored in topic T; with both, the audience is their intersection.

--compare FILE is a CSV with `account` and `cost` (the asking price of one post): the list is
ranked by expected authentic engagements per unit of cost, and accounts whose past adopters were
mostly doubtful (or outside the audience) are flagged. With a rate, each fair value is set beside
its cost.

--calibrate is the backtest: forecasts learned before --until are scored against the authentic
engagement each later post drew; about 80% should fall inside the quoted 80% range
(EVALUATION.md, \"Prices\").

Examples:
  earshot price @nasa --cpm 12
  earshot price 88 --cost-per-engagement 0.40 --audience customers.csv
  earshot price 88 --cpm 12 --topic science --until 2012-07-04
  earshot price --compare candidates.csv --cost-per-engagement 0.40
  earshot price --calibrate --until 2012-07-04 --shrinkage 20"
)]
pub struct PriceArgs {
    /// The account: @handle, handle or platform id (not needed with --compare or --calibrate).
    #[arg(required_unless_present_any = ["compare", "calibrate"], conflicts_with_all = ["compare", "calibrate"])]
    pub account: Option<String>,
    /// Rate per thousand authentic accounts reached (who passed the post on).
    #[arg(long, conflicts_with = "cost_per_engagement")]
    pub cpm: Option<f64>,
    /// Rate per authentic engagement (one authentic account passing the post on).
    #[arg(long)]
    pub cost_per_engagement: Option<f64>,
    /// Only accounts the score run places in this topic (key or label) are the audience.
    #[arg(long)]
    pub topic: Option<String>,
    /// The audience: a CSV with an `account` column; only these accounts count.
    #[arg(long, value_name = "FILE")]
    pub audience: Option<PathBuf>,
    /// Rank the candidates of this CSV (`account`, `cost`) by authentic engagement per unit of cost.
    #[arg(long, value_name = "FILE", conflicts_with = "calibrate")]
    pub compare: Option<PathBuf>,
    /// Backtest: price every post after --until with a model learned before it, and report how often
    /// the authentic engagement it drew fell inside the quoted 80% range (and p10-p90).
    #[arg(long, requires = "until", conflicts_with_all = ["cpm", "cost_per_engagement", "simulations"])]
    pub calibrate: bool,
    /// The score run whose authenticity weights (and topics) are used (default: the latest).
    #[arg(long)]
    pub run: Option<i64>,
    /// Learn from events before this instant (unix seconds or a date like 2012-07-04; default: all).
    #[arg(long)]
    pub until: Option<String>,
    /// Only accounts of this platform.
    #[arg(long)]
    pub platform: Option<String>,
    /// Monte Carlo simulations per account priced.
    #[arg(long, default_value_t = 10_000)]
    pub simulations: usize,
    /// Random seed: the same seed gives the same price on any number of threads.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// With --calibrate: score only posts before this instant (default: all after --until).
    #[arg(long, requires = "calibrate")]
    pub score_until: Option<String>,
    /// With --calibrate: learn the posts before --until with their whole cascades (as the cascade
    /// benchmarks' training splits are); see `earshot forecast --help`.
    #[arg(long, requires = "calibrate")]
    pub whole_cascades: bool,
    /// With --calibrate: score the whole reach forecast against authentic engagement, as a price that
    /// ignored authenticity and the audience would (the ablation EVALUATION.md reports).
    #[arg(long, requires = "calibrate")]
    pub undiscounted: bool,
    /// With --calibrate: simulations per author.
    #[arg(long, default_value_t = 1000)]
    pub calibrate_simulations: usize,
    #[command(flatten)]
    pub learn: LearningArgs,
}

impl PriceArgs {
    fn rate(&self) -> Option<Rate> {
        match (self.cpm, self.cost_per_engagement) {
            (Some(x), _) => Some(Rate::Cpm(x)),
            (None, Some(y)) => Some(Rate::PerEngagement(y)),
            (None, None) => None,
        }
    }

    fn forecast(&self) -> Result<ForecastRequest> {
        Ok(ForecastRequest {
            account: self.account.clone().unwrap_or_default(),
            platform: self.platform.clone(),
            until: parse_given("--until", &self.until)?,
            reach: Vec::new(),
            simulations: self.simulations,
            seed: self.seed,
            threads: self.threads,
            learning: self.learn.learning()?,
        })
    }
}

/// The bytes of a list file, or an error naming the flag and the file.
fn read_list(flag: &str, path: &PathBuf) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {flag} {}", path.display()))
}

pub fn run(cli: &Ctx, a: &PriceArgs) -> Result<Exit> {
    if a.simulations == 0 || a.calibrate_simulations == 0 {
        return Err(UsageError("simulations must be at least 1".into()).into());
    }
    let audience_bytes = a
        .audience
        .as_ref()
        .map(|p| read_list("--audience", p))
        .transpose()?;
    let counting_req = CountingRequest {
        run: a.run,
        platform: a.platform.clone(),
        topic: a.topic.clone(),
        audience: a
            .audience
            .as_ref()
            .zip(audience_bytes.as_deref())
            .map(|(p, csv)| AccountList {
                name: p.display().to_string(),
                csv,
            }),
        fields: FieldStyle::Flags,
    };
    let store = cli.open_store()?;
    if a.calibrate {
        let cut = parse_given("--until", &a.until)?.map_or(i64::MAX, |u| u.at);
        let req = CalibrationRequest {
            platform: a.platform.clone(),
            cut,
            score_until: parse_instant("--score-until", &a.score_until)?,
            learning: a.learn.learning()?,
            simulations: a.calibrate_simulations,
            seed: a.seed,
            threads: a.threads,
            whole_cascades: a.whole_cascades,
        };
        let counting = counting(&store, &counting_req)?;
        let bar = crate::progress::count_bar(0, "authors", cli.quiet);
        let summary = calibrate_prices(&store, &req, &counting, a.undiscounted, &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })?;
        bar.finish_and_clear();
        if cli.json {
            print_json(&summary)?;
            return Ok(Exit::Ok);
        }
        let out = &mut stdout().lock();
        earshot_print::price::calibration_header(out, &counting)?;
        let until = a.until.as_deref().unwrap_or_default();
        earshot_print::forecast::calibration(out, &summary, until)?;
        return Ok(Exit::Ok);
    }
    let bar = crate::progress::spinner(cli.quiet);
    let progress = |_: f64, what: &str| bar.set_message(what.to_string());
    if let Some(path) = &a.compare {
        let csv = read_list("--compare", path)?;
        let req = CompareRequest {
            forecast: a.forecast()?,
            rate: a.rate(),
            candidates: AccountList {
                name: path.display().to_string(),
                csv: &csv,
            },
            counting: counting_req,
        };
        let report = compare(&store, &req, &progress)?;
        bar.finish_and_clear();
        if cli.json {
            print_json(&report)?;
            return Ok(Exit::Ok);
        }
        earshot_print::price::compare(&mut stdout().lock(), &report)?;
        return Ok(Exit::Ok);
    }
    let Some(rate) = a.rate() else {
        return Err(UsageError(
            "a price needs a rate: pass --cpm X (per thousand authentic accounts reached) or \
             --cost-per-engagement Y"
                .into(),
        )
        .into());
    };
    let req = PriceRequest {
        forecast: a.forecast()?,
        rate,
        counting: counting_req,
    };
    let report = price(&store, &req, &progress)?;
    bar.finish_and_clear();
    if cli.json {
        print_json(&report)?;
        return Ok(Exit::Ok);
    }
    earshot_print::price::price(&mut stdout().lock(), &report)?;
    Ok(Exit::Ok)
}
