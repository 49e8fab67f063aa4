//! Customer-service triage over HTTP: post messages, read the queue of what to answer next, mark
//! messages answered, read any message's audit record and the fairness report.
//!
//! The policy is the server's (`earshot serve --triage-floor`), never the client's: every message is due
//! within the floor whoever wrote it, and urgency, influence and authenticity can only bring it earlier.

use crate::page::PageParams;
use crate::problem::{ApiError, ApiResult, Json, Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use earshot_app::triage::{decide_batch, store_decided, Incoming};
use earshot_store::{FairnessReport, TriageDecision, TriageEntry, TriageMessage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most messages one request may carry.
pub const MAX_MESSAGES: usize = 1000;
/// The longest message text accepted, in bytes.
pub const MAX_TEXT_BYTES: usize = 100_000;

/// One customer message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncomingMessage {
    /// Your id for the message: posting the same `(channel, id)` again returns the stored decision
    /// instead of a second message. Without it every post is a new message.
    #[schema(min_length = 1, max_length = 200)]
    pub id: Option<String>,
    /// Where it arrived (`twitter`, `email`, a queue's name).
    #[schema(min_length = 1, max_length = 100)]
    pub channel: String,
    /// The platform the author's handle belongs to, for the score lookup (default `twitter`).
    #[schema(min_length = 1, max_length = 100)]
    pub platform: Option<String>,
    /// The author's handle (`@name` or `name`) or platform id.
    #[schema(min_length = 1, max_length = 200)]
    pub author: String,
    #[schema(max_length = 100000)]
    pub text: String,
    /// When it arrived, unix seconds (default: now).
    #[schema(minimum = 0, maximum = 32503680000i64)]
    pub received_at: Option<i64>,
}

/// Messages to triage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageRequest {
    /// 1–1000 messages.
    #[schema(min_items = 1, max_items = 1000)]
    pub messages: Vec<IncomingMessage>,
}

/// Why a message is due when it is.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReasonView {
    /// `floor`, `negative_sentiment`, `complaint`, `question` or `influence`.
    pub code: String,
    pub detail: String,
    /// Seconds earlier than the floor this reason made it due.
    pub advance_secs: i64,
}

fn reasons(v: &serde_json::Value) -> Vec<ReasonView> {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// A decision about one message.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub message_id: i64,
    pub decision_id: i64,
    /// False when the message was stored before: this is its stored decision.
    pub new: bool,
    /// 1 (answer first) to 4.
    pub priority: u8,
    /// Unix seconds; never later than `floor_due_by`.
    pub due_by: i64,
    /// The same, as `YYYY-MM-DD HH:MM:SS` UTC.
    pub due_by_utc: String,
    /// Arrival plus the floor: the latest any message may be due.
    pub floor_due_by: i64,
    pub received_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_authenticity: Option<f64>,
    pub reasons: Vec<ReasonView>,
}

/// What a triage request did.
#[derive(Debug, Serialize, ToSchema)]
pub struct TriageResponse {
    /// One per message, in the order sent.
    pub items: Vec<DecisionView>,
    pub new: u64,
    pub already_stored: u64,
    pub policy_version: String,
    /// The floor every message is due within, in seconds.
    pub floor_secs: i64,
}

fn check(m: &IncomingMessage, i: usize) -> ApiResult<()> {
    let bad = |field: &str, why: &str| {
        Err(ApiError::unprocessable(format!(
            "messages[{i}].{field}: {why}"
        )))
    };
    let len = |s: &str, max: usize| !s.trim().is_empty() && s.chars().count() <= max;
    if !len(&m.channel, 100) {
        return bad("channel", "must be 1–100 characters");
    }
    if !len(&m.author, 200) {
        return bad("author", "must be 1–200 characters");
    }
    if m.id.as_deref().is_some_and(|id| !len(id, 200)) {
        return bad("id", "must be 1–200 characters");
    }
    if m.platform.as_deref().is_some_and(|p| !len(p, 100)) {
        return bad("platform", "must be 1–100 characters");
    }
    if m.text.len() > MAX_TEXT_BYTES {
        return bad("text", "is longer than 100000 bytes");
    }
    if m.received_at
        .is_some_and(|t| !(0..=32_503_680_000).contains(&t))
    {
        return bad("received_at", "must be unix seconds between 1970 and 3000");
    }
    Ok(())
}

/// Triage customer messages: each gets a priority and a due-by, with its reasons, and is stored in the
/// audit log. Every message is due within the server's floor whoever wrote it; nothing is filtered out.
#[utoipa::path(post, path = "/v1/triage/messages", tag = "triage", request_body = TriageRequest,
    responses((status = 200, description = "One decision per message, in order", body = TriageResponse)))]
