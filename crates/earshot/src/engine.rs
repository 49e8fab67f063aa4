//! The server's [`Engine`]: explanations, forecasts and plans for `earshot serve`, computed by the same
//! code as `earshot --json explain`, `forecast` and `plan`.

use earshot_server::routes::jobs::{ForecastParams, PlanParams};
use earshot_server::{Engine, EngineError, Progress};
use std::path::Path;

#[derive(Default)]
pub struct CliEngine {}

impl Engine for CliEngine {
    fn explain(
        &self,
        _db: &Path,
        _account: i64,
        _run: Option<i64>,
        _evidence: usize,
    ) -> Result<serde_json::Value, EngineError> {
        Err(EngineError::Failed(
            "explain over the API is not built yet".into(),
        ))
    }

    fn forecast(
        &self,
        _db: &Path,
        _params: &ForecastParams,
        _progress: Progress<'_>,
    ) -> Result<serde_json::Value, EngineError> {
        Err(EngineError::Failed(
            "forecast over the API is not built yet".into(),
        ))
    }

    fn plan(
        &self,
        _db: &Path,
        _params: &PlanParams,
        _progress: Progress<'_>,
    ) -> Result<serde_json::Value, EngineError> {
        Err(EngineError::Failed(
            "plan over the API is not built yet".into(),
        ))
    }
}
