//! One account: its score and components (through `GET /v1/accounts/…`), its history per component
//! with week and month changes, topics, authenticity, a reach forecast to start, and the page of
//! evidence behind the score (the explanation the API gives, recomputed, so on a page of its own).

use super::charts::{self, Line};
use super::layout::{account_href, encode, num, page, pct, PageResult, Section};
use crate::auth::Caller;
use crate::page::PageParams;
use crate::problem::{ApiError, Path, Query};
use crate::routes::accounts::{get_account, get_history, HistoryEntry};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::Extension;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The header's search form.
#[derive(Debug, Deserialize)]
pub(crate) struct FindQuery {
    account: String,
    platform: Option<String>,
}

/// `GET /account?account=…&platform=…`: to the account's page, the platform guessed when not given.
pub(crate) async fn find(State(state): State<AppState>, Query(q): Query<FindQuery>) -> PageResult {
    let account = q.account.trim().to_string();
    if account.is_empty() {
        return Err(ApiError::bad_request("give an account: @handle, handle or id").into());
    }
    let platform = match q
        .platform
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => p.to_string(),
        None => {
            let a = account.clone();
            state
                .read(move |s| {
                    let id =
                        earshot_app::accounts::resolve(s, &a, None).map_err(ApiError::from_app)?;
                    Ok(s.account_name(id)?.map(|n| n.platform).unwrap_or_default())
                })
                .await?
        }
    };
    Ok(Redirect::to(&account_href(&platform, &account)).into_response())
}

/// A run's `as_of` (`YYYY-MM-DD HH:MM:SS`, UTC) in unix seconds.
fn parse_when(s: &str) -> Option<i64> {
    earshot_app::time::parse_instant("as_of", &Some(s.to_string()))
        .ok()
        .flatten()
}

/// Changes of a component over the last week and month, from the history (newest first).
fn change(
    history: &[HistoryEntry],
    pick: impl Fn(&HistoryEntry) -> Option<f64>,
    days: i64,
) -> Option<f64> {
    let latest = history.first()?;
    let now = pick(latest)?;
    let as_of = |h: &HistoryEntry| parse_when(&h.score.as_of);
    let t = as_of(latest)?;
    let before = history
        .iter()
        .find(|h| as_of(h).is_some_and(|x| x <= t - days * 86_400))?;
    Some(now - pick(before)?)
}

fn signed(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:+.1}"),
        _ => "—".into(),
    }
}

