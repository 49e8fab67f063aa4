//! Long work in the background: spread forecasts and campaign plans. A POST queues a job and answers
//! 202 with its id at once; `GET /v1/jobs/{id}` gives its progress and, when done, its result. Jobs are
//! stored in the database, so a client can poll across server restarts (a job interrupted by a restart
//! is marked failed, never left "running").

use crate::auth::{Caller, Scope};
use crate::page::{Page, PageParams};
use crate::problem::{ApiError, ApiResult, Json, Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use earshot_app::error::FieldStyle;
use earshot_app::forecast::{ForecastReport, ForecastRequest};
use earshot_app::plan::report::PlanReport;
use earshot_app::plan::{PlanRequest, Probabilities};
use earshot_store::{JobRecord, Store};
use serde::{Deserialize, Serialize};
use std::path::Path as FsPath;
use utoipa::ToSchema;

/// The most jobs that may wait (queued or running) at once; more get 503 with Retry-After. Each key
/// may hold only its share of them (`ServerConfig::jobs_per_key`, half by default), so one client
/// cannot fill the queue.
pub const MAX_WAITING_JOBS: usize = 16;
/// Retry-After when the queue, or a key's share of it, is full.
const RETRY_JOBS_SECS: u64 = 30;

/// A spread forecast for one account's next post.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastParams {
    #[schema(min_length = 1)]
    pub platform: String,
    /// `@handle`, `handle` or the platform's id.
    #[schema(min_length = 1)]
    pub account: String,
    /// Learn from events before this instant (`YYYY-MM-DD[ HH:MM:SS]`, UTC). Default: all.
    pub until: Option<String>,
    /// Report P(reach ≥ N) for each N (at most 20).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub reach: Vec<u32>,
    /// Simulated cascades, 100–100000 (default 10000).
    #[schema(minimum = 100, maximum = 100000)]
    pub simulations: Option<u32>,
    /// Random seed (default 1): the same seed gives the same forecast.
    #[schema(minimum = 0)]
    pub seed: Option<u64>,
}

/// How the planner sets edge probabilities.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanProbabilities {
    /// Learned from who reshared whom.
    Learned,
    /// 1 / in-degree.
    WeightedCascade,
}

/// A campaign plan: the `k` accounts that together reach the most of an audience.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanParams {
    /// Seeds to choose, 1–500.
    #[schema(minimum = 1, maximum = 500)]
    pub k: u32,
    /// Only this platform's interactions.
    pub platform: Option<String>,
    /// Default `learned`.
    pub probabilities: Option<PlanProbabilities>,
    /// IMM's ε, at least 0.05 and below 1 (default 0.1): the guarantee is (1 − 1/e − ε) with high
    /// probability.
    #[schema(minimum = 0.05, exclusive_maximum = 1.0)]
    pub epsilon: Option<f64>,
    /// Reach only counts inside this topic's audience (a topic key of the latest run).
    pub audience_topic: Option<String>,
    /// Reach only counts inside this community (as `earshot communities` numbers them: 1 is the
    /// largest).
    #[schema(minimum = 1)]
    pub audience_community: Option<u32>,
    /// Reach only counts inside these accounts (handles or ids on `platform`), at most 1000; not with
    /// `audience_topic` or `audience_community`.
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub audience: Vec<String>,
    /// Accounts that may not be chosen (handles or ids on `platform`), at most 1000.
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub exclude: Vec<String>,
    /// Random seed (default 1).
    #[schema(minimum = 0)]
    pub seed: Option<u64>,
    /// Also check the `k` accounts of highest out-degree and of highest PageRank with the same
    /// Monte Carlo simulations, as baselines (default false).
    pub compare: Option<bool>,
}

/// A job as a client sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub id: i64,
    /// `forecast` or `plan`; from the dashboard also `communities` or `backtest`.
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// 0–1.
    pub progress: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub params: serde_json::Value,
    /// The result when done: the report the command line prints with `--json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<JobResult>)]
    pub result: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
}

/// A finished job's result, by its kind: a forecast or a plan. (For the schema: results are stored as
/// the JSON the use case reported.)
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum JobResult {
    Forecast(ForecastReport),
    Plan(Box<PlanReport>),
}

fn view(j: JobRecord) -> JobView {
    let parse = |s: &str| serde_json::from_str(s).unwrap_or(serde_json::Value::Null);
    JobView {
        id: j.id,
        kind: j.kind,
        status: j.status.as_str().into(),
        progress: j.progress,
        message: j.message,
        params: parse(&j.params),
        result: j.result.as_deref().map(parse),
        error: j.error,
        created_at: j.created_at,
        finished_at: j.finished_at,
    }
}

