//! `earshot triage ingest`: the arguments to a request, the report as text (the use case is
//! `earshot_app::triage::ingest`).

use super::IngestArgs;
use crate::cmd_import::{map_pairs, Bar};
use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use earshot_app::triage::{policy, IngestReport, IngestRequest};
use earshot_ingest::Options;

pub fn run(cli: &Ctx, args: &IngestArgs) -> Result<Exit> {
    let policy = policy(("--floor", &args.floor), ("--min-window", &args.min_window))?;
    let options = Options {
        platform: args.platform.clone(),
        source: args.source.clone(),
        map: map_pairs(&args.map)?,
        encoding: args.encoding.into(),
        date_order: args.date_order.into(),
        ..Options::default()
    };
    let ingest = IngestRequest {
        file: args.file.clone(),
        options,
        channel: args.channel.clone(),
        policy,
        rejects: args.rejects.clone(),
        show_rejects: args.show_rejects,
    }
    .open()?;
    let mut store = cli.create_store()?;
    let silent = cli.quiet || cli.json;
    let report = ingest.run(&mut store, &Bar::new(silent, "messages"), &|n| {
        if !silent {
            eprintln!("{n}");
        }
    })?;
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print(&report, cli.quiet);
    }
    Ok(if report.rejected > 0 {
        Exit::Rejected
    } else {
        Exit::Ok
    })
}

fn print(r: &IngestReport, quiet: bool) {
    println!(
        "{}: {} messages triaged into channel {:?} ({} new, {} already stored) in {:.1} s",
        r.file, r.messages, r.channel, r.new, r.already_stored, r.seconds
    );
    println!(
        "  policy {}: every message due within {} of arrival; urgency and influence only bring it earlier",
        r.policy_version,
        earshot_triage::span(r.policy.floor_secs)
    );
    if r.new > 0 {
        println!(
            "  new by priority: 1: {}  2: {}  3: {}  4 (due at the floor): {}",
            r.by_priority[0], r.by_priority[1], r.by_priority[2], r.by_priority[3]
        );
        println!(
            "  new by author score (authors known to the store: {} of {}):",
            r.known_authors, r.new
        );
        for t in r.by_tier.iter().filter(|t| t.messages > 0) {
            println!(
                "    {:<9} {:>7} messages, due on average {:.1} h after arrival",
                t.tier,
                t.messages,
                t.mean_hours_to_due.unwrap_or(0.0)
            );
        }
    }
    if r.rejected > 0 {
        println!(
            "  rejected: {} records (all in {})",
            r.rejected,
            r.rejects_file.as_deref().unwrap_or("-")
        );
    }
    if !quiet {
        for w in &r.warnings {
            println!("  note: {w}");
        }
        println!("  next: earshot triage queue; earshot triage report");
    }
}