/// `GET /accounts/{platform}/{account}`
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((platform, account)): Path<(String, String)>,
) -> PageResult {
    let view = get_account(
        State(state.clone()),
        Path((platform.clone(), account.clone())),
    )
    .await?
    .0;
    let history = get_history(
        State(state.clone()),
        Path((platform.clone(), account.clone())),
        Query(PageParams {
            limit: Some(200),
            offset: None,
        }),
    )
    .await?
    .0
    .items;
    let name = match &view.account.handle {
        Some(h) => format!("@{h}"),
        None => view.account.platform_id.clone(),
    };
    let here = account_href(&platform, &view.account.platform_id);
    let body = html! {
        dl class="facts" {
            dt { "platform" } dd { (view.account.platform) }
            dt { "platform id" } dd { (view.account.platform_id) }
            @if let Some(d) = &view.display_name { dt { "name" } dd { (d) } }
            @if let Some(f) = view.followers { dt { "followers" } dd { (super::layout::count(f)) " (shown for reference; the score does not use it)" } }
        }
        @match &view.score {
            None => { p { "No score run has scored this account." } }
            Some(sc) => {
                ul class="cards" aria-label="Score" {
                    li { span class="big" id="account-score" { (num(sc.overall, 1)) } span class="label" { "overall score (1–100), run " (sc.run) } }
                    li { span class="big" { (signed(change(&history, |h| h.score.overall, 7))) } span class="label" { "change over a week" } }
                    li { span class="big" { (signed(change(&history, |h| h.score.overall, 30))) } span class="label" { "change over a month" } }
                    li { span class="big" { (num(sc.expected_next_week, 1)) } span class="label" { "authentic reactions expected next week" } }
                    li { span class="big" { (num(sc.authenticity, 2)) } span class="label" { "authenticity weight (1: fully trusted)" } }
                }
                p { "As of " (sc.as_of) " UTC, model " (sc.model_version) ". "
                    (sc.askers_answered) " of " (sc.askers) " accounts that asked it a question were answered. "
                }
                form class="job" method="post" action=(format!("{here}/explanation")) {
                    span { "Why this score: each component's points, the reactors and posts behind them, flagged posts and the authenticity assessment, recomputed from the stored events." }
                    button type="submit" { "Explain this score" }
                }
                h2 { "Components" }
                table {
                    thead { tr {
                        th scope="col" { "component" } th scope="col" class="n" { "value" } th scope="col" class="n" { "percentile" }
                        th scope="col" class="n" { "weight" } th scope="col" class="n" { "week" } th scope="col" class="n" { "month" }
                    } }
                    tbody {
                        @for (i, c) in sc.components.iter().enumerate() {
                            tr {
                                th scope="row" { (c.name) }
                                td class="n" { (num(Some(c.value), 3)) }
                                td class="n" { (pct(Some(c.percentile))) }
                                td class="n" { (num(Some(c.weight), 2)) }
                                td class="n" { (signed(change(&history, |h| h.score.components.get(i).map(|c| c.percentile * 100.0), 7))) }
                                td class="n" { (signed(change(&history, |h| h.score.components.get(i).map(|c| c.percentile * 100.0), 30))) }
                            }
                        }
                    }
                }
                p class="note" { "Week and month changes are in percentile points for components and in score points overall, against the latest run at least that long before." }
            }
        }
        h2 { "History" }
        (history_chart(&history))
        h2 { "Topics" }
        @if view.topics.is_empty() {
            p { "No topic scores in the latest run." }
        } @else {
            table {
                thead { tr { th scope="col" { "topic" } th scope="col" class="n" { "score" } th scope="col" class="n" { "posts about it" } th scope="col" class="n" { "reactions" } } }
                tbody {
                    @for t in &view.topics {
                        tr { td { a href=(format!("/leaderboard?topic={}", encode(&t.key))) { (t.label) } } td class="n" { (num(Some(t.score), 1)) } td class="n" { (t.posts_about) } td class="n" { (t.reactions) } }
                    }
                }
            }
        }
        h2 { "Reach forecast" }
        p { "How far the account's next post may travel, as a distribution (simulated cascades over the ties learned from who reshared whom). It runs as a background job." }
        form class="job" method="post" action=(format!("{here}/forecast")) {
            label { "Simulations"
                select name="simulations" {
                    option value="2000" { "2,000 (quick)" }
                    option value="10000" selected { "10,000" }
                }
            }
            button type="submit" { "Forecast reach" }
        }
    };
    Ok(page(
        &format!("Account {name}"),
        Section::Other,
        &caller,
        body,
    ))
}

