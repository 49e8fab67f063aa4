//! How far a new post of an account will travel, as a distribution learned from the stored
//! interactions (`earshot forecast`, the API's forecast job); and the calibration of such forecasts
//! against what later posts reached (`earshot forecast --calibrate`).

use crate::accounts::{display_name, resolve};
use crate::error::UsageError;
use crate::time::GivenInstant;
use crate::Progress;
use anyhow::{Context, Result};
use earshot_diffusion::{
    calibrate_baselines, calibrate_thinned, em::EmConfig, learn_reach_model, learn_reach_model_em,
    post_outcomes, post_outcomes_counting, Calibration, InteractionRow, PostRow, ReachConfig,
    ReachForecast, ReachModel,
};
use earshot_graph::DenseIds;
use earshot_model::InteractionKind;
use earshot_store::{Store, TimeWindow};
use std::time::{Duration, Instant};

/// What to forecast and how. [`ForecastRequest::new`] gives the defaults every front shares.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRequest {
    /// The author: `@handle`, handle or platform id.
    pub account: String,
    /// Only accounts of this platform.
    pub platform: Option<String>,
    /// Learn from events before this instant (default: all).
    pub until: Option<GivenInstant>,
    /// Report P(reach ≥ N) for these N (default: 1, 10, 100, 1000 up to the largest reach seen).
    pub reach: Vec<u32>,
    /// Monte Carlo simulations.
    pub simulations: usize,
    /// The same seed gives the same forecast on any number of threads.
    pub seed: u64,
    /// Threads (0 = all cores).
    pub threads: usize,
    /// How the reach model is learned.
    pub learning: Learning,
}

/// How the reach model is learned from the stored events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Learning {
    /// Longest silence, in seconds, inside one derived post's burst of reshares.
    pub burst_gap: i64,
    /// κ: posts of its own an author needs before its history outweighs all authors'.
    pub shrinkage: f64,
    /// Weight, in exposures, of the pooled prior on each tie's probability.
    pub prior_strength: f64,
    /// New audience is drawn from the author's latest this many posts (0: all).
    pub recent_posts: usize,
    /// The crowd is the latest this many posts of all authors (0: all).
    pub crowd_recent: usize,
    /// Learn only from posts and interactions at or after this instant (unix seconds; default: from the
    /// start). Reach drifts, so old cascades can mislead; the social graph's undated follows are kept.
    pub since: Option<i64>,
    /// Draw each simulated post's reach whole from a past post (history alone) instead of through the
    /// author's present ties plus the past post's new audience.
    pub history_only: bool,
    /// Spread over the follow graph with Independent Cascade probabilities fitted by Saito et al.'s EM
    /// on the cascades, hop by hop, instead of one hop over counted tie rates.
    pub em: bool,
}

impl Learning {
    pub const DEFAULT: Learning = Learning {
        burst_gap: 3600,
        shrinkage: 5.0,
        prior_strength: 20.0,
        recent_posts: 0,
        crowd_recent: 0,
        since: None,
        history_only: false,
        em: false,
    };

    pub(crate) fn config(&self) -> ReachConfig {
        ReachConfig {
            burst_gap: self.burst_gap,
            shrinkage: self.shrinkage,
            prior_strength: self.prior_strength,
            recent_posts: self.recent_posts,
            crowd_recent: self.crowd_recent,
            through_ties: !self.history_only,
            ..ReachConfig::default()
        }
    }
}

impl ForecastRequest {
    pub const DEFAULT_SIMULATIONS: usize = 10_000;
    pub const DEFAULT_SEED: u64 = 1;

    /// A forecast of `account`'s next post with every setting at its default.
    pub fn new(account: impl Into<String>) -> Self {
        ForecastRequest {
            account: account.into(),
            platform: None,
            until: None,
            reach: Vec::new(),
            simulations: Self::DEFAULT_SIMULATIONS,
            seed: Self::DEFAULT_SEED,
            threads: 0,
            learning: Learning::DEFAULT,
        }
    }
}

/// Stored posts and interactions over dense ids: what a reach model learns from.
pub(crate) struct Stored {
    pub(crate) ids: DenseIds,
    pub(crate) posts: Vec<PostRow>,
    pub(crate) interactions: Vec<InteractionRow>,
}

/// The events a forecast learns from: those from `since` (or the start) to before `until` (or the end).
fn learn_window(since: Option<i64>, until: Option<i64>) -> TimeWindow {
    TimeWindow {
        from: since,
        to: until,
    }
}

