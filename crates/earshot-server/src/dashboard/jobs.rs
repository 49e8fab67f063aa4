//! Background work from the dashboard: the campaign planner's form, and the page that follows any job
//! (forecast, plan, communities, backtest) from queued to its result. Jobs are the API's own
//! (`POST /v1/jobs/…`, `GET /v1/jobs/{id}`): the same queue, the same share per key, the same result.

use super::layout::{page, refreshing_page, PageResult, Section};
use super::results;
use crate::auth::{Caller, Scope};
use crate::problem::{ApiError, ApiResult, Path};
use crate::routes::jobs::{start_plan, PlanParams, PlanProbabilities};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form};
use earshot_store::{JobRecord, JobStatus};
use maud::{html, Markup};
use serde::Deserialize;

/// The job `id` if the caller may see it: its own, or any for an admin key (as the API decides).
pub(crate) async fn own_job(state: &AppState, caller: &Caller, id: i64) -> ApiResult<JobRecord> {
    let (key, admin) = (caller.key_id, caller.scope >= Scope::Admin);
    state
        .read(move |s| {
            s.job(id)?
                .filter(|j| admin || j.key_id == Some(key))
                .ok_or_else(|| ApiError::not_found(format!("no job {id}")))
        })
        .await
}

/// The caller's latest jobs of `kind`, newest first (at most 10).
pub(crate) async fn recent_jobs(
    state: &AppState,
    caller: &Caller,
    kind: &'static str,
) -> ApiResult<Vec<JobRecord>> {
    let (key, admin) = (caller.key_id, caller.scope >= Scope::Admin);
    state
        .read(move |s| {
            let jobs = if admin {
                s.jobs(200, 0)?
            } else {
                s.jobs_of_key(key, 200, 0)?
            };
            Ok(jobs
                .into_iter()
                .filter(|j| j.kind == kind)
                .take(10)
                .collect())
        })
        .await
}

/// A list of jobs with links to them.
pub(crate) fn job_list(jobs: &[JobRecord]) -> Markup {
    html! {
        @if jobs.is_empty() {
            p { "None yet." }
        } @else {
            table {
                thead { tr { th scope="col" { "job" } th scope="col" { "started" } th scope="col" { "status" } th scope="col" { "parameters" } } }
                tbody {
                    @for j in jobs {
                        tr {
                            td { a href=(format!("/jobs/{}", j.id)) { "job " (j.id) } }
                            td { (super::layout::utc(j.created_at)) }
                            td { (j.status.as_str()) }
                            td { code { (j.params) } }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /jobs/{id}`: progress while it runs (the page reloads itself every second), then the result.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> PageResult {
    let job = own_job(&state, &caller, id).await?;
    let title = format!("Job {id}: {}", job.kind);
    let waiting = matches!(job.status, JobStatus::Queued | JobStatus::Running);
    let body = html! {
        p { "Started " (super::layout::utc(job.created_at)) ". Parameters: " code { (job.params) } }
        @if waiting {
            p id="job-status" role="status" { "Status: " strong { (job.status.as_str()) } @if let Some(m) = &job.message { " · " (m) } }
            label for="job-progress" { "Progress" }
            " "
            progress id="job-progress" max="1" value=(format!("{:.3}", job.progress)) { (format!("{:.0}%", job.progress * 100.0)) }
            p class="note" { "This page reloads every second until the job is done." }
        } @else if let Some(err) = &job.error {
            p id="job-status" role="status" { "Status: " strong { (job.status.as_str()) } }
            p class="error" role="alert" { (err) }
        } @else {
            p id="job-status" role="status" { "Status: " strong { (job.status.as_str()) }
                @if let Some(t) = job.finished_at { " at " (super::layout::utc(t)) } }
            @let result: serde_json::Value = job.result.as_deref().and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default();
            (results::render(&job.kind, &result))
        }
    };
    if waiting {
        Ok(refreshing_page(&title, &caller, 1, body))
    } else {
        Ok(page(&title, Section::Other, &caller, body))
    }
}

/// `GET /plan`
pub(crate) async fn planner(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> PageResult {
    let st = state.clone();
    let topics = state
        .read(move |s| {
            Ok(st
                .latest_run(s)?
                .map(|r| {
                    r.topics
                        .iter()
                        .map(|t| (t.key.clone(), t.label.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default())
        })
        .await?;
    let jobs = recent_jobs(&state, &caller, "plan").await?;
    let body = html! {
        p { "Choose the k accounts that together reach the most people, by influence maximisation (IMM) with its guarantee: "
            "the seeds reach at least (1 − 1/e − ε) of the best possible spread, with high probability. The plan is checked by fresh "
            "Monte Carlo simulations and compared with the k accounts of highest out-degree and PageRank." }
        form class="job" method="post" action="/plan" aria-label="Plan a campaign" {
            label { "Seeds (k)" input name="k" type="number" min="1" max="500" value="10" required; }
            label { "Platform" input name="platform" type="text" placeholder="all"; }
            label { "Audience topic"
                select name="audience_topic" {
                    option value="" { "everyone" }
                    @for (key, label) in &topics { option value=(key) { (label) } }
                }
            }
            label { "or audience community" input name="audience_community" type="number" min="1" placeholder="e.g. 1"; }
            label { "or audience list (handles or ids, comma-separated)" input name="audience" type="text"; }
            label { "Tie probabilities"
                select name="probabilities" {
                    option value="learned" { "learned from reshares" }
                    option value="weighted_cascade" { "1 / in-degree" }
                }
            }
            label { "ε (accuracy)" input name="epsilon" type="number" min="0.05" max="0.95" step="0.05" value="0.2"; }
            label { "Exclude (handles or ids, comma-separated)" input name="exclude" type="text"; }
            button type="submit" { "Plan campaign" }
        }
        p class="note" { "A budget with a cost per account is planned with " code { "earshot plan --budget B --cost FILE" } " on the command line." }
        h2 { "Your recent plans" }
        (job_list(&jobs))
    };
    Ok(page("Campaign planner", Section::Planner, &caller, body))
}

#[derive(Debug, Deserialize)]
pub(crate) struct PlanForm {
    k: String,
    platform: Option<String>,
    audience_topic: Option<String>,
    audience_community: Option<String>,
    audience: Option<String>,
    probabilities: Option<String>,
    epsilon: Option<String>,
    exclude: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A comma-separated list of accounts.
fn list(v: &Option<String>) -> Vec<String> {
    given(v)
        .map(|s| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn number<T: std::str::FromStr>(field: &str, v: Option<&str>) -> ApiResult<Option<T>> {
    v.map(|s| {
        s.parse()
            .map_err(|_| ApiError::unprocessable(format!("{field}: {s:?} is not a number")))
    })
    .transpose()
}

/// `POST /plan`: queue the plan and follow it.
pub(crate) async fn start(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Form(f): Form<PlanForm>,
) -> PageResult {
    let params = PlanParams {
        k: number("k", Some(f.k.trim()))?.unwrap_or(10),
        platform: given(&f.platform).map(str::to_string),
        probabilities: Some(match given(&f.probabilities) {
            Some("weighted_cascade") => PlanProbabilities::WeightedCascade,
            _ => PlanProbabilities::Learned,
        }),
        epsilon: number("epsilon", given(&f.epsilon))?,
        audience_topic: given(&f.audience_topic).map(str::to_string),
        audience_community: number("audience community", given(&f.audience_community))?,
        audience: list(&f.audience),
        exclude: list(&f.exclude),
        seed: None,
        compare: Some(true),
    };
    let id = start_plan(&state, Some(caller), params).await?;
    Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
}
