//! What one sponsored post by an account is worth (`earshot price`), how a list of candidates compares
//! per unit of cost (`earshot price --compare`), and whether such prices held on later posts
//! (`earshot price --calibrate`).
//!
//! A price is a distribution, not a number: the reach forecast ([`crate::forecast`]) gives how many
//! accounts will pass the post on; of those only the *authentic* accounts (authenticity of at least
//! [`AUTHENTIC_AT`] in a score run) inside the buyer's audience count. Each simulated reach keeps each of
//! its accounts with the author's counted share (its past adopters that counted, shrunk towards
//! everyone's share; binomial thinning), and the value is that count times the rate. The gap between the
//! reach and the counted reach is the authenticity (and audience) discount, shown beside the price.
//!
//! Interaction data show who acted on a post, not who saw it, so "reach" here is accounts that passed the
//! post on (reshares and quotes, as the forecast counts them). `--cpm` prices a thousand of those;
//! it is a floor on impressions, never an estimate of them.

use crate::accounts::{display_name, resolve};
use crate::error::{FieldStyle, Missing, UsageError};
use crate::forecast::{learn_model, read_stored, CountedShares, ForecastRequest, Stored};
use crate::Progress;
use anyhow::{Context, Result};
use earshot_diffusion::{ReachModel, SpreadEstimate};
use earshot_store::{RankFilter, ScoreRun, Store};
use rustc_hash::{FxHashMap, FxHashSet};

/// An account counts as authentic from this authenticity weight on: the run's own bar between a
/// doubtful and a genuine account (the weight is the model's probability of being genuine).
pub const AUTHENTIC_AT: f64 = 0.5;

/// An audience is flagged doubtful when fewer than this share of an account's past adopters counted.
pub const DOUBTFUL_SHARE: f64 = 0.5;

/// What the buyer pays for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    /// Per thousand authentic accounts reached (who passed the post on).
    Cpm(f64),
    /// Per authentic engagement (one authentic account passing the post on).
    PerEngagement(f64),
}

impl Rate {
    /// The value of one counted account.
    pub fn per_account(self) -> f64 {
        match self {
            Rate::Cpm(x) => x / 1000.0,
            Rate::PerEngagement(y) => y,
        }
    }

    fn view(self) -> RateView {
        match self {
            Rate::Cpm(amount) => RateView {
                kind: "cpm",
                amount,
            },
            Rate::PerEngagement(amount) => RateView {
                kind: "cost_per_engagement",
                amount,
            },
        }
    }

    /// Refuses a rate that is not a finite non-negative number.
    pub fn check(self, fields: FieldStyle) -> Result<Self> {
        let (field, x) = match self {
            Rate::Cpm(x) => ("cpm", x),
            Rate::PerEngagement(x) => ("cost_per_engagement", x),
        };
        if !x.is_finite() || x < 0.0 {
            return Err(UsageError(format!(
                "{} {x}: a rate is a finite amount of at least 0",
                fields.name(field)
            ))
            .into());
        }
        Ok(self)
    }
}

/// A CSV list of accounts: a header naming an `account` column (handle, `@handle` or platform id), and
/// for a candidate list a `cost` column (the asking price of one post); other columns are ignored.
pub struct AccountList<'a> {
    /// How messages name it: the file's path, or "the request body".
    pub name: String,
    pub csv: &'a [u8],
}

/// Which accounts count, and which run judged them.
#[derive(Debug, Clone)]
pub struct Counting {
    /// The score run whose authenticity weights are used.
    pub run: i64,
    pub model_version: String,
    /// Accounts at or above [`AUTHENTIC_AT`] (all of the run's, when it has no authenticity model).
    authentic: FxHashSet<i64>,
    /// The run holds no authenticity weight at all: nothing is discounted for authenticity.
    pub without_authenticity: bool,
    /// The buyer's audience (file and topic intersected); `None`: everyone.
    audience: Option<FxHashSet<i64>>,
    /// How the audience was given, for the report.
    pub audience_described: Option<String>,
}

impl Counting {
    /// Whether an adopter counts: authentic, and inside the audience if there is one. Accounts the run
    /// never judged do not count: a brand pays only for accounts earshot has evidence about.
    pub fn counts(&self, account: i64) -> bool {
        self.authentic.contains(&account)
            && self.audience.as_ref().is_none_or(|a| a.contains(&account))
    }

    pub fn audience_size(&self) -> Option<usize> {
        self.audience.as_ref().map(|a| a.len())
    }
}