fn history_chart(history: &[HistoryEntry]) -> Markup {
    if history.is_empty() {
        return html! { p { "No runs scored this account." } };
    }
    let time = |h: &HistoryEntry| parse_when(&h.score.as_of).map(|t| t as f64);
    let mut series = vec![Line {
        name: "overall",
        points: history
            .iter()
            .filter_map(|h| Some((time(h)?, h.score.overall?)))
            .collect(),
    }];
    if let Some(first) = history.first() {
        for (i, c) in first.score.components.iter().enumerate() {
            series.push(Line {
                name: c.name.as_str(),
                points: history
                    .iter()
                    .filter_map(|h| Some((time(h)?, h.score.components.get(i)?.percentile * 100.0)))
                    .collect(),
            });
        }
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    html! {
        (charts::lines("Score and component percentiles per run", &format!("{} runs: the overall score and each component's percentile (0–100) over time", history.len()), &series, 100.0))
        table {
            caption { "The same, run by run" }
            thead { tr { th scope="col" { "run" } th scope="col" { "as of" } th scope="col" class="n" { "overall" }
                @for c in history.first().map(|h| h.score.components.as_slice()).unwrap_or(&[]) { th scope="col" class="n" { (c.name) " %" } } } }
            tbody {
                @for h in history.iter().take(20) {
                    tr { td { (h.score.run) } td { (h.score.as_of) } td class="n" { (num(h.score.overall, 1)) }
                        @for c in &h.score.components { td class="n" { (num(Some(c.percentile * 100.0), 0)) } } }
                }
            }
        }
    }
}

/// What an explanation job is asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ExplainParams {
    platform: String,
    account: String,
}

/// Recompute the account's score in the latest run with the evidence behind it, and assess its
/// authenticity: `earshot explain` and `earshot trust explain` in one result. It rebuilds the run's
/// graph, seconds on a large database, so it runs as a job.
fn run_explanation(
    db: &std::path::Path,
    p: &ExplainParams,
    progress: earshot_app::Progress<'_>,
) -> anyhow::Result<Value> {
    let store = earshot_store::Store::open_existing(db)?;
    let id = earshot_app::accounts::resolve(&store, &p.account, Some(&p.platform))?;
    let shown = earshot_app::accounts::display_name(&store, id)?;
    progress(0.1, "recomputing the score");
    let x = earshot_app::explain::explain_account(&store, id, &shown, None, 15, &|note| {
        tracing::debug!(note, "explanation")
    })?;
    let mut explanation = serde_json::to_value(x.report(&store)?)?;
    // Reactors are named as people know them rather than by earshot's internal id.
    if let Some(reactors) = explanation["evidence"]["reactors"].as_array_mut() {
        for r in reactors {
            if let Some(id) = r["account"].as_i64() {
                if let Some(n) = store.account_name(id)? {
                    r["account"] = Value::String(super::layout::account_label(
                        n.handle.as_deref(),
                        &n.platform_id,
                    ));
                }
            }
        }
    }
    progress(0.9, "assessing authenticity");
    let trust = earshot_app::trust::explain_account(
        &store,
        &earshot_app::trust::load_model(None)?,
        &earshot_app::trust::ExplainRequest {
            account: p.account.clone(),
            platform: Some(p.platform.clone()),
        },
    )?;
    Ok(serde_json::json!({ "explanation": explanation, "authenticity": trust }))
}

/// `POST /accounts/{platform}/{account}/explanation`: start the explanation job, then watch it.
pub(crate) async fn explain(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((platform, account)): Path<(String, String)>,
) -> PageResult {
    // An unknown account is a 404 now rather than a failed job later.
    get_account(
        State(state.clone()),
        Path((platform.clone(), account.clone())),
    )
    .await?;
    let params = ExplainParams { platform, account };
    let id = crate::routes::jobs::enqueue(&state, Some(caller), "explain", params, run_explanation)
        .await?;
    Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct ForecastForm {
    simulations: Option<u32>,
}

/// `POST /accounts/{platform}/{account}/forecast`: start the forecast job, then watch it.
pub(crate) async fn forecast(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((platform, account)): Path<(String, String)>,
    axum::Form(f): axum::Form<ForecastForm>,
) -> PageResult {
    let params = crate::routes::jobs::ForecastParams {
        platform,
        account,
        until: None,
        reach: (0..20).map(|e| 1u32 << e).collect(),
        simulations: Some(f.simulations.unwrap_or(10_000).clamp(100, 100_000)),
        seed: None,
    };
    let id = crate::routes::jobs::start_forecast(&state, Some(caller), params).await?;
    Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
}
