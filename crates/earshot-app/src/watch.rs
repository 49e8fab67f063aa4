//! Watchlists: rules on the accounts people track (their own, competitors, candidates), evaluated
//! after every score run against the run before it, each finding stored once as an alert whose JSON
//! is what webhooks receive.
//!
//! A rule compares the account's score in the new run with its score in the previous run of the same
//! platform scope, so a first run, or an account new to the run, raises nothing: there is no change
//! to report. The one rule that does not wait for a run, `doubtful_burst`, is evaluated on the events
//! themselves after each API ingest (`doubtful_bursts.rs`).

use crate::accounts;
use crate::error::UsageError;
use anyhow::Result;
use earshot_store::{NewAlert, NewWatch, Store, Watch, WatchedScore, COMPONENTS};
use std::time::Instant;

/// What a watch looks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// The 1–100 score moved by at least this many points, up or down.
    ScoreChange { points: f64 },
    /// A component's percentile moved by at least this many percentile points (0–100), up or down.
    ComponentChange { component: String, points: f64 },
    /// Authenticity fell by at least this much (0–1).
    AuthenticityDrop { drop: f64 },
    /// The account entered the top `k` of a topic (by its topic score; a run scored with
    /// `--topics`), having been outside it, or the topic absent, in the previous run.
    TopicTop { topic: String, k: u32 },
    /// At least `reactors` distinct doubtful accounts reacted to the account within one clock hour
    /// (evaluated after every API ingest, by `doubtful_bursts.rs`).
    DoubtfulBurst { reactors: u32 },
}

impl Rule {
    /// The stored name of the rule.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::ScoreChange { .. } => "score_change",
            Rule::ComponentChange { .. } => "component_change",
            Rule::AuthenticityDrop { .. } => "authenticity_drop",
            Rule::TopicTop { .. } => "topic_top",
            Rule::DoubtfulBurst { .. } => "doubtful_burst",
        }
    }

    /// Every rule name, for messages.
    pub const NAMES: &'static str =
        "score_change, component_change, authenticity_drop, topic_top, doubtful_burst";

    /// The rule `name` with its threshold: `points` for the changes, `drop` for authenticity, `k` for
    /// a topic's top; a component for `component_change`, a topic key for `topic_top`. Usage errors
    /// name the field as `fields` does.
    pub fn parse(name: &str, t: &RuleParams<'_>, fields: crate::error::FieldStyle) -> Result<Rule> {
        let RuleParams {
            points,
            component,
            drop,
            topic,
            k,
            reactors,
        } = *t;
        let need = |v: Option<f64>, field: &str, range: std::ops::RangeInclusive<f64>| {
            let f = fields.name(field);
            match v {
                None => Err(UsageError(format!("rule {name} needs {f}"))),
                Some(x) if x.is_finite() && range.contains(&x) && x > 0.0 => Ok(x),
                Some(x) => Err(UsageError(format!(
                    "{f} {x}: expected a number above {} and at most {}",
                    range.start(),
                    range.end()
                ))),
            }
        };
        let rule = match name.replace('-', "_").as_str() {
            "score_change" => Rule::ScoreChange {
                points: need(points, "points", 0.0..=100.0)?,
            },
            "component_change" => {
                let c = component.unwrap_or_default().trim().to_ascii_lowercase();
                if !COMPONENTS.contains(&c.as_str()) {
                    return Err(UsageError(format!(
                        "rule component_change needs {} as one of {}",
                        fields.name("component"),
                        COMPONENTS.join(", ")
                    ))
                    .into());
                }
                Rule::ComponentChange {
                    component: c,
                    points: need(points, "points", 0.0..=100.0)?,
                }
            }
            "authenticity_drop" => Rule::AuthenticityDrop {
                drop: need(drop, "drop", 0.0..=1.0)?,
            },
            "topic_top" => {
                let topic = topic.unwrap_or_default().trim();
                if topic.is_empty() {
                    return Err(UsageError(format!(
                        "rule topic_top needs {} (a topic's key, as `earshot topics` names it)",
                        fields.name("topic")
                    ))
                    .into());
                }
                let k = k.filter(|k| (1..=100_000).contains(k)).ok_or_else(|| {
                    UsageError(format!(
                        "rule topic_top needs {} between 1 and 100000",
                        fields.name("k")
                    ))
                })?;
                Rule::TopicTop {
                    topic: topic.to_string(),
                    k,
                }
            }
            "doubtful_burst" => Rule::DoubtfulBurst {
                reactors: reactors
                    .filter(|n| (1..=1_000_000).contains(n))
                    .ok_or_else(|| {
                        UsageError(format!(
                            "rule doubtful_burst needs {} between 1 and 1000000 (distinct doubtful \
                             reactors within one clock hour)",
                            fields.name("reactors")
                        ))
                    })?,
            },
            other => {
                return Err(
                    UsageError(format!("rule {other:?}: expected one of {}", Rule::NAMES)).into(),
                )
            }
        };
        Ok(rule)
    }

    /// The rule as stored on `account`.
    pub fn stored(&self, account: i64) -> NewWatch {
        let (component, threshold) = match self {
            Rule::ScoreChange { points } => (String::new(), *points),
            Rule::ComponentChange { component, points } => (component.clone(), *points),
            Rule::AuthenticityDrop { drop } => (String::new(), *drop),
            Rule::TopicTop { k, .. } => (String::new(), f64::from(*k)),
            Rule::DoubtfulBurst { reactors } => (String::new(), f64::from(*reactors)),
        };
        NewWatch {
            account,
            rule: self.name().to_string(),
            component,
            topic: match self {
                Rule::TopicTop { topic, .. } => topic.clone(),
                _ => String::new(),
            },
            threshold,
        }
    }
}

