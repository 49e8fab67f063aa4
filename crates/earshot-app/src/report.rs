//! Report pieces more than one use case shows.

use earshot_score::{Component, ScoreTable};

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

impl ComponentReport {
    /// Component `c` of account `i`'s row in `table`.
    pub fn of(table: &ScoreTable, i: usize, c: Component) -> Self {
        ComponentReport {
            component: c.name(),
            raw: table.raw[c.index()][i],
            percentile: table.pct[c.index()][i],
            weight: table.weights[c.index()],
            points: table.contribution(i, c),
            meaning: c.meaning(),
        }
    }
}
