//! Key management over the API (admin scope). Keys are also made with `earshot keys create`.

use crate::auth::Scope;
use crate::page::{Page, PageParams};
use crate::problem::{ApiError, ApiResult, Json, Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
pub use earshot_app::keys::{create_key, DEFAULT_BURST, DEFAULT_RATE};
use earshot_store::ApiKeyRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A key as listed (never its token).
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    pub id: i64,
    pub name: String,
    /// The token's first characters.
    pub prefix: String,
    pub scopes: Vec<String>,
    pub rate_per_sec: u32,
    pub burst: u32,
    pub created_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
}

impl From<ApiKeyRecord> for KeyView {
    fn from(k: ApiKeyRecord) -> Self {
        KeyView {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            scopes: k.scopes,
            rate_per_sec: k.rate_per_sec,
            burst: k.burst,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A key to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyRequest {
    /// What the key is for (1–100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub scope: Scope,
    /// Requests a second, 1–100000 (default 100).
    #[schema(minimum = 1, maximum = 100000)]
    pub rate_per_sec: Option<u32>,
    /// Requests at once above the rate, 1–100000 (default 200).
    #[schema(minimum = 1, maximum = 100000)]
    pub burst: Option<u32>,
}

/// A created key: the token is shown here once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    pub token: String,
    #[serde(flatten)]
    pub key: KeyView,
}

/// All keys, oldest first (admin).
#[utoipa::path(get, path = "/v1/keys", tag = "keys", params(PageParams),
    responses((status = 200, description = "A page of keys", body = Page<KeyView>)))]
pub async fn list_keys(
    State(state): State<AppState>,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<Page<KeyView>>> {
    let (limit, offset) = page.get()?;
    state
        .read(move |s| {
            let items = s
                .api_keys()?
                .into_iter()
                .skip(offset)
                .take(limit + 1)
                .map(KeyView::from)
                .collect();
            Ok(Json(Page::from_probe(items, limit, offset)))
        })
        .await
}

/// Create a key (admin). The response holds the token, once.
#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = NewKeyRequest,
    responses((status = 201, description = "The new key, with its token", body = CreatedKey)))]
pub async fn post_key(
    State(state): State<AppState>,
    Json(req): Json<NewKeyRequest>,
) -> ApiResult<(StatusCode, Json<CreatedKey>)> {
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::unprocessable("name must be 1–100 characters"));
    }
    let rate = req.rate_per_sec.unwrap_or(DEFAULT_RATE);
    let burst = req.burst.unwrap_or(DEFAULT_BURST);
    if !(1..=100_000).contains(&rate) || !(1..=100_000).contains(&burst) {
        return Err(ApiError::unprocessable(
            "rate_per_sec and burst must be 1–100000",
        ));
    }
    let (token, key) = state
        .write(move |s| {
            let (token, id) = create_key(s, &name, req.scope, rate, burst)?;
            let key = s
                .api_keys()?
                .into_iter()
                .find(|k| k.id == id)
                .ok_or_else(|| ApiError::internal("created key vanished"))?;
            Ok((token, key))
        })
        .await?;
    state.reload_keys().await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedKey {
            token,
            key: key.into(),
        }),
    ))
}

/// Revoke a key (admin). It stops working at once on this server.
#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys",
    params(("id" = i64, Path, description = "The key's id", minimum = 1)),
    responses((status = 204, description = "Revoked")))]
pub async fn delete_key(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let revoked = state
        .write(move |s| Ok(s.revoke_api_key(id, crate::now())?))
        .await?;
    if !revoked {
        return Err(ApiError::not_found(format!(
            "no key {id}, or it is already revoked"
        )));
    }
    state.reload_keys().await?;
    Ok(StatusCode::NO_CONTENT)
}
