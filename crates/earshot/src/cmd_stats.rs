//! `earshot stats`: what the database holds.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::Args;
use earshot_model::format_utc;

/// Counts per platform and kind, the time span, the most-interacted accounts, the recent imports and
/// score runs (a killed one included).
#[derive(Args, Debug)]
pub struct StatsArgs {
    /// How many of the most-interacted accounts to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

#[derive(serde::Serialize)]
struct StatsJson {
    database: String,
    #[serde(flatten)]
    stats: earshot_store::Stats,
    first_time_utc: Option<String>,
    last_time_utc: Option<String>,
    imports: Vec<earshot_store::ImportRecord>,
    /// The latest score runs, newest first, with how each ended (`running` is also a killed run not
    /// yet settled by a later one).
    score_runs: Vec<earshot_store::ScoreLogRecord>,
}

pub fn run(cli: &Ctx, args: &StatsArgs) -> Result<Exit> {
    let store = cli.open_store()?;
    let stats = store.stats(args.top)?;
    let imports = store.imports(10)?;
    let score_runs = store.score_log(10)?;
    if cli.json {
        let out = StatsJson {
            database: cli.db.display().to_string(),
            first_time_utc: stats.first_time.map(format_utc),
            last_time_utc: stats.last_time.map(format_utc),
            stats,
            imports,
            score_runs,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(Exit::Ok);
    }
    println!("database {}", cli.db.display());
    println!(
        "  {} accounts, {} posts, {} interactions ({} undated)",
        stats.accounts, stats.posts, stats.interactions, stats.undated_interactions
    );
    if stats.implied_interactions > 0 || stats.references_waiting > 0 {
        println!(
            "  {} interactions implied by posts' reply_to, quote_of or reshare_of; {} references wait for \
             posts not imported",
            stats.implied_interactions, stats.references_waiting
        );
    }
    match (stats.first_time, stats.last_time) {
        (Some(a), Some(b)) => println!("  time span {} to {} UTC", format_utc(a), format_utc(b)),
        _ => println!("  time span: no dated events"),
    }
    println!("\nby platform:");
    println!(
        "  {:<28} {:>10} {:>9} {:>10} {:>12}",
        "platform", "accounts", "profiles", "posts", "interactions"
    );
    for p in &stats.by_platform {
        println!(
            "  {:<28} {:>10} {:>9} {:>10} {:>12}",
            p.platform, p.accounts, p.profiles, p.posts, p.interactions
        );
    }
    if !stats.by_kind.is_empty() {
        println!("\ninteractions by kind:");
        for k in &stats.by_kind {
            println!("  {:<28} {:<10} {:>12}", k.platform, k.kind, k.count);
        }
    }
    if !stats.most_interacted.is_empty() {
        println!("\nmost interacted-with accounts (interactions received, distinct actors):");
        for t in &stats.most_interacted {
            let name = match &t.handle {
                Some(h) => format!("@{h}"),
                None => t.ext_id.clone(),
            };
            println!(
                "  {:<28} {:<24} {:>10} {:>10}",
                t.platform, name, t.received, t.distinct_actors
            );
        }
    }
    if !imports.is_empty() {
        println!("\nrecent imports:");
        for i in &imports {
            println!(
                "  #{:<4} {:<15} {:<9} {:>9} records {:>7} rejected  {}",
                i.id,
                i.status.as_str(),
                i.format,
                i.records,
                i.rejected,
                i.path
            );
        }
    }
    if !score_runs.is_empty() {
        println!("\nrecent score runs:");
        for r in &score_runs {
            let outcome = match (r.status, r.run) {
                (earshot_store::ScoreStatus::Done, Some(run)) => format!("run #{run}"),
                (earshot_store::ScoreStatus::Running, _) => {
                    "running, or killed (a later score or import settles which)".into()
                }
                (earshot_store::ScoreStatus::Interrupted, _) => {
                    "killed before it finished: nothing stored".into()
                }
                _ => r.error.clone().unwrap_or_default(),
            };
            println!(
                "  #{:<4} {:<12} started {}  {}",
                r.id,
                serde_json::to_value(r.status)?.as_str().unwrap_or("?"),
                format_utc(r.started_at),
                outcome
            );
        }
    }
    Ok(Exit::Ok)
}
