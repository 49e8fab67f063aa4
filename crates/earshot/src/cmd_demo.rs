//! `earshot demo`: the main job end to end on data it makes itself, so a fresh machine needs nothing else.

use crate::cmd_import::ImportArgs;
use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::{cmd_explain, cmd_gen, cmd_import, cmd_score, cmd_stats};
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

/// Generate a synthetic interaction stream, import it, score every account, and explain the top one.
///
/// Runs on any machine with nothing but earshot. The data is synthetic (platform `synthetic`) and
/// reproducible from the seed; importing it twice adds nothing.
#[derive(Args, Debug)]
#[command(after_help = "Example:\n  earshot --db demo.db demo --scale 14")]
pub struct DemoArgs {
    #[command(flatten)]
    pub synth: cmd_gen::SynthArgs,
    /// Where to write the generated stream.
    #[arg(long, default_value = "earshot-demo.jsonl.gz")]
    pub out: PathBuf,
}

pub fn run(cli: &Ctx, args: &DemoArgs) -> Result<Exit> {
    if !cli.quiet && !cli.json {
        println!(
            "== 1. generate a synthetic interaction stream ({})",
            args.out.display()
        );
    }
    let gen = cmd_gen::GenArgs {
        synth: args.synth.clone(),
        people: cmd_gen::PeopleArgs::default(),
        out: args.out.clone(),
    };
    cmd_gen::run(cli, &gen)?;
    if !cli.quiet && !cli.json {
        println!("\n== 2. import it into {}", cli.db.display());
    }
    let import = ImportArgs::for_file(args.out.clone());
    let code = cmd_import::run(cli, &import)?;
    if code != Exit::Ok {
        return Ok(code);
    }
    if !cli.quiet && !cli.json {
        println!("\n== 3. what the database holds");
    }
    cmd_stats::run(cli, &cmd_stats::StatsArgs { top: 5 })?;
    if !cli.quiet && !cli.json {
        println!("\n== 4. score every account");
    }
    let score = cmd_score::ScoreArgs {
        window: Default::default(),
        model: None,
        top: 10,
        no_authenticity: false,
        topics: None,
        with_offline: None,
    };
    cmd_score::run_score(cli, &score)?;
    // Explain the top account: why it scored what it did, and what would raise it.
    let store = cli.open_store()?;
    let Some(run) = store.score_run(None)? else {
        return Ok(Exit::Ok);
    };
    let best = store.top_scores(run.id, "overall", 1, None)?;
    drop(store);
    if let Some(top) = best.first() {
        if !cli.quiet && !cli.json {
            println!("\n== 5. why the top account scores what it does");
        }
        let ext_id = top.name.platform_id.clone();
        let explain = cmd_explain::ExplainArgs {
            account: ext_id,
            run: Some(run.id),
            platform: None,
            evidence: 5,
            topic: None,
        };
        cmd_explain::run_explain(cli, &explain)?;
    }
    Ok(Exit::Ok)
}
