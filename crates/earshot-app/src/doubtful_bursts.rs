//! The `doubtful_burst` watch rule, evaluated after every API ingest: a watched account that drew
//! reactions from at least N distinct doubtful accounts within one clock hour raises one alert for
//! that hour.
//!
//! Bought engagement arrives in bursts from accounts that are fresh or fake, long before the next
//! score run would show it, so this rule reads the events as they are stored. An account is doubtful
//! when the latest score run gave it an authenticity below [`DOUBTFUL_BELOW`] or never scored it (a
//! new account). Hours are clock hours (UTC, `[h, h + 3600)`): each hour an ingest touched is counted
//! whole, the events stored earlier included, and a watch raises at most one alert per hour (the
//! alert's occasion, `hour:<unix start>`), however many ingests that hour sees.

use crate::watch::{names_of, AccountNames};
use anyhow::Result;
use earshot_model::InteractionKind;
use earshot_store::{NewAlert, Store, TimeWindow, Watch};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;
use std::time::Instant;

/// Authenticity below this in the latest run makes a reactor doubtful (the bar between a doubtful and
/// a genuine account everywhere in earshot).
pub const DOUBTFUL_BELOW: f64 = 0.5;

/// Hours evaluated per ingest at most: the latest ones. A bulk upload of a year of history would
/// otherwise read every hour of it again; bursts are news only while they are recent.
pub const MAX_HOURS: usize = 168;

const HOUR: i64 = 3600;

/// What one evaluation found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct BurstReport {
    /// Clock hours evaluated (the latest [`MAX_HOURS`] the ingest touched).
    pub hours: usize,
    /// Hours the ingest touched beyond those, left out.
    pub hours_skipped: usize,
    /// `doubtful_burst` watches checked.
    pub watches: usize,
    /// Alerts new to this evaluation.
    pub alerts: usize,
    pub seconds: f64,
}

/// A `doubtful_burst` alert's JSON, as webhooks receive it.
#[derive(Debug, Clone, serde::Serialize)]
struct BurstPayload {
    key: String,
    rule: &'static str,
    account: AccountNames,
    /// The clock hour: unix seconds of its start.
    hour: i64,
    /// Distinct doubtful reactors within the hour, and all distinct reactors.
    doubtful_reactors: usize,
    reactors: usize,
    threshold: f64,
    /// The score run whose authenticity judged the reactors (`None`: no run yet, everyone is new).
    judged_by_run: Option<i64>,
}

/// The clock hour (its starting unix second) of an instant.
pub fn hour_of(t: i64) -> i64 {
    t.div_euclid(HOUR) * HOUR
}

/// Evaluate every `doubtful_burst` watch on the clock hours in `hours` and store what fires (each alert
/// with a pending delivery to every webhook). Costs one indexed read when nothing is watched.
pub fn evaluate_hours(store: &mut Store, hours: &BTreeSet<i64>, now: i64) -> Result<BurstReport> {
    let started = Instant::now();
    let watches = store.watches_with_rule("doubtful_burst")?;
    let mut report = BurstReport {
        watches: watches.len(),
        ..Default::default()
    };
    if watches.is_empty() || hours.is_empty() {
        return Ok(report);
    }
    let mut by_account: FxHashMap<i64, Vec<&Watch>> = FxHashMap::default();
    for w in &watches {
        by_account.entry(w.account).or_default().push(w);
    }
    let latest: Vec<i64> = hours.iter().rev().take(MAX_HOURS).copied().collect();
    report.hours = latest.len();
    report.hours_skipped = hours.len() - latest.len();
    let run = store.latest_run_id()?;
    let mut judged: FxHashMap<i64, bool> = FxHashMap::default();
    let mut alerts = Vec::new();
    for &hour in latest.iter().rev() {
        // Distinct reactors to each watched account within the hour (follows are not reactions).
        let mut reactors: FxHashMap<i64, FxHashSet<i64>> = FxHashMap::default();
        let window = TimeWindow {
            from: Some(hour),
            to: Some(hour + HOUR),
        };
        store.scan_interactions(window, None, |r| {
            let dated = r.time.is_some_and(|t| (hour..hour + HOUR).contains(&t));
            let reaction = !matches!(r.kind, InteractionKind::Follow | InteractionKind::Unfollow);
            if dated && reaction && r.actor != r.target && by_account.contains_key(&r.target) {
                reactors.entry(r.target).or_default().insert(r.actor);
            }
        })?;
        for (account, actors) in reactors {
            let mut doubtful = 0;
            for &actor in &actors {
                let is_doubtful = match judged.get(&actor) {
                    Some(&d) => d,
                    None => {
                        let d = match run {
                            Some(run) => store
                                .account_score(run, actor)?
                                .and_then(|s| s.authenticity)
                                .is_none_or(|a| a < DOUBTFUL_BELOW),
                            None => true,
                        };
                        judged.insert(actor, d);
                        d
                    }
                };
                doubtful += usize::from(is_doubtful);
            }
            for w in &by_account[&account] {
                if (doubtful as f64) < w.threshold {
                    continue;
                }
                let payload = BurstPayload {
                    key: format!("earshot-watch-{}-hour-{hour}", w.id),
                    rule: "doubtful_burst",
                    account: names_of(store, account)?,
                    hour,
                    doubtful_reactors: doubtful,
                    reactors: actors.len(),
                    threshold: w.threshold,
                    judged_by_run: run,
                };
                alerts.push(NewAlert {
                    watch_id: w.id,
                    account,
                    run_id: None,
                    occasion: format!("hour:{hour}"),
                    rule: "doubtful_burst".to_string(),
                    payload: serde_json::to_string(&payload)?,
                });
            }
        }
    }
    report.alerts = store.save_alerts(&alerts, now)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
