//! The stored interactions of a window as a reaction-graph snapshot: the input of authority
//! (PageRank) and of communities.
//!
//! A graph of up to [`ONE_READING_EDGES`] edges is built from one reading, its edges listed and then
//! placed by target (32 bytes an interaction at the peak; 12 when every interaction weighs exactly 1,
//! as plain reaction counts do in the default authority graph). Past that, the builder stops listing:
//! the edges are counted per target for the rest of that reading (`earshot-graph`'s
//! `SnapshotCounter`), then the interactions are read a second time and each placed straight where it
//! goes (`SnapshotPlacer`; 16 bytes an interaction, or 4 when every one weighs 1). Both readings are
//! one read transaction, and the graph is the same bit for bit either way; the second reading costs
//! time (a third more on 16.8M interactions), so only graphs too large for the first way take it.

use anyhow::{bail, Result};
use earshot_graph::{GraphError, Snapshot, SnapshotBuilder, SnapshotConfig, SnapshotCounter};
use earshot_store::{Store, TimeWindow};

/// Edges a graph is built from in one reading: 2^26, 2 GiB at the peak of building.
pub const ONE_READING_EDGES: usize = 1 << 26;

/// Every interaction of `window` (optionally of one platform) in a snapshot built with `cfg`.
/// Returns the snapshot and the number of interactions read. An interaction the builder refuses stops
/// the run, naming why.
pub fn read(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    cfg: SnapshotConfig,
) -> Result<(Snapshot, u64)> {
    read_within(store, window, platform, cfg, ONE_READING_EDGES).map(|(s, read, _)| (s, read))
}

/// The first reading: adding edges while there are at most `limit`, counting them after.
enum First {
    Adding(SnapshotBuilder),
    Counting(SnapshotCounter),
}

/// [`read`], reading twice once more than `limit` edges are met; also says how many readings it took.
pub fn read_within(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    cfg: SnapshotConfig,
    limit: usize,
) -> Result<(Snapshot, u64, u8)> {
    store.read_snapshot(|store| {
        let mut first = First::Adding(SnapshotBuilder::new(cfg));
        let mut bad: Option<GraphError> = None;
        let read = store.scan_interactions(window, platform, |r| {
            if bad.is_some() {
                return;
            }
            let (a, t, k, time, w) = (r.actor, r.target, r.kind, r.time, r.weight);
            let added = match &mut first {
                First::Adding(b) => b.add(a, t, k, time, w, 1.0).map(|()| b.edges() > limit),
                First::Counting(c) => c.count(a, t, k, time, w, 1.0).map(|()| false),
            };
            match added {
                Err(e) => bad = Some(e),
                Ok(true) => {
                    let First::Adding(b) = std::mem::replace(
                        &mut first,
                        First::Counting(SnapshotCounter::new(SnapshotConfig::default())),
                    ) else {
                        return;
                    };
                    first = First::Counting(SnapshotCounter::from_builder(b));
                }
                Ok(false) => {}
            }
        })?;
        if let Some(e) = bad {
            bail!("building the reaction graph: {e}");
        }
        let counter = match first {
            First::Adding(builder) => return Ok((builder.build()?, read, 1)),
            First::Counting(counter) => counter,
        };
        let mut placer = counter.placer();
        let again = store.scan_interactions(window, platform, |r| {
            if bad.is_none() {
                if let Err(e) = placer.place(r.actor, r.target, r.kind, r.time, r.weight, 1.0) {
                    bad = Some(e);
                }
            }
        })?;
        if let Some(e) = bad {
            bail!("building the reaction graph: {e}");
        }
        if again != read {
            bail!(
                "building the reaction graph: {read} interactions the first time and {again} the second: \
                 the database changed between the two readings; run again"
            );
        }
        Ok((placer.build()?, read, 2))
    })
}