/// The stored events before `until` (optionally of one platform).
pub(crate) fn read_stored(
    store: &Store,
    platform: Option<&str>,
    since: Option<i64>,
    until: Option<i64>,
) -> Result<Stored> {
    let mut ids = DenseIds::new();
    let window = learn_window(since, until);
    let rows = crate::sources::diffusion::read(store, window, platform, &mut ids, true)?;
    Ok(Stored {
        ids,
        posts: rows.posts,
        interactions: rows.interactions,
    })
}

/// A forecast learns how posts were passed on; a store of follows alone has none, and says so rather
/// than failing on "no posts".
fn check_not_only_follows(stored: &Stored) -> Result<()> {
    let follows = stored
        .interactions
        .iter()
        .filter(|r| matches!(r.kind, InteractionKind::Follow | InteractionKind::Unfollow))
        .count();
    if stored.posts.is_empty() && follows > 0 && follows == stored.interactions.len() {
        return Err(UsageError(format!(
            "the data hold only follows ({follows}): a forecast learns how posts were passed on, and \
             follows say only who could see them; import posts and reshares (or cascades) beside the graph"
        ))
        .into());
    }
    Ok(())
}

/// The reach model learned from `stored`.
pub(crate) fn learn_model(stored: &Stored, learning: &Learning) -> Result<ReachModel> {
    check_not_only_follows(stored)?;
    learn_with(stored, learning, &learning.config())
}

/// The reach model `learning` names (counted tie rates, or EM over the follow graph) with `config`.
fn learn_with(stored: &Stored, learning: &Learning, config: &ReachConfig) -> Result<ReachModel> {
    let nodes = stored.ids.len() as u32;
    let learned = if learning.em {
        learn_reach_model_em(
            nodes,
            &stored.posts,
            &stored.interactions,
            config,
            &EmConfig::default(),
        )
    } else {
        learn_reach_model(nodes, &stored.posts, &stored.interactions, config)
    };
    learned.map_err(|e| UsageError(format!("cannot learn a forecast: {e}")).into())
}

/// The forecast of one account's next post, with what it was learned from.
pub struct AccountForecast {
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

/// Forecast the request's account's next post, telling `progress` how far it got: reading, learning,
/// then the simulations. An unknown account is [`crate::error::Missing`]; one without interactions to
/// learn from, a [`UsageError`].
pub fn forecast_account(
    store: &Store,
    req: &ForecastRequest,
    progress: Progress<'_>,
) -> Result<AccountForecast> {
    if req.simulations == 0 {
        return Err(UsageError("simulations must be at least 1".into()).into());
    }
    let platform = req.platform.as_deref();
    let account = resolve(store, &req.account, platform)?;
    let name = display_name(store, account)?;
    let started = Instant::now();
    progress(0.0, "reading the stored interactions");
    let until = req.until.as_ref().map(|u| u.at);
    let stored = read_stored(store, platform, req.learning.since, until)?;
    progress(0.2, "learning the reach model");
    let model = learn_model(&stored, &req.learning)?;
    let learned_in = started.elapsed();
    let Some(author) = stored.ids.get(account) else {
        return Err(UsageError(format!(
            "{name} has no interactions{} to learn from",
            req.until
                .as_ref()
                .map(|u| format!(" before {}", u.given))
                .unwrap_or_default()
        ))
        .into());
    };
    progress(0.4, "simulating cascades");
    let forecast = model
        .forecast_reporting(author, req.simulations, req.seed, req.threads, &|p| {
            progress(0.4 + 0.6 * p, "simulating cascades")
        })
        .context("forecasting")?;
    let mut thresholds: Vec<u32> = if req.reach.is_empty() {
        [1, 10, 100, 1000]
            .into_iter()
            .filter(|&n| n <= forecast.reach.max.max(10))
            .collect()
    } else {
        req.reach.clone()
    };
    thresholds.sort_unstable();
    thresholds.dedup();
    Ok(AccountForecast {
        name,
        seed: req.seed,
        until,
        thresholds,
        forecast,
        model,
        learned_in,
    })
}

/// P(reach ≥ n).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReachProbability {
    pub n: u32,
    pub probability: f64,
}

/// What a reach model was learned from.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LearnedFrom {
    pub posts: usize,
    /// Posts derived from bursts of reshares (data without posts).
    pub derived_posts: usize,
    pub ties: usize,
    pub pooled_tie_rate: f64,
    /// Learned from events before this instant (unix seconds; null: all).
    pub until: Option<i64>,
}

