//! Scoring a window and storing the run (`earshot score`), and the pieces other use cases share: the
//! model a run uses, a stored run's input read again, the rows a scored table is stored as, and a
//! component as reports show it.

use crate::dense_window::ChosenWindow;
use crate::error::{Missing, UsageError};
use crate::sources::{load_input, Text};
use crate::topics::assign::TopicSource;
use crate::topics::scoring::{score_topics, TopicScoringReport};
use anyhow::{Context, Result};
use earshot_score::{score, ScoreInput, ScoreModel, ScoreTable};
use earshot_store::{NamedScore, ScoreRow, ScoreRun, Store, TimeWindow, COMPONENTS};
use earshot_trust::TrustModel;
use std::collections::BTreeMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The rows to store for a scored table; `authenticity` gives each account's weight as the run used it
/// (`None` when the run had no authenticity model).
pub fn stored_rows(table: &ScoreTable, authenticity: impl Fn(i64) -> Option<f64>) -> Vec<ScoreRow> {
    (0..table.len())
        .map(|i| ScoreRow {
            account: table.accounts[i],
            overall: table.overall[i],
            raw: [0, 1, 2, 3, 4].map(|c| table.raw[c][i]),
            pct: [0, 1, 2, 3, 4].map(|c| table.pct[c][i]),
            askers: table.conversation[i].askers,
            askers_answered: table.conversation[i].askers_answered,
            authenticity: authenticity(table.accounts[i]),
            expected: table
                .prediction
                .as_ref()
                .filter(|_| table.is_scored(i))
                .map(|p| p.expected(i)),
        })
        .collect()
}

/// The score model in the file at `path`, or the built-in one.
pub fn load_model(path: Option<&std::path::Path>) -> Result<ScoreModel> {
    match path {
        None => Ok(ScoreModel::builtin()),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            ScoreModel::from_json(&text).with_context(|| format!("score model {}", p.display()))
        }
    }
}

/// What to score: a window of the stored events, with a model.
pub struct ScoreRequest {
    pub window: TimeWindow,
    pub platform: Option<String>,
    pub model: ScoreModel,
    /// Weigh reactors by the built-in authenticity model (profiles and behaviour).
    pub authenticity: bool,
    /// Also assign the window's posts to topics and score every account within each.
    pub topics: Option<TopicSource>,
    /// Best accounts to report.
    pub top: usize,
}

/// Wall-clock seconds of each stage.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Seconds {
    pub load: f64,
    pub score: f64,
    pub save: f64,
}

/// `earshot --json score`'s output: the stored run, what it scored, and its best accounts.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ScoreReport {
    pub run: i64,
    /// The watches evaluated on this run against the one before it, and the alerts they raised.
    pub watches: crate::watch::EvaluationReport,
    pub model_version: String,
    pub accounts: usize,
    pub interactions: u64,
    /// The run's end of data, UTC.
    pub as_of: String,
    /// Accounts with authentic engagement in the window (the others are stored, not scored).
    pub accounts_scored: usize,
    pub authenticity_model: Option<String>,
    pub accounts_with_authenticity: usize,
    /// Posts whose reactions earned nothing, by reason.
    pub posts_flagged: BTreeMap<String, usize>,
    /// Reactor-target pairs zeroed as bursts of doubtful new reactors.
    pub burst_pairs_discounted: usize,
    /// Follows in the window: they earn no reaction credit (a follow is not a reaction to anything said).
    pub follows_read: u64,
    /// Accounts whose reach is their follower count by the stored follow edges, no profile giving one.
    pub reach_from_follow_edges: usize,
    /// The weight of the offline sub-score in this run's overall scores (`score --with-offline`);
    /// absent: online only.
    pub offline_weight: Option<f64>,
    /// Accounts whose overall score took offline evidence in.
    pub accounts_with_offline: usize,
    pub pagerank_iterations: u32,
    pub weights: [f64; 5],
    pub seconds: Seconds,
    pub peak_rss_kib: Option<u64>,
    #[schema(value_type = Vec<Object>)]
    pub top: Vec<NamedScore>,
    pub topics: Option<TopicScoringReport>,
    /// The window scored when the request gave none and the data's dense period was chosen
    /// ([`crate::dense_window`]); `None` when the request's window was scored as given.
    pub window_chosen: Option<ChosenWindow>,
}

