//! `earshot forget`: erase accounts, keep a tombstone, score again without them (the use case is
//! `earshot_app::forget`).

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::print_json;
use anyhow::{Context, Result};
use clap::Args;
use earshot_app::forget::{forget, lift, ForgetRequest};
use std::path::PathBuf;

/// Erase accounts: their profile, posts, interactions (made and received), scores, topic scores and
/// triage messages, and their handles from others' stored text; then score again without them.
///
/// A tombstone (a keyed hash, not the id) stays so that importing the same source again leaves the
/// accounts out; `--lift` removes it. Deleted content is overwritten and the file rebuilt, so no
/// stale copy of their bytes stays in it.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot forget @alice                       erase one account and rescore the latest run's window
  earshot forget --from erase.txt --no-rescore   one account per line; score later yourself
  earshot forget --lift 12345 --platform twitter let account 12345 be imported again")]
pub struct ForgetArgs {
    /// Accounts to forget: `@handle`, handle or platform id, as every command takes them.
    pub accounts: Vec<String>,
    /// Also every account named in this file, one per line (blank lines and `#` comments skipped).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// The platform of the accounts, when a name matches accounts on several (needed with --lift).
    #[arg(long)]
    pub platform: Option<String>,
    /// Do not score the latest run's window again afterwards.
    #[arg(long)]
    pub no_rescore: bool,
    /// Do not rebuild the file afterwards. Every table is clean either way, but free space in the file
    /// may keep stale bytes of theirs until `earshot vacuum` (the rebuild takes seconds per 100 MB and
    /// needs a moment when nobody else writes).
    #[arg(long)]
    pub no_vacuum: bool,
    /// Instead of forgetting: lift the tombstones of these platform ids (needs --platform), so the next
    /// import stores them again.
    #[arg(long)]
    pub lift: bool,
}

pub fn run(cli: &Ctx, args: &ForgetArgs) -> Result<Exit> {
    let mut accounts = args.accounts.clone();
    if let Some(path) = &args.from {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading accounts to forget from {}", path.display()))?;
        accounts.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from),
        );
    }
    let mut store = cli.open_store()?;
    let out = &mut std::io::stdout().lock();
    if args.lift {
        let Some(platform) = args.platform.as_deref() else {
            return Err(earshot_app::error::UsageError(
                "--lift needs --platform (a tombstone is found by platform and platform id)".into(),
            )
            .into());
        };
        let n = lift(&mut store, platform, &accounts)?;
        if cli.json {
            print_json(&serde_json::json!({ "lifted": n, "asked": accounts.len() }))?;
        } else {
            earshot_print::upkeep::lifted(out, n, accounts.len())?;
        }
        return Ok(Exit::Ok);
    }
    let req = ForgetRequest {
        accounts,
        platform: args.platform.clone(),
        rescore: !args.no_rescore,
        rebuild: !args.no_vacuum,
    };
    let progress = crate::progress::spinner(cli.quiet || cli.json);
    let r = forget(&mut store, &req, &|stage| {
        progress.set_message(stage.to_string())
    })?;
    progress.finish_and_clear();
    if cli.json {
        print_json(&r)?;
    } else {
        earshot_print::upkeep::forget(out, &r)?;
    }
    Ok(Exit::Ok)
}