/// Where the counting comes from: a run (default the latest that scored the platform, or the latest), a
/// topic, an audience list.
pub struct CountingRequest<'a> {
    pub run: Option<i64>,
    pub platform: Option<String>,
    /// Only accounts the run places in this topic (key or label) belong to the audience.
    pub topic: Option<String>,
    pub audience: Option<AccountList<'a>>,
    pub fields: FieldStyle,
}

/// The run and the audience that decide who counts; errors name the file, line and field.
pub fn counting(store: &Store, req: &CountingRequest<'_>) -> Result<Counting> {
    // By default the latest run that scored the platform asked for (one of it alone or of all).
    let id = match (req.run, req.platform.as_deref()) {
        (Some(id), _) => Some(id),
        (None, Some(p)) => store.latest_run_covering(p)?,
        (None, None) => store.latest_run_id()?,
    };
    let run = id
        .map(|id| store.score_run(Some(id)))
        .transpose()?
        .flatten()
        .ok_or_else(|| {
            Missing(match req.run {
                Some(id) => format!("no score run {id} in the database"),
                None => format!(
                    "no score run{} in the database: a price counts only authentic accounts, \
                     which a run judges; run `earshot score` first",
                    req.platform
                        .as_deref()
                        .map(|p| format!(" of {p}"))
                        .unwrap_or_default()
                ),
            })
        })?;
    let rows = store.top_scores_page(
        run.id,
        "overall",
        i64::MAX as usize,
        0,
        &RankFilter::platform(req.platform.as_deref()),
    )?;
    if rows.is_empty() {
        return Err(UsageError(format!(
            "score run #{} holds no accounts{}: nothing could count; pick a run with {}",
            run.id,
            req.platform
                .as_deref()
                .map(|p| format!(" of {p}"))
                .unwrap_or_default(),
            req.fields.name("run")
        ))
        .into());
    }
    let without_authenticity = rows.iter().all(|r| r.score.authenticity.is_none());
    let authentic = rows
        .iter()
        .filter(|r| without_authenticity || r.score.authenticity.is_some_and(|a| a >= AUTHENTIC_AT))
        .map(|r| r.score.account)
        .collect();
    let mut described = Vec::new();
    let mut audience: Option<FxHashSet<i64>> = None;
    if let Some(list) = &req.audience {
        let listed = read_accounts(store, list, req.platform.as_deref(), false, req.fields)?;
        described.push(format!(
            "{} ({} accounts{})",
            list.name,
            listed.accounts.len(),
            match &listed.not_found_sample {
                Some(a) => format!(
                    ", {} more not in the database, e.g. {a:?}",
                    listed.not_found
                ),
                None => String::new(),
            }
        ));
        audience = Some(listed.accounts.into_iter().map(|(id, _)| id).collect());
    }
    if let Some(topic) = &req.topic {
        let members = topic_members(store, &run, topic, req.platform.as_deref(), req.fields)?;
        described.push(format!(
            "topic {topic:?} of run #{} ({} accounts)",
            run.id,
            members.len()
        ));
        audience = Some(match audience {
            None => members,
            Some(a) => a.intersection(&members).copied().collect(),
        });
    }
    Ok(Counting {
        run: run.id,
        model_version: run.model_version,
        authentic,
        without_authenticity,
        audience,
        audience_described: (!described.is_empty()).then(|| described.join(" and ")),
    })
}

/// The accounts run `run` scored in `topic`: those who posted about it or drew reactions through it.
fn topic_members(
    store: &Store,
    run: &ScoreRun,
    topic: &str,
    platform: Option<&str>,
    fields: FieldStyle,
) -> Result<FxHashSet<i64>> {
    let info = crate::topics::resolve_topic(store, run, &fields.name("topic"), topic)?;
    let rows = store.top_topic_scores_page(
        run.id,
        info.topic,
        "overall",
        i64::MAX as usize,
        0,
        platform,
    )?;
    Ok(rows.into_iter().map(|r| r.account).collect())
}

