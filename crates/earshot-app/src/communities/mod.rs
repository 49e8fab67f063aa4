//! Communities of the interaction graph: who interacts with whom more than chance would give (Louvain
//! over the stored reactions weighted as the score weighs them, or over an edge-list file), their
//! leading accounts, and their agreement with known groups.

pub mod labels;
pub mod source;

use crate::error::UsageError;
use anyhow::Result;
use earshot_graph::{louvain, LouvainOptions, Partition};
use earshot_score::ScoreModel;
use earshot_store::{Store, TimeWindow};
use labels::LabelReport;
use rustc_hash::FxHashMap;
use source::{Network, NodeName};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Community indices by decreasing size, then by smallest member: the order communities are numbered in
/// (1 for the largest).
fn by_size(members: &[Vec<u32>]) -> Vec<usize> {
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

/// Where the graph comes from.
pub enum GraphSource<'a> {
    /// The stored reactions of a window (optionally of one platform), weighted by `model`.
    Stored {
        store: &'a Store,
        window: TimeWindow,
        platform: Option<&'a str>,
        model: &'a ScoreModel,
    },
    /// An edge-list file.
    EdgeList(&'a Path),
}

/// How to find and report communities.
pub struct CommunitiesRequest<'a> {
    pub source: GraphSource<'a>,
    /// Known groups to compare with: lines of `node label`.
    pub labels: Option<PathBuf>,
    /// Louvain resolution: above 1 gives more, smaller communities.
    pub resolution: f64,
    /// Visit nodes in an order shuffled by this seed (`None`: in order of first appearance).
    pub seed: Option<u64>,
    /// Communities to list, largest first (one-node communities are counted, not listed).
    pub top: usize,
    /// Leading accounts per listed community.
    pub accounts: usize,
    /// Every node's community too (for a full listing).
    pub all: bool,
}

/// A node's community, numbered from 1 by decreasing size.
#[derive(Debug, Clone)]
pub struct Membership {
    pub ext_id: String,
    pub handle: Option<String>,
    /// The store's account id (stored graphs only).
    pub account: Option<i64>,
    pub community: usize,
    pub size: usize,
}

/// `earshot --json communities`' output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CommunitiesReport {
    /// The database or the edge-list file.
    pub source: String,
    pub edges_file: bool,
    /// Interactions (stored) or edge lines (file) read.
    pub read: u64,
    pub nodes: usize,
    pub edges: usize,
    pub self_loops_dropped: usize,
    pub nodes_without_edges: usize,
    pub resolution: f64,
    pub seed: Option<u64>,
    pub levels: u32,
    pub communities: usize,
    pub singletons: usize,
    pub modularity: f64,
    pub build_seconds: f64,
    pub louvain_seconds: f64,
    /// How the leading accounts are ranked: a run's overall score, or weighted degree.
    pub ranking: String,
    pub top: Vec<Community>,
    pub labels: Option<LabelReport>,
    /// Every node's community, when asked for.
    #[serde(skip)]
    pub all: Vec<Membership>,
}

/// A leading account of a community.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Account {
    pub ext_id: String,
    pub handle: Option<String>,
    /// Overall score in the ranking run, if it scored the account.
    pub score: Option<f64>,
    /// Weighted degree: the interaction weight the account has in the graph.
    pub strength: f64,
}

/// A community, with its leading accounts.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Community {
    /// 1 for the largest.
    pub rank: usize,
    pub size: usize,
    /// Share of the members' interaction weight that stays inside the community.
    pub inside: f64,
    pub accounts: Vec<Account>,
}