fn check_forecast(p: &ForecastParams) -> ApiResult<()> {
    if p.reach.len() > 20 {
        return Err(ApiError::unprocessable("reach: at most 20 thresholds"));
    }
    if let Some(n) = p.simulations {
        if !(100..=100_000).contains(&n) {
            return Err(ApiError::unprocessable("simulations must be 100–100000"));
        }
    }
    if p.account.trim().is_empty() || p.platform.trim().is_empty() {
        return Err(ApiError::unprocessable(
            "platform and account must not be empty",
        ));
    }
    Ok(())
}

fn check_plan(p: &PlanParams) -> ApiResult<()> {
    if !(1..=500).contains(&p.k) {
        return Err(ApiError::unprocessable("k must be 1–500"));
    }
    if let Some(e) = p.epsilon {
        if !(0.05..1.0).contains(&e) {
            return Err(ApiError::unprocessable(
                "epsilon must be at least 0.05 and below 1",
            ));
        }
    }
    if p.audience_community == Some(0) {
        return Err(ApiError::unprocessable(
            "audience_community counts from 1 (the largest community)",
        ));
    }
    let audiences = usize::from(p.audience_topic.is_some())
        + usize::from(p.audience_community.is_some())
        + usize::from(!p.audience.is_empty());
    if audiences > 1 {
        return Err(ApiError::unprocessable(
            "give one of audience_topic, audience_community and audience",
        ));
    }
    if p.audience.len() > 1000 {
        return Err(ApiError::too_large("audience: at most 1000 accounts"));
    }
    if p.exclude.len() > 1000 {
        return Err(ApiError::too_large("exclude: at most 1000 accounts"));
    }
    Ok(())
}

