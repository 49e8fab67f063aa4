//! The overview: what the database holds and over which time, how the latest run's scores are
//! spread, the latest runs, the latest watch alerts with their deliveries, and the latest imports
//! with their rejects.

use super::charts;
use super::layout::{count, page, utc, PageResult, Section};
use crate::auth::Caller;
use crate::state::AppState;
use axum::extract::State;
use axum::Extension;
use maud::html;

/// Bins of the score histogram: 5 points each.
const BINS: usize = 20;
/// The latest alerts shown.
const ALERTS_SHOWN: usize = 10;

/// The watchlist's state: how many watches, the latest alerts (and how many in all), and the
/// deliveries pending, done and dead.
struct Watching {
    watches: u64,
    alerts: earshot_app::watch::AlertList,
    deliveries: (u64, u64, u64),
}

/// What an alert says, in a few words: the change, or the topic place.
fn alert_summary(payload: &serde_json::Value) -> String {
    let num = |k: &str| payload[k].as_f64();
    match (payload["rule"].as_str(), num("before"), num("after")) {
        (Some("topic_top"), _, _) => format!(
            "entered {}'s top {} at {}",
            payload["topic"].as_str().unwrap_or("?"),
            payload["k"],
            payload["rank"]
        ),
        (Some("doubtful_burst"), _, _) => format!(
            "{} doubtful of {} reactors in the hour from {}",
            payload["doubtful_reactors"],
            payload["reactors"],
            payload["hour"]
                .as_i64()
                .map(earshot_model::format_utc)
                .unwrap_or_default()
        ),
        (Some(rule), Some(b), Some(a)) => {
            let what = payload["component"].as_str().unwrap_or(match rule {
                "authenticity_drop" => "authenticity",
                _ => "score",
            });
            format!("{what} {b:.2} → {a:.2}")
        }
        _ => String::new(),
    }
}

/// `GET /`
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> PageResult {
    let (ov, runs, imports, hist, watch) = state
        .read(|s| {
            let ov = s.overview()?;
            let mut runs = s.score_runs()?;
            runs.reverse();
            runs.truncate(5);
            let hist = match runs.first() {
                Some(r) => Some(s.score_histogram(r.id, BINS)?),
                None => None,
            };
            let watch = Watching {
                watches: s.watches(0, 0)?.1,
                alerts: earshot_app::watch::alerts(s, ALERTS_SHOWN, 0)
                    .map_err(crate::problem::ApiError::from_app)?,
                deliveries: s.delivery_counts()?,
            };
            Ok((ov, runs, s.imports(8)?, hist, watch))
        })
        .await?;
    let span = match (ov.first_time, ov.last_time) {
        (Some(a), Some(b)) => format!("{} to {}", utc(a), utc(b)),
        _ => "no dated events".into(),
    };
    let body = html! {
        ul class="cards" aria-label="What the database holds" {
            li { span class="big" { (count(ov.accounts)) } span class="label" { "accounts" } }
            li { span class="big" { (count(ov.posts)) } span class="label" { "posts" } }
            li { span class="big" { (count(ov.interactions)) } span class="label" { "interactions" } }
            li { span class="big" { (runs.len()) } span class="label" { "recent score runs" } }
        }
        p { "Events from " (span) "." }
        @if !ov.accounts_by_platform.is_empty() {
            table {
                caption { "Accounts per platform" }
                thead { tr { th scope="col" { "platform" } th scope="col" class="n" { "accounts" } } }
                tbody {
                    @for (p, n) in &ov.accounts_by_platform {
                        tr { td { a href=(format!("/leaderboard?platform={}", super::layout::encode(p))) { (p) } } td class="n" { (count(*n)) } }
                    }
                }
            }
        }
        h2 { "Score distribution" }
        @match (&hist, runs.first()) {
            (Some((bins, unscored)), Some(run)) => {
                @let data: Vec<(String, f64)> = bins.iter().enumerate()
                    .map(|(i, n)| (format!("{}", i * 100 / BINS), *n as f64)).collect();
                @let scored: u64 = bins.iter().sum();
                (charts::bars(
                    &format!("Accounts by score, run {}", run.id),
                    &format!("{} scored accounts in bins of 5 points from 0 to 100; {} accounts unscored", scored, unscored),
                    &data, 2))
                p class="note" { (count(scored)) " accounts scored, " (count(*unscored)) " with no authentic engagement in the window (unscored)." }
            }
            _ => { p { "No score run yet: run " code { "earshot score" } " to score the accounts." } }
        }
        h2 { "Latest score runs" }
        @if runs.is_empty() {
            p { "None yet." }
        } @else {
            table {
                thead { tr {
                    th scope="col" { "run" } th scope="col" { "made" } th scope="col" { "model" }
                    th scope="col" { "window" } th scope="col" class="n" { "accounts" } th scope="col" class="n" { "interactions" }
                } }
                tbody {
                    @for r in &runs {
                        tr {
                            td { (r.id) }
                            td { (utc(r.created_at)) }
                            td { (r.model_version) }
                            td { (r.window_from.map(utc).unwrap_or_else(|| "start".into())) " – " (r.window_to.map(utc).unwrap_or_else(|| "end".into())) }
                            td class="n" { (count(r.accounts)) }
                            td class="n" { (count(r.interactions)) }
                        }
                    }
                }
            }
        }
        h2 { "Watch alerts" }
        p {
            (count(watch.watches)) " watches; " (count(watch.alerts.total)) " alerts; deliveries to webhooks: "
            (count(watch.deliveries.0)) " pending, " (count(watch.deliveries.1)) " delivered, "
            (count(watch.deliveries.2)) " dead."
        }
        @if !watch.alerts.alerts.is_empty() {
            table {
                caption { "Latest alerts" }
                thead { tr {
                    th scope="col" { "alert" } th scope="col" { "raised" } th scope="col" { "account" }
                    th scope="col" { "rule" } th scope="col" { "what moved" } th scope="col" { "run" }
                } }
                tbody {
                    @for a in &watch.alerts.alerts {
                        @let payload = &a.alert;
                        @let who = payload["account"]["handle"].as_str().map(|h| format!("@{h}"))
                            .or_else(|| payload["account"]["platform_id"].as_str().map(str::to_string))
                            .unwrap_or_default();
                        tr {
                            td { (a.id) }
                            td { (a.created_at) }
                            td { (who) }
                            td { (payload["rule"].as_str().unwrap_or_default()) }
                            td { (alert_summary(payload)) }
                            td { (a.run.map(|r| r.to_string()).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
        h2 { "Latest imports" }
        @if imports.is_empty() {
            p { "None recorded." }
        } @else {
            table {
                thead { tr {
                    th scope="col" { "file" } th scope="col" { "format" } th scope="col" { "started" }
                    th scope="col" { "status" } th scope="col" class="n" { "records" } th scope="col" class="n" { "rejected" }
                } }
                tbody {
                    @for i in &imports {
                        tr {
                            td { (i.path) }
                            td { (i.format) }
                            td { (utc(i.started_at)) }
                            td { (i.status.as_str()) }
                            td class="n" { (count(i.records)) }
                            td class="n" { (count(i.rejected)) }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Overview", Section::Overview, &caller, body))
}