/// The accounts of a CSV list with, when `with_cost`, each one's cost. A candidate naming no stored
/// account is refused (it cannot be ranked); an audience's unknown accounts are counted and skipped.
/// Ambiguous names, repeated accounts and bad costs are refused with the file, line and field.
fn read_accounts(
    store: &Store,
    list: &AccountList<'_>,
    platform: Option<&str>,
    with_cost: bool,
    fields: FieldStyle,
) -> Result<Listed> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(list.csv);
    let at = |line: u64| format!("{}:{line}", list.name);
    let headers = reader
        .headers()
        .map_err(|e| UsageError(format!("{}: {e}", at(1))))?
        .clone();
    let column = |name: &str| -> Result<usize> {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            UsageError(format!(
                "{}: the header has no `{name}` column (it has: {})",
                at(1),
                headers.iter().collect::<Vec<_>>().join(", ")
            ))
            .into()
        })
    };
    let account_col = column("account")?;
    let cost_col = if with_cost {
        Some(column("cost")?)
    } else {
        None
    };
    let platforms = match platform {
        Some(p) => vec![p.to_string()],
        None => store.platforms()?,
    };
    let mut listed = Listed {
        accounts: Vec::new(),
        not_found: 0,
        not_found_sample: None,
    };
    let mut seen: FxHashMap<i64, u64> = FxHashMap::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            UsageError(format!("{}: {e}", at(line)))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let account = record.get(account_col).unwrap_or_default();
        if account.is_empty() {
            return Err(UsageError(format!("{}: field `account` is empty", at(line))).into());
        }
        let found = crate::accounts::lookup_listed(store, &platforms, account, &at(line), fields)?;
        let id = match found {
            Some(id) => id,
            None if !with_cost => {
                // An audience is the buyer's own list: most of it may never have acted here.
                listed.not_found += 1;
                if listed.not_found_sample.is_none() {
                    listed.not_found_sample = Some(account.to_string());
                }
                continue;
            }
            None => {
                return Err(UsageError(format!(
                    "{}: field `account`: no account {account:?} in the database{}",
                    at(line),
                    platform.map(|p| format!(" on {p}")).unwrap_or_default()
                ))
                .into())
            }
        };
        let cost = match cost_col {
            None => 0.0,
            Some(c) => {
                let raw = record.get(c).unwrap_or_default();
                match raw.parse::<f64>() {
                    Ok(x) if x.is_finite() && x > 0.0 => x,
                    _ => {
                        return Err(UsageError(format!(
                            "{}: field `cost`: {raw:?} is not an amount above 0",
                            at(line)
                        ))
                        .into())
                    }
                }
            }
        };
        if let Some(earlier) = seen.insert(id, line) {
            return Err(UsageError(format!(
                "{}: field `account`: {account:?} is listed already on line {earlier}",
                at(line)
            ))
            .into());
        }
        listed.accounts.push((id, cost));
    }
    if listed.accounts.is_empty() {
        return Err(UsageError(format!(
            "{}: the list names no account the database holds{}",
            list.name,
            listed
                .not_found_sample
                .as_ref()
                .map(|a| format!(" (e.g. {a:?})"))
                .unwrap_or_default()
        ))
        .into());
    }
    Ok(listed)
}

/// A list's accounts as read: the stored ones (with their costs), and how many rows named none.
struct Listed {
    accounts: Vec<(i64, f64)>,
    not_found: usize,
    not_found_sample: Option<String>,
}

/// A distribution as quoted: mean, nearest-rank p10/p50/p90, and the quoted 80% range.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Quantiles {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    /// The range quoted as 80%: counts pile on a few values, so [p10, p90] can hold far more than
    /// 80% of the forecast; this is the range nearest 80% ([`SpreadEstimate::central_interval`]),
    /// with its own probability. The price backtest scores it.
    pub range_80_low: f64,
    pub range_80_high: f64,
    pub range_80_probability: f64,
}

