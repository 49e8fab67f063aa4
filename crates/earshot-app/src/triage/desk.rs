//! The service desk's side of triage: what to answer next, one message with every decision about it,
//! marking a message answered, and how each score tier is treated (`earshot triage queue`, `show`,
//! `answered`, `report`). The store answers each; this is where a front asks, so every front asks the
//! same way and gets the same reports.

use crate::time::now;
use anyhow::Result;
use earshot_store::{FairnessReport, Store, TriageQueue, TriageRecord};

/// A page of the queue: unanswered messages, soonest due first.
#[derive(Debug, Clone, Default)]
pub struct QueueRequest {
    /// Only this channel.
    pub channel: Option<String>,
    pub limit: usize,
    /// Skip this many first (paging).
    pub offset: usize,
}

/// A page of unanswered messages with the count of all of them.
pub fn queue(store: &Store, req: &QueueRequest) -> Result<TriageQueue> {
    Ok(store.triage_queue(req.channel.as_deref(), req.limit, req.offset)?)
}

/// One message with every decision made about it and each decision's reasons; `None` when the store
/// has no message `id` (each front says so in its own terms).
pub fn message(store: &Store, id: i64) -> Result<Option<TriageRecord>> {
    Ok(store.triage_message(id)?)
}

/// A message marked answered: when it was (the first time, when marked again).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct AnsweredReport {
    pub id: i64,
    pub answered: bool,
    /// Unix seconds.
    pub answered_at: Option<i64>,
}

/// Mark message `id` answered now, so it leaves the queue; a message answered before keeps its first
/// answer time. `None` when the store has no message `id`.
pub fn mark_answered(store: &mut Store, id: i64) -> Result<Option<AnsweredReport>> {
    if !store.triage_mark_answered(id, now())? {
        return Ok(None);
    }
    let answered_at = store
        .triage_message(id)?
        .and_then(|r| r.message.answered_at);
    Ok(Some(AnsweredReport {
        id,
        answered: true,
        answered_at,
    }))
}

/// How long after arrival each score tier's messages are due, and how they were answered, as of now.
pub fn fairness(store: &Store, channel: Option<&str>) -> Result<FairnessReport> {
    Ok(store.triage_fairness(channel, now())?)
}
