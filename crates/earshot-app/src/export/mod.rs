//! `earshot export`: a run's scores, the accounts and the interactions as files the analysts' tools
//! read (pandas, polars and DuckDB read CSV and Parquet; networkx and Gephi read GraphML), named by
//! platform id and handle rather than by earshot's internal ids.
//!
//! A file is written beside its destination and renamed into place once complete, so an export that
//! fails part way (a full disk, a killed process) leaves the earlier file, or none, never half of one.

mod graphml;
mod rows;
mod tables;

use crate::error::{Missing, UsageError};
use anyhow::{Context, Result};
use earshot_store::Store;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportTable {
    /// One score run: every scored account with its overall score, components, percentiles,
    /// authenticity and expected engagement, ranked.
    Scores,
    /// Every stored account with its profile.
    Accounts,
    /// Every stored interaction (actor, target, kind, time, weight); as a graph, one edge per ordered
    /// pair of accounts with its counts by kind.
    Interactions,
    /// The communities Louvain finds in the reaction graph (as `earshot communities` with its
    /// defaults): each account's community, numbered from 1 by decreasing size; as a graph, the
    /// interactions with each account's community on its node.
    Communities,
}

impl ExportTable {
    pub fn name(self) -> &'static str {
        match self {
            ExportTable::Scores => "scores",
            ExportTable::Accounts => "accounts",
            ExportTable::Interactions => "interactions",
            ExportTable::Communities => "communities",
        }
    }
}

/// The file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// RFC 4180 CSV with a header row, UTF-8; empty fields for unknown values.
    Csv,
    /// Apache Parquet, Snappy-compressed, one typed column per field (nulls for unknown values).
    Parquet,
    /// GraphML 1.0 (graphml.graphdrawing.org), a directed graph: accounts as nodes, interactions as
    /// edges.
    Graphml,
}

impl ExportFormat {
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Parquet => "parquet",
            ExportFormat::Graphml => "graphml",
        }
    }
}

/// One export.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub table: ExportTable,
    pub format: ExportFormat,
    /// The score run to export (`scores`); default the latest.
    pub run: Option<i64>,
    /// Only accounts (and interactions whose target is) of this platform.
    pub platform: Option<String>,
    /// The file to write.
    pub out: PathBuf,
    /// Replace `out` if it exists.
    pub force: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ExportReport {
    pub table: ExportTable,
    pub format: ExportFormat,
    #[schema(value_type = String)]
    pub file: PathBuf,
    /// The score run exported (`scores` only).
    pub run: Option<i64>,
    /// Rows written (CSV), or nodes (GraphML).
    pub rows: u64,
    /// Edges written (GraphML only).
    pub edges: Option<u64>,
    /// Interactions the edges stand for (GraphML of interactions).
    pub interactions: Option<u64>,
    pub bytes: u64,
}

/// Write `req.table` to `req.out` in `req.format`.
pub fn export(store: &Store, req: &ExportRequest) -> Result<ExportReport> {
    if req.out.exists() && !req.force {
        return Err(UsageError(format!(
            "{} exists; give --force to replace it",
            req.out.display()
        ))
        .into());
    }
    if let Some(p) = req.platform.as_deref() {
        let known = store.platforms()?;
        if !known.iter().any(|k| k == p) {
            return Err(UsageError(format!(
                "no platform {p:?} in {} (it has: {})",
                store.path().display(),
                if known.is_empty() {
                    "none yet".to_string()
                } else {
                    known.join(", ")
                }
            ))
            .into());
        }
    }
    if let Some(dir) = req.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(UsageError(format!(
                "cannot write {}: the folder {} does not exist",
                req.out.display(),
                dir.display()
            ))
            .into());
        }
    }
    let graph = matches!(
        req.table,
        ExportTable::Interactions | ExportTable::Communities
    );
    if req.format == ExportFormat::Graphml && !graph {
        return Err(UsageError(format!(
            "GraphML is a graph: export `interactions` or `communities` as GraphML (accounts become its \
             nodes), or `{}` as CSV or Parquet",
            req.table.name()
        ))
        .into());
    }
    // Louvain runs before the file is opened: it takes seconds on a large graph, and a failure then
    // leaves nothing to clean up.
    let communities = match req.table {
        ExportTable::Communities => Some(tables::find_communities(store, req.platform.as_deref())?),
        _ => None,
    };
    let platform = req.platform.as_deref();
    let mut report = ExportReport {
        table: req.table,
        format: req.format,
        file: req.out.clone(),
        run: None,
        rows: 0,
        edges: None,
        interactions: None,
        bytes: 0,
    };
    write_atomically(&req.out, |w| {
        if req.format == ExportFormat::Graphml {
            let community = communities.as_ref().map(|c| &c.by_account);
            let g = graphml::interactions(store, platform, community, w)?;
            report.rows = g.nodes;
            report.edges = Some(g.edges);
            report.interactions = Some(g.interactions);
            return Ok(());
        }
        let run = match req.table {
            ExportTable::Scores => {
                let Some(run) = store.score_run(req.run)? else {
                    return Err(Missing(format!(
                        "no score run{} in {}: run `earshot score` first",
                        req.run.map(|r| format!(" #{r}")).unwrap_or_default(),
                        store.path().display()
                    ))
                    .into());
                };
                report.run = Some(run.id);
                run.id
            }
            _ => 0,
        };
        let columns = match req.table {
            ExportTable::Scores => tables::score_columns(),
            ExportTable::Accounts => tables::ACCOUNT_COLUMNS.to_vec(),
            ExportTable::Interactions => tables::INTERACTION_COLUMNS.to_vec(),
            ExportTable::Communities => tables::COMMUNITY_COLUMNS.to_vec(),
        };
        let mut sink: Box<dyn rows::RowSink + '_> = match req.format {
            ExportFormat::Parquet => {
                Box::new(rows::ParquetSink::new(w, req.table.name(), &columns)?)
            }
            _ => Box::new(rows::CsvSink::new(w, &columns)?),
        };
        report.rows = match req.table {
            ExportTable::Scores => tables::scores(store, run, platform, sink.as_mut())?,
            ExportTable::Accounts => tables::accounts(store, platform, sink.as_mut())?,
            ExportTable::Interactions => tables::interactions(store, platform, sink.as_mut())?,
            ExportTable::Communities => match &communities {
                Some(c) => tables::communities(store, c, sink.as_mut())?,
                None => 0,
            },
        };
        sink.finish()
    })?;
    report.bytes = std::fs::metadata(&req.out)
        .with_context(|| format!("reading the size of {}", req.out.display()))?
        .len();
    Ok(report)
}

/// Write through `f` into a temporary file in `out`'s folder, flushed and synced, then rename it to
/// `out`. On any error the temporary file is removed and `out` is untouched.
fn write_atomically(
    out: &Path,
    f: impl FnOnce(&mut BufWriter<&std::fs::File>) -> Result<()>,
) -> Result<()> {
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".earshot-export-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        f(&mut w)?;
        w.flush()
            .with_context(|| format!("writing {}", out.display()))?;
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("writing {}", out.display()))?;
    tmp.persist(out)
        .with_context(|| format!("moving the export into place at {}", out.display()))?;
    Ok(())
}