impl Quantiles {
    fn of(e: &SpreadEstimate, scale: f64) -> Self {
        let (low, high, probability) = e.central_interval(0.8);
        Quantiles {
            mean: e.mean * scale,
            p10: f64::from(e.p10) * scale,
            p50: f64::from(e.p50) * scale,
            p90: f64::from(e.p90) * scale,
            range_80_low: f64::from(low) * scale,
            range_80_high: f64::from(high) * scale,
            range_80_probability: probability,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RateView {
    /// `cpm` or `cost_per_engagement`.
    pub kind: &'static str,
    pub amount: f64,
}

/// How much of the reach counts, and from what.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Discount {
    /// The share of the simulated reach kept: the author's counted share of its past adopters, shrunk
    /// towards everyone's.
    pub kept_share: f64,
    /// 1 − counted mean / reach mean: what authenticity and the audience take off.
    pub discount: f64,
    /// The author's past adopters (summed over its posts) and how many of them counted.
    pub past_adopters: u64,
    pub past_adopters_counted: u64,
    /// Everyone's counted share, which a short history is shrunk towards.
    pub everyone_share: f64,
    /// Fewer than half of the kept share: most of this audience is doubtful or outside the audience.
    pub doubtful_audience: bool,
}

/// `earshot --json price ACCOUNT`'s output.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PriceReport {
    pub account: String,
    pub rate: RateView,
    /// The fair value of one sponsored post.
    pub value: Quantiles,
    /// Authentic accounts inside the audience that pass the post on.
    pub authentic_reach: Quantiles,
    /// All accounts that pass the post on (the reach forecast).
    pub reach: Quantiles,
    pub discount: Discount,
    /// The score run whose authenticity weights decided who counts.
    pub run: i64,
    pub audience: Option<String>,
    /// The forecast is of a post passed on at least once (the data's posts are derived from reshares).
    pub conditional_on_one_reshare: bool,
    pub simulations: usize,
    pub seed: u64,
    pub notes: Vec<String>,
}

/// A learned reach model with who counts: one per request, however many accounts are priced.
struct Pricing {
    stored: Stored,
    model: ReachModel,
    shares: CountedShares,
}

impl Pricing {
    fn learn(
        store: &Store,
        forecast: &ForecastRequest,
        counting: &Counting,
        progress: Progress<'_>,
    ) -> Result<Self> {
        progress(0.0, "reading the stored interactions");
        let until = forecast.until.as_ref().map(|u| u.at);
        let stored = read_stored(
            store,
            forecast.platform.as_deref(),
            forecast.learning.since,
            until,
        )?;
        progress(0.2, "learning the reach model");
        let model = learn_model(&stored, &forecast.learning)?;
        let shares = CountedShares::learn(&stored, &forecast.learning, &|a| counting.counts(a))?;
        Ok(Pricing {
            stored,
            model,
            shares,
        })
    }

    /// The whole and counted reach of a post of `account` (stored id), and its discount.
    fn quote(
        &self,
        account: i64,
        forecast: &ForecastRequest,
    ) -> Result<(SpreadEstimate, SpreadEstimate, Discount, bool, bool)> {
        let (reach, dense, newcomer) = match self.stored.ids.get(account) {
            Some(d) => (
                self.model
                    .forecast(d, forecast.simulations, forecast.seed, forecast.threads)
                    .context("forecasting")?,
                d,
                false,
            ),
            None => (
                self.model
                    .forecast_newcomer(forecast.simulations, forecast.seed, forecast.threads)
                    .context("forecasting")?,
                u32::MAX,
                true,
            ),
        };
        let kept_share = self.shares.share_of(dense);
        let counted = reach.reach.thinned(
            kept_share,
            SpreadEstimate::thinning_seed(forecast.seed, dense),
        )?;
        let (past_counted, past_adopters) = self.shares.adopters_of(dense);
        let discount = Discount {
            kept_share,
            discount: if reach.reach.mean > 0.0 {
                1.0 - counted.mean / reach.reach.mean
            } else {
                0.0
            },
            past_adopters,
            past_adopters_counted: past_counted,
            everyone_share: self.shares.crowd,
            doubtful_audience: kept_share < DOUBTFUL_SHARE,
        };
        Ok((reach.reach, counted, discount, reach.conditional, newcomer))
    }
}

/// What to price.
pub struct PriceRequest<'a> {
    /// The account and how its reach is forecast.
    pub forecast: ForecastRequest,
    pub rate: Rate,
    pub counting: CountingRequest<'a>,
}

/// The fair value of one sponsored post by the request's account, as a distribution.
pub fn price(store: &Store, req: &PriceRequest<'_>, progress: Progress<'_>) -> Result<PriceReport> {
    let rate = req.rate.check(req.counting.fields)?;
    if req.forecast.simulations == 0 {
        return Err(UsageError("simulations must be at least 1".into()).into());
    }
    let platform = req.forecast.platform.as_deref();
    let account = resolve(store, &req.forecast.account, platform)?;
    let counting = counting(store, &req.counting)?;
    let pricing = Pricing::learn(store, &req.forecast, &counting, progress)?;
    progress(0.4, "simulating cascades");
    let (reach, counted, discount, conditional, newcomer) =
        pricing.quote(account, &req.forecast)?;
    progress(1.0, "priced");
    let name = display_name(store, account)?;
    let mut notes = counting_notes(&counting);
    if newcomer {
        notes.push(format!(
            "{name} has no interactions in the learning window: priced as a newcomer, from everyone's \
             posts"
        ));
    }
    Ok(PriceReport {
        account: name,
        rate: rate.view(),
        value: Quantiles::of(&counted, rate.per_account()),
        authentic_reach: Quantiles::of(&counted, 1.0),
        reach: Quantiles::of(&reach, 1.0),
        discount,
        run: counting.run,
        audience: counting.audience_described.clone(),
        conditional_on_one_reshare: conditional,
        simulations: req.forecast.simulations,
        seed: req.forecast.seed,
        notes,
    })
}

