//! `earshot retention`, `backup` and `vacuum`: keeping the database bounded and safe (the use cases are
//! `earshot_app::upkeep`).

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::print_json;
use anyhow::Result;
use clap::Args;
use earshot_app::upkeep::{backup, compact, retention, vacuum, RetentionRequest};
use std::path::PathBuf;

/// Prune old score runs and old raw text. Each run of `earshot score` adds its scores (about 57 MB on
/// the Higgs data); nothing else removes them.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot retention --keep-runs 10                keep the latest 10 score runs
  earshot retention --text-days 90                clear post text older than 90 days
  earshot retention --text-days 30 --as-of 2012-07-07   count the days back from the data's end

The file keeps its size (SQLite reuses the pages); `earshot vacuum` gives them back to the disk.")]
pub struct RetentionArgs {
    /// Keep the latest N score runs, with their scores and topic scores; delete older ones.
    #[arg(long, value_name = "N")]
    pub keep_runs: Option<usize>,
    /// Clear the text of posts older than D days (and of triage messages answered and older).
    #[arg(long, value_name = "D")]
    pub text_days: Option<u32>,
    /// Keep the latest N rows of the import log (each `POST /v1/events` adds one); delete older ones.
    #[arg(long, value_name = "N")]
    pub keep_imports: Option<usize>,
    /// Count the days back from this instant (RFC 3339, date or unix seconds) instead of now.
    #[arg(long, value_name = "WHEN")]
    pub as_of: Option<String>,
}

pub fn run_retention(cli: &Ctx, args: &RetentionArgs) -> Result<Exit> {
    let now = earshot_app::time::parse_instant("--as-of", &args.as_of)?;
    let mut store = cli.open_store()?;
    let r = retention(
        &mut store,
        &RetentionRequest {
            keep_runs: args.keep_runs,
            text_days: args.text_days,
            keep_imports: args.keep_imports,
            now,
        },
    )?;
    if cli.json {
        print_json(&r)?;
    } else {
        earshot_print::upkeep::retention(&mut std::io::stdout().lock(), &r)?;
    }
    Ok(Exit::Ok)
}

/// Copy the database to FILE with SQLite's online backup: safe while `earshot serve` or an import is
/// writing (the copy is the database as of the moment it began), written to FILE.partial and renamed
/// once complete and integrity-checked.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot backup backups/earshot-2026-12-06.db
  earshot --db /srv/earshot.db backup /mnt/backup/earshot.db --force

Restore: stop the server and copy the backup over the database file (or point --db at it).")]
pub struct BackupArgs {
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run_backup(cli: &Ctx, args: &BackupArgs) -> Result<Exit> {
    let store = cli.open_store()?;
    let r = backup(&store, &args.file, args.force)?;
    if cli.json {
        print_json(&r)?;
    } else {
        earshot_print::upkeep::backup(&mut std::io::stdout().lock(), &r)?;
    }
    Ok(Exit::Ok)
}

/// Rebuild the database file without its free pages (after `forget` or `retention`). Needs a moment
/// when nobody else writes.
#[derive(Args, Debug)]
pub struct VacuumArgs {}

pub fn run_vacuum(cli: &Ctx, _args: &VacuumArgs) -> Result<Exit> {
    let mut store = cli.open_store()?;
    let r = vacuum(&mut store)?;
    if cli.json {
        print_json(&r)?;
    } else {
        earshot_print::upkeep::vacuum(&mut std::io::stdout().lock(), &r)?;
    }
    Ok(Exit::Ok)
}

/// Merge the event log's segments into one, each event once.
///
/// Each import appends segments of interactions beside the database (DATABASE.events/). Readers merge
/// them as they read, meeting an event stored by two files once, so compaction changes no result: it
/// makes reads faster (one file instead of many), removes the copies for good, and moves interactions
/// the database file holds (from `--event-log sqlite` imports or earlier versions) into the log. Needs
/// the database alone: stop `earshot serve` first.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  earshot compact\n  earshot --db big.db compact --json")]
pub struct CompactArgs {}

pub fn run_compact(cli: &Ctx, _args: &CompactArgs) -> Result<Exit> {
    let mut store = cli.open_store()?;
    let r = compact(&mut store)?;
    if cli.json {
        print_json(&r)?;
    } else {
        earshot_print::upkeep::compact(&mut std::io::stdout().lock(), &r)?;
    }
    Ok(Exit::Ok)
}