/// Seconds since 1970 now (0 if the clock is before it).
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Score the request's window and store the run (with its topic scores, when asked for); `stage`
/// hears what is being done. The run is in the score log from before it reads anything: `done` with
/// its scores, `failed` with the error, or left `running` if the process dies (the next run that holds
/// the database alone marks it `interrupted`).
pub fn score_and_store(
    store: &mut Store,
    req: &ScoreRequest,
    stage: &dyn Fn(&str),
) -> Result<ScoreReport> {
    let platform = req.platform.as_deref();
    // Without --from/--to: the data's latest dense period, said so in the report, when the data
    // reaches further back than decay can weigh (or ends in a thin stray tail).
    let window_chosen = if req.window.is_unbounded() {
        crate::dense_window::choose(store, platform, req.model.half_life_days)?
    } else {
        None
    };
    let window = window_chosen.as_ref().map_or(req.window, |c| c.window());
    let log = store.start_score(
        &req.model.version,
        window.from,
        window.to,
        platform,
        unix_now(),
    )?;
    let scored = score_logged(store, req, stage, window, window_chosen, log);
    if let Err(e) = &scored {
        // Best effort: if even this write fails, the row stays `running` and is settled later.
        let _ = store.fail_score(log, &format!("{e:#}"), unix_now());
    }
    scored
}

/// [`score_and_store`]'s work once the run is in the score log as `log`.
fn score_logged(
    store: &mut Store,
    req: &ScoreRequest,
    stage: &dyn Fn(&str),
    window: TimeWindow,
    window_chosen: Option<ChosenWindow>,
    log: earshot_store::ScoreLog,
) -> Result<ScoreReport> {
    let mut model = req.model.clone();
    let trust = req.authenticity.then(TrustModel::builtin);
    model.authenticity_model = trust.as_ref().map(|t| t.version.clone());
    let platform = req.platform.as_deref();
    stage("reading interactions, posts and profiles");
    let started = Instant::now();
    let (input, interactions) = load_input(store, window, platform, trust.as_ref())?;
    let load_seconds = started.elapsed().as_secs_f64();
    let last_event = end_of_data(store, window, platform, interactions)?;
    stage(&format!("scoring: {interactions} interactions read"));
    let t = Instant::now();
    let table = score(&input, &model, &Text)?;
    let score_seconds = t.elapsed().as_secs_f64();
    let run = ScoreRun {
        id: 0,
        created_at: unix_now(),
        model_version: model.version.clone(),
        model_json: serde_json::to_string(&model)?,
        window_from: window.from,
        window_to: window.to,
        last_event,
        platform: req.platform.clone(),
        accounts: table.len() as u64,
        interactions,
        weights: table.weights,
    };
    let topic_outcome = match &req.topics {
        Some(source) => Some(score_topics(store, &input, &model, source)?),
        None => None,
    };
    stage("storing the run");
    let t = Instant::now();
    // Exclusive when nobody else has the database open; beside a running server, shared.
    store.begin_bulk_mode()?;
    let mut rows = stored_rows(&table, |a| {
        trust.is_some().then(|| input.authenticity_of(a))
    });
    let accounts_with_offline = match model.offline_weight {
        Some(w) => crate::offline::mix_into(store, &mut rows, w, run.as_of())?,
        None => 0,
    };
    let run_id = store.save_logged_score_run(
        log,
        &run,
        &rows,
        topic_outcome.as_ref().and_then(|o| o.scores.as_ref()),
        unix_now(),
    )?;
    let save_seconds = t.elapsed().as_secs_f64();
    stage("evaluating watches");
    let watches = crate::watch::evaluate_run(store, run_id, unix_now())?;
    Ok(ScoreReport {
        run: run_id,
        watches,
        model_version: model.version.clone(),
        accounts: table.len(),
        interactions,
        as_of: earshot_model::format_utc(run.as_of()),
        accounts_scored: (0..table.len()).filter(|&i| table.is_scored(i)).count(),
        authenticity_model: model.authenticity_model.clone(),
        accounts_with_authenticity: input.authenticity.len(),
        posts_flagged: flag_counts(&input),
        burst_pairs_discounted: input.pair_weights.len(),
        follows_read: input
            .reactions
            .iter()
            .filter(|r| r.kind == earshot_model::InteractionKind::Follow)
            .count() as u64,
        reach_from_follow_edges: input.followers_from_edges,
        pagerank_iterations: table.pagerank_iterations,
        weights: table.weights,
        seconds: Seconds {
            load: load_seconds,
            score: score_seconds,
            save: save_seconds,
        },
        peak_rss_kib: crate::peak_rss_kib(),
        top: store.top_scores(run_id, "overall", req.top, None)?,
        topics: topic_outcome
            .as_ref()
            .map(|o| o.report(store))
            .transpose()?,
        window_chosen,
        offline_weight: model.offline_weight,
        accounts_with_offline,
    })
}

