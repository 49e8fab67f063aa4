//! Instants as people type them.

use crate::error::UsageError;
use anyhow::Result;
use earshot_ingest::{time::parse_time, DateOrder};

/// A user-typed instant: unix seconds or a date. `field` names it in the caller's terms (`--to` on the
/// command line, `until` over the API), for the message when it does not parse.
pub fn parse_instant(field: &str, value: &Option<String>) -> Result<Option<i64>> {
    match value {
        None => Ok(None),
        Some(v) => parse_time(v, DateOrder::Mdy).map(Some).map_err(|e| {
            UsageError(format!(
                "{field} {v:?}: {e} (use unix seconds or a date like 2012-07-04)"
            ))
            .into()
        }),
    }
}
