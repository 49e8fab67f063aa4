//! `earshot audit`: who a ranking leaves out, for a labelling of accounts into groups.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::window::WindowArgs;
use anyhow::{Context, Result};
use clap::Args;
use earshot_app::audit::{audit, AuditBy, AuditRequest, Labelling};
use earshot_app::error::{FieldStyle, UsageError};
use std::path::PathBuf;

/// Audit who a ranking leaves out: each group's share of the top K against its share of everyone
/// ranked, its values, the exposure it gets down the whole ranking, and which score component
/// carries its gap. It describes; it never changes a score.
///
/// The groups file is a CSV with a header naming an `account` column (a handle, `@handle`, or the
/// platform's own id for the account) and a `group` column; other columns are ignored. Any attribute
/// you hold works: region, language, department, declared gender. Accounts not in the file are
/// reported as "(unlabelled)", so every share column adds up to 100%.
///
/// Exposure follows Singh & Joachims (2018): the account at rank r is seen with weight 1/log2(1+r),
/// accounts with equal values sharing their positions' mean. A group's exposure share below its base
/// share means the ranking shows it less than its size; "exposure per merit" below 1 means less than
/// its values warrant.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot audit --groups regions.csv                      by the latest score run's overall score
  earshot audit --groups regions.csv --by conversation --top 50
  earshot audit --groups departments.csv --by authority   PageRank now (over follows on a follow-only graph)
  earshot --json audit --groups regions.csv --run 3

A groups file:

  account,group
  @alice,north
  bob,south
  1234567,north

--by: overall (the default when a score run exists), audience, amplification, conversation,
reach (a stored run's raw component values), or authority: PageRank computed now over the
window's reactions, as `earshot authority` ranks them, or over its follows when no reaction
counts (or with --include-follows). Without a score run, authority is the default.")]
pub struct AuditArgs {
    /// CSV of `account,group` rows (with that header).
    #[arg(long, value_name = "FILE")]
    pub groups: PathBuf,
    /// The top K that shares are counted in.
    #[arg(long, default_value_t = 100)]
    pub top: usize,
    /// What to rank by: overall, audience, amplification, conversation, reach, authority.
    #[arg(long, value_name = "WHAT")]
    pub by: Option<String>,
    /// The score run to rank (default: the latest).
    #[arg(long, value_name = "ID")]
    pub run: Option<i64>,
    /// --by authority: count follows as edges even where reactions exist.
    #[arg(long)]
    pub include_follows: bool,
    #[command(flatten)]
    pub window: WindowArgs,
}

pub fn run(cli: &Ctx, args: &AuditArgs) -> Result<Exit> {
    let by = match &args.by {
        None => None,
        Some(s) => Some(AuditBy::parse(s).ok_or_else(|| {
            UsageError(format!("--by {s:?}: expected one of {}", AuditBy::CHOICES))
        })?),
    };
    let csv = std::fs::read(&args.groups)
        .with_context(|| format!("reading --groups {}", args.groups.display()))?;
    let store = cli.open_store()?;
    let report = audit(
        &store,
        &AuditRequest {
            groups: Labelling {
                name: args.groups.display().to_string(),
                csv: &csv,
            },
            top: args.top,
            by,
            run: args.run,
            window: args.window.window()?,
            platform: args.window.platform.clone(),
            follows: args.include_follows,
            fields: FieldStyle::Flags,
        },
    )?;
    if cli.json {
        crate::output::print_json(&report)?;
        return Ok(Exit::Ok);
    }
    earshot_print::audit::audit(&mut std::io::stdout().lock(), &report)?;
    Ok(Exit::Ok)
}
