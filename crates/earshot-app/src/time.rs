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

/// An instant with the text it was parsed from, so that a message can quote the user's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenInstant {
    /// Unix seconds.
    pub at: i64,
    pub given: String,
}

/// [`parse_instant`], keeping the text.
pub fn parse_given(field: &str, value: &Option<String>) -> Result<Option<GivenInstant>> {
    Ok(parse_instant(field, value)?.map(|at| GivenInstant {
        at,
        given: value.clone().unwrap_or_default(),
    }))
}

/// The clock, in unix seconds (0 before 1970): when an import, a decision or an answer happened.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The clock in unix milliseconds (0 before 1970): when a webhook delivery is next due.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
