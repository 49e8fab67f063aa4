//! The leaderboard: the latest run's ranking through `GET /v1/top` itself, sorted by the overall
//! score or any component, filtered by platform, topic and authenticity, a page at a time.

use super::layout::{account_href, account_label, encode, num, page, PageResult, Section};
use crate::auth::Caller;
use crate::problem::Query;
use crate::routes::accounts::{get_top, RankBy, TopParams};
use crate::state::AppState;
use axum::extract::State;
use axum::Extension;
use maud::html;
use serde::Deserialize;

/// Accounts a page.
const PAGE: u32 = 50;

/// The leaderboard's query: what the filter form sends.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BoardQuery {
    by: Option<String>,
    platform: Option<String>,
    topic: Option<String>,
    min_authenticity: Option<String>,
    offset: Option<u64>,
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl BoardQuery {
    /// This query's address with `by` and `offset` replaced.
    fn href(&self, by: &str, offset: u64) -> String {
        let mut q = format!("/leaderboard?by={}", encode(by));
        for (name, v) in [
            ("platform", given(&self.platform)),
            ("topic", given(&self.topic)),
            ("min_authenticity", given(&self.min_authenticity)),
        ] {
            if let Some(v) = v {
                q.push_str(&format!("&{name}={}", encode(&v)));
            }
        }
        if offset > 0 {
            q.push_str(&format!("&offset={offset}"));
        }
        q
    }
}

const AUTH_CHOICES: [(&str, &str); 4] = [
    ("", "any"),
    ("0.5", "at least 0.5"),
    ("0.8", "at least 0.8"),
    ("0.95", "at least 0.95"),
];

/// `GET /leaderboard`
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<BoardQuery>,
) -> PageResult {
    let by = given(&q.by)
        .and_then(|b| RankBy::OVERALL_LIST.into_iter().find(|r| r.column() == b))
        .unwrap_or(RankBy::Overall);
    let min_authenticity = match given(&q.min_authenticity) {
        Some(v) => Some(v.parse::<f64>().map_err(|_| {
            crate::problem::ApiError::bad_request(format!(
                "min_authenticity must be a number 0–1, not {v:?}"
            ))
        })?),
        None => None,
    };
    let offset = q.offset.unwrap_or(0);
    let params = TopParams {
        by: Some(by),
        platform: given(&q.platform),
        topic: given(&q.topic),
        min_authenticity,
        run: None,
        limit: Some(PAGE),
        offset: Some(offset),
    };
    let st = state.clone();
    let topics = state.read(move |s| state_topics(&st, s)).await?;
    let top = get_top(State(state.clone()), Query(params)).await?.0;
    let in_topic = given(&q.topic).is_some();
    let body = html! {
        form class="filters" method="get" action="/leaderboard" aria-label="Filter the ranking" {
            input type="hidden" name="by" value=(by.column());
            label { "Platform"
                input name="platform" type="text" value=(given(&q.platform).unwrap_or_default()) placeholder="all";
            }
            label { "Topic"
                select name="topic" {
                    option value="" { "all (overall score)" }
                    @for (key, label) in &topics {
                        @if given(&q.topic).as_deref() == Some(key.as_str()) {
                            option value=(key) selected { (label) }
                        } @else {
                            option value=(key) { (label) }
                        }
                    }
                }
            }
            label { "Authenticity"
                select name="min_authenticity" {
                    @for (v, label) in AUTH_CHOICES {
                        @if given(&q.min_authenticity).as_deref().unwrap_or("") == v {
                            option value=(v) selected { (label) }
                        } @else {
                            option value=(v) { (label) }
                        }
                    }
                }
            }
            button type="submit" { "Apply" }
        }
        @if top.items.is_empty() {
            p { "No accounts match." }
        } @else {
            nav class="pager" aria-label="Rank by" {
                span { "Rank by:" }
                @for r in RankBy::OVERALL_LIST {
                    @if r == by {
                        a href=(q.href(r.column(), 0)) aria-current="true" { strong { (r.column()) } }
                    } @else {
                        a href=(q.href(r.column(), 0)) { (r.column()) }
                    }
                }
            }
            table id="leaderboard" {
                caption { "Ranked by " (by.column()) @if in_topic { " within the topic" } "." }
                thead { tr {
                    th scope="col" class="n" { "rank" }
                    th scope="col" { "account" }
                    th scope="col" { "platform" }
                    @if by == RankBy::Overall {
                        th scope="col" class="n" aria-sort="descending" { "overall ▼" }
                    } @else {
                        th scope="col" class="n" { "overall" }
                        th scope="col" class="n" aria-sort="descending" { (by.column()) " ▼" }
                    }
                    th scope="col" class="n" { "authenticity" }
                } }
                tbody {
                    @for e in &top.items {
                        tr {
                            td class="n" { (e.rank) }
                            td { a href=(account_href(&e.account.platform, &e.account.platform_id)) data-score=(format!("{:.1}", e.score)) {
                                (account_label(e.account.handle.as_deref(), &e.account.platform_id)) } }
                            td { (e.account.platform) }
                            td class="n" { (num(Some(e.score), 1)) }
                            @if by != RankBy::Overall {
                                td class="n" { (num(Some(e.value), 2)) }
                            }
                            td class="n" { (num(e.authenticity, 2)) }
                        }
                    }
                }
            }
            p class="note" { "The table shows the overall score and the measure ranked by (its raw value); an account's page has every component. Authenticity is the account's own weight as a reactor in the run (1: fully trusted)." }
            nav class="pager" aria-label="Pages" {
                @if offset > 0 {
                    a href=(q.href(by.column(), offset.saturating_sub(u64::from(PAGE)))) rel="prev" { "← Previous " (PAGE) }
                }
                @if let Some(next) = top.next_offset {
                    a href=(q.href(by.column(), next)) rel="next" { "Next " (PAGE) " →" }
                }
            }
        }
    };
    Ok(page("Leaderboard", Section::Leaderboard, &caller, body))
}

/// The latest run's topics as (key, label), for the topic filter.
fn state_topics(
    state: &AppState,
    s: &earshot_store::Store,
) -> crate::problem::ApiResult<Vec<(String, String)>> {
    Ok(state
        .latest_run(s)?
        .map(|r| {
            r.topics
                .iter()
                .map(|t| (t.key.clone(), t.label.clone()))
                .collect()
        })
        .unwrap_or_default())
}
