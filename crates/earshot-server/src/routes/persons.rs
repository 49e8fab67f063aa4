//! Persons: one person's accounts across platforms with the evidence of each link, their combined
//! score and their offline sub-score beside it (as `earshot --json identity show`).

use crate::problem::{ApiError, ApiResult, Json};
use crate::state::AppState;
use axum::extract::{Path, State};
use earshot_app::error::Missing;
use earshot_app::identity::{person_report, PersonReport};

/// A person by name: their accounts and why each was linked, their score (their accounts' expected
/// authentic engagement added up on the run's scale, with each account's share), and their offline
/// sub-score, which is never part of the online score.
#[utoipa::path(get, path = "/v1/persons/{name}", tag = "persons",
    params(("name" = String, Path, description = "The person's name, as `earshot identity list` shows it")),
    responses((status = 200, description = "The person (as `earshot --json identity show`)", body = PersonReport),
              (status = 404, description = "No person of that name", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn get_person(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<PersonReport>> {
    state
        .read(move |s| {
            person_report(s, &name).map(Json).map_err(|e| {
                if e.downcast_ref::<Missing>().is_some() {
                    ApiError::not_found(format!("{e:#}"))
                } else {
                    ApiError::from_app(e)
                }
            })
        })
        .await
}
