//! Customer-service triage: the messages, every decision made about them (the audit log), the queue of
//! what to answer next, and the fairness report.
//!
//! The store knows nothing of how a decision is made (that is earshot-triage's job): it keeps what it is
//! given, with the policy (stored once per distinct policy) and the reasons as JSON, so any decision can be
//! read back and recomputed. A message's current decision is copied onto its row, so the queue is one
//! index scan in due-by order.

use crate::{Result, Store};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde_json::Value;

/// A message to store, as it arrived.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewTriageMessage {
    /// Where it arrived (`twitter`, `email`, a queue's name).
    pub channel: String,
    /// The source's own id. Storing the same `(channel, ext_id)` again returns the stored message
    /// instead of a copy; `None` stores every time.
    pub ext_id: Option<String>,
    pub platform: String,
    pub author_handle: String,
    /// `accounts.id` when the author is known to the store ([`Store::triage_author`]).
    pub account: Option<i64>,
    pub text: String,
    /// When it arrived, unix seconds.
    pub received_at: i64,
}

/// A decision about a message, as earshot-triage made it, with what it read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewTriageDecision {
    /// When it was decided, unix seconds (also the message's `created_at` when the message is new).
    pub decided_at: i64,
    pub policy_version: String,
    /// The policy's numbers (JSON null where left out).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub policy: Value,
    /// The author's score the decision read; `None`: unscored.
    pub author_score: Option<f64>,
    /// The author's authenticity the decision read; `None`: unknown.
    pub author_authenticity: Option<f64>,
    /// The score run the score was looked up in, if any run existed.
    pub score_run: Option<i64>,
    pub priority: u8,
    pub due_by: i64,
    pub floor_due_by: i64,
    /// The reasons, as earshot-triage lists them.
    pub reasons: Value,
}

/// What [`Store::save_triage`] did with one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TriageSaved {
    pub message_id: i64,
    /// The message's current decision: the one just stored, or, for a message stored before, its own.
    pub decision_id: i64,
    /// False when the `(channel, ext_id)` was already stored: nothing was written for it.
    pub new: bool,
}

/// A stored message: the message as it arrived, and its current decision's priority and due-by.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TriageMessage {
    pub id: i64,
    #[serde(flatten)]
    pub arrived: NewTriageMessage,
    pub created_at: i64,
    pub answered_at: Option<i64>,
    pub decision_id: i64,
    pub priority: u8,
    pub due_by: i64,
}

/// One row of the audit log: the decision as it was made, and which message it is about.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TriageDecision {
    pub id: i64,
    pub message_id: i64,
    /// Its `policy` is read by [`Store::triage_message`] and left null (and out of JSON) in the queue.
    #[serde(flatten)]
    pub decided: NewTriageDecision,
}

/// A message and its current decision.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TriageEntry {
    pub message: TriageMessage,
    pub decision: TriageDecision,
}

/// A page of the queue: unanswered messages, soonest due first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TriageQueue {
    /// Unanswered messages in all (in the channel, if one was asked for).
    pub unanswered: u64,
    pub items: Vec<TriageEntry>,
}

/// A message with every decision made about it, oldest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TriageRecord {
    pub message: TriageMessage,
    pub decisions: Vec<TriageDecision>,
}

/// What the store knows of a message's author.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct AuthorLookup {
    /// The account, when the store has one with this handle on this platform.
    pub account: Option<i64>,
    /// Its overall score (1–100) in the latest score run; `None` when unscored there.
    pub score: Option<f64>,
    /// The latest score run, if there is one.
    pub score_run: Option<i64>,
    /// How authentic the account looks, in [0, 1]: its authenticity weight in the latest run, stored
    /// with its score; `None` when unscored or when the run had no authenticity model.
    pub authenticity: Option<f64>,
}

/// The score tiers of the fairness report, in order. A score `s` is in the tier whose upper bound is the
/// first at or above it (`20.5` is in 21–40); scores below 1 count as 1–20.
pub const SCORE_TIERS: [&str; 6] = ["unscored", "1-20", "21-40", "41-60", "61-80", "81-100"];

/// The index in [`SCORE_TIERS`] of a score (`None` or not a number: unscored).
pub fn score_tier(score: Option<f64>) -> usize {
    match score {
        Some(s) if !s.is_nan() => match s {
            s if s <= 20.0 => 1,
            s if s <= 40.0 => 2,
            s if s <= 60.0 => 3,
            s if s <= 80.0 => 4,
            _ => 5,
        },
        _ => 0,
    }
}

