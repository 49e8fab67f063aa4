//! The stored interactions of a window as a reaction-graph snapshot (`earshot-graph`'s
//! `SnapshotBuilder`): the input of authority (PageRank) and of communities.

use anyhow::{bail, Result};
use earshot_graph::{Snapshot, SnapshotBuilder, SnapshotConfig};
use earshot_store::{Store, TimeWindow};

/// Every interaction of `window` (optionally of one platform) added to a snapshot built with `cfg`.
/// Returns the snapshot and the number of interactions read. An interaction the builder refuses stops
/// the run, naming why.
pub fn read(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    cfg: SnapshotConfig,
) -> Result<(Snapshot, u64)> {
    let mut builder = SnapshotBuilder::new(cfg);
    let mut bad = None;
    let read = store.scan_interactions(window, platform, |r| {
        if bad.is_none() {
            if let Err(e) = builder.add(r.actor, r.target, r.kind, r.time, r.weight, 1.0) {
                bad = Some(e);
            }
        }
    })?;
    if let Some(e) = bad {
        bail!("building the reaction graph: {e}");
    }
    Ok((builder.build()?, read))
}
