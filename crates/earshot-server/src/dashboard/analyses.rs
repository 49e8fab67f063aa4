//! The communities map and the backtest: analyses over the whole database that take seconds to
//! minutes on a large one, so each runs as a background job from its page and the page shows the
//! latest one finished (the map and leaders; the validity tables and reliability diagram).

use super::jobs::{job_list, recent_jobs};
use super::layout::{page, utc, PageResult, Section};
use super::results;
use crate::auth::Caller;
use crate::problem::{ApiError, ApiResult};
use crate::routes::jobs::enqueue;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form};
use earshot_store::{JobRecord, JobStatus, Store, TimeWindow};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use std::path::Path as FsPath;

/// The latest finished job of the list, drawn, or a word that none has finished.
fn latest_result(jobs: &[JobRecord], kind: &str) -> Markup {
    let done = jobs.iter().find(|j| j.status == JobStatus::Done);
    match done {
        Some(j) => {
            let result: serde_json::Value = j
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or_default();
            html! {
                p class="note" { "From " a href=(format!("/jobs/{}", j.id)) { "job " (j.id) } ", finished "
                    (j.finished_at.map(utc).unwrap_or_default()) "." }
                (results::render(kind, &result))
            }
        }
        None => html! { p id="no-result" { "No finished run yet: start one above." } },
    }
}

/// What a communities job is asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CommunitiesParams {
    platform: Option<String>,
    resolution: f64,
}

fn open(db: &FsPath) -> anyhow::Result<Store> {
    Store::open_existing(db).map_err(|e| anyhow::anyhow!("opening database {}: {e}", db.display()))
}

