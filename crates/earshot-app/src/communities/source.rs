//! Where the graph comes from: the stored interactions of a window, or a plain edge-list file.

use crate::error::UsageError;
use anyhow::{Context, Result};
use earshot_graph::{DenseIds, SnapshotConfig, UndirectedGraph};
use earshot_ingest::{Format, Options};
use earshot_model::Event;
use earshot_score::ScoreModel;
use earshot_store::{Store, TimeWindow};
use rustc_hash::FxHashMap;
use std::path::Path;

/// An undirected graph and what its dense node ids stand for.
pub struct Network {
    pub graph: UndirectedGraph,
    pub nodes: Nodes,
    /// Interactions (store) or edge lines (file) read.
    pub read: u64,
}

/// The meaning of the graph's dense ids.
pub enum Nodes {
    /// Stored accounts (`DenseIds` maps to the store's account ids).
    Stored(DenseIds),
    /// The node ids of an edge-list file, in order of first appearance.
    Listed {
        names: Vec<String>,
        index: FxHashMap<String, u32>,
    },
}

/// Reactions in `window` as the score sees them: each interaction weighs its kind's weight in `model`,
/// decayed by the model's half-life back from the window's end (follows weigh 0, so they are left out),
/// directions then folded together (`UndirectedGraph::from_reactions`). Reactor authenticity and spam
/// flags are not applied.
pub fn from_store(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    model: &ScoreModel,
) -> Result<Network> {
    let cfg = SnapshotConfig {
        kind_weights: model.kind_weights_array(),
        half_life: (model.half_life_days > 0.0).then_some(model.half_life_days * 86_400.0),
        reference_time: store.window_end(window, platform)?,
    };
    let (snapshot, read) = crate::sources::snapshot::read(store, window, platform, cfg)?;
    Ok(Network {
        graph: UndirectedGraph::from_reactions(&snapshot.graph)?,
        nodes: Nodes::Stored(snapshot.ids),
        read,
    })
}

/// A SNAP-style edge list (`src dst [weight]`, `#` comments, gzip or plain; read by earshot-ingest's
/// `snap` reader): each line an edge of its weight (1 without a weight column), both directions of a pair
/// summed, self-loops dropped. A line the reader rejects stops the run, naming it. Warnings (such as a
/// header whose counts disagree with the data) go to `note`.
pub fn from_edge_list(path: &Path, note: &dyn Fn(&str)) -> Result<Network> {
    let (reader, progress) = earshot_ingest::open(path, Format::Snap, &Options::default())
        .map_err(|e| match e {
            earshot_ingest::OpenError::BadOption(msg) => anyhow::Error::from(UsageError(msg)),
            other => other.into(),
        })?;
    let mut names: Vec<String> = Vec::new();
    let mut index: FxHashMap<String, u32> = FxHashMap::default();
    let mut intern = |name: &str| -> Result<u32> {
        if let Some(&d) = index.get(name) {
            return Ok(d);
        }
        let d = u32::try_from(names.len())
            .ok()
            .filter(|&d| d < u32::MAX)
            .context("more than 2^32 - 1 distinct nodes in one graph")?;
        names.push(name.to_owned());
        index.insert(name.to_owned(), d);
        Ok(d)
    };
    let mut edges: Vec<(u32, u32, f64)> = Vec::new();
    let mut read = 0u64;
    for item in reader {
        let record = item.map_err(|rej| anyhow::anyhow!("{rej}"))?;
        for event in record.events {
            if let Event::Interaction(i) = event {
                let a = intern(&i.actor.ext_id)?;
                let b = intern(&i.target.ext_id)?;
                edges.push((a, b, i.weight));
                read += 1;
            }
        }
    }
    for w in progress.warnings() {
        note(&w.to_string());
    }
    let n = names.len() as u32;
    Ok(Network {
        graph: UndirectedGraph::from_edges(n, edges)
            .with_context(|| format!("building the graph of {}", path.display()))?,
        nodes: Nodes::Listed { names, index },
        read,
    })
}

/// How a node is shown: ext_id and handle.
pub struct NodeName {
    pub ext_id: String,
    pub handle: Option<String>,
    /// The store's account id (stored graphs only).
    pub account: Option<i64>,
}

impl Nodes {
    pub fn name(&self, store: Option<&Store>, d: u32) -> Result<NodeName> {
        Ok(match self {
            Nodes::Listed { names, .. } => NodeName {
                ext_id: names[d as usize].clone(),
                handle: None,
                account: None,
            },
            Nodes::Stored(ids) => {
                let id = ids.external(d);
                let (ext_id, handle) = match store {
                    Some(s) => s.account_names(id)?,
                    None => None,
                }
                .unwrap_or_else(|| (id.to_string(), None));
                NodeName {
                    ext_id,
                    handle,
                    account: Some(id),
                }
            }
        })
    }

    /// The dense id of a node named by its ext_id (an edge list's node id, or a stored account's ext_id
    /// on `platform`, or on the only platform that has it), `None` when it is not in the graph.
    pub fn find(
        &self,
        store: Option<&Store>,
        platforms: &[String],
        ext_id: &str,
    ) -> Result<Option<u32>, String> {
        match (self, store) {
            (Nodes::Listed { index, .. }, _) => Ok(index.get(ext_id).copied()),
            (Nodes::Stored(ids), Some(store)) => {
                let mut found = Vec::new();
                for p in platforms {
                    if let Some(id) = store.account_id(p, ext_id).map_err(|e| e.to_string())? {
                        found.push((p.as_str(), id));
                    }
                }
                match found.as_slice() {
                    [] => Ok(None),
                    [(_, id)] => Ok(ids.get(*id)),
                    many => {
                        let names: Vec<&str> = many.iter().map(|(p, _)| *p).collect();
                        Err(format!(
                            "ext_id {ext_id:?} is on {} platforms ({}): pass --platform",
                            names.len(),
                            names.join(", ")
                        ))
                    }
                }
            }
            (Nodes::Stored(_), None) => Ok(None),
        }
    }
}