/// A cheap check of a job's parameters against the database, on the blocking pool, before it is queued.
async fn check_against_db<P: Send + 'static>(
    state: &AppState,
    params: P,
    check: impl FnOnce(&Store, &P) -> anyhow::Result<()> + Send + 'static,
) -> ApiResult<P> {
    let db = state.config().db.clone();
    tokio::task::spawn_blocking(move || {
        let store = open_store(&db)?;
        check(&store, &params).map(|()| params)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::from_app)
}

/// A job's own connection: its work takes seconds or minutes, so it does not hold one of the
/// server's readers.
fn open_store(db: &FsPath) -> anyhow::Result<Store> {
    Store::open_existing(db).map_err(|e| anyhow::anyhow!("opening database {}: {e}", db.display()))
}

/// The forecast a job's parameters ask for: the command line's defaults, with the values given.
fn forecast_request(p: &ForecastParams) -> anyhow::Result<ForecastRequest> {
    let mut req = ForecastRequest::new(p.account.clone());
    req.platform = Some(p.platform.clone());
    req.until = earshot_app::time::parse_given("`until`", &p.until)?;
    req.reach = p.reach.clone();
    if let Some(n) = p.simulations {
        req.simulations = n as usize;
    }
    if let Some(seed) = p.seed {
        req.seed = seed;
    }
    Ok(req)
}

/// Before a forecast is queued: `until` parses and the account exists.
fn precheck_forecast(store: &Store, p: &ForecastParams) -> anyhow::Result<()> {
    let req = forecast_request(p)?;
    earshot_app::accounts::resolve(store, &req.account, req.platform.as_deref()).map(|_| ())
}

fn run_forecast(
    db: &FsPath,
    p: &ForecastParams,
    progress: earshot_app::Progress<'_>,
) -> anyhow::Result<serde_json::Value> {
    let req = forecast_request(p)?;
    let store = open_store(db)?;
    let forecast = earshot_app::forecast::forecast_account(&store, &req, progress)?;
    Ok(serde_json::to_value(forecast.report())?)
}

/// The plan a job's parameters ask for, on the stored interactions: the command line's defaults,
/// with the values given; the report calls the database "the stored interactions" and leaves the
/// server's memory out (neither says anything about the plan).
fn plan_request(p: &PlanParams) -> PlanRequest {
    let mut req = PlanRequest::new(p.k as usize);
    req.platform = p.platform.clone();
    req.probabilities = match p.probabilities.unwrap_or(PlanProbabilities::Learned) {
        PlanProbabilities::Learned => Probabilities::Learned,
        PlanProbabilities::WeightedCascade => Probabilities::WeightedCascade,
    };
    if let Some(e) = p.epsilon {
        req.epsilon = e;
    }
    req.audience_topic = p.audience_topic.clone();
    req.audience_community = p.audience_community.map(|c| c as usize);
    req.audience_names = p.audience.clone();
    req.exclude_names = p.exclude.clone();
    req.compare = p.compare.unwrap_or(false);
    if let Some(seed) = p.seed {
        req.seed = seed;
    }
    req.report_memory = false;
    req.stored_label = Some("the stored interactions".into());
    req.fields = FieldStyle::Fields;
    req
}

/// Before a plan is queued: the audience topic and the excluded accounts exist.
fn precheck_plan(store: &Store, p: &PlanParams) -> anyhow::Result<()> {
    let platform = p.platform.as_deref();
    if let Some(topic) = &p.audience_topic {
        earshot_app::plan::source::topic_accounts(store, topic, platform, FieldStyle::Fields)?;
    }
    for (i, name) in p.exclude.iter().enumerate() {
        earshot_app::plan::source::stored_account(store, platform, name, &format!("exclude[{i}]"))?;
    }
    for (i, name) in p.audience.iter().enumerate() {
        earshot_app::plan::source::stored_account(
            store,
            platform,
            name,
            &format!("audience[{i}]"),
        )?;
    }
    Ok(())
}

fn run_plan(
    db: &FsPath,
    p: &PlanParams,
    progress: earshot_app::Progress<'_>,
) -> anyhow::Result<serde_json::Value> {
    let note = |n: &str| tracing::debug!(note = n, "plan");
    let report = earshot_app::plan::plan(db, &plan_request(p), &note, progress)?;
    Ok(serde_json::to_value(report)?)
}

/// Store a job, start it on the blocking pool once a slot is free, and answer 202 with it.
async fn launch<P: Serialize + Send + 'static>(
    state: AppState,
    caller: Option<Caller>,
    kind: &'static str,
    params: P,
    run: impl FnOnce(&FsPath, &P, earshot_app::Progress<'_>) -> anyhow::Result<serde_json::Value>
        + Send
        + 'static,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    let id = enqueue(&state, caller, kind, params, run).await?;
    let job = state
        .read(move |s| s.job(id)?.ok_or_else(|| ApiError::internal("job vanished")))
        .await?;
    Ok((StatusCode::ACCEPTED, Json(view(job))))
}

/// Store a job and start it on the blocking pool once a slot is free; its id. Each key holds at most
/// its share of the queue, whatever the job.
pub(crate) async fn enqueue<P: Serialize + Send + 'static>(
    state: &AppState,
    caller: Option<Caller>,
    kind: &'static str,
    params: P,
    run: impl FnOnce(&FsPath, &P, earshot_app::Progress<'_>) -> anyhow::Result<serde_json::Value>
        + Send
        + 'static,
) -> ApiResult<i64> {
    let params_json = serde_json::to_string(&params).map_err(ApiError::internal)?;
    let key = caller.map(|c| c.key_id);
    let per_key = state.config().jobs_per_key.max(1);
    // Counted and queued under the writer, so two requests cannot both take the last place.
    let id = state
        .write(move |s| {
            let (waiting, of_key) = s.waiting_jobs(key)?;
            if of_key >= per_key {
                return Err(ApiError::too_many(
                    format!(
                        "this key already has {of_key} jobs waiting, its share of the queue \
                         ({per_key}); poll them and start more when they finish"
                    ),
                    RETRY_JOBS_SECS,
                ));
            }
            if waiting >= MAX_WAITING_JOBS {
                let mut e = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("{waiting} jobs are already waiting; try again later"),
                );
                e.retry_after = Some(RETRY_JOBS_SECS);
                return Err(e);
            }
            Ok(s.create_job(kind, &params_json, key, crate::now())?)
        })
        .await?;
    let slots = state.running_jobs();
    let bg = state.clone();
    tokio::spawn(async move {
        let Ok(_permit) = slots.acquire_owned().await else {
            return;
        };
        if let Err(e) = bg.write(move |s| Ok(s.start_job(id, crate::now())?)).await {
            tracing::error!(job = id, detail = %e.detail, "could not start job");
            return;
        }
        let db = bg.config().db.clone();
        let progress_state = bg.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            // Progress is written at most every 2% so a fast job does not flood the writer, and
            // never waited for: reports come from rayon workers (see `try_write_blocking`). One
            // skipped because the writer is busy is tried again with the next report; the end is
            // recorded by `finish_job` in any case.
            let last = std::sync::Mutex::new(-1.0f64);
            let report = move |p: f64, what: &str| {
                let Ok(mut l) = last.try_lock() else {
                    return; // another worker is reporting right now
                };
                if p - *l >= 0.02 || p >= 1.0 {
                    match progress_state.try_write_blocking(|s| Ok(s.job_progress(id, p, what)?)) {
                        None => {}
                        Some(Ok(())) => *l = p,
                        Some(Err(e)) => {
                            *l = p;
                            tracing::warn!(job = id, detail = %e.detail, "could not record progress");
                        }
                    }
                }
            };
            let result = run(&db, &params, &report);
            // The job's working set is freed by now; without this the allocator keeps it resident.
            crate::memory::release_freed();
            result
        });
        let handle_result = outcome.await;
        let finished: Result<String, String> = match handle_result {
            Ok(Ok(v)) => Ok(v.to_string()),
            Ok(Err(e)) => match crate::problem::request_fault(&e) {
                Some(detail) => Err(detail),
                None => {
                    tracing::error!(job = id, cause = %format!("{e:#}"), "job failed");
                    Err("the job failed; the cause is in the server's log".into())
                }
            },
            Err(e) => {
                tracing::error!(job = id, cause = %e, "job panicked");
                Err("the job failed; the cause is in the server's log".into())
            }
        };
        let _ = bg
            .write(move |s| {
                Ok(s.finish_job(
                    id,
                    finished
                        .as_ref()
                        .map(String::as_str)
                        .map_err(String::as_str),
                    crate::now(),
                )?)
            })
            .await;
    });
    Ok(id)
}

