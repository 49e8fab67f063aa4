//! `earshot export`: scores, accounts and interactions as CSV, Parquet or GraphML for pandas, polars,
//! DuckDB, networkx and Gephi (the use case is `earshot_app::export`).

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::print_json;
use anyhow::Result;
use clap::{Args, ValueEnum};
use earshot_app::export::{export, ExportFormat, ExportRequest, ExportTable};
use std::path::PathBuf;

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Table {
    /// One score run (default the latest): rank, platform id, handle, overall, each component and its
    /// percentile, authenticity, expected engagement.
    Scores,
    /// Every account with its profile (followers, bio, label, ...).
    Accounts,
    /// Every interaction (CSV: one row each; GraphML: one edge per ordered pair of accounts, with
    /// counts by kind, summed weight, first and last time).
    Interactions,
    /// Each account's community in the reaction graph (Louvain, as `earshot communities` with its
    /// defaults); GraphML: the interactions with a community on every node, for Gephi's colouring.
    Communities,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Format {
    /// CSV with a header row (pandas, polars, DuckDB, spreadsheets).
    Csv,
    /// Apache Parquet, typed columns, Snappy (pandas, polars, DuckDB, Spark).
    Parquet,
    /// GraphML, a directed graph (networkx, Gephi); interactions and communities only.
    Graphml,
}

/// Write scores, accounts or interactions to a file the analysts' tools read, with platform ids and
/// handles. The file appears whole or not at all: it is written beside FILE and renamed once complete.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot export scores --format csv --out scores.csv                 the latest run, best first
  earshot export scores --run 3 --platform higgs --out run3.csv
  earshot export accounts --out accounts.csv
  earshot export interactions --format parquet --out interactions.parquet
  earshot export interactions --format graphml --out graph.graphml   for networkx or Gephi
  earshot export communities --format graphml --out communities.graphml   coloured by community

Reading them:
  pandas:   pd.read_parquet(\"interactions.parquet\"), or pd.read_csv(\"scores.csv\", dtype={\"platform_id\": str})
  polars:   pl.read_parquet(\"interactions.parquet\")
  DuckDB:   SELECT * FROM 'interactions.parquet'
  networkx: nx.read_graphml(\"graph.graphml\")          (node ids are platform:platform_id)")]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    pub table: Table,
    /// The file format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// The file to write.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    /// The score run to export (scores only; default the latest).
    #[arg(long, value_name = "N")]
    pub run: Option<i64>,
    /// Only accounts of this platform (and interactions whose target is one).
    #[arg(long)]
    pub platform: Option<String>,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(cli: &Ctx, args: &ExportArgs) -> Result<Exit> {
    let store = cli.open_store()?;
    let r = export(
        &store,
        &ExportRequest {
            table: match args.table {
                Table::Scores => ExportTable::Scores,
                Table::Accounts => ExportTable::Accounts,
                Table::Interactions => ExportTable::Interactions,
                Table::Communities => ExportTable::Communities,
            },
            format: match args.format {
                Format::Csv => ExportFormat::Csv,
                Format::Parquet => ExportFormat::Parquet,
                Format::Graphml => ExportFormat::Graphml,
            },
            run: args.run,
            platform: args.platform.clone(),
            out: args.out.clone(),
            force: args.force,
        },
    )?;
    if cli.json {
        print_json(&r)?;
    } else {
        earshot_print::export::export(&mut std::io::stdout().lock(), &r)?;
    }
    Ok(Exit::Ok)
}