pub async fn post_messages(
    State(state): State<AppState>,
    Json(req): Json<TriageRequest>,
) -> ApiResult<Json<TriageResponse>> {
    if req.messages.is_empty() {
        return Err(ApiError::unprocessable("messages: send at least one"));
    }
    if req.messages.len() > MAX_MESSAGES {
        return Err(ApiError::too_large(format!(
            "at most {MAX_MESSAGES} messages per request, not {}",
            req.messages.len()
        )));
    }
    for (i, m) in req.messages.iter().enumerate() {
        check(m, i)?;
    }
    let now = crate::now();
    let batch: Vec<Incoming> = req
        .messages
        .into_iter()
        .map(|m| Incoming {
            channel: m.channel.trim().to_string(),
            ext_id: m.id,
            platform: m.platform.unwrap_or_else(|| "twitter".into()),
            author: m.author.trim().to_string(),
            text: m.text,
            received_at: m.received_at.unwrap_or(now),
        })
        .collect();
    let policy = state.config().triage_policy.clone();
    let version = policy.version().to_string();
    let floor_secs = policy.floor_secs;
    // Decide with a reader (author look-ups, then the decisions in parallel); hold the writer only to
    // store them.
    let rows = state
        .read(move |s| Ok(decide_batch(s, &policy, &batch, now)?))
        .await?;
    let items = state
        .write(move |s| {
            let triaged = store_decided(s, rows)?;
            let mut items = Vec::with_capacity(triaged.len());
            for t in triaged {
                // A message stored before keeps its first decision: show that one.
                let (message, decision) = if t.saved.new {
                    (t.message, t.decision)
                } else {
                    match s.triage_message(t.saved.message_id)? {
                        Some(r) => {
                            let d = r
                                .decisions
                                .into_iter()
                                .find(|d| d.id == r.message.decision_id)
                                .map_or(t.decision, |d| d.decided);
                            (r.message.arrived, d)
                        }
                        None => (t.message, t.decision),
                    }
                };
                items.push(DecisionView {
                    message_id: t.saved.message_id,
                    decision_id: t.saved.decision_id,
                    new: t.saved.new,
                    priority: decision.priority,
                    due_by: decision.due_by,
                    due_by_utc: earshot_model::format_utc(decision.due_by),
                    floor_due_by: decision.floor_due_by,
                    received_at: message.received_at,
                    author_score: decision.author_score,
                    author_authenticity: decision.author_authenticity,
                    reasons: reasons(&decision.reasons),
                });
            }
            Ok(items)
        })
        .await?;
    let new = items.iter().filter(|i| i.new).count() as u64;
    Ok(Json(TriageResponse {
        already_stored: items.len() as u64 - new,
        new,
        items,
        policy_version: version,
        floor_secs,
    }))
}

/// A message in the queue or in its audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub message_id: i64,
    pub channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub platform: String,
    pub author: String,
    pub text: String,
    pub received_at: i64,
    pub priority: u8,
    pub due_by: i64,
    pub due_by_utc: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<i64>,
}

fn message_view(m: &TriageMessage) -> MessageView {
    MessageView {
        message_id: m.id,
        channel: m.arrived.channel.clone(),
        id: m.arrived.ext_id.clone(),
        platform: m.arrived.platform.clone(),
        author: m.arrived.author_handle.clone(),
        text: m.arrived.text.clone(),
        received_at: m.arrived.received_at,
        priority: m.priority,
        due_by: m.due_by,
        due_by_utc: earshot_model::format_utc(m.due_by),
        answered_at: m.answered_at,
    }
}

/// One entry of the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    #[serde(flatten)]
    pub message: MessageView,
    pub reasons: Vec<ReasonView>,
}

/// A page of the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    /// Unanswered messages in all (in the channel, if one was asked for).
    pub unanswered: u64,
    pub items: Vec<QueueItem>,
    pub limit: u32,
    pub offset: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u64>,
}

/// Query of `queue` and `fairness`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChannelParams {
    /// Only this channel.
    pub channel: Option<String>,
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<u64>,
}

/// What to answer next: unanswered messages, soonest due first.
#[utoipa::path(get, path = "/v1/triage/queue", tag = "triage", params(ChannelParams),
    responses((status = 200, description = "A page of the queue", body = QueuePage)))]
pub async fn get_queue(
    State(state): State<AppState>,
    Query(q): Query<ChannelParams>,
) -> ApiResult<Json<QueuePage>> {
    let (limit, offset) = PageParams {
        limit: q.limit,
        offset: q.offset,
    }
    .get()?;
    state
        .read(move |s| {
            let queue = s.triage_queue(q.channel.as_deref(), limit, offset)?;
            let items: Vec<QueueItem> = queue
                .items
                .iter()
                .map(|TriageEntry { message, decision }| QueueItem {
                    message: message_view(message),
                    reasons: reasons(&decision.decided.reasons),
                })
                .collect();
            let next = (offset as u64 + items.len() as u64) < queue.unanswered;
            Ok(Json(QueuePage {
                unanswered: queue.unanswered,
                limit: limit as u32,
                offset: offset as u64,
                next_offset: (next && items.len() == limit).then_some((offset + limit) as u64),
                items,
            }))
        })
        .await
}