fn counting_notes(counting: &Counting) -> Vec<String> {
    let mut notes = Vec::new();
    if counting.without_authenticity {
        notes.push(format!(
            "run #{} holds no authenticity weights: no authenticity discount applied",
            counting.run
        ));
    }
    if counting.audience_size() == Some(0) {
        notes.push("the audience is empty: nothing counts".to_string());
    }
    notes
}

/// A candidate list to rank.
pub struct CompareRequest<'a> {
    /// Settings of every forecast (its `account` is ignored).
    pub forecast: ForecastRequest,
    /// With a rate, each candidate's fair value is set beside its cost.
    pub rate: Option<Rate>,
    pub candidates: AccountList<'a>,
    pub counting: CountingRequest<'a>,
}

/// One candidate, ranked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub rank: usize,
    pub account: String,
    /// The asking price of one post, from the list.
    pub cost: f64,
    pub authentic_reach: Quantiles,
    /// Expected authentic engagements per unit of cost: what the list is ranked by.
    pub per_cost: f64,
    /// With a rate: the fair value of one post, and fair value's mean over the cost.
    pub value: Option<Quantiles>,
    pub value_over_cost: Option<f64>,
    pub discount: Discount,
    /// Priced from everyone's posts: the account has no interactions in the learning window.
    pub newcomer: bool,
}

/// `earshot --json price --compare FILE`'s output.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct CompareReport {
    pub candidates: Vec<Candidate>,
    pub rate: Option<RateView>,
    pub run: i64,
    pub audience: Option<String>,
    pub simulations: usize,
    pub seed: u64,
    pub notes: Vec<String>,
}

/// Rank the list by expected authentic engagement per unit of cost, highest first (ties by list order).
pub fn compare(
    store: &Store,
    req: &CompareRequest<'_>,
    progress: Progress<'_>,
) -> Result<CompareReport> {
    let rate = req.rate.map(|r| r.check(req.counting.fields)).transpose()?;
    if req.forecast.simulations == 0 {
        return Err(UsageError("simulations must be at least 1".into()).into());
    }
    let listed = read_accounts(
        store,
        &req.candidates,
        req.forecast.platform.as_deref(),
        true,
        req.counting.fields,
    )?
    .accounts;
    let counting = counting(store, &req.counting)?;
    let pricing = Pricing::learn(store, &req.forecast, &counting, progress)?;
    let mut candidates = Vec::with_capacity(listed.len());
    for (i, &(account, cost)) in listed.iter().enumerate() {
        progress(
            0.4 + 0.6 * i as f64 / listed.len() as f64,
            "simulating cascades",
        );
        let (_, counted, discount, _, newcomer) = pricing.quote(account, &req.forecast)?;
        let value = rate.map(|r| Quantiles::of(&counted, r.per_account()));
        candidates.push(Candidate {
            rank: 0,
            account: display_name(store, account)?,
            cost,
            authentic_reach: Quantiles::of(&counted, 1.0),
            per_cost: counted.mean / cost,
            value_over_cost: value.map(|v| v.mean / cost),
            value,
            discount,
            newcomer,
        });
    }
    progress(1.0, "priced");
    candidates.sort_by(|a, b| b.per_cost.total_cmp(&a.per_cost));
    for (i, c) in candidates.iter_mut().enumerate() {
        c.rank = i + 1;
    }
    Ok(CompareReport {
        candidates,
        rate: rate.map(Rate::view),
        run: counting.run,
        audience: counting.audience_described.clone(),
        simulations: req.forecast.simulations,
        seed: req.forecast.seed,
        notes: counting_notes(&counting),
    })
}

/// Price forecasts learned before the request's cut, scored against the authentic engagement (counted
/// as [`Counting::counts`] says) each later post drew: the price backtest. `undiscounted` scores the
/// whole reach forecast instead, as a price that ignored authenticity and the audience would quote.
pub fn calibrate_prices(
    store: &Store,
    req: &crate::forecast::CalibrationRequest,
    counting: &Counting,
    undiscounted: bool,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<crate::forecast::CalibrationSummary> {
    let counts = |a| counting.counts(a);
    crate::forecast::calibrate_counting(store, req, Some(&counts), !undiscounted, progress)
}