/// A rule's parameters as a front gives them (each rule reads its own).
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleParams<'a> {
    pub points: Option<f64>,
    pub component: Option<&'a str>,
    pub drop: Option<f64>,
    pub topic: Option<&'a str>,
    pub k: Option<u32>,
    /// `doubtful_burst`: distinct doubtful reactors within one clock hour.
    pub reactors: Option<u32>,
}

/// Watch accounts.
pub struct AddRequest {
    /// `@handle`, handle or platform id each; `platform:` prefixes allowed.
    pub accounts: Vec<String>,
    pub platform: Option<String>,
    pub rule: Rule,
}

/// What [`add`] did.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AddReport {
    pub rule: &'static str,
    pub added: usize,
    /// Accounts that already had the rule: its threshold was replaced.
    pub updated: usize,
}

/// Store the rule on every account named; an account that cannot be resolved stops the request
/// before anything is stored.
pub fn add(store: &mut Store, req: &AddRequest, now: i64) -> Result<AddReport> {
    let mut watches = Vec::with_capacity(req.accounts.len());
    for name in &req.accounts {
        let id = match &req.platform {
            Some(p) => accounts::resolve(store, name, Some(p))?,
            None => accounts::resolve_ref(store, name)?,
        };
        watches.push(req.rule.stored(id));
    }
    let (added, updated) = store.add_watches(&watches, now)?;
    Ok(AddReport {
        rule: req.rule.name(),
        added,
        updated,
    })
}

/// A watch as people read it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WatchView {
    pub id: i64,
    /// How people name the account: `@handle`, else its platform id.
    pub account: String,
    pub platform: Option<String>,
    pub platform_id: Option<String>,
    pub rule: String,
    pub component: Option<String>,
    pub topic: Option<String>,
    pub threshold: f64,
    pub created_at: String,
}

/// A page of watches.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WatchList {
    pub total: u64,
    pub watches: Vec<WatchView>,
}

/// Stored watches, by id.
pub fn list(store: &Store, limit: usize, offset: usize) -> Result<WatchList> {
    let (rows, total) = store.watches(limit, offset)?;
    let watches = rows
        .into_iter()
        .map(|w: Watch| {
            let name = store.account_name(w.account)?;
            Ok(WatchView {
                id: w.id,
                account: accounts::display_name(store, w.account)?,
                platform: name.as_ref().map(|n| n.platform.clone()),
                platform_id: name.map(|n| n.platform_id),
                rule: w.rule.into_owned(),
                component: (!w.component.is_empty()).then(|| w.component.into_owned()),
                topic: (!w.topic.is_empty()).then_some(w.topic),
                threshold: w.threshold,
                created_at: earshot_model::format_utc(w.created_at),
            })
        })
        .collect::<Result<_>>()?;
    Ok(WatchList { total, watches })
}

/// One stored alert, with the JSON webhooks receive.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AlertView {
    pub id: i64,
    /// The score run that raised it.
    pub run: Option<i64>,
    pub created_at: String,
    #[schema(value_type = Object)]
    pub alert: serde_json::Value,
}

/// A page of alerts, newest first.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AlertList {
    pub total: u64,
    pub alerts: Vec<AlertView>,
}

