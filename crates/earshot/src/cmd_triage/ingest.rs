//! `earshot triage ingest`: the arguments to a request, the report as text (the use case is
//! `earshot_app::triage::ingest`).

use super::IngestArgs;
use crate::cmd_import::{map_pairs, Bar};
use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use earshot_app::triage::{policy, IngestRequest};
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
        earshot_print::triage::ingest(&mut std::io::stdout().lock(), &report, cli.quiet)?;
    }
    Ok(if report.rejected > 0 {
        Exit::Rejected
    } else {
        Exit::Ok
    })
}
