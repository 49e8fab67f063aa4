//! Watchlists, their alerts and the webhooks alerts go to (as `earshot watch`). Watches are evaluated
//! after every score run; the server POSTs each alert to every webhook in the background
//! ([`crate::delivery`]).

use crate::page::PageParams;
use crate::problem::{ApiError, ApiResult, Json, Query};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use earshot_app::error::FieldStyle;
use earshot_app::watch::{self, AddReport, AddRequest, AlertList, Rule, RuleParams, WatchList};
use earshot_app::webhooks::{self, AddedWebhook};
use serde::Deserialize;
use utoipa::ToSchema;

/// The most accounts one request may watch.
const MAX_ACCOUNTS: usize = 10_000;

/// Accounts to watch with one rule.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWatches {
    /// `@handle`, handle or platform id each; `platform:` prefixes allowed.
    pub accounts: Vec<String>,
    /// Look the accounts up on this platform.
    pub platform: Option<String>,
    /// `score_change`, `component_change`, `authenticity_drop`, `topic_top` or `doubtful_burst`.
    pub rule: String,
    /// score_change, component_change: the smallest change that alerts, in (percentile) points.
    pub points: Option<f64>,
    /// component_change: audience, amplification, conversation, authority or reach.
    pub component: Option<String>,
    /// authenticity_drop: the smallest fall (0-1) that alerts.
    pub drop: Option<f64>,
    /// topic_top: the topic's key.
    pub topic: Option<String>,
    /// topic_top: alert when the account enters the topic's top k.
    pub k: Option<u32>,
    /// doubtful_burst: alert when at least this many distinct doubtful accounts (authenticity below
    /// 0.5 in the latest run, or never scored) react to the account within one clock hour; evaluated
    /// after every `POST /v1/events`.
    pub reactors: Option<u32>,
}

/// The watchlist, by id.
#[utoipa::path(get, path = "/v1/watches", tag = "watches", params(PageParams),
    responses((status = 200, description = "A page of watches; `total` says how many", body = WatchList)))]
pub async fn list_watches(
    State(state): State<AppState>,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<WatchList>> {
    let (limit, offset) = page.get()?;
    state
        .read(move |s| {
            watch::list(s, limit, offset)
                .map(Json)
                .map_err(ApiError::from_app)
        })
        .await
}

/// Watch accounts with a rule (a rule already on an account takes the new threshold). An account
/// that cannot be found stops the request before anything is stored.
#[utoipa::path(post, path = "/v1/watches", tag = "watches", request_body = NewWatches,
    responses((status = 200, description = "How many watches were added or updated", body = AddReport)))]
pub async fn post_watches(
    State(state): State<AppState>,
    Json(req): Json<NewWatches>,
) -> ApiResult<Json<AddReport>> {
    if req.accounts.is_empty() || req.accounts.len() > MAX_ACCOUNTS {
        return Err(ApiError::unprocessable(format!(
            "`accounts`: between 1 and {MAX_ACCOUNTS} accounts, not {}",
            req.accounts.len()
        )));
    }
    let rule = Rule::parse(
        &req.rule,
        &RuleParams {
            points: req.points,
            component: req.component.as_deref(),
            drop: req.drop,
            topic: req.topic.as_deref(),
            k: req.k,
            reactors: req.reactors,
        },
        FieldStyle::Fields,
    )
    .map_err(ApiError::from_app)?;
    let add = AddRequest {
        accounts: req.accounts,
        platform: req.platform,
        rule,
    };
    state
        .write(move |s| {
            watch::add(s, &add, crate::now())
                .map(Json)
                .map_err(ApiError::from_app)
        })
        .await
}

/// Stop watching: remove one watch by id.
#[utoipa::path(delete, path = "/v1/watches/{id}", tag = "watches",
    params(("id" = i64, Path, description = "The watch's id")),
    responses((status = 204, description = "Removed"),
              (status = 404, description = "No such watch", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn delete_watch(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state
        .write(move |s| match s.remove_watches(&[id])? {
            0 => Err(ApiError::not_found(format!("no watch {id}"))),
            _ => Ok(StatusCode::NO_CONTENT),
        })
        .await
}

/// Stored alerts, newest first.
#[utoipa::path(get, path = "/v1/alerts", tag = "watches", params(PageParams),
    responses((status = 200, description = "A page of alerts; `total` says how many", body = AlertList)))]
pub async fn list_alerts(
    State(state): State<AppState>,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<AlertList>> {
    let (limit, offset) = page.get()?;
    state
        .read(move |s| {
            watch::alerts(s, limit, offset)
                .map(Json)
                .map_err(ApiError::from_app)
        })
        .await
}

/// A webhook to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWebhook {
    /// http:// or https:// URL that alerts are POSTed to.
    pub url: String,
    /// At least 16 characters; without one, a random secret is made and returned once.
    pub secret: Option<String>,
}

/// A webhook as listed (never its secret).
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub created_at: String,
}

/// Webhooks (admin).
#[utoipa::path(get, path = "/v1/webhooks", tag = "watches",
    responses((status = 200, description = "Every webhook, by id", body = Vec<WebhookView>)))]
pub async fn list_webhooks(State(state): State<AppState>) -> ApiResult<Json<Vec<WebhookView>>> {
    state
        .read(|s| {
            Ok(Json(
                s.webhooks()?
                    .into_iter()
                    .map(|h| WebhookView {
                        id: h.id,
                        url: h.url,
                        created_at: earshot_model::format_utc(h.created_at),
                    })
                    .collect(),
            ))
        })
        .await
}

/// Add a webhook (admin): alerts raised from now on are POSTed to it, signed with its secret
/// (`Earshot-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`), with an `Idempotency-Key`.
#[utoipa::path(post, path = "/v1/webhooks", tag = "watches", request_body = NewWebhook,
    responses((status = 201, description = "The webhook, with its secret (shown once)", body = AddedWebhook),
              (status = 409, description = "A webhook with that URL exists", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn post_webhook(
    State(state): State<AppState>,
    Json(req): Json<NewWebhook>,
) -> ApiResult<(StatusCode, Json<AddedWebhook>)> {
    state
        .write(move |s| {
            webhooks::add(s, &req.url, req.secret.as_deref())
                .map(|h| (StatusCode::CREATED, Json(h)))
                .map_err(|e| match e.downcast_ref::<earshot_store::StoreError>() {
                    Some(earshot_store::StoreError::Invalid { why, .. }) => {
                        ApiError::new(StatusCode::CONFLICT, why.clone())
                    }
                    _ => ApiError::from_app(e),
                })
        })
        .await
}

/// Remove a webhook (admin) and its pending deliveries.
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "watches",
    params(("id" = i64, Path, description = "The webhook's id")),
    responses((status = 204, description = "Removed"),
              (status = 404, description = "No such webhook", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn delete_webhook(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state
        .write(move |s| match s.remove_webhook(id)? {
            false => Err(ApiError::not_found(format!("no webhook {id}"))),
            true => Ok(StatusCode::NO_CONTENT),
        })
        .await
}
