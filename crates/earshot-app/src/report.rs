//! Report pieces more than one use case shows.

/// One component of a score as `explain` (and `explain --topic`) reports it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ComponentReport {
    pub component: &'static str,
    pub raw: f64,
    pub percentile: f64,
    pub weight: f64,
    pub points: f64,
    pub meaning: &'static str,
}
