//! Where `earshot plan` gets its influence graph and its lists of accounts: a named or given edge-list
//! file, or the stored interactions with probabilities learned from them; audiences from a file, a topic
//! of the latest score run or a community.

use crate::error::{FieldStyle, UsageError};
use crate::sources::edge_list::{load_edge_list, LoadedGraph};
use crate::sources::social::learn_em_from_rows;
use anyhow::{Context, Result};
use earshot_diffusion::em::EmConfig;
use earshot_diffusion::{
    derive_posts, learn_probabilities, learned_graph, DiffusionGraph, EdgeModel, LearnConfig,
    ReachConfig,
};
use earshot_graph::DenseIds;
use earshot_store::{Store, TimeWindow};
use std::path::{Path, PathBuf};

/// How a stored graph's edges get their probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probabilities {
    /// Learned from the data: [`Probabilities::Em`] where the store holds a follow graph and posts with
    /// reshares that name them, else [`Probabilities::Ties`].
    Learned,
    /// Learned by EM from the stored cascades on the follow graph (Saito et al. 2008; Beta(1, 19) prior):
    /// each edge's probability is how often the followed account's adoptions were passed on, crediting
    /// each adoption to the followed accounts that had adopted before it. Only follow edges carry
    /// influence.
    Em,
    /// Learned from ties: how often an account passed on the author's posts it saw (Beta(1, 19) prior;
    /// posts derived from bursts of reshares where none are stored); an edge wherever an account reacted
    /// to another.
    Ties,
    /// Weighted cascade: 1 / (the accounts that reacted to the target).
    WeightedCascade,
}

impl Probabilities {
    pub fn name(self) -> &'static str {
        match self {
            Probabilities::Learned => "learned",
            Probabilities::Em => "em",
            Probabilities::Ties => "ties",
            Probabilities::WeightedCascade => "weighted-cascade",
        }
    }
}

/// The graph a plan runs on, and what its dense ids stand for.
pub struct PlanGraph {
    pub graph: DiffusionGraph,
    pub nodes: PlanNodes,
    /// What the graph is, for the report.
    pub description: String,
}

pub enum PlanNodes {
    /// Ids of an edge-list file.
    File(Vec<u64>),
    /// Stored accounts.
    Stored(DenseIds),
}

impl PlanGraph {
    pub fn from_file(data: &Path, name: &str) -> Result<Self> {
        let (path, opts) = super::graphs::resolve(data, name);
        let LoadedGraph {
            graph, external, ..
        } = load_edge_list(&path, &opts).with_context(|| format!("loading {name}"))?;
        Ok(PlanGraph {
            graph,
            nodes: PlanNodes::File(external),
            description: path.display().to_string(),
        })
    }

    /// Every account with an interaction in `window`; an edge `u → v` wherever `v` follows `u` (EM's
    /// probabilities) or interacted with `u` (the others). The report calls the stored interactions
    /// `label` (default: the database's path), with where the probabilities came from.
    pub fn from_store(
        store: &Store,
        window: TimeWindow,
        platform: Option<&str>,
        probabilities: Probabilities,
        label: Option<&str>,
    ) -> Result<Self> {
        let mut ids = DenseIds::new();
        let crate::sources::diffusion::Rows {
            posts,
            interactions: rows,
            ..
        } = crate::sources::diffusion::read(store, window, platform, &mut ids, false)?;
        if rows.is_empty() {
            return Err(UsageError(format!(
                "{}: no interactions to plan on (import some, or pass --graph)",
                store.path().display()
            ))
            .into());
        }
        let n = ids.len() as u32;
        let em = match probabilities {
            Probabilities::Learned | Probabilities::Em => {
                learn_em_from_rows(n, &posts, &rows, &EmConfig::default())?
            }
            _ => None,
        };
        if probabilities == Probabilities::Em && em.is_none() {
            return Err(UsageError(format!(
                "{}: EM probabilities are learned from cascades on a follow graph, and the store \
                 has no follow edges or no reshares that name their post here (import cascades \
                 with their edges.txt, or let the probabilities be learned from ties)",
                store.path().display()
            ))
            .into());
        }
        let (graph, how) = match (probabilities, em) {
            (_, Some(em)) => (em.graph, em.summary.describe()),
            (Probabilities::Learned | Probabilities::Ties | Probabilities::Em, None) => {
                let (all, _) = derive_posts(n, &posts, &rows, &ReachConfig::default())?;
                let edges = learn_probabilities(n, &all, &rows, &LearnConfig::default())?;
                (
                    learned_graph(n, &edges)?,
                    format!("learned probabilities from {} posts", all.len()),
                )
            }
            (Probabilities::WeightedCascade, None) => {
                let mut pairs: Vec<(u32, u32)> = rows
                    .iter()
                    .filter(|r| r.actor != r.target)
                    .map(|r| (r.target, r.actor))
                    .collect();
                pairs.sort_unstable();
                pairs.dedup();
                (
                    DiffusionGraph::from_pairs(n, &pairs, EdgeModel::WeightedCascade)?,
                    "weighted cascade".to_string(),
                )
            }
        };
        Ok(PlanGraph {
            graph,
            nodes: PlanNodes::Stored(ids),
            description: match label {
                Some(l) => format!("{l} ({how})"),
                None => format!("{} ({how})", store.path().display()),
            },
        })
    }

    /// The dense id of a stored account, if it is a node.
    pub fn of_account(&self, account: i64) -> Option<u32> {
        match &self.nodes {
            PlanNodes::Stored(ids) => ids.get(account),
            PlanNodes::File(_) => None,
        }
    }