/// `earshot --json forecast ACCOUNT`'s output and the forecast job's result.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ForecastReport {
    pub account: String,
    pub model: &'static str,
    pub simulations: usize,
    pub seed: u64,
    /// The forecast is of a post reshared at least once (the account's posts are derived from bursts
    /// of reshares).
    pub conditional_on_one_reshare: bool,
    pub mean: f64,
    pub std_error: f64,
    pub p10: u32,
    pub p50: u32,
    pub p90: u32,
    pub min: u32,
    pub max: u32,
    pub probability_at_least: Vec<ReachProbability>,
    pub mean_through_ties: f64,
    pub mean_new_audience: f64,
    pub own_posts: usize,
    pub own_weight: f64,
    pub learned: LearnedFrom,
}

impl AccountForecast {
    pub fn report(&self) -> ForecastReport {
        let (f, model) = (&self.forecast, &self.model);
        let r = &f.reach;
        ForecastReport {
            account: self.name.clone(),
            model: "independent cascade + new audience",
            simulations: r.simulations,
            seed: self.seed,
            conditional_on_one_reshare: f.conditional,
            mean: r.mean,
            std_error: r.std_error,
            p10: r.p10,
            p50: r.p50,
            p90: r.p90,
            min: r.min,
            max: r.max,
            probability_at_least: self
                .thresholds
                .iter()
                .map(|&n| ReachProbability {
                    n,
                    probability: r.probability_at_least(n),
                })
                .collect(),
            mean_through_ties: f.mean_through_ties,
            mean_new_audience: f.mean_new_audience,
            own_posts: f.own_posts,
            own_weight: f.own_weight,
            learned: LearnedFrom {
                posts: model.posts,
                derived_posts: model.derived_posts,
                ties: model.graph().edges(),
                pooled_tie_rate: model.prior_mean,
                until: self.until,
            },
        }
    }
}

/// What to calibrate: forecasts learned before `cut`, scored against the reach of every later post.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationRequest {
    pub platform: Option<String>,
    pub cut: i64,
    /// Score only posts before this instant (default: all after the cut).
    pub score_until: Option<i64>,
    pub learning: Learning,
    /// Simulations per author.
    pub simulations: usize,
    pub seed: u64,
    pub threads: usize,
    /// Learn from the whole cascades of the posts made before the cut (their reshares after it
    /// included), as the cascade benchmarks' training splits do; `false` learns only what was seen by
    /// the cut, so the posts just before it look smaller than they end up.
    pub whole_cascades: bool,
}