/// Stored alerts, newest first, a page at a time: for `watch alerts`, `GET /v1/alerts` and the
/// dashboard alike.
pub fn alerts(store: &Store, limit: usize, offset: usize) -> Result<AlertList> {
    let (rows, total) = store.alerts(limit, offset)?;
    let alerts = rows
        .into_iter()
        .map(|a| AlertView {
            id: a.id,
            run: a.run_id,
            created_at: earshot_model::format_utc(a.created_at),
            alert: serde_json::from_str(&a.payload).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(AlertList { total, alerts })
}

/// What evaluating a run's watches found.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct EvaluationReport {
    pub run: i64,
    /// The run compared against; `None` for a first run (nothing can have changed).
    pub previous_run: Option<i64>,
    /// Watches on accounts of the run.
    pub checked: u64,
    /// Alerts new to this evaluation (one per watch and run, however often it is evaluated).
    pub alerts: usize,
    pub seconds: f64,
    /// Of `seconds`, reading the watches beside both runs' scores and applying the rules.
    pub read_seconds: f64,
}

/// One alert's JSON: what webhooks receive and `watch alerts` lists.
#[derive(Debug, Clone, serde::Serialize)]
struct Payload<'a> {
    /// The same for every delivery of this alert: receivers drop a repeat by it.
    key: String,
    rule: &'a str,
    account: AccountNames,
    component: Option<&'a str>,
    run: i64,
    previous_run: i64,
    before: f64,
    after: f64,
    change: f64,
    threshold: f64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct AccountNames {
    id: i64,
    platform_id: Option<String>,
    handle: Option<String>,
}

/// How far below its threshold a change may fall and still fire: percentiles are stored as shares,
/// so a change of exactly 5 points can come back as 4.999999999999.
const THRESHOLD_SLACK: f64 = 1e-9;

/// The finding of one watch on one account's two scores, as (before, after), if it fires.
fn finding(w: &WatchedScore) -> Option<(f64, f64)> {
    let before = w.before.as_ref()?;
    let now = &w.now;
    let t = w.watch.threshold;
    let (b, a) = match &*w.watch.rule {
        "score_change" => (before.overall, now.overall),
        "component_change" => {
            let c = COMPONENTS.iter().position(|c| *c == w.watch.component)?;
            (100.0 * before.pct[c], 100.0 * now.pct[c])
        }
        "authenticity_drop" => {
            let (b, a) = (before.authenticity?, now.authenticity?);
            return (b - a >= t - THRESHOLD_SLACK).then_some((b, a));
        }
        _ => return None,
    };
    ((a - b).abs() >= t - THRESHOLD_SLACK).then_some((b, a))
}

/// The key every delivery of watch `watch`'s alert on run `run` carries: receivers drop repeats by it.
fn alert_key(watch: i64, run: i64) -> String {
    format!("earshot-watch-{watch}-run-{run}")
}

/// Watch `w`'s alert on run `run`, with `payload` as webhooks receive it.
fn run_alert(w: &Watch, run: i64, payload: &impl serde::Serialize) -> Result<NewAlert> {
    Ok(NewAlert {
        watch_id: w.id,
        account: w.account,
        run_id: Some(run),
        occasion: format!("run:{run}"),
        rule: w.rule.to_string(),
        payload: serde_json::to_string(payload)?,
    })
}

/// A `topic_top` alert's JSON.
#[derive(Debug, Clone, serde::Serialize)]
struct TopicPayload<'a> {
    key: String,
    rule: &'a str,
    account: AccountNames,
    topic: &'a str,
    k: u32,
    /// The account's place in the topic now (1 is first).
    rank: usize,
    run: i64,
    previous_run: i64,
}

pub(crate) fn names_of(store: &Store, account: i64) -> Result<AccountNames> {
    let names = store.account_names(account)?;
    Ok(AccountNames {
        id: account,
        platform_id: names.as_ref().map(|(ext, _)| ext.clone()),
        handle: names.and_then(|(_, h)| h),
    })
}

/// The `topic_top` watches that fire on `run`: accounts now in their topic's top k that were not
/// in it in `previous` (or the topic was not there). Few accounts watch a topic's top, so each
/// (topic, k) is read as a ranked page rather than merged.
fn topic_entries(store: &Store, run: i64, previous: i64) -> Result<Vec<NewAlert>> {
    let watches = store.watches_with_rule("topic_top")?;
    if watches.is_empty() {
        return Ok(Vec::new());
    }
    let topic_id = |r: i64, key: &str| -> Result<Option<u32>> {
        Ok(store
            .run_topics(r)?
            .into_iter()
            .find(|t| t.key == key)
            .map(|t| t.topic))
    };
    let top = |r: i64, key: &str, k: usize| -> Result<Vec<i64>> {
        Ok(match topic_id(r, key)? {
            Some(t) => store
                .top_topic_scores(r, t, "overall", k, None)?
                .into_iter()
                .map(|row| row.account)
                .collect(),
            None => Vec::new(),
        })
    };
    // Per (topic, k): each account's place now, and the accounts in it before.
    type Places = (
        rustc_hash::FxHashMap<i64, usize>,
        rustc_hash::FxHashSet<i64>,
    );
    let mut ranked: rustc_hash::FxHashMap<(String, usize), Places> = Default::default();
    let mut alerts = Vec::new();
    for w in &watches {
        let k = w.threshold.max(1.0) as usize;
        let key = (w.topic.clone(), k);
        if !ranked.contains_key(&key) {
            let now = top(run, &w.topic, k)?
                .into_iter()
                .enumerate()
                .map(|(i, a)| (a, i))
                .collect();
            let before = top(previous, &w.topic, k)?.into_iter().collect();
            ranked.insert(key.clone(), (now, before));
        }
        let (now, before) = &ranked[&key];
        let Some(&place) = now.get(&w.account) else {
            continue;
        };
        if before.contains(&w.account) {
            continue;
        }
        let payload = TopicPayload {
            key: alert_key(w.id, run),
            rule: "topic_top",
            account: names_of(store, w.account)?,
            topic: &w.topic,
            k: k as u32,
            rank: place + 1,
            run,
            previous_run: previous,
        };
        alerts.push(run_alert(w, run, &payload)?);
    }
    Ok(alerts)
}