fn run_communities(
    db: &FsPath,
    p: &CommunitiesParams,
    progress: earshot_app::Progress<'_>,
) -> anyhow::Result<serde_json::Value> {
    let store = open(db)?;
    let model = earshot_app::score::load_model(None)?;
    progress(0.1, "finding communities");
    let report = earshot_app::communities::find(
        &earshot_app::communities::CommunitiesRequest {
            source: earshot_app::communities::GraphSource::Stored {
                store: &store,
                window: TimeWindow::all(),
                platform: p.platform.as_deref(),
                model: &model,
            },
            labels: None,
            resolution: p.resolution,
            seed: Some(0),
            top: 24,
            accounts: 5,
            all: false,
        },
        &|note| tracing::debug!(note, "communities"),
    )?;
    Ok(serde_json::to_value(report)?)
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `GET /communities`
pub(crate) async fn communities(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> PageResult {
    let jobs = recent_jobs(&state, &caller, "communities").await?;
    let body = html! {
        p { "Groups of accounts that react to each other more than to the rest (Louvain on the authentic reaction graph), each with the accounts that lead it." }
        form class="job" method="post" action="/communities" aria-label="Find communities" {
            label { "Platform" input name="platform" type="text" placeholder="all"; }
            label { "Resolution (higher: smaller communities)" input name="resolution" type="number" min="0.1" max="10" step="0.1" value="1"; }
            button type="submit" { "Find communities" }
        }
        h2 { "Map" }
        (latest_result(&jobs, "communities"))
        h2 { "Your recent runs" }
        (job_list(&jobs))
    };
    Ok(page("Communities", Section::Communities, &caller, body))
}

#[derive(Debug, Deserialize)]
pub(crate) struct CommunitiesForm {
    platform: Option<String>,
    resolution: Option<String>,
}

/// `POST /communities`
pub(crate) async fn start_communities(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Form(f): Form<CommunitiesForm>,
) -> PageResult {
    let resolution = match given(&f.resolution) {
        Some(r) => r
            .parse::<f64>()
            .ok()
            .filter(|r| r.is_finite() && *r > 0.0 && *r <= 10.0)
            .ok_or_else(|| {
                ApiError::unprocessable(format!("resolution: {r:?} is not a number in (0, 10]"))
            })?,
        None => 1.0,
    };
    let p = CommunitiesParams {
        platform: given(&f.platform),
        resolution,
    };
    let id = enqueue(&state, Some(caller), "communities", p, run_communities).await?;
    Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
}

/// What a backtest job is asked: the cut, in unix seconds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct BacktestParams {
    platform: Option<String>,
    train_until: i64,
    test_until: i64,
}

fn run_backtest(
    db: &FsPath,
    p: &BacktestParams,
    progress: earshot_app::Progress<'_>,
) -> anyhow::Result<serde_json::Value> {
    let store = open(db)?;
    let model = earshot_app::score::load_model(None)?;
    progress(0.1, "scoring the training window");
    let req = earshot_app::backtest::BacktestRequest {
        platform: p.platform.as_deref(),
        cut: earshot_app::backtest::Cut {
            train_from: None,
            train_until: p.train_until,
            test_until: p.test_until,
        },
        model: &model,
        truth: earshot_app::backtest::Truth::Reactions,
        k: 100,
        bootstrap: 200,
        relevel: false,
    };
    let (report, _) = earshot_app::backtest::backtest(&store, &req)?;
    Ok(serde_json::to_value(report)?)
}

/// The default cut: the last quarter of the data's span is the test window.
async fn default_cut(state: &AppState) -> ApiResult<Option<(i64, i64)>> {
    let ov = state.read(|s| Ok(s.overview()?)).await?;
    Ok(match (ov.first_time, ov.last_time) {
        (Some(a), Some(b)) if b > a => Some((b - (b - a) / 4, b + 1)),
        _ => None,
    })
}

/// `GET /backtest`
pub(crate) async fn backtest(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> PageResult {
    let jobs = recent_jobs(&state, &caller, "backtest").await?;
    let cut = default_cut(&state).await?;
    let date = |t: i64| earshot_model::format_utc(t);
    let body = html! {
        p { "How well did scores predict later engagement? The model scores the events before the cut, then each account's authentic reactions after it "
            "are compared with its score, beside the baselines: reactions and reactors so far, PageRank, last window's engagement and follower counts where profiles have them." }
        @match cut {
            None => { p { "The database has no dated events to cut." } }
            Some((train, test)) => {
                form class="job" method="post" action="/backtest" aria-label="Run a backtest" {
                    label { "Platform" input name="platform" type="text" placeholder="all"; }
                    label { "Train until (UTC)" input name="train_until" type="text" value=(date(train)) required; }
                    label { "Test until (UTC)" input name="test_until" type="text" value=(date(test)) required; }
                    button type="submit" { "Run backtest" }
                }
            }
        }
        h2 { "Validity and calibration" }
        (latest_result(&jobs, "backtest"))
        h2 { "Your recent backtests" }
        (job_list(&jobs))
    };
    Ok(page(
        "Backtest and calibration",
        Section::Backtest,
        &caller,
        body,
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct BacktestForm {
    platform: Option<String>,
    train_until: String,
    test_until: String,
}

/// `POST /backtest`
pub(crate) async fn start_backtest(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Form(f): Form<BacktestForm>,
) -> PageResult {
    let when = |field: &str, v: &str| -> ApiResult<i64> {
        earshot_app::time::parse_instant(field, &Some(v.trim().to_string()))
            .map_err(|e| ApiError::unprocessable(format!("{e:#}")))?
            .ok_or_else(|| ApiError::unprocessable(format!("{field} is required")))
    };
    let train_until = when("train until", &f.train_until)?;
    let test_until = when("test until", &f.test_until)?;
    if test_until <= train_until {
        return Err(ApiError::unprocessable("test until must be after train until").into());
    }
    let p = BacktestParams {
        platform: given(&f.platform),
        train_until,
        test_until,
    };
    let id = enqueue(&state, Some(caller), "backtest", p, run_backtest).await?;
    Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
}
