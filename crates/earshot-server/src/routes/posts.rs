//! Flagged posts: every post whose reactions earn nothing, with its reasons and the evidence for each
//! (as `earshot --json trust posts`).

use crate::page::PageParams;
use crate::problem::{ApiError, ApiResult, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use earshot_app::error::{FieldStyle, Missing, UsageError};
use earshot_app::trust::{flagged_posts, FlaggedPostsReport, FlaggedPostsRequest};
use earshot_store::TimeWindow;
use serde::Deserialize;
use utoipa::IntoParams;

/// Query of `flagged`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FlaggedParams {
    /// Only posts of this platform (and the account is looked up there).
    pub platform: Option<String>,
    /// Only posts by this account: `@handle`, `handle` or the platform's id.
    pub account: Option<String>,
    /// Only posts flagged for this reason: `commercial_spam`, `copies_parent`, `copy_campaign`,
    /// `copies_thread_post` or `repeats_own_post`.
    pub reason: Option<String>,
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<u64>,
}

/// Every flagged post of the stored posts, newest first, with its platform id, author, reasons and
/// evidence: the copied post and the share of new words, the spam cues that fired, or the campaign's
/// size and other posts. The flags are the ones scoring computes over all stored posts (of the
/// platform, when given).
#[utoipa::path(get, path = "/v1/posts/flagged", tag = "posts", params(FlaggedParams),
    responses((status = 200, description = "A page of the flagged posts (as `earshot --json trust posts`); `total` says how many match", body = FlaggedPostsReport)))]
pub async fn get_flagged(
    State(state): State<AppState>,
    Query(q): Query<FlaggedParams>,
) -> ApiResult<Json<FlaggedPostsReport>> {
    let (limit, offset) = PageParams {
        limit: q.limit,
        offset: q.offset,
    }
    .get()?;
    let req = FlaggedPostsRequest {
        window: TimeWindow::default(),
        platform: q.platform,
        account: q.account,
        reason: q.reason,
        limit,
        offset,
        fields: FieldStyle::Fields,
    };
    // An unknown reason is a bad query parameter, not an unprocessable body.
    req.check()
        .map_err(|e| ApiError::bad_request(format!("{e:#}")))?;
    if let Some(account) = req.account.clone() {
        // An unknown account is a 404 and an ambiguous one a 400, as for the other lookups.
        let platform = req.platform.clone();
        state
            .read(move |s| {
                earshot_app::accounts::resolve(s, &account, platform.as_deref())
                    .map(|_| ())
                    .map_err(|e| {
                        if e.downcast_ref::<Missing>().is_some() {
                            ApiError::not_found(format!("{e:#}"))
                        } else if e.downcast_ref::<UsageError>().is_some() {
                            ApiError::bad_request(format!("{e:#}"))
                        } else {
                            ApiError::internal(format!("{e:#}"))
                        }
                    })
            })
            .await?;
    }
    let db = state.config().db.clone();
    // Flagging reads and judges every stored post: its own connection on the blocking pool rather
    // than one of the server's readers.
    let report = tokio::task::spawn_blocking(move || -> anyhow::Result<FlaggedPostsReport> {
        let store = earshot_store::Store::open_existing(&db)?;
        flagged_posts(&store, &req)
    })
    .await
    .map_err(ApiError::internal)?;
    report.map(Json).map_err(ApiError::from_app)
}
