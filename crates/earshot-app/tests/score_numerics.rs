//! No stored event can stop `score`: whatever the times (0..2^40 s) and weights (0..f64::MAX) of the
//! interactions in a database, scoring it stores a run whose every number is finite (issue 19,
//! finding 1: one weight of 1e50 or one event years after the rest made the run fail with NaN
//! authority). The store is written directly, past the importers' own checks, so that the property
//! covers databases whatever wrote them.

use earshot_app::score::{score_and_store, ScoreRequest};
use earshot_model::{AccountRef, Event, Interaction, InteractionKind};
use earshot_score::ScoreModel;
use earshot_store::{Store, TimeWindow};
use proptest::prelude::*;

/// Any finite weight ≥ 0, spread over every binary exponent (zero, subnormals and f64::MAX included).
fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(1.0),
        Just(0.0),
        Just(f64::MAX),
        any::<u64>().prop_map(|bits| {
            let w = f64::from_bits(bits >> 1); // sign bit cleared
            if w.is_finite() {
                w
            } else {
                f64::MAX
            }
        }),
    ]
}

fn kind() -> impl Strategy<Value = InteractionKind> {
    prop_oneof![
        Just(InteractionKind::Reply),
        Just(InteractionKind::Mention),
        Just(InteractionKind::Reshare),
        Just(InteractionKind::Quote),
        Just(InteractionKind::Like),
        Just(InteractionKind::Follow),
    ]
}

/// One interaction: actor, target (of a few accounts, so that pairs repeat), kind, time, weight.
type Row = (u8, u8, InteractionKind, i64, f64);

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec((0u8..8, 0u8..8, kind(), 0i64..(1 << 40), weight()), 1..40)
}

fn events(rows: &[Row]) -> Vec<Event> {
    rows.iter()
        .enumerate()
        .map(|(i, &(a, t, kind, time, weight))| {
            Event::Interaction(Interaction {
                platform: "p".into(),
                key: format!("k{i}"),
                kind,
                actor: AccountRef::by_id(a.to_string()),
                target: AccountRef::by_id(t.to_string()),
                post: None,
                time: Some(time),
                weight,
            })
        })
        .collect()
}

/// Every REAL the run stored, by column name.
fn stored_reals(store: &Store, run: i64) -> Vec<(String, Option<f64>)> {
    let conn = store.connection();
    let mut stmt = conn
        .prepare("SELECT * FROM scores WHERE run_id = ?1")
        .unwrap();
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    let mut rows = stmt.query([run]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        for (i, name) in names.iter().enumerate() {
            if let Ok(v) = r.get::<_, Option<f64>>(i) {
                out.push((name.clone(), v));
            }
        }
    }
    out
}

fn scores_and_stores_finite(rows: &[Row], authenticity: bool) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("n.db")).unwrap();
    store.write(&events(rows)).unwrap();
    let req = ScoreRequest {
        window: TimeWindow::all(),
        platform: None,
        model: ScoreModel::builtin(),
        authenticity,
        topics: None,
        top: 5,
    };
    let reacted = rows
        .iter()
        .any(|&(a, t, k, _, w)| a != t && k != InteractionKind::Follow && w > 0.0);
    match score_and_store(&mut store, &req, &|_| {}) {
        Ok(report) => {
            let reals = stored_reals(&store, report.run);
            prop_assert!(
                !reals.is_empty() || !reacted,
                "a run of reactions stored no scores"
            );
            for (column, v) in reals {
                if let Some(v) = v {
                    prop_assert!(v.is_finite(), "{column} = {v}");
                }
            }
            prop_assert!(report.weights.iter().all(|w| w.is_finite()));
        }
        Err(e) => prop_assert!(false, "score failed: {e:#}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_times_and_weights_store_a_finite_run(rows in rows(), authenticity in any::<bool>()) {
        scores_and_stores_finite(&rows, authenticity)?;
    }
}

/// The cases of the issue, pinned: one weight of 1e50 among ordinary ones, and one event years after
/// the rest.
#[test]
fn a_huge_weight_or_a_late_event_still_stores_a_finite_run() {
    let base: Vec<Row> = (0..30)
        .map(|i| {
            (
                (i % 5) as u8,
                ((i * 3 + 1) % 5) as u8,
                InteractionKind::Reshare,
                1_341_100_000 + i64::from(i) * 600,
                1.0,
            )
        })
        .collect();
    let mut huge = base.clone();
    huge.push((1, 2, InteractionKind::Reply, 1_341_100_300, 1e50));
    scores_and_stores_finite(&huge, false).unwrap();
    let mut late = base.clone();
    late.push((
        1,
        2,
        InteractionKind::Reply,
        1_341_100_000 + 6 * 365 * 86_400,
        1.0,
    ));
    scores_and_stores_finite(&late, false).unwrap();
}
