//! Watchlists: rules on accounts, the alerts they raise after a score run, and the webhooks those
//! alerts are delivered to, each delivery's attempts recorded so that nothing is lost and a receiver
//! that was down is retried (schema 18).
//!
//! The store keeps the rows and reads what a rule needs; which change is worth an alert is
//! `earshot-app`'s to decide.

use crate::{Result, Store, StoreError};
use rusqlite::{params, OptionalExtension, Row};
use std::borrow::Cow;

/// The names stored in `watches.rule` and `watches.component` that earshot writes: read back
/// borrowed rather than allocated.
const KNOWN_NAMES: &[&str] = &[
    "",
    "score_change",
    "component_change",
    "authenticity_drop",
    "topic_top",
    "doubtful_burst",
    "audience",
    "amplification",
    "conversation",
    "authority",
    "reach",
];

fn name_at(r: &Row<'_>, i: usize) -> rusqlite::Result<Cow<'static, str>> {
    let text = r.get_ref(i)?.as_str()?;
    Ok(match KNOWN_NAMES.iter().find(|k| **k == text) {
        Some(k) => Cow::Borrowed(*k),
        None => Cow::Owned(text.to_string()),
    })
}

/// One stored rule on one account.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Watch {
    pub id: i64,
    pub account: i64,
    /// Borrowed for the names earshot knows, so that reading a million watches does not allocate
    /// two strings for each.
    pub rule: Cow<'static, str>,
    /// The component a `component_change` rule follows; empty otherwise.
    pub component: Cow<'static, str>,
    /// The topic key a `topic_top` rule follows; empty otherwise.
    pub topic: String,
    pub threshold: f64,
    pub created_at: i64,
}

/// A rule to store ([`Store::add_watches`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NewWatch {
    pub account: i64,
    pub rule: String,
    pub component: String,
    pub topic: String,
    pub threshold: f64,
}

/// A watched account's score in a run and in the run before it ([`Store::watched_scores`]).
#[derive(Debug, Clone, PartialEq)]
pub struct WatchedScore {
    pub watch: Watch,
    pub now: ScoreFacts,
    /// `None` when the account was not in the previous run (or there is none).
    pub before: Option<ScoreFacts>,
}

/// What rules compare of one score: overall, each component's percentile (0-1, in
/// [`crate::COMPONENTS`] order) and authenticity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreFacts {
    pub overall: f64,
    pub pct: [f64; 5],
    pub authenticity: Option<f64>,
}

/// An alert to store: its payload is what webhooks receive.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub watch_id: i64,
    pub account: i64,
    /// The score run that raised it; `None` for an occasion other than a run.
    pub run_id: Option<i64>,
    /// What raised it, once per watch: `run:<id>` for a score run.
    pub occasion: String,
    pub rule: String,
    pub payload: String,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AlertRecord {
    pub id: i64,
    pub watch_id: i64,
    pub account: i64,
    pub run_id: Option<i64>,
    pub rule: String,
    pub payload: String,
    pub created_at: i64,
}

/// A stored webhook (its secret is never shown again after it is added, nor printed by `Debug`).
#[derive(Clone, PartialEq, serde::Serialize)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub created_at: i64,
}

/// A delivery whose time has come ([`Store::claim_due_deliveries`]); `Debug` leaves the secret out.
#[derive(Clone, PartialEq)]
pub struct DueDelivery {
    pub alert_id: i64,
    pub webhook_id: i64,
    pub url: String,
    pub secret: String,
    pub payload: String,
    pub attempts: u32,
}

/// A delivery's state, for the dead-letter list and the counts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeliveryRecord {
    pub alert_id: i64,
    pub webhook_id: i64,
    pub url: String,
    pub status: String,
    pub attempts: u32,
    pub next_attempt_ms: i64,
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for DueDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DueDelivery")
            .field("alert_id", &self.alert_id)
            .field("webhook_id", &self.webhook_id)
            .field("url", &self.url)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

const WATCH_COLUMNS: &str = "id, account, rule, component, topic, threshold, created_at";

