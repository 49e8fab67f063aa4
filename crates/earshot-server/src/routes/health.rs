//! `/healthz`: the one endpoint without a key, for load balancers and supervisors.

use crate::problem::{ApiError, Json};
use crate::state::AppState;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    pub status: String,
    /// The database schema version.
    pub schema_version: i64,
    /// earshot's version.
    pub version: String,
}

/// Is the server up and its database readable?
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "The server and its database answer", body = Health),
              (status = 500, description = "The database does not answer", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let schema_version = state.read_now(|s| {
        s.connection()
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map_err(ApiError::internal)
    })?;
    Ok(Json(Health {
        status: "ok".into(),
        schema_version,
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}
