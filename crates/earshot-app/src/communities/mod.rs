//! Communities of the interaction graph: who interacts with whom more than chance would give.

pub mod source;

use crate::error::UsageError;
use anyhow::Result;
use earshot_graph::{louvain, LouvainOptions};
use earshot_store::Store;

/// Community indices by decreasing size, then by smallest member: the order communities are numbered in
/// (1 for the largest).
pub fn by_size(members: &[Vec<u32>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| members[b].len().cmp(&members[a].len()).then(a.cmp(&b)));
    order
}

/// The stored accounts of community `rank` (1 for the largest) as `earshot communities` numbers them
/// with its defaults (built-in score model, resolution 1, seed 0) on the same window and platform.
pub fn stored_community(
    store: &Store,
    window: earshot_store::TimeWindow,
    platform: Option<&str>,
    rank: usize,
) -> Result<Vec<i64>> {
    let model = earshot_score::ScoreModel::builtin();
    let net = source::from_store(store, window, platform, &model)?;
    let partition = louvain(&net.graph, &LouvainOptions::default())?;
    let members = partition.members();
    let order = by_size(&members);
    let Some(&c) = rank.checked_sub(1).and_then(|r| order.get(r)) else {
        return Err(UsageError(format!(
            "there is no community {rank}: the interaction graph has {} (numbered from 1, largest first)",
            order.len()
        ))
        .into());
    };
    let source::Nodes::Stored(ids) = &net.nodes else {
        anyhow::bail!("a stored network has stored accounts");
    };
    Ok(members[c].iter().map(|&d| ids.external(d)).collect())
}