/// One decision in a message's audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditDecision {
    pub decision_id: i64,
    pub decided_at: i64,
    pub policy_version: String,
    /// The policy's numbers as they were.
    pub policy: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_authenticity: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_run: Option<i64>,
    pub priority: u8,
    pub due_by: i64,
    pub floor_due_by: i64,
    pub reasons: Vec<ReasonView>,
}

fn audit(d: &TriageDecision) -> AuditDecision {
    AuditDecision {
        decision_id: d.id,
        decided_at: d.decided.decided_at,
        policy_version: d.decided.policy_version.clone(),
        policy: d.decided.policy.clone(),
        author_score: d.decided.author_score,
        author_authenticity: d.decided.author_authenticity,
        score_run: d.decided.score_run,
        priority: d.decided.priority,
        due_by: d.decided.due_by,
        floor_due_by: d.decided.floor_due_by,
        reasons: reasons(&d.decided.reasons),
    }
}

/// A message's audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageRecord {
    #[serde(flatten)]
    pub message: MessageView,
    /// Every decision made about it, oldest first.
    pub decisions: Vec<AuditDecision>,
}

/// One message with every decision made about it and why.
#[utoipa::path(get, path = "/v1/triage/messages/{id}", tag = "triage",
    params(("id" = i64, Path, description = "The message's id", minimum = 1)),
    responses((status = 200, description = "The message and its decisions", body = MessageRecord)))]
pub async fn get_message(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<MessageRecord>> {
    state
        .read(move |s| {
            let r = s
                .triage_message(id)?
                .ok_or_else(|| ApiError::not_found(format!("no triage message {id}")))?;
            Ok(Json(MessageRecord {
                message: message_view(&r.message),
                decisions: r.decisions.iter().map(audit).collect(),
            }))
        })
        .await
}

/// Mark a message answered: it leaves the queue. Idempotent (the first time is kept).
#[utoipa::path(post, path = "/v1/triage/messages/{id}/answered", tag = "triage",
    params(("id" = i64, Path, description = "The message's id", minimum = 1)),
    responses((status = 204, description = "Answered")))]
pub async fn post_answered(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let found = state
        .write(move |s| Ok(s.triage_mark_answered(id, crate::now())?))
        .await?;
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no triage message {id}")))
    }
}

/// Due-by distributions of one score tier.
#[derive(Debug, Serialize, ToSchema)]
pub struct TierView {
    /// `unscored`, `1-20`, `21-40`, `41-60`, `61-80` or `81-100`.
    pub tier: String,
    pub messages: u64,
    /// Hours from arrival to due-by (absent for an empty tier).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p90_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_hours: Option<f64>,
    /// Share due within the floor: 1 whenever the policy holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_floor: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_advance_hours: Option<f64>,
    /// Messages at priority 1, 2, 3 and 4.
    pub by_priority: Vec<u64>,
    /// Messages marked answered.
    pub answered: u64,
    /// Of the answered, the share answered by their due-by (absent when none is answered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_by_due: Option<f64>,
    /// Of the answered, the share answered within the floor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_within_floor: Option<f64>,
    /// Unanswered messages whose floor has passed: people waiting longer than anyone should.
    pub overdue: u64,
}

/// The fairness report.
#[derive(Debug, Serialize, ToSchema)]
pub struct FairnessView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// When the report was made, unix seconds (`overdue` counts against it).
    pub at: i64,
    pub messages: u64,
    pub tiers: Vec<TierView>,
}

fn fairness_view(r: FairnessReport) -> FairnessView {
    FairnessView {
        channel: r.channel,
        at: r.at,
        messages: r.messages,
        tiers: r
            .tiers
            .into_iter()
            .map(|t| TierView {
                tier: t.tier.to_string(),
                messages: t.messages,
                min_hours: t.min_hours,
                p50_hours: t.p50_hours,
                p90_hours: t.p90_hours,
                max_hours: t.max_hours,
                within_floor: t.within_floor,
                mean_advance_hours: t.mean_advance_hours,
                by_priority: t.by_priority.to_vec(),
                answered: t.answered,
                answered_by_due: t.answered_by_due,
                answered_within_floor: t.answered_within_floor,
                overdue: t.overdue,
            })
            .collect(),
    }
}

/// Query of `fairness`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FairnessParams {
    /// Only this channel.
    pub channel: Option<String>,
}

/// How each score tier is treated: due-by distributions per tier, the share due within the floor, and
/// in practice: how the answered were answered and how many still wait past the floor.
#[utoipa::path(get, path = "/v1/triage/fairness", tag = "triage", params(FairnessParams),
    responses((status = 200, description = "The report, one row per tier", body = FairnessView)))]
pub async fn get_fairness(
    State(state): State<AppState>,
    Query(q): Query<FairnessParams>,
) -> ApiResult<Json<FairnessView>> {
    state
        .read(move |s| {
            Ok(Json(fairness_view(
                s.triage_fairness(q.channel.as_deref(), crate::now())?,
            )))
        })
        .await
}
