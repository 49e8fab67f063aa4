//! Watch rules after a score run (`earshot bench watches`): two stored runs of `scored` accounts in a
//! fresh database, a watch on each of `accounts` accounts (the three rules in turn; those past
//! `scored` are not in the runs, as most of a big watchlist is not in one platform's run), and the
//! evaluation of the second run against the first timed, its alerts cleared between timed runs so that each run finds
//! and stores them afresh.
//!
//! The scores: run 1 draws each account's overall score, component percentiles and authenticity
//! at random (seeded); run 2 moves each by a little noise, and one account in a hundred by a jump
//! that its rule reports, so about 1% of the watches alert, as a watchlist does on an ordinary day.

use super::median;
use crate::watch::{evaluate_run, Rule};
use anyhow::Result;
use earshot_store::{NewWatch, ScoreRow, ScoreRun, Store};
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::path::PathBuf;
use std::time::Instant;

/// How many accounts, from which seed, timed how.
#[derive(Debug, Clone)]
pub struct WatchesBenchRequest {
    /// Watched accounts.
    pub accounts: usize,
    /// Accounts in each run: the first `scored` of the watched ones (all of them when `None`).
    pub scored: Option<usize>,
    pub seed: u64,
    pub runs: usize,
    /// Where to build the database (a temporary folder when `None`).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct WatchesBenchReport {
    pub accounts: usize,
    /// Accounts in each of the two runs.
    pub scored: usize,
    pub watches: usize,
    /// Alerts each evaluation raised.
    pub alerts: usize,
    pub setup_seconds: f64,
    /// The median evaluation: reading every watched account's two scores, applying its rule and
    /// storing the alerts with their deliveries.
    pub median_seconds: f64,
    /// Of the median run's time, the reading and the rules (the rest stores the alerts).
    pub read_seconds: f64,
    pub watches_per_second: f64,
    /// After an API ingest: the `doubtful_burst` check of one clock hour holding
    /// [`BURST_REACTIONS`] reactions to [`BURST_WATCHED`] watched accounts, beside all the other
    /// watches (median over the runs).
    pub burst_median_seconds: f64,
    /// Alerts that check raised (once; the hour's alerts are cleared between runs).
    pub burst_alerts: usize,
    pub seed: u64,
}

/// Accounts watched for doubtful bursts in the benchmark, and the reactions to them within the hour
/// checked, from [`BURST_REACTORS`] distinct accounts: a busy hour of a brand's watchlist.
pub const BURST_WATCHED: usize = 10_000;
pub const BURST_REACTIONS: usize = 50_000;
pub const BURST_REACTORS: usize = 20_000;

fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn run_row(id: i64, accounts: usize) -> ScoreRun {
    ScoreRun {
        id: 0,
        created_at: id,
        model_version: "bench".into(),
        model_json: "{}".into(),
        window_from: None,
        window_to: None,
        last_event: None,
        platform: None,
        accounts: accounts as u64,
        interactions: 0,
        weights: [0.2; 5],
    }
}