/// Forecasts learned before the request's cut, scored against the reach of every post in
/// `[cut, score_until)`. `progress` hears (authors forecast, authors to forecast) as it goes.
pub fn calibrate_forecasts(
    store: &Store,
    req: &CalibrationRequest,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<CalibrationSummary> {
    calibrate_counting(store, req, None, false, progress)
}

/// Which adopters count, by stored account id (the authentic ones in an audience, for a price).
pub(crate) type Counts<'a> = &'a (dyn Fn(i64) -> bool + Sync);

/// [`calibrate_forecasts`] where only the adopters `counts` accepts make a post's outcome, and, with
/// `thin`, each author's forecast keeps [`CountedShares::share_of`] its reach (without, the whole reach
/// is scored against the counted outcomes: what ignoring the count would quote).
pub(crate) fn calibrate_counting(
    store: &Store,
    req: &CalibrationRequest,
    counts: Option<Counts<'_>>,
    thin: bool,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<CalibrationSummary> {
    if req.simulations == 0 {
        return Err(UsageError("simulations must be at least 1".into()).into());
    }
    let platform = req.platform.as_deref();
    let learned = if req.whole_cascades {
        let mut ids = DenseIds::new();
        let rows = crate::sources::diffusion::read_whole_cascades(
            store,
            learn_window(req.learning.since, Some(req.cut)),
            platform,
            &mut ids,
        )?;
        Stored {
            ids,
            posts: rows.posts,
            interactions: rows.interactions,
        }
    } else {
        read_stored(store, platform, req.learning.since, Some(req.cut))?
    };
    check_not_only_follows(&learned)?;
    let mut config = req.learning.config();
    if req.whole_cascades {
        config.ties_before = Some(req.cut);
    }
    let model = learn_with(&learned, &req.learning, &config)?;
    let past = post_outcomes(
        learned.ids.len() as u32,
        &learned.posts,
        &learned.interactions,
        &req.learning.config(),
    )?;
    // With a count, the outcomes and the baselines count only the accepted adopters, and each
    // author's forecast keeps its learned share of them.
    let shares = match counts {
        None => None,
        Some(counts) => Some(CountedShares::learn(&learned, &req.learning, counts)?),
    };
    let past = match &shares {
        None => past,
        Some(s) => s.counted_past.clone(),
    };
    let started = Instant::now();
    // The later events, over the same dense ids (new accounts get new ids, beyond the model's graph).
    let Stored { mut ids, .. } = learned;
    // Every later event counts towards a scored post's reach, also after `score_until`: a post's
    // cascade is whole, not cut where the scoring stops.
    let window = TimeWindow {
        from: Some(req.cut),
        to: None,
    };
    let later = crate::sources::diffusion::read(store, window, platform, &mut ids, true)?;
    let mut outcomes = match counts {
        None => post_outcomes(
            ids.len() as u32,
            &later.posts,
            &later.interactions,
            &req.learning.config(),
        )?,
        Some(counts) => {
            let accepted: Vec<bool> = ids.externals().iter().map(|&a| counts(a)).collect();
            post_outcomes_counting(
                ids.len() as u32,
                &later.posts,
                &later.interactions,
                &req.learning.config(),
                &|u| accepted[u as usize],
            )?
        }
    };
    if let Some(until) = req.score_until {
        outcomes.retain(|o| o.time < until);
    }
    let authors = {
        let mut v: Vec<u32> = outcomes.iter().map(|o| o.author).collect();
        v.dedup();
        v.len() as u64
    };
    let done = std::sync::atomic::AtomicU64::new(0);
    progress(0, authors);
    let keep = shares
        .as_ref()
        .filter(|_| thin)
        .map(|s| move |author: u32| s.share_of(author));
    let report = calibrate_thinned(
        &model,
        &outcomes,
        req.simulations,
        req.seed,
        req.threads,
        &|| {
            progress(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                authors,
            )
        },
        keep.as_ref().map(|k| k as earshot_diffusion::KeepShare<'_>),
    )?;
    let baselines = calibrate_baselines(&past, &outcomes)
        .map_err(|e| UsageError(format!("cannot score the baselines: {e}")))?;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let [over_crowd, over_last] = crate::intervals::paired_mean_differences(
        &report.crps_by_outcome,
        [&baselines.crowd_crps, &baselines.last_size_crps],
        CRPS_RESAMPLES,
        req.seed,
    );
    let lead = |other: &[f64], interval: [f64; 2]| CrpsLead {
        difference: mean(&report.crps_by_outcome) - mean(other),
        low: interval[0],
        high: interval[1],
    };
    Ok(CalibrationSummary {
        until: req.cut,
        learned_posts: model.posts,
        learned_derived_posts: model.derived_posts,
        ties: model.graph().edges(),
        pooled_tie_rate: model.prior_mean,
        simulations_per_author: req.simulations,
        seed: req.seed,
        authors_forecast: report.authors,
        authors_first_seen_after: report.newcomers,
        all: CalibrationPart::of(&report.all),
        with_history: CalibrationPart::of(&report.with_history),
        without_history: CalibrationPart::of(&report.without_history),
        crowd_baseline: CalibrationPart::of(&baselines.crowd),
        last_size_baseline: CalibrationPart::of(&baselines.last_size),
        crps_minus_crowd: lead(&baselines.crowd_crps, over_crowd),
        crps_minus_last_size: lead(&baselines.last_size_crps, over_last),
        seconds: started.elapsed().as_secs_f64(),
        counted_share: shares.as_ref().map(|s| s.crowd),
    })
}

/// `earshot --json forecast --calibrate`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CalibrationSummary {
    /// The cut: learned before it, scored after it (unix seconds).
    pub until: i64,
    pub learned_posts: usize,
    pub learned_derived_posts: usize,
    pub ties: usize,
    pub pooled_tie_rate: f64,
    pub simulations_per_author: usize,
    pub seed: u64,
    pub authors_forecast: usize,
    /// Authors first seen after the cut, forecast as newcomers.
    pub authors_first_seen_after: usize,
    pub all: CalibrationPart,
    /// Authors with posts before the cut.
    pub with_history: CalibrationPart,
    pub without_history: CalibrationPart,
    /// Every post before the cut's reach as one forecast for all (what the model must beat on CRPS).
    pub crowd_baseline: CalibrationPart,
    /// The author's latest post's reach before the cut as a point forecast (the crowd's median for an
    /// author without one).
    pub last_size_baseline: CalibrationPart,
    /// The model's mean CRPS minus each baseline's on the same posts, with a 95% paired bootstrap
    /// interval: entirely below 0, the model is sharper; containing 0, the data cannot tell them apart.
    pub crps_minus_crowd: CrpsLead,
    pub crps_minus_last_size: CrpsLead,
    /// Wall clock of the scoring, from reading the later events.
    pub seconds: f64,
    /// A price backtest's: the share of all past adopters that counted (authentic, in the audience),
    /// the crowd's share each author's own is shrunk towards. Absent for a reach calibration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counted_share: Option<f64>,
}

/// Resamples of the posts for the CRPS intervals.
const CRPS_RESAMPLES: usize = 1000;

/// A difference of mean CRPS (model − baseline, in accounts) with its 95% paired bootstrap interval.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CrpsLead {
    pub difference: f64,
    pub low: f64,
    pub high: f64,
}

/// One part of a calibration (all posts, authors with or without history) as reported.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CalibrationPart {
    pub posts: usize,
    pub inside_p10_p90: f64,
    pub forecast_mass_p10_p90: f64,
    pub central_80_randomized_pit: f64,
    pub pit_tenths: Vec<f64>,
    pub mean_crps: f64,
    /// Share of outcomes inside the quoted 80% interval (the range nearest 80% of the forecast, as a
    /// price quotes it), and those intervals' mean own probability.
    pub inside_quoted_80: f64,
    pub quoted_80_mass: f64,
}