/// How one score tier's messages are treated, by their current decisions.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FairnessTier {
    pub tier: &'static str,
    pub messages: u64,
    /// Hours from arrival to due-by: smallest, median, 90th percentile (nearest rank), largest. `None`
    /// for an empty tier.
    pub min_hours: Option<f64>,
    pub p50_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    pub max_hours: Option<f64>,
    /// Share of messages due no later than the floor: 1 whenever the floor holds.
    pub within_floor: Option<f64>,
    /// Mean hours by which the due-by is earlier than the floor.
    pub mean_advance_hours: Option<f64>,
    /// Messages at priority 1, 2, 3 and 4.
    pub by_priority: [u64; 4],
    /// Messages marked answered.
    pub answered: u64,
    /// Of the answered, the share answered by their due-by, and by the floor: whether the promise was
    /// kept in practice, not only on paper. `None` when none is answered.
    pub answered_by_due: Option<f64>,
    pub answered_within_floor: Option<f64>,
    /// Unanswered messages whose floor has already passed at the report's time: people kept waiting
    /// longer than anyone should be.
    pub overdue: u64,
}

/// The fairness report: due-by distributions per score tier.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FairnessReport {
    pub channel: Option<String>,
    /// When the report was made (Unix seconds): `overdue` counts against it.
    pub at: i64,
    pub messages: u64,
    /// One row per tier of [`SCORE_TIERS`], empty tiers included.
    pub tiers: Vec<FairnessTier>,
}

const MESSAGE_COLUMNS: &str =
    "m.id, m.channel, m.ext_id, m.platform, m.author_handle, m.account, m.text, \
     m.received_at, m.created_at, m.answered_at, m.decision_id, m.priority, m.due_by";
const DECISION_COLUMNS: &str =
    "d.id, d.message_id, d.decided_at, p.version, p.json, d.author_score, \
     d.author_authenticity, d.score_run, d.priority, d.due_by, d.floor_due_by, d.reasons";
const MESSAGE_WIDTH: usize = 13;

fn message_from(r: &Row<'_>) -> rusqlite::Result<TriageMessage> {
    Ok(TriageMessage {
        id: r.get(0)?,
        arrived: NewTriageMessage {
            channel: r.get(1)?,
            ext_id: r.get(2)?,
            platform: r.get(3)?,
            author_handle: r.get(4)?,
            account: r.get(5)?,
            text: r.get(6)?,
            received_at: r.get(7)?,
        },
        created_at: r.get(8)?,
        answered_at: r.get(9)?,
        decision_id: r.get(10)?,
        priority: r.get(11)?,
        due_by: r.get(12)?,
    })
}

fn decision_from(r: &Row<'_>, o: usize, with_policy: bool) -> rusqlite::Result<TriageDecision> {
    Ok(TriageDecision {
        id: r.get(o)?,
        message_id: r.get(o + 1)?,
        decided: NewTriageDecision {
            decided_at: r.get(o + 2)?,
            policy_version: r.get(o + 3)?,
            policy: if with_policy {
                json(r.get(o + 4)?)
            } else {
                Value::Null
            },
            author_score: r.get(o + 5)?,
            author_authenticity: r.get(o + 6)?,
            score_run: r.get(o + 7)?,
            priority: r.get(o + 8)?,
            due_by: r.get(o + 9)?,
            floor_due_by: r.get(o + 10)?,
            reasons: json(r.get(o + 11)?),
        },
    })
}