/// Build the database, then time the evaluation; `setup` hears what is being built.
pub fn bench_watches(
    req: &WatchesBenchRequest,
    setup: &dyn Fn(&str),
) -> Result<WatchesBenchReport> {
    let started = Instant::now();
    let tmp = tempfile::tempdir_in(req.dir.clone().unwrap_or_else(std::env::temp_dir))?;
    let mut store = Store::open(&tmp.path().join("watches.db"))?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(req.seed);
    let scored = req.scored.unwrap_or(req.accounts);
    setup(&format!("storing two runs of {scored} accounts"));
    let first: Vec<ScoreRow> = (0..scored)
        .map(|i| ScoreRow {
            account: i as i64 + 1,
            overall: 1.0 + 99.0 * uniform(&mut rng),
            raw: [0.0; 5],
            pct: std::array::from_fn(|_| uniform(&mut rng)),
            askers: 0,
            askers_answered: 0,
            authenticity: Some(0.5 + 0.5 * uniform(&mut rng)),
            expected: None,
        })
        .collect();
    let second: Vec<ScoreRow> = first
        .iter()
        .map(|r| {
            let jump = rng.next_u64() % 100 == 0;
            let nudge = |x: f64, rng: &mut Xoshiro256PlusPlus, big: f64| {
                x + (uniform(rng) - 0.5) * if jump { big } else { big / 20.0 }
            };
            ScoreRow {
                overall: nudge(r.overall, &mut rng, 40.0).clamp(1.0, 100.0),
                pct: r.pct.map(|p| nudge(p, &mut rng, 0.8).clamp(0.0, 1.0)),
                authenticity: r
                    .authenticity
                    .map(|a| if jump { (a - 0.4).max(0.0) } else { a }),
                ..r.clone()
            }
        })
        .collect();
    store.save_score_run(&run_row(1, scored), &first)?;
    let run = store.save_score_run(&run_row(2, scored), &second)?;
    drop((first, second));
    setup(&format!("watching {} accounts", req.accounts));
    let rules = [
        Rule::ScoreChange { points: 10.0 },
        Rule::ComponentChange {
            component: "conversation".into(),
            points: 20.0,
        },
        Rule::AuthenticityDrop { drop: 0.3 },
    ];
    let watches: Vec<NewWatch> = (0..req.accounts)
        .map(|i| rules[i % rules.len()].stored(i as i64 + 1))
        .collect();
    store.add_watches(&watches, 0)?;
    store.checkpoint_if_wal_over(0)?;
    let setup_seconds = started.elapsed().as_secs_f64();
    let mut alerts = 0;
    let mut seconds = Vec::new();
    let mut reads = Vec::new();
    for _ in 0..req.runs.max(1) {
        store.delete_alerts_of_run(run)?;
        let t = Instant::now();
        let r = evaluate_run(&mut store, run, 0)?;
        seconds.push(t.elapsed().as_secs_f64());
        reads.push(r.read_seconds);
        alerts = r.alerts;
    }
    let median_seconds = median(seconds);
    let read_seconds = median(reads);
    let (burst_median_seconds, burst_alerts) = bench_bursts(&mut store, &mut rng, req.runs, setup)?;
    Ok(WatchesBenchReport {
        accounts: req.accounts,
        scored,
        watches: watches.len(),
        alerts,
        setup_seconds,
        median_seconds,
        read_seconds,
        watches_per_second: watches.len() as f64 / median_seconds.max(1e-9),
        burst_median_seconds,
        burst_alerts,
        seed: req.seed,
    })
}

/// Store an hour of reactions to accounts watched for doubtful bursts, then time the check an API
/// ingest of that hour runs. Reactors are new accounts or stored ones the runs judged, at random.
fn bench_bursts(
    store: &mut Store,
    rng: &mut Xoshiro256PlusPlus,
    runs: usize,
    setup: &dyn Fn(&str),
) -> Result<(f64, usize)> {
    use earshot_model::{AccountRef, Event, Interaction, InteractionKind};
    const HOUR: i64 = 1_700_002_800;
    setup(&format!(
        "storing {BURST_REACTIONS} reactions to {BURST_WATCHED} accounts within an hour"
    ));
    let events: Vec<Event> = (0..BURST_REACTIONS)
        .map(|i| {
            Event::Interaction(Interaction {
                platform: "bench".into(),
                key: format!("burst-{i}"),
                kind: InteractionKind::Like,
                actor: AccountRef::by_id(format!("r{}", rng.next_u64() % BURST_REACTORS as u64)),
                target: AccountRef::by_id(format!("t{}", rng.next_u64() % BURST_WATCHED as u64)),
                post: None,
                time: Some(HOUR + (rng.next_u64() % 3600) as i64),
                weight: 1.0,
            })
        })
        .collect();
    store.write(&events)?;
    let mut watches = Vec::with_capacity(BURST_WATCHED);
    for t in 0..BURST_WATCHED {
        if let Some(id) = store.account_id("bench", &format!("t{t}"))? {
            watches.push(Rule::DoubtfulBurst { reactors: 5 }.stored(id));
        }
    }
    store.add_watches(&watches, 0)?;
    let hours = std::collections::BTreeSet::from([HOUR]);
    let mut seconds = Vec::new();
    let mut alerts = 0;
    for _ in 0..runs.max(1) {
        store.delete_alerts_of_occasion(&format!("hour:{HOUR}"))?;
        let t = Instant::now();
        alerts = crate::doubtful_bursts::evaluate_hours(store, &hours, HOUR)?.alerts;
        seconds.push(t.elapsed().as_secs_f64());
    }
    Ok((median(seconds), alerts))
}