impl CalibrationPart {
    pub fn of(c: &Calibration) -> Self {
        CalibrationPart {
            posts: c.outcomes,
            inside_p10_p90: c.interval_coverage(),
            forecast_mass_p10_p90: c.interval_mass(),
            central_80_randomized_pit: c.central_80_coverage(),
            pit_tenths: c.pit_histogram().to_vec(),
            mean_crps: c.mean_crps(),
            inside_quoted_80: c.quoted_coverage(),
            quoted_80_mass: c.quoted_mass(),
        }
    }
}

/// κ of a counted share, in adopters: an author's own past adopters outweigh the crowd's share once it
/// has had this many. Chosen before any backtest, as a handful of cascades' worth (see EVALUATION.md).
pub(crate) const SHARE_PRIOR_ADOPTERS: f64 = 20.0;

/// The share of each author's past adopters a count accepts, shrunk towards everyone's share: what a
/// forecast of the counted reach keeps of the whole reach.
pub(crate) struct CountedShares {
    /// Per dense author: (adopters accepted, adopters) summed over its past posts.
    by_author: Vec<(u64, u64)>,
    /// Everyone's share: accepted / all adopters over every past post.
    pub(crate) crowd: f64,
    /// The past posts' outcomes counting accepted adopters only.
    pub(crate) counted_past: Vec<earshot_diffusion::Outcome>,
}

impl CountedShares {
    pub(crate) fn learn(stored: &Stored, learning: &Learning, counts: Counts<'_>) -> Result<Self> {
        let nodes = stored.ids.len() as u32;
        let config = learning.config();
        let all = post_outcomes(nodes, &stored.posts, &stored.interactions, &config)?;
        let accepted: Vec<bool> = stored.ids.externals().iter().map(|&a| counts(a)).collect();
        let counted_past =
            post_outcomes_counting(nodes, &stored.posts, &stored.interactions, &config, &|u| {
                accepted[u as usize]
            })?;
        let mut by_author = vec![(0u64, 0u64); nodes as usize];
        // Both lists hold the same posts in the same order (post_outcomes_counting's contract).
        for (whole, counted) in all.iter().zip(&counted_past) {
            if let Some(slot) = by_author.get_mut(whole.author as usize) {
                slot.0 += u64::from(counted.reach);
                slot.1 += u64::from(whole.reach);
            }
        }
        let (a, n) = by_author
            .iter()
            .fold((0u64, 0u64), |(a, n), &(x, y)| (a + x, n + y));
        // With no adopter at all there is nothing to discount by: count everyone.
        let crowd = if n == 0 { 1.0 } else { a as f64 / n as f64 };
        Ok(CountedShares {
            by_author,
            crowd,
            counted_past,
        })
    }

    /// The author's (dense id) own share shrunk towards the crowd's; the crowd's for a newcomer.
    pub(crate) fn share_of(&self, author: u32) -> f64 {
        let (a, n) = self.adopters_of(author);
        (a as f64 + SHARE_PRIOR_ADOPTERS * self.crowd) / (n as f64 + SHARE_PRIOR_ADOPTERS)
    }

    /// (accepted, all) past adopters of the author's posts, summed over posts.
    pub(crate) fn adopters_of(&self, author: u32) -> (u64, u64) {
        self.by_author
            .get(author as usize)
            .copied()
            .unwrap_or((0, 0))
    }
}