fn watch_from(r: &Row<'_>, at: usize) -> rusqlite::Result<Watch> {
    Ok(Watch {
        id: r.get(at)?,
        account: r.get(at + 1)?,
        rule: name_at(r, at + 2)?,
        component: name_at(r, at + 3)?,
        topic: r.get(at + 4)?,
        threshold: r.get(at + 5)?,
        created_at: r.get(at + 6)?,
    })
}

/// Overall, the five percentiles and authenticity from `at`; `None` where overall is NULL (no row).
fn facts_from(r: &Row<'_>, at: usize) -> rusqlite::Result<Option<ScoreFacts>> {
    let Some(overall) = r.get_ref(at)?.as_f64_or_null()? else {
        return Ok(None);
    };
    let mut pct = [0.0; 5];
    for (i, p) in pct.iter_mut().enumerate() {
        *p = r.get_ref(at + 1 + i)?.as_f64()?;
    }
    Ok(Some(ScoreFacts {
        overall,
        pct,
        authenticity: r.get_ref(at + 6)?.as_f64_or_null()?,
    }))
}

impl Store {
    /// Store rules; a rule already on an account (same rule, component and topic) takes the new
    /// threshold. Returns (added, updated). One transaction.
    pub fn add_watches(&mut self, watches: &[NewWatch], now: i64) -> Result<(usize, usize)> {
        let path = self.path.clone();
        let err = |e| crate::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        let (mut added, mut updated) = (0, 0);
        {
            let mut find = tx
                .prepare_cached(
                    "SELECT id FROM watches WHERE account = ?1 AND rule = ?2 AND component = ?3 \
                     AND topic = ?4",
                )
                .map_err(err)?;
            let mut update = tx
                .prepare_cached("UPDATE watches SET threshold = ?2 WHERE id = ?1")
                .map_err(err)?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO watches (account, rule, component, topic, threshold, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(err)?;
            for w in watches {
                let existing: Option<i64> = find
                    .query_row(params![w.account, w.rule, w.component, w.topic], |r| {
                        r.get(0)
                    })
                    .optional()
                    .map_err(err)?;
                match existing {
                    Some(id) => {
                        update.execute(params![id, w.threshold]).map_err(err)?;
                        updated += 1;
                    }
                    None => {
                        insert
                            .execute(params![
                                w.account,
                                w.rule,
                                w.component,
                                w.topic,
                                w.threshold,
                                now
                            ])
                            .map_err(err)?;
                        added += 1;
                    }
                }
            }
        }
        tx.commit().map_err(err)?;
        Ok((added, updated))
    }

    /// Remove rules by id; returns how many there were.
    pub fn remove_watches(&mut self, ids: &[i64]) -> Result<usize> {
        let path = self.path.clone();
        let err = |e| crate::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        let mut n = 0;
        {
            let mut delete = tx
                .prepare_cached("DELETE FROM watches WHERE id = ?1")
                .map_err(err)?;
            for id in ids {
                n += delete.execute([id]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        Ok(n)
    }

    /// Stored rules, by id, a page at a time; and how many there are in all.
    pub fn watches(&self, limit: usize, offset: usize) -> Result<(Vec<Watch>, u64)> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {WATCH_COLUMNS} FROM watches ORDER BY id LIMIT ?1 OFFSET ?2"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![limit as i64, offset as i64], |r| watch_from(r, 0))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        let total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM watches", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok((rows, total as u64))
    }

    /// Every watch with `rule`, in id order.
    pub fn watches_with_rule(&self, rule: &str) -> Result<Vec<Watch>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {WATCH_COLUMNS} FROM watches WHERE rule = ?1 ORDER BY id"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([rule], |r| watch_from(r, 0))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// The run scored before `run` over the same platform (or all platforms), if any: what a
    /// run's changes are measured against.
    pub fn previous_run(&self, run: i64) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT p.id FROM score_runs p JOIN score_runs r ON r.id = ?1
                 WHERE p.id < r.id AND p.platform IS r.platform ORDER BY p.id DESC LIMIT 1",
                [run],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every watch on an account scored in `run`, with that score and the account's score in
    /// `previous`, in account order; returns how many there were. A merge of three ordered reads
    /// (the watches by account, each run's scores by account), not a look-up per watch: a million
    /// watches are read in well under a second.
    pub fn watched_scores(
        &self,
        run: i64,
        previous: Option<i64>,
        mut each: impl FnMut(WatchedScore),
    ) -> Result<u64> {
        let err = |e| crate::sql_err(&self.path, e);
        let scores_sql = "SELECT account, overall, audience_pct, amplification_pct, conversation_pct,
                 authority_pct, reach_pct, authenticity FROM scores WHERE run_id = ?1 ORDER BY account";
        let mut now_stmt = self.conn.prepare_cached(scores_sql).map_err(err)?;
        let mut before_stmt = self.conn.prepare(scores_sql).map_err(err)?;
        let mut watch_stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {WATCH_COLUMNS} FROM watches INDEXED BY watches_by_account ORDER BY account, id"
            ))
            .map_err(err)?;
        let mut now_rows = now_stmt.query([run]).map_err(err)?;
        // No previous run: a read that finds nothing.
        let mut before_rows = before_stmt.query([previous.unwrap_or(-1)]).map_err(err)?;
        let next = |rows: &mut rusqlite::Rows<'_>| -> Result<Option<(i64, ScoreFacts)>> {
            let Some(r) = rows.next().map_err(err)? else {
                return Ok(None);
            };
            let account: i64 = r.get(0).map_err(err)?;
            let facts = facts_from(r, 1).map_err(err)?;
            Ok(facts.map(|f| (account, f)))
        };
        let mut now = next(&mut now_rows)?;
        let mut before = next(&mut before_rows)?;
        let mut watches = watch_stmt.query([]).map_err(err)?;
        let mut checked = 0;
        while let Some(r) = watches.next().map_err(err)? {
            let watch = watch_from(r, 0).map_err(err)?;
            while now.is_some_and(|(a, _)| a < watch.account) {
                now = next(&mut now_rows)?;
            }
            while before.is_some_and(|(a, _)| a < watch.account) {
                before = next(&mut before_rows)?;
            }
            let Some((_, facts)) = now.filter(|(a, _)| *a == watch.account) else {
                continue;
            };
            checked += 1;
            each(WatchedScore {
                before: before.filter(|(a, _)| *a == watch.account).map(|(_, f)| f),
                watch,
                now: facts,
            });
        }
        Ok(checked)
    }

