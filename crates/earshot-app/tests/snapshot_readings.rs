//! A reaction graph read from the store is the same whether it is built from one reading or, past the
//! one-reading limit, from two (counted, then placed).

use earshot_app::sources::snapshot::read_within;
use earshot_graph::SnapshotConfig;
use earshot_model::{AccountRef, Event, Interaction, InteractionKind};
use earshot_store::{Store, TimeWindow};

#[test]
fn one_reading_and_two_readings_build_the_same_graph() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("g.db")).unwrap();
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let events: Vec<Event> = (0..5_000)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let kind = InteractionKind::ALL[(x % 7) as usize];
            Event::Interaction(Interaction {
                platform: "p".into(),
                key: format!("k{i}"),
                kind,
                actor: AccountRef::by_id(((x >> 8) % 400).to_string()),
                target: AccountRef::by_id(((x >> 24) % 150).to_string()),
                post: None,
                time: Some(1_700_000_000 + ((x >> 32) % 5_000_000) as i64),
                weight: [1.0, 2.5, 0.0][((x >> 40) % 3) as usize],
            })
        })
        .collect();
    store.write(&events).unwrap();
    let cfg = || SnapshotConfig {
        half_life: Some(7.0 * 86_400.0),
        reference_time: 1_705_000_000,
        ..SnapshotConfig::default()
    };
    let (one, read_one, readings) =
        read_within(&store, TimeWindow::all(), None, cfg(), usize::MAX).unwrap();
    assert_eq!(readings, 1);
    let (two, read_two, readings) =
        read_within(&store, TimeWindow::all(), None, cfg(), 100).unwrap();
    assert_eq!(readings, 2);
    assert_eq!(read_one, 5_000);
    assert_eq!(read_one, read_two);
    assert_eq!(one.ids.externals(), two.ids.externals());
    assert_eq!(one.graph, two.graph);
    assert!(one.graph.edges() > 500, "{} edges", one.graph.edges());
}
