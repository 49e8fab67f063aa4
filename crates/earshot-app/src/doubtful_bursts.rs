//! The `doubtful_burst` watch rule, evaluated after every API ingest: a watched account that drew
//! reactions from at least N distinct doubtful accounts within one clock hour raises one alert for
//! that hour.
//!
//! Bought engagement arrives in bursts from accounts that are fresh or fake, long before the next
//! score run would show it, so this rule reads the events as they are stored. A reactor is judged by
//! the latest score run covering the watched account's platform: doubtful when that run gave it an
//! authenticity below [`DOUBTFUL_BELOW`] or never scored it (a new account). A watch whose platform
//! has no such run, or whose run holds no authenticity weights (`score --no-authenticity`), is not
//! judged at all (counted in the report), rather than calling every reactor doubtful.
//!
//! Hours are clock hours (UTC, `[h, h + 3600)`): each recent hour an ingest touched (the latest
//! [`MAX_HOURS`] up to now; an upload of old history raises nothing) is counted whole, the events
//! stored earlier included, and a watch raises at most one alert per hour (the alert's occasion,
//! `hour:<unix start>`), however many ingests that hour sees.

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

/// How far back, in hours up to the current one, an ingest's hours are checked: bursts are news only
/// while they are recent, and an upload of a year of history should neither read it all again nor
/// alert on it.
pub const MAX_HOURS: usize = 168;

const HOUR: i64 = 3600;

/// What one evaluation found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct BurstReport {
    /// Clock hours evaluated (those the ingest touched within the latest [`MAX_HOURS`]).
    pub hours: usize,
    /// Hours the ingest touched outside them (older, or in the future), left out.
    pub hours_skipped: usize,
    /// `doubtful_burst` watches checked.
    pub watches: usize,
    /// Of them, watches not judged: no score run with authenticity weights covers their platform.
    pub unjudged: usize,
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
    /// The score run whose authenticity judged the reactors.
    judged_by_run: i64,
}

/// The clock hour (its starting unix second) of an instant.
pub fn hour_of(t: i64) -> i64 {
    t.div_euclid(HOUR) * HOUR
}

/// Evaluate every `doubtful_burst` watch on the recent clock hours in `hours` (recent as of `now`,
/// unix seconds) and store what fires (each alert with a pending delivery to every webhook). Costs one
/// indexed read when nothing is watched or no hour is recent.
pub fn evaluate_hours(store: &mut Store, hours: &BTreeSet<i64>, now: i64) -> Result<BurstReport> {
    let started = Instant::now();
    let watches = store.watches_with_rule("doubtful_burst")?;
    let current = hour_of(now);
    let recent: Vec<i64> = hours
        .range(current - (MAX_HOURS as i64 - 1) * HOUR..=current)
        .copied()
        .collect();
    let mut report = BurstReport {
        watches: watches.len(),
        hours: recent.len(),
        hours_skipped: hours.len() - recent.len(),
        ..Default::default()
    };
    let (Some(&first), Some(&last)) = (recent.first(), recent.last()) else {
        return Ok(report);
    };
    if watches.is_empty() {
        return Ok(report);
    }
    // Each watch's judge: the latest run covering its account's platform, if it holds weights.
    let mut judge_of_platform: FxHashMap<String, Option<i64>> = FxHashMap::default();
    let mut by_account: FxHashMap<i64, (i64, Vec<&Watch>)> = FxHashMap::default();
    for w in &watches {
        if let Some((_, list)) = by_account.get_mut(&w.account) {
            list.push(w);
            continue;
        }
        let platform = store
            .account_name(w.account)?
            .map(|n| n.platform)
            .unwrap_or_default();
        let judge = match judge_of_platform.get(&platform) {
            Some(&j) => j,
            None => {
                let j = match store.latest_run_covering(&platform)? {
                    Some(run) if store.run_has_authenticity(run)? => Some(run),
                    _ => None,
                };
                judge_of_platform.insert(platform, j);
                j
            }
        };
        match judge {
            Some(run) => {
                by_account.insert(w.account, (run, vec![w]));
            }
            None => report.unjudged += 1,
        }
    }
    // Distinct reactors to each judged account within each recent hour, in one read of those hours
    // (follows are not reactions).
    let wanted: FxHashSet<i64> = recent.iter().copied().collect();
    let mut reactors: FxHashMap<(i64, i64), FxHashSet<i64>> = FxHashMap::default();
    let window = TimeWindow {
        from: Some(first),
        to: Some(last + HOUR),
    };
    store.scan_interactions(window, None, |r| {
        let Some(hour) = r.time.map(hour_of).filter(|h| wanted.contains(h)) else {
            return;
        };
        let reaction = !matches!(r.kind, InteractionKind::Follow | InteractionKind::Unfollow);
        if reaction && r.actor != r.target && by_account.contains_key(&r.target) {
            reactors
                .entry((r.target, hour))
                .or_default()
                .insert(r.actor);
        }
    })?;
    let mut found: Vec<((i64, i64), FxHashSet<i64>)> = reactors.into_iter().collect();
    found.sort_unstable_by_key(|(k, _)| (k.1, k.0));
    let mut judged: FxHashMap<(i64, i64), bool> = FxHashMap::default();
    let mut alerts = Vec::new();
    for ((account, hour), actors) in found {
        let (run, list) = &by_account[&account];
        let mut doubtful = 0;
        for &actor in &actors {
            let is_doubtful = match judged.get(&(*run, actor)) {
                Some(&d) => d,
                None => {
                    let d = store
                        .account_score(*run, actor)?
                        .and_then(|s| s.authenticity)
                        .is_none_or(|a| a < DOUBTFUL_BELOW);
                    judged.insert((*run, actor), d);
                    d
                }
            };
            doubtful += usize::from(is_doubtful);
        }
        for w in list {
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
                judged_by_run: *run,
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
    report.alerts = store.save_alerts(&alerts, now)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
