//! Triage as a service: decide each incoming message with earshot-triage and store it with its decision
//! in one transaction. Shared by `POST /v1/triage/messages` and `earshot triage ingest`, so a message
//! gets the same decision and the same audit record whichever way it arrives. A CSV of messages is
//! ingested by [`ingest`]; the queue, one message's record, marking it answered and the fairness report
//! are in [`desk`].

pub mod desk;
pub mod ingest;

pub use desk::{fairness, mark_answered, message, queue, AnsweredReport, QueueRequest};
pub use ingest::{IngestReport, IngestRequest, MessageIngest, TierCount};

use crate::error::UsageError;

use earshot_store::{NewTriageDecision, NewTriageMessage, Store, StoreError, TriageSaved};
use earshot_triage::{decide, Author, Decision, Message, Policy};
use rayon::prelude::*;

/// A customer message as it arrives.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub channel: String,
    /// The source's own id: the same `(channel, ext_id)` again is not stored twice.
    pub ext_id: Option<String>,
    pub platform: String,
    /// The author's handle (or platform id).
    pub author: String,
    pub text: String,
    /// Unix seconds.
    pub received_at: i64,
}

/// What happened to one message.
#[derive(Debug, Clone)]
pub struct Triaged {
    pub saved: TriageSaved,
    pub message: NewTriageMessage,
    pub decision: NewTriageDecision,
}

/// Look each author up, decide every message (in parallel: a decision reads only the text and the
/// author) and store the batch in one transaction. A message stored before keeps its first decision
/// (`saved.new` is false); the returned decision is then the one made now, not stored.
pub fn decide_and_store(
    store: &mut Store,
    policy: &Policy,
    batch: &[Incoming],
    decided_at: i64,
) -> Result<Vec<Triaged>, StoreError> {
    let rows = decide_batch(store, policy, batch, decided_at)?;
    store_decided(store, rows)
}

/// The rows [`decide_and_store`] stores, from reads only: the server decides with a read connection,
/// in parallel, and holds its one writer only for [`store_decided`].
pub fn decide_batch(
    store: &Store,
    policy: &Policy,
    batch: &[Incoming],
    decided_at: i64,
) -> Result<Vec<(NewTriageMessage, NewTriageDecision)>, StoreError> {
    let authors = batch
        .iter()
        .map(|m| store.triage_author(&m.platform, &m.author))
        .collect::<Result<Vec<_>, _>>()?;
    let decisions: Vec<Decision> = batch
        .par_iter()
        .zip(&authors)
        .map(|(m, a)| {
            let msg = Message {
                text: &m.text,
                received: m.received_at,
                channel: &m.channel,
            };
            let author = Author {
                score: a.score,
                authenticity: a.authenticity,
            };
            decide(policy, &msg, &author)
        })
        .collect();
    let policy_json = serde_json::to_value(policy).unwrap_or_default();
    let rows: Vec<(NewTriageMessage, NewTriageDecision)> = batch
        .iter()
        .zip(&authors)
        .zip(decisions)
        .map(|((m, a), d)| {
            (
                NewTriageMessage {
                    channel: m.channel.clone(),
                    ext_id: m.ext_id.clone(),
                    platform: m.platform.clone(),
                    author_handle: m.author.clone(),
                    account: a.account,
                    text: m.text.clone(),
                    received_at: m.received_at,
                },
                NewTriageDecision {
                    decided_at,
                    policy_version: policy.version().to_string(),
                    policy: policy_json.clone(),
                    author_score: a.score,
                    author_authenticity: a.authenticity,
                    score_run: a.score_run,
                    priority: d.priority,
                    due_by: d.due_by,
                    floor_due_by: d.floor_due_by,
                    reasons: serde_json::to_value(&d.reasons).unwrap_or_default(),
                },
            )
        })
        .collect();
    Ok(rows)
}

/// Store decided messages in one transaction.
pub fn store_decided(
    store: &mut Store,
    rows: Vec<(NewTriageMessage, NewTriageDecision)>,
) -> Result<Vec<Triaged>, StoreError> {
    let saved = store.save_triage(&rows)?;
    Ok(saved
        .into_iter()
        .zip(rows)
        .map(|(saved, (message, decision))| Triaged {
            saved,
            message,
            decision,
        })
        .collect())
}

/// The policy the front was given: a floor and a minimum window as people write durations (`24h`, `90m`,
/// `2d`), each with the name the front gives it (`--floor`, `--triage-floor`), for the message when it
/// does not parse or the policy does not hold together.
pub fn policy(floor: (&str, &str), min_window: (&str, &str)) -> anyhow::Result<Policy> {
    let duration = |(name, value): (&str, &str)| {
        earshot_triage::parse_duration(value).map_err(|e| UsageError(format!("{name}: {e}")))
    };
    let policy = Policy {
        floor_secs: duration(floor)?,
        min_window_secs: duration(min_window)?,
        ..Policy::default()
    };
    policy
        .validate()
        .map_err(|e| UsageError(format!("the triage policy: {e}")))?;
    Ok(policy)
}