/// Evaluate every watch on run `run` against the previous run and store the alerts found (each
/// with a pending delivery to every webhook).
pub fn evaluate_run(store: &mut Store, run: i64, now: i64) -> Result<EvaluationReport> {
    let started = Instant::now();
    let previous = store.previous_run(run)?;
    let mut report = EvaluationReport {
        run,
        previous_run: previous,
        ..Default::default()
    };
    let Some(previous_run) = previous else {
        return Ok(report);
    };
    let mut found: Vec<(WatchedScore, f64, f64)> = Vec::new();
    report.checked = store.watched_scores(run, previous, |w| {
        if let Some((b, a)) = finding(&w) {
            found.push((w, b, a));
        }
    })?;
    report.read_seconds = started.elapsed().as_secs_f64();
    let mut alerts = topic_entries(store, run, previous_run)?;
    alerts.reserve(found.len());
    for (w, before, after) in &found {
        let payload = Payload {
            key: alert_key(w.watch.id, run),
            rule: &w.watch.rule,
            account: names_of(store, w.watch.account)?,
            component: (!w.watch.component.is_empty()).then_some(&*w.watch.component),
            run,
            previous_run,
            before: *before,
            after: *after,
            change: after - before,
            threshold: w.watch.threshold,
        };
        alerts.push(run_alert(&w.watch, run, &payload)?);
    }
    report.alerts = store.save_alerts(&alerts, now)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_store::ScoreFacts;

    fn watched(
        rule: &str,
        component: &str,
        threshold: f64,
        before: ScoreFacts,
        now: ScoreFacts,
    ) -> WatchedScore {
        WatchedScore {
            watch: Watch {
                id: 1,
                account: 7,
                rule: rule.to_string().into(),
                component: component.to_string().into(),
                topic: String::new(),
                threshold,
                created_at: 0,
            },
            now,
            before: Some(before),
        }
    }

    fn facts(overall: f64, conversation_pct: f64, authenticity: Option<f64>) -> ScoreFacts {
        ScoreFacts {
            overall,
            pct: [0.5, 0.5, conversation_pct, 0.5, 0.5],
            authenticity,
        }
    }

    #[test]
    fn rules_fire_at_their_threshold_and_not_below() {
        let a = facts(40.0, 0.30, Some(0.9));
        let b = facts(45.0, 0.42, Some(0.6));
        assert_eq!(
            finding(&watched("score_change", "", 5.0, a, b)),
            Some((40.0, 45.0))
        );
        assert_eq!(
            finding(&watched("score_change", "", 5.0, b, a)),
            Some((45.0, 40.0)),
            "down too"
        );
        assert_eq!(finding(&watched("score_change", "", 5.5, a, b)), None);
        let c = finding(&watched("component_change", "conversation", 10.0, a, b)).unwrap();
        assert!((c.1 - c.0 - 12.0).abs() < 1e-9, "percentile points: {c:?}");
        assert_eq!(
            finding(&watched("component_change", "audience", 10.0, a, b)),
            None
        );
        assert!(finding(&watched("authenticity_drop", "", 0.3, a, b)).is_some());
        assert_eq!(
            finding(&watched("authenticity_drop", "", 0.3, b, a)),
            None,
            "a rise is no drop"
        );
        assert_eq!(finding(&watched("authenticity_drop", "", 0.31, a, b)), None);
        let unknown = facts(40.0, 0.3, None);
        assert_eq!(
            finding(&watched("authenticity_drop", "", 0.1, a, unknown)),
            None
        );
        let mut first = watched("score_change", "", 1.0, a, b);
        first.before = None;
        assert_eq!(finding(&first), None, "no earlier score: nothing changed");
    }
}