    /// Store alerts, each once per (watch, occasion), with a pending delivery to every webhook. Returns
    /// how many were new. One transaction.
    pub fn save_alerts(&mut self, alerts: &[NewAlert], now: i64) -> Result<usize> {
        let path = self.path.clone();
        let err = |e| crate::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        let mut added = 0;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO alerts (watch_id, account, run_id, occasion, rule, \
                     payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(err)?;
            let mut deliver = tx
                .prepare_cached(
                    "INSERT INTO deliveries (alert_id, webhook_id, next_attempt_ms)
                     SELECT ?1, id, ?2 FROM webhooks",
                )
                .map_err(err)?;
            for a in alerts {
                let n = insert
                    .execute(params![
                        a.watch_id, a.account, a.run_id, a.occasion, a.rule, a.payload, now
                    ])
                    .map_err(err)?;
                if n > 0 {
                    deliver
                        .execute(params![tx.last_insert_rowid(), now.saturating_mul(1000)])
                        .map_err(err)?;
                    added += 1;
                }
            }
        }
        tx.commit().map_err(err)?;
        Ok(added)
    }

    /// Delete run `run`'s alerts and their deliveries, so that evaluating it again raises them
    /// afresh (`earshot bench watches` times that); returns how many alerts there were.
    pub fn delete_alerts_of_run(&mut self, run: i64) -> Result<usize> {
        self.delete_alerts_where("run_id = ?1", &run)
    }

    /// Delete the alerts raised on `occasion` (such as `hour:<unix>`) and their deliveries; how many
    /// alerts went (benchmarks evaluate the same occasion again).
    pub fn delete_alerts_of_occasion(&mut self, occasion: &str) -> Result<usize> {
        self.delete_alerts_where("occasion = ?1", &occasion)
    }

