//! Who a ranking leaves out: group shares of the top K, exposure and component gaps for a labelling
//! sent as CSV (as `earshot --json audit`).

use crate::problem::{ApiError, ApiResult, Body, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use earshot_app::audit::{audit, AuditBy, AuditReport, AuditRequest, Labelling};
use earshot_app::error::FieldStyle;
use earshot_store::TimeWindow;
use serde::Deserialize;
use utoipa::IntoParams;

/// The largest top K a request may ask for.
const MAX_TOP: usize = 1_000_000;
/// Audits computed at once: each reads a whole run or every interaction (authority), so a few read
/// keys must not be able to keep the server's blocking pool and memory busy with them.
const AT_ONCE: usize = 2;

fn audits_running() -> &'static std::sync::Arc<tokio::sync::Semaphore> {
    static SLOTS: std::sync::OnceLock<std::sync::Arc<tokio::sync::Semaphore>> =
        std::sync::OnceLock::new();
    SLOTS.get_or_init(|| std::sync::Arc::new(tokio::sync::Semaphore::new(AT_ONCE)))
}

/// Query of `audit`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// The top K that shares are counted in (default 100).
    #[param(minimum = 1, maximum = 1000000)]
    pub top: Option<usize>,
    /// What to rank by: `overall` (the default when a score run exists), `audience`,
    /// `amplification`, `conversation`, `reach`, or `authority` (PageRank computed now, over the
    /// follows on a follow-only graph).
    pub by: Option<String>,
    /// The score run to rank (default: the latest).
    pub run: Option<i64>,
    /// Only accounts of this platform (and the labelling's accounts are looked up there).
    pub platform: Option<String>,
    /// With `by=authority`: count follows as edges even where reactions exist.
    pub include_follows: Option<bool>,
}

/// Audit who a ranking leaves out: send a CSV labelling accounts into groups (header `account,group`;
/// the account a handle, `@handle` or the platform's id) and get each group's share of the top K
/// against its share of everyone ranked, its values, its exposure down the whole ranking (Singh &
/// Joachims 2018) and, for a score run, which component carries its gap. It describes; it never
/// changes a score.
#[utoipa::path(post, path = "/v1/audit", tag = "accounts", params(AuditParams),
    request_body(content((String = "text/csv", example = "account,group\n@alice,north\nbob,south\n"))),
    responses((status = 200, description = "The audit (as `earshot --json audit`)", body = AuditReport)))]
pub async fn post_audit(
    State(state): State<AppState>,
    Query(q): Query<AuditParams>,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Json<AuditReport>> {
    let ctype = crate::problem::media_type(&headers);
    if ctype != "text/csv" {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the labelling as text/csv with the header `account,group`",
        ));
    }
    let top = q.top.unwrap_or(100);
    if !(1..=MAX_TOP).contains(&top) {
        return Err(ApiError::bad_request(format!(
            "`top` must be between 1 and {MAX_TOP}"
        )));
    }
    let by = match q.by.as_deref() {
        None => None,
        Some(s) => Some(AuditBy::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!("`by` {s:?}: expected one of {}", AuditBy::CHOICES))
        })?),
    };
    let Ok(slot) = audits_running().clone().try_acquire_owned() else {
        return Err(ApiError::too_many(
            format!("{AT_ONCE} audits are being computed; retry shortly"),
            5,
        ));
    };
    let db = state.config().db.clone();
    // Ranking by authority reads every interaction of the window: its own connection on the blocking
    // pool rather than one of the server's readers.
    let report = tokio::task::spawn_blocking(move || -> anyhow::Result<AuditReport> {
        let _slot = slot;
        let store = earshot_store::Store::open_existing(&db)?;
        audit(
            &store,
            &AuditRequest {
                groups: Labelling {
                    name: "the request body".to_string(),
                    csv: &body,
                },
                top,
                by,
                run: q.run,
                window: TimeWindow::default(),
                platform: q.platform,
                follows: q.include_follows.unwrap_or(false),
                fields: FieldStyle::Fields,
            },
        )
    })
    .await
    .map_err(ApiError::internal)?;
    report.map(Json).map_err(ApiError::from_app)
}