    /// How a node is shown: its file id, or the account's @handle or platform id.
    pub fn name(&self, store: Option<&Store>, d: u32) -> Result<String> {
        match (&self.nodes, store) {
            (PlanNodes::File(ext), _) => Ok(ext[d as usize].to_string()),
            (PlanNodes::Stored(ids), Some(s)) => crate::accounts::display_name(s, ids.external(d)),
            (PlanNodes::Stored(ids), None) => Ok(format!("#{}", ids.external(d))),
        }
    }

    /// Read a list of accounts, one per line (`#` comments allowed): file ids for a file graph;
    /// @handles, handles or platform ids for a stored one. Errors name the file and line; accounts that
    /// exist but have no interaction are skipped and counted (they can neither reach nor be reached).
    pub fn read_list(
        &self,
        store: Option<&Store>,
        platform: Option<&str>,
        path: &PathBuf,
    ) -> Result<(Vec<u32>, usize)> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let lines = text.lines().enumerate().filter_map(|(i, line)| {
            let t = line.trim();
            (!t.is_empty() && !t.starts_with('#'))
                .then(|| (format!("{}:{}", path.display(), i + 1), t))
        });
        self.resolve_all(store, platform, lines)
    }

    /// Accounts as a list names them, each with where it is named (`file:line`, `exclude[3]`) for
    /// errors: their nodes, sorted and without repeats, and how many exist but are not nodes.
    pub fn resolve_all<'t>(
        &self,
        store: Option<&Store>,
        platform: Option<&str>,
        names: impl Iterator<Item = (String, &'t str)>,
    ) -> Result<(Vec<u32>, usize)> {
        let mut out = Vec::new();
        let mut isolated = 0;
        for (at, t) in names {
            match self.resolve_one(store, platform, t, &at)? {
                Some(d) => out.push(d),
                None => isolated += 1,
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok((out, isolated))
    }

    /// One account as a list names it: a file id, or a stored @handle, handle or platform id. `None` for a
    /// stored account without interactions (not a node). Errors say `at` (file:line).
    fn resolve_one(
        &self,
        store: Option<&Store>,
        platform: Option<&str>,
        t: &str,
        at: &str,
    ) -> Result<Option<u32>> {
        match (&self.nodes, store) {
            (PlanNodes::File(ext), _) => {
                let raw: u64 = t
                    .parse()
                    .map_err(|_| UsageError(format!("{at}: {t:?} is not a node id")))?;
                let d = ext
                    .binary_search(&raw)
                    .map_err(|_| UsageError(format!("{at}: node {raw} is not in the graph")))?;
                Ok(Some(d as u32))
            }
            (PlanNodes::Stored(ids), Some(s)) => Ok(ids.get(stored_account(s, platform, t, at)?)),
            (PlanNodes::Stored(_), None) => {
                anyhow::bail!("{at}: stored accounts need the database")
            }
        }
    }

    /// Costs per node from lines of `account cost` (`#` comments allowed); accounts not listed cost
    /// `default`. Errors name the file, line and field.
    pub fn read_costs(
        &self,
        store: Option<&Store>,
        platform: Option<&str>,
        path: &PathBuf,
        default: f64,
    ) -> Result<Vec<f64>> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut costs = vec![default; self.graph.nodes()];
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let at = format!("{}:{}", path.display(), i + 1);
            let Some((who, cost)) = t.rsplit_once(char::is_whitespace) else {
                return Err(UsageError(format!("{at}: expected `account cost`, got {t:?}")).into());
            };
            let cost: f64 = cost
                .trim()
                .parse()
                .ok()
                .filter(|c: &f64| c.is_finite() && *c > 0.0)
                .ok_or_else(|| {
                    UsageError(format!("{at}: cost {cost:?} is not a number above 0"))
                })?;
            if let Some(d) = self.resolve_one(store, platform, who.trim(), &at)? {
                costs[d as usize] = cost;
            }
        }
        Ok(costs)
    }

    /// Dense ids of stored accounts (those that are nodes), and how many were not.
    pub fn of_accounts(&self, accounts: &[i64]) -> (Vec<u32>, usize) {
        let mut out: Vec<u32> = accounts
            .iter()
            .filter_map(|&a| self.of_account(a))
            .collect();
        out.sort_unstable();
        out.dedup();
        let missing = accounts.len() - out.len();
        (out, missing)
    }
}

/// The stored account a list names (an @handle, handle or platform id); errors say `at` (file:line).
pub fn stored_account(store: &Store, platform: Option<&str>, t: &str, at: &str) -> Result<i64> {
    crate::accounts::resolve(store, t, platform)
        .map_err(|e| UsageError(format!("{at}: {e}")).into())
}

/// The accounts with a row in topic `query` (key or label) of the latest score run; `fields` names the
/// audience_topic field in errors.
pub fn topic_accounts(
    store: &Store,
    query: &str,
    platform: Option<&str>,
    fields: FieldStyle,
) -> Result<Vec<i64>> {
    let field = fields.name("audience_topic");
    let run = store.score_run(None)?.ok_or_else(|| {
        UsageError(format!(
            "{field}: no score run yet (run `earshot score --topics FILE|auto`)"
        ))
    })?;
    let topic = crate::topics::resolve_topic(store, &run, &field, query)?;
    Ok(store
        .top_topic_scores(run.id, topic.topic, "overall", usize::MAX >> 1, platform)?
        .into_iter()
        .map(|r| r.account)
        .collect())
}
