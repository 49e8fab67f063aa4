//! The triage inbox: unanswered customer messages in due-by order with the reasons for each due-by
//! and the time left, a button to mark one answered (write scope), and the fairness report per score
//! tier as a chart, all through the API's own triage handlers.

use super::charts;
use super::layout::{count, need_scope, num, page, pct, span, utc, PageResult, Section};
use crate::auth::{Caller, Scope};
use crate::problem::{Path, Query};
use crate::routes::triage::{
    get_fairness, get_queue, post_answered, ChannelParams, FairnessParams,
};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::Extension;
use maud::html;
use serde::Deserialize;

const PAGE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct InboxQuery {
    channel: Option<String>,
    offset: Option<u64>,
}

/// `GET /triage`
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<InboxQuery>,
) -> PageResult {
    let channel = q
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    let offset = q.offset.unwrap_or(0);
    let queue = get_queue(
        State(state.clone()),
        Query(ChannelParams {
            channel: channel.clone(),
            limit: Some(PAGE),
            offset: Some(offset),
        }),
    )
    .await?
    .0;
    let fairness = get_fairness(
        State(state.clone()),
        Query(FairnessParams {
            channel: channel.clone(),
        }),
    )
    .await?
    .0;
    let now = crate::now();
    let can_answer = caller.scope >= Scope::Write;
    let back = match &channel {
        Some(c) => format!("/triage?channel={}", super::layout::encode(c)),
        None => "/triage".into(),
    };
    let tiers: Vec<(String, f64)> = fairness
        .tiers
        .iter()
        .map(|t| (t.tier.clone(), t.p50_hours.unwrap_or(0.0)))
        .collect();
    let body = html! {
        form class="filters" method="get" action="/triage" aria-label="Choose a channel" {
            label { "Channel" input name="channel" type="text" value=(channel.clone().unwrap_or_default()) placeholder="all"; }
            button type="submit" { "Show" }
        }
        p id="unanswered" { strong { (count(queue.unanswered)) } " unanswered messages, soonest due first. Every message is due within the service floor whoever wrote it; influence only brings a due-by earlier." }
        @if !can_answer {
            p class="note" { "This key has read scope: marking messages answered needs a write key." }
        }
        @if queue.items.is_empty() {
            p { "The queue is empty." }
        } @else {
            table id="queue" {
                thead { tr {
                    th scope="col" { "due by" } th scope="col" { "time left" } th scope="col" class="n" { "priority" }
                    th scope="col" { "from" } th scope="col" { "message" } th scope="col" { "why this due-by" }
                    @if can_answer { th scope="col" { "action" } }
                } }
                tbody {
                    @for item in &queue.items {
                        @let m = &item.message;
                        @let left = m.due_by - now;
                        tr data-message=(m.message_id) {
                            td { (utc(m.due_by)) }
                            td class=[(left < 3600).then_some("due-soon")] { (span(left)) }
                            td class="n" { (m.priority) }
                            td { "@" (m.author.trim_start_matches('@')) br; span class="note" { (m.channel) } }
                            td { (m.text) }
                            td { ul class="reasons" { @for r in &item.reasons { li { (r.detail) @if r.advance_secs > 0 { " (" (span(r.advance_secs)) " earlier)" } } } } }
                            @if can_answer {
                                td {
                                    form class="inline" method="post" action=(format!("/triage/{}/answered", m.message_id)) {
                                        input type="hidden" name="back" value=(back);
                                        button type="submit" aria-label=(format!("Mark message {} answered", m.message_id)) { "Answered" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            nav class="pager" aria-label="Pages" {
                @if offset > 0 { a rel="prev" href=(format!("{back}{}offset={}", if back.contains('?') { "&" } else { "?" }, offset.saturating_sub(u64::from(PAGE)))) { "← Previous" } }
                @if let Some(n) = queue.next_offset { a rel="next" href=(format!("{back}{}offset={n}", if back.contains('?') { "&" } else { "?" })) { "Next →" } }
            }
        }
        h2 { "Fairness by score tier" }
        p { (count(fairness.messages)) " messages decided. Each tier's median hours from arrival to due-by; every tier's share due within the floor should be 100%." }
        (charts::bars("Median hours to due-by per score tier",
            &format!("Median hours from arrival to due-by for {} tiers, from unscored authors to scores 81–100", tiers.len()), &tiers, 1))
        table id="fairness" {
            thead { tr {
                th scope="col" { "tier" } th scope="col" class="n" { "messages" } th scope="col" class="n" { "median h" } th scope="col" class="n" { "p90 h" }
                th scope="col" class="n" { "within floor" } th scope="col" class="n" { "answered" } th scope="col" class="n" { "answered by due" } th scope="col" class="n" { "overdue" }
            } }
            tbody {
                @for t in &fairness.tiers {
                    tr {
                        th scope="row" { (t.tier) }
                        td class="n" { (count(t.messages)) }
                        td class="n" { (num(t.p50_hours, 1)) }
                        td class="n" { (num(t.p90_hours, 1)) }
                        td class="n" { (pct(t.within_floor)) }
                        td class="n" { (count(t.answered)) }
                        td class="n" { (pct(t.answered_by_due)) }
                        td class="n" { (count(t.overdue)) }
                    }
                }
            }
        }
    };
    Ok(page("Triage inbox", Section::Triage, &caller, body))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AnsweredForm {
    back: Option<String>,
}

/// `POST /triage/{id}/answered`: needs write scope; back to the inbox.
pub(crate) async fn answered(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<AnsweredForm>,
) -> PageResult {
    need_scope(&caller, Scope::Write)?;
    post_answered(State(state), Path(id)).await?;
    let back = f
        .back
        .filter(|b| b.starts_with("/triage") && !b.starts_with("//"))
        .unwrap_or_else(|| "/triage".into());
    Ok(Redirect::to(&back).into_response())
}