    fn delete_alerts_where(
        &mut self,
        condition: &str,
        value: &dyn rusqlite::ToSql,
    ) -> Result<usize> {
        let path = self.path.clone();
        let err = |e| crate::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute(
            &format!("DELETE FROM deliveries WHERE alert_id IN (SELECT id FROM alerts WHERE {condition})"),
            [value],
        )
        .map_err(err)?;
        let n = tx
            .execute(&format!("DELETE FROM alerts WHERE {condition}"), [value])
            .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(n)
    }

    /// Stored alerts, newest first, a page at a time; and how many there are in all.
    pub fn alerts(&self, limit: usize, offset: usize) -> Result<(Vec<AlertRecord>, u64)> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, watch_id, account, run_id, rule, payload, created_at FROM alerts
                 ORDER BY id DESC LIMIT ?1 OFFSET ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![limit as i64, offset as i64], |r| {
                Ok(AlertRecord {
                    id: r.get(0)?,
                    watch_id: r.get(1)?,
                    account: r.get(2)?,
                    run_id: r.get(3)?,
                    rule: r.get(4)?,
                    payload: r.get(5)?,
                    created_at: r.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        let total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM alerts", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok((rows, total as u64))
    }

    /// Add a webhook; alerts raised from now on are delivered to it. A URL already added is an error.
    pub fn add_webhook(&mut self, url: &str, secret: &str, now: i64) -> Result<i64> {
        let exists: Option<i64> = self
            .conn
            .query_row("SELECT id FROM webhooks WHERE url = ?1", [url], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        if let Some(id) = exists {
            return Err(StoreError::Invalid {
                path: self.path.clone(),
                what: "webhook",
                why: format!("{url} is already webhook {id}"),
            });
        }
        self.conn
            .execute(
                "INSERT INTO webhooks (url, secret, created_at) VALUES (?1, ?2, ?3)",
                params![url, secret, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every webhook, by id.
    pub fn webhooks(&self) -> Result<Vec<Webhook>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, url, secret, created_at FROM webhooks ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Webhook {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    secret: r.get(2)?,
                    created_at: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Remove a webhook and every delivery to it (pending, dead or done); returns whether it existed.
    pub fn remove_webhook(&mut self, id: i64) -> Result<bool> {
        let path = self.path.clone();
        let err = |e| crate::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute("DELETE FROM deliveries WHERE webhook_id = ?1", [id])
            .map_err(err)?;
        let n = tx
            .execute("DELETE FROM webhooks WHERE id = ?1", [id])
            .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(n > 0)
    }

    /// Claim up to `limit` pending deliveries due at `now_ms`, oldest alert first: each is made due
    /// again only at `lease_until_ms`, in one immediate transaction, so that two deliverers (a server
    /// and `earshot watch deliver`) never send the same row at once, and a deliverer that dies
    /// mid-send leaves its rows to be retried when the lease ends.
    pub fn claim_due_deliveries(
        &mut self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: usize,
    ) -> Result<Vec<DueDelivery>> {
        let path = self.path.clone();
        let err = |e| crate::sql_err(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let rows = {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT d.alert_id, d.webhook_id, w.url, w.secret, a.payload, d.attempts
                     FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
                     JOIN alerts a ON a.id = d.alert_id
                     WHERE d.status = 'pending' AND d.next_attempt_ms <= ?1
                     ORDER BY d.alert_id, d.webhook_id LIMIT ?2",
                )
                .map_err(err)?;
            let rows = stmt
                .query_map(params![now_ms, limit as i64], |r| {
                    Ok(DueDelivery {
                        alert_id: r.get(0)?,
                        webhook_id: r.get(1)?,
                        url: r.get(2)?,
                        secret: r.get(3)?,
                        payload: r.get(4)?,
                        attempts: r.get(5)?,
                    })
                })
                .map_err(err)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(err)?;
            let mut lease = tx
                .prepare_cached(
                    "UPDATE deliveries SET next_attempt_ms = ?3 WHERE alert_id = ?1 AND webhook_id = ?2",
                )
                .map_err(err)?;
            for d in &rows {
                lease
                    .execute(params![d.alert_id, d.webhook_id, lease_until_ms])
                    .map_err(err)?;
            }
            rows
        };
        tx.commit().map_err(err)?;
        Ok(rows)
    }

    /// Whether a delivery is still pending: its alert, webhook and row all still there (an account
    /// erased or a webhook removed since it was claimed is not sent).
    pub fn delivery_is_pending(&self, alert_id: i64, webhook_id: i64) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
                 JOIN alerts a ON a.id = d.alert_id
                 WHERE d.alert_id = ?1 AND d.webhook_id = ?2 AND d.status = 'pending'",
                params![alert_id, webhook_id],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| self.err(e))
    }

    /// The earliest time a pending delivery is due, if any is pending.
    pub fn next_delivery_ms(&self) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT min(d.next_attempt_ms) FROM deliveries d
                 JOIN webhooks w ON w.id = d.webhook_id JOIN alerts a ON a.id = d.alert_id
                 WHERE d.status = 'pending'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Record a delivery's attempt: `Ok` delivered at `now`; `Err((error, Some(next_ms)))` to retry
    /// then; `Err((error, None))` dead (the last attempt failed). Returns `false` when the row is
    /// gone (its webhook removed or its account erased meanwhile): nothing to record.
    pub fn record_delivery(
        &mut self,
        alert_id: i64,
        webhook_id: i64,
        now: i64,
        outcome: std::result::Result<(), (&str, Option<i64>)>,
    ) -> Result<bool> {
        let n = match outcome {
            Ok(()) => self.conn.execute(
                "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1,
                 delivered_at = ?3, last_error = NULL WHERE alert_id = ?1 AND webhook_id = ?2",
                params![alert_id, webhook_id, now],
            ),
            Err((error, Some(next_ms))) => self.conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, next_attempt_ms = ?3,
                 last_error = ?4 WHERE alert_id = ?1 AND webhook_id = ?2",
                params![alert_id, webhook_id, next_ms, error],
            ),
            Err((error, None)) => self.conn.execute(
                "UPDATE deliveries SET status = 'dead', attempts = attempts + 1, last_error = ?3
                 WHERE alert_id = ?1 AND webhook_id = ?2",
                params![alert_id, webhook_id, error],
            ),
        }
        .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// Deliveries with `status` (`pending`, `delivered` or `dead`), by alert, at most `limit`.
    pub fn deliveries(&self, status: &str, limit: usize) -> Result<Vec<DeliveryRecord>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT d.alert_id, d.webhook_id, coalesce(w.url, ''), d.status, d.attempts,
                        d.next_attempt_ms, d.last_error, d.delivered_at
                 FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id
                 WHERE d.status = ?1 ORDER BY d.alert_id, d.webhook_id LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![status, limit as i64], |r| {
                Ok(DeliveryRecord {
                    alert_id: r.get(0)?,
                    webhook_id: r.get(1)?,
                    url: r.get(2)?,
                    status: r.get(3)?,
                    attempts: r.get(4)?,
                    next_attempt_ms: r.get(5)?,
                    last_error: r.get(6)?,
                    delivered_at: r.get(7)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Put every dead delivery back in the queue, due at `now_ms` with its attempts reset; returns
    /// how many.
    pub fn requeue_dead(&mut self, now_ms: i64) -> Result<usize> {
        self.conn
            .execute(
                "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_ms = ?1
                 WHERE status = 'dead' AND webhook_id IN (SELECT id FROM webhooks)",
                [now_ms],
            )
            .map_err(|e| self.err(e))
    }

    /// How many deliveries are pending, delivered and dead.
    pub fn delivery_counts(&self) -> Result<(u64, u64, u64)> {
        self.conn
            .query_row(
                "SELECT count(*) FILTER (WHERE status = 'pending'),
                        count(*) FILTER (WHERE status = 'delivered'),
                        count(*) FILTER (WHERE status = 'dead') FROM deliveries",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)? as u64,
                        r.get::<_, i64>(1)? as u64,
                        r.get::<_, i64>(2)? as u64,
                    ))
                },
            )
            .map_err(|e| self.err(e))
    }
}