/// Find the request's communities; `note` hears the edge-list reader's warnings.
pub fn find(req: &CommunitiesRequest<'_>, note: &dyn Fn(&str)) -> Result<CommunitiesReport> {
    if !(req.resolution.is_finite() && req.resolution > 0.0) {
        return Err(UsageError("--resolution must be a number above 0".into()).into());
    }
    let started = Instant::now();
    let (net, store, source_name, platforms) = match &req.source {
        GraphSource::EdgeList(path) => (
            source::from_edge_list(path, note)?,
            None,
            path.display().to_string(),
            Vec::new(),
        ),
        GraphSource::Stored {
            store,
            window,
            platform,
            model,
        } => (
            source::from_store(store, *window, *platform, model)?,
            Some(*store),
            store.path().display().to_string(),
            match platform {
                Some(p) => vec![p.to_string()],
                None => store.platforms()?,
            },
        ),
    };
    let build_seconds = started.elapsed().as_secs_f64();
    let t = Instant::now();
    let partition = louvain(
        &net.graph,
        &LouvainOptions {
            resolution: req.resolution,
            seed: req.seed,
            ..LouvainOptions::default()
        },
    )?;
    let louvain_seconds = t.elapsed().as_secs_f64();
    let label_report = match &req.labels {
        Some(path) => Some(labels::compare(path, &net, &partition, store, &platforms)?),
        None => None,
    };
    // Leading accounts: by the latest score run when there is one, else by weighted degree.
    let run = match store {
        Some(s) => s.score_run(None)?,
        None => None,
    };
    let scores: FxHashMap<i64, f64> = match (store, &run) {
        (Some(s), Some(r)) => s
            .top_scores(r.id, "overall", r.accounts as usize, None)?
            .into_iter()
            .map(|row| (row.score.account, row.score.overall))
            .collect(),
        _ => FxHashMap::default(),
    };
    let ranking = match &run {
        Some(r) => format!("overall score of run #{}", r.id),
        None => "weighted degree".to_string(),
    };
    let members = partition.members();
    let order = by_size(&members);
    let inside = inside_shares(&net, &partition);
    let name = |d: u32| -> Result<NodeName> { net.nodes.name(store, d) };
    let score_of = |n: &NodeName| n.account.and_then(|a| scores.get(&a).copied());
    let mut listed = Vec::new();
    for (rank, &c) in order
        .iter()
        .enumerate()
        .take_while(|&(_, &c)| members[c].len() > 1)
        .take(req.top)
    {
        let mut named: Vec<(u32, NodeName)> = members[c]
            .iter()
            .map(|&d| Ok((d, name(d)?)))
            .collect::<Result<_>>()?;
        named.sort_by(|(da, a), (db, b)| {
            let (sa, sb) = (score_of(a), score_of(b));
            sb.unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&sa.unwrap_or(f64::NEG_INFINITY))
                .then(net.graph.strength(*db).total_cmp(&net.graph.strength(*da)))
                .then(da.cmp(db))
        });
        let top = named
            .into_iter()
            .take(req.accounts)
            .map(|(d, n)| Account {
                score: score_of(&n),
                strength: net.graph.strength(d),
                ext_id: n.ext_id,
                handle: n.handle,
            })
            .collect();
        listed.push(Community {
            rank: rank + 1,
            size: members[c].len(),
            inside: inside[c],
            accounts: top,
        });
    }
    let mut all = Vec::new();
    if req.all {
        for (rank, &c) in order.iter().enumerate() {
            for &d in &members[c] {
                let n = name(d)?;
                all.push(Membership {
                    ext_id: n.ext_id,
                    handle: n.handle,
                    account: n.account,
                    community: rank + 1,
                    size: members[c].len(),
                });
            }
        }
    }
    let isolated = (0..net.graph.nodes() as u32)
        .filter(|&d| net.graph.strength(d) == 0.0)
        .count();
    Ok(CommunitiesReport {
        source: source_name,
        edges_file: matches!(req.source, GraphSource::EdgeList(_)),
        read: net.read,
        nodes: net.graph.nodes(),
        edges: net.graph.edges(),
        self_loops_dropped: net.graph.self_loops_dropped(),
        nodes_without_edges: isolated,
        resolution: req.resolution,
        seed: req.seed,
        levels: partition.levels,
        communities: partition.communities,
        singletons: members.iter().filter(|m| m.len() == 1).count(),
        modularity: partition.modularity,
        build_seconds,
        louvain_seconds,
        ranking,
        top: listed,
        labels: label_report,
        all,
    })
}

/// For each community, the share of its members' weighted degree on edges inside it (0 for a node
/// without edges).
fn inside_shares(net: &Network, p: &Partition) -> Vec<f64> {
    let mut inside = vec![0.0; p.communities];
    let mut total = vec![0.0; p.communities];
    for v in 0..net.graph.nodes() as u32 {
        let c = p.community[v as usize] as usize;
        total[c] += net.graph.strength(v);
        for (u, w) in net.graph.neighbours(v) {
            if p.community[u as usize] as usize == c {
                inside[c] += w;
            }
        }
    }
    inside
        .iter()
        .zip(&total)
        .map(|(&i, &t)| if t > 0.0 { i / t } else { 0.0 })
        .collect()
}