/// A run needs something to score: with no interaction in the window (and platform) it is a
/// [`Missing`] error and nothing is stored. Otherwise the latest interaction time
/// there, the run's end of data (`None` when no interaction is dated).
fn end_of_data(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    interactions: u64,
) -> Result<Option<i64>> {
    if interactions == 0 {
        let mut what = String::new();
        if let Some(p) = platform {
            what.push_str(&format!(" on platform {p:?}"));
        }
        if !window.is_unbounded() {
            let at = |t: Option<i64>, open: &str| {
                t.map_or_else(|| open.to_string(), earshot_model::format_utc)
            };
            what.push_str(&format!(
                " from {} to {}",
                at(window.from, "the start"),
                at(window.to, "the end")
            ));
        }
        let hint = if what.is_empty() {
            "import events first (`earshot import FILE`)"
        } else {
            "widen --from/--to, check --platform (`earshot stats` lists what is stored), or import events"
        };
        return Err(Missing(format!(
            "nothing to score: {} holds no interactions{what}; {hint}. No run was stored.",
            store.path().display()
        ))
        .into());
    }
    Ok(store.last_interaction_time(window, platform)?)
}

/// Flagged posts by reason, for the run summary.
fn flag_counts(input: &ScoreInput) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in input.flagged_posts.values() {
        *counts
            .entry(serde_json::to_value(f).map_or_else(
                |_| format!("{f:?}"),
                |v| v.as_str().unwrap_or_default().to_string(),
            ))
            .or_insert(0) += 1;
    }
    counts
}

/// What `top` ranks: a run (default: the latest), the order (`overall` or a component) and how many.
pub struct TopRequest<'a> {
    pub run: Option<i64>,
    pub by: &'a str,
    pub limit: usize,
    pub platform: Option<&'a str>,
}

impl TopRequest<'_> {
    /// Whether the order is one the scores have, before any database is opened.
    pub fn check(&self) -> Result<()> {
        if self.by != "overall" && !COMPONENTS.contains(&self.by) {
            return Err(UsageError(format!(
                "--by {:?}: use overall or one of {}",
                self.by,
                COMPONENTS.join(", ")
            ))
            .into());
        }
        Ok(())
    }
}

/// A run's best accounts by one order.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TopReport {
    #[schema(value_type = Object)]
    pub run: ScoreRun,
    /// The instant the run describes (its end of data), unix seconds.
    pub as_of: i64,
    /// The order as the request named it.
    pub by: String,
    #[schema(value_type = Vec<Object>)]
    pub top: Vec<NamedScore>,
}

/// Rank a stored run's accounts; `db` names the database in the message when there is no such run.
pub fn top(store: &Store, q: &TopRequest<'_>, db: &str) -> Result<TopReport> {
    q.check()?;
    let Some(run) = store.score_run(q.run)? else {
        return Err(Missing(format!(
            "no score run{} in {db}: run `earshot score` first",
            q.run.map(|r| format!(" #{r}")).unwrap_or_default()
        ))
        .into());
    };
    let top = store.top_scores(run.id, q.by, q.limit, q.platform)?;
    Ok(TopReport {
        as_of: run.as_of(),
        run,
        by: q.by.to_string(),
        top,
    })
}