/// Stored JSON, or the raw text should it not parse (it always does when written by this crate).
fn json(text: String) -> Value {
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

impl Store {
    /// Store messages with their decisions in one transaction. A message whose `(channel, ext_id)` is
    /// already stored (earlier, or earlier in this batch) is not stored again, and its decision here is
    /// dropped: the result points at the stored message and its current decision, with `new: false`.
    pub fn save_triage(
        &mut self,
        batch: &[(NewTriageMessage, NewTriageDecision)],
    ) -> Result<Vec<TriageSaved>> {
        let path = self.path.clone();
        let e = |e| crate::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let mut out = Vec::with_capacity(batch.len());
        let mut policies: Vec<(String, String, i64)> = Vec::new();
        for (m, d) in batch {
            if let Some(ext) = &m.ext_id {
                let found = tx
                    .prepare_cached(
                        "SELECT id, decision_id FROM triage_messages WHERE channel = ?1 AND ext_id = ?2",
                    )
                    .and_then(|mut s| {
                        s.query_row(params![m.channel, ext], |r| Ok((r.get(0)?, r.get(1)?)))
                            .optional()
                    })
                    .map_err(e)?;
                if let Some((message_id, decision_id)) = found {
                    out.push(TriageSaved {
                        message_id,
                        decision_id,
                        new: false,
                    });
                    continue;
                }
            }
            let policy_json = d.policy.to_string();
            let policy_id = match policies
                .iter()
                .find(|(v, j, _)| *v == d.policy_version && *j == policy_json)
            {
                Some(&(_, _, id)) => id,
                None => {
                    let id = policy_id(&tx, &d.policy_version, &policy_json).map_err(e)?;
                    policies.push((d.policy_version.clone(), policy_json, id));
                    id
                }
            };
            let saved = insert(&tx, m, d, policy_id).map_err(e)?;
            out.push(saved);
        }
        tx.commit().map_err(e)?;
        Ok(out)
    }

    /// Unanswered messages, soonest due first (ties by id), optionally of one channel: `limit` of them
    /// after skipping `offset`.
    pub fn triage_queue(
        &self,
        channel: Option<&str>,
        limit: usize,
        offset: usize,
    ) -> Result<TriageQueue> {
        let filter = if channel.is_some() {
            "m.channel = ?1"
        } else {
            "?1 IS NULL"
        };
        let unanswered: i64 = self
            .conn
            .query_row(
                &format!(
                    "SELECT COUNT(*) FROM triage_messages m WHERE m.answered_at IS NULL AND {filter}"
                ),
                params![channel],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS}, {DECISION_COLUMNS} FROM triage_messages m
             JOIN triage_decisions d ON d.id = m.decision_id
             JOIN triage_policies p ON p.id = d.policy_id
             WHERE m.answered_at IS NULL AND {filter}
             ORDER BY m.due_by, m.id LIMIT ?2 OFFSET ?3"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let items = stmt
            .query_map(params![channel, clamp_i64(limit), clamp_i64(offset)], |r| {
                Ok(TriageEntry {
                    message: message_from(r)?,
                    decision: decision_from(r, MESSAGE_WIDTH, false)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        Ok(TriageQueue {
            unanswered: unanswered as u64,
            items,
        })
    }

    /// One message with every decision made about it (oldest first, each with its policy).
    pub fn triage_message(&self, id: i64) -> Result<Option<TriageRecord>> {
        let message = self
            .conn
            .query_row(
                &format!("SELECT {MESSAGE_COLUMNS} FROM triage_messages m WHERE m.id = ?1"),
                params![id],
                message_from,
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some(message) = message else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {DECISION_COLUMNS} FROM triage_decisions d
                 JOIN triage_policies p ON p.id = d.policy_id
                 WHERE d.message_id = ?1 ORDER BY d.id"
            ))
            .map_err(|e| self.err(e))?;
        let decisions = stmt
            .query_map(params![id], |r| decision_from(r, 0, true))
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        Ok(Some(TriageRecord { message, decisions }))
    }

    /// Mark a message answered at `at` (unix seconds). Idempotent: a message answered before keeps its
    /// first answer time. Returns whether the message exists.
    pub fn triage_mark_answered(&mut self, id: i64, at: i64) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE triage_messages SET answered_at = COALESCE(answered_at, ?2) WHERE id = ?1",
                params![id, at],
            )
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// The fairness report over every stored message's current decision (optionally of one channel):
    /// per score tier, how long after arrival messages are due, whether the floor held, and, as of
    /// `now` (Unix seconds), how the answered were answered and how many wait past the floor.
    pub fn triage_fairness(&self, channel: Option<&str>, now: i64) -> Result<FairnessReport> {
        let filter = if channel.is_some() {
            "m.channel = ?1"
        } else {
            "?1 IS NULL"
        };
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT d.author_score, m.received_at, d.due_by, d.floor_due_by, d.priority, m.answered_at
                 FROM triage_messages m JOIN triage_decisions d ON d.id = m.decision_id WHERE {filter}"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![channel], |r| {
                Ok((
                    r.get::<_, Option<f64>>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut tiers: Vec<TierAcc> = SCORE_TIERS.iter().map(|_| TierAcc::default()).collect();
        for row in rows {
            let (score, received, due, floor, priority, answered) = row.map_err(|e| self.err(e))?;
            let t = &mut tiers[score_tier(score)];
            t.hours.push(due.saturating_sub(received) as f64 / 3_600.0);
            t.within += u64::from(due <= floor);
            t.advance_hours += floor.saturating_sub(due) as f64 / 3_600.0;
            if (1..=4).contains(&priority) {
                t.by_priority[priority as usize - 1] += 1;
            }
            match answered {
                Some(at) => {
                    t.answered += 1;
                    t.answered_by_due += u64::from(at <= due);
                    t.answered_within_floor += u64::from(at <= floor);
                }
                None => t.overdue += u64::from(floor < now),
            }
        }
        let tiers: Vec<FairnessTier> = tiers
            .into_iter()
            .zip(SCORE_TIERS)
            .map(|(acc, name)| acc.finish(name))
            .collect();
        Ok(FairnessReport {
            channel: channel.map(str::to_string),
            at: now,
            messages: tiers.iter().map(|t| t.messages).sum(),
            tiers,
        })
    }

    /// The author of a message: the account with `handle` on `platform` (by its `@handle` id first, then
    /// by a handle attached to an id-keyed account), and its overall score in the latest score run.
    pub fn triage_author(&self, platform: &str, handle: &str) -> Result<AuthorLookup> {
        let e = |e| self.err(e);
        let handle = handle.trim().trim_start_matches('@');
        if handle.is_empty() {
            return Ok(AuthorLookup::default());
        }
        let by_id = earshot_model::AccountRef::by_handle(handle).id(platform).0;
        let account: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT id FROM accounts WHERE id = ?1
                 UNION ALL
                 SELECT id FROM (SELECT id FROM accounts
                     WHERE platform = ?2 AND handle = ?3 COLLATE NOCASE ORDER BY id LIMIT 1)
                 LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row(params![by_id, platform, handle], |r| r.get(0))
                    .optional()
            })
            .map_err(e)?;
        let score_run: Option<i64> = self
            .conn
            .prepare_cached("SELECT MAX(id) FROM score_runs")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(e)?;
        let (score, authenticity) = match (account, score_run) {
            (Some(a), Some(run)) => self
                .conn
                .prepare_cached(
                    "SELECT overall, authenticity FROM scores WHERE run_id = ?1 AND account = ?2",
                )
                .and_then(|mut s| {
                    s.query_row(params![run, a], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()
                })
                .map_err(e)?
                .map_or((None, None), |(s, a): (f64, Option<f64>)| (Some(s), a)),
            _ => (None, None),
        };
        Ok(AuthorLookup {
            account,
            score,
            score_run,
            authenticity,
        })
    }
}

fn clamp_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn policy_id(tx: &Transaction<'_>, version: &str, json: &str) -> rusqlite::Result<i64> {
    tx.prepare_cached("INSERT OR IGNORE INTO triage_policies (version, json) VALUES (?1, ?2)")?
        .execute(params![version, json])?;
    tx.prepare_cached("SELECT id FROM triage_policies WHERE version = ?1 AND json = ?2")?
        .query_row(params![version, json], |r| r.get(0))
}

/// Insert a new message and its first decision, and point the message at it.
fn insert(
    tx: &Transaction<'_>,
    m: &NewTriageMessage,
    d: &NewTriageDecision,
    policy_id: i64,
) -> rusqlite::Result<TriageSaved> {
    tx.prepare_cached(
        "INSERT INTO triage_messages (channel, ext_id, platform, author_handle, account, text,
            received_at, created_at, decision_id, priority, due_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10)",
    )?
    .execute(params![
        m.channel,
        m.ext_id,
        m.platform,
        m.author_handle,
        m.account,
        m.text,
        m.received_at,
        d.decided_at,
        d.priority,
        d.due_by
    ])?;
    let message_id = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO triage_decisions (message_id, decided_at, policy_id, author_score,
            author_authenticity, score_run, priority, due_by, floor_due_by, reasons)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        message_id,
        d.decided_at,
        policy_id,
        d.author_score.filter(|s| !s.is_nan()),
        d.author_authenticity.filter(|a| !a.is_nan()),
        d.score_run,
        d.priority,
        d.due_by,
        d.floor_due_by,
        d.reasons.to_string()
    ])?;
    let decision_id = tx.last_insert_rowid();
    tx.prepare_cached("UPDATE triage_messages SET decision_id = ?2 WHERE id = ?1")?
        .execute(params![message_id, decision_id])?;
    Ok(TriageSaved {
        message_id,
        decision_id,
        new: true,
    })
}

#[derive(Default)]
struct TierAcc {
    hours: Vec<f64>,
    within: u64,
    advance_hours: f64,
    by_priority: [u64; 4],
    answered: u64,
    answered_by_due: u64,
    answered_within_floor: u64,
    overdue: u64,
}

impl TierAcc {
    fn finish(mut self, tier: &'static str) -> FairnessTier {
        self.hours.sort_by(f64::total_cmp);
        let n = self.hours.len();
        let rank = |q: f64| {
            // Nearest rank: the smallest value with at least q of the values at or below it.
            let i = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
            self.hours[i]
        };
        let some = |v: f64| (n > 0).then_some(v);
        FairnessTier {
            tier,
            messages: n as u64,
            min_hours: self.hours.first().copied(),
            p50_hours: (n > 0).then(|| rank(0.5)),
            p90_hours: (n > 0).then(|| rank(0.9)),
            max_hours: self.hours.last().copied(),
            within_floor: some(self.within as f64 / n.max(1) as f64),
            mean_advance_hours: some(self.advance_hours / n.max(1) as f64),
            by_priority: self.by_priority,
            answered: self.answered,
            answered_by_due: (self.answered > 0)
                .then(|| self.answered_by_due as f64 / self.answered as f64),
            answered_within_floor: (self.answered > 0)
                .then(|| self.answered_within_floor as f64 / self.answered as f64),
            overdue: self.overdue,
        }
    }
}

#[cfg(test)]
mod tests;