/// Start a spread forecast: the distribution of how far the account's next post will travel.
/// An account the platform does not have, or an `until` that does not parse, is a 422 at once.
#[utoipa::path(post, path = "/v1/jobs/forecast", tag = "jobs", request_body = ForecastParams,
    responses((status = 202, description = "Queued; poll `/v1/jobs/{id}`", body = JobView)))]
pub async fn post_forecast(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Json(p): Json<ForecastParams>,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    check_forecast(&p)?;
    let p = check_against_db(&state, p, precheck_forecast).await?;
    launch(state, caller.map(|c| c.0), "forecast", p, run_forecast).await
}

/// A forecast job checked and queued as `POST /v1/jobs/forecast` queues it (for the dashboard).
pub(crate) async fn start_forecast(
    state: &AppState,
    caller: Option<Caller>,
    p: ForecastParams,
) -> ApiResult<i64> {
    check_forecast(&p)?;
    let p = check_against_db(state, p, precheck_forecast).await?;
    enqueue(state, caller, "forecast", p, run_forecast).await
}

/// A plan job checked and queued as `POST /v1/jobs/plan` queues it (for the dashboard).
pub(crate) async fn start_plan(
    state: &AppState,
    caller: Option<Caller>,
    p: PlanParams,
) -> ApiResult<i64> {
    check_plan(&p)?;
    let p = check_against_db(state, p, precheck_plan).await?;
    enqueue(state, caller, "plan", p, run_plan).await
}

/// Start a campaign plan (influence maximisation with IMM's guarantee). A topic the latest run does
/// not have, or an excluded account that does not exist, is a 422 at once.
#[utoipa::path(post, path = "/v1/jobs/plan", tag = "jobs", request_body = PlanParams,
    responses((status = 202, description = "Queued; poll `/v1/jobs/{id}`", body = JobView)))]
pub async fn post_plan(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Json(p): Json<PlanParams>,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    check_plan(&p)?;
    let p = check_against_db(&state, p, precheck_plan).await?;
    launch(state, caller.map(|c| c.0), "plan", p, run_plan).await
}

/// Whose jobs a caller sees: its key's own, or every job for an admin key. `None` is every job.
fn owner_filter(caller: Option<&Caller>) -> ApiResult<Option<i64>> {
    match caller {
        Some(c) if c.scope >= Scope::Admin => Ok(None),
        Some(c) => Ok(Some(c.key_id)),
        // The jobs routes sit behind authentication; without a caller nothing is shown.
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "an API key is required",
        )),
    }
}

/// One job: its status, progress and, when done, result. A job belongs to the key that started it:
/// another key gets 404, as if it did not exist (an admin key sees every job).
#[utoipa::path(get, path = "/v1/jobs/{id}", tag = "jobs",
    params(("id" = i64, Path, description = "The job's id", minimum = 1)),
    responses((status = 200, description = "The job", body = JobView),
              (status = 404, description = "No such job of this key", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn get_job(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Path(id): Path<i64>,
) -> ApiResult<Json<JobView>> {
    let owner = owner_filter(caller.as_ref().map(|c| &c.0))?;
    state
        .read(move |s| {
            s.job(id)?
                .filter(|j| owner.is_none() || j.key_id == owner)
                .map(|j| Json(view(j)))
                .ok_or_else(|| ApiError::not_found(format!("no job {id}")))
        })
        .await
}

/// The jobs this key started, newest first (every job for an admin key).
#[utoipa::path(get, path = "/v1/jobs", tag = "jobs", params(PageParams),
    responses((status = 200, description = "A page of jobs", body = Page<JobView>)))]
pub async fn list_jobs(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<Page<JobView>>> {
    let (limit, offset) = page.get()?;
    let owner = owner_filter(caller.as_ref().map(|c| &c.0))?;
    state
        .read(move |s| {
            let jobs = match owner {
                Some(key) => s.jobs_of_key(key, limit + 1, offset)?,
                None => s.jobs(limit + 1, offset)?,
            };
            let items = jobs.into_iter().map(view).collect();
            Ok(Json(Page::from_probe(items, limit, offset)))
        })
        .await
}
