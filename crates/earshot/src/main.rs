//! `earshot`: the command-line shell over the earshot library crates.
//!
//! This crate parses arguments, draws progress, formats output and maps outcomes to exit codes; the work
//! itself lives in `earshot-ingest`, `earshot-store` and `earshot-synth`.

mod cmd_advocates;
mod cmd_audit;
mod cmd_authority;
mod cmd_backtest;
mod cmd_bench;
mod cmd_communities;
mod cmd_demo;
mod cmd_doubling;
mod cmd_explain;
mod cmd_export;
mod cmd_forecast;
mod cmd_forget;
mod cmd_gen;
mod cmd_history;
mod cmd_identity;
mod cmd_import;
mod cmd_keys;
mod cmd_offline;
mod cmd_plan;
mod cmd_price;
mod cmd_redteam;
mod cmd_score;
mod cmd_sentiment;
mod cmd_serve;
mod cmd_stats;
mod cmd_topics;
mod cmd_triage;
mod cmd_trust;
mod cmd_upkeep;
mod cmd_watch;
mod ctx;
mod exit;
mod output;
mod progress;
mod window;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Measure whose voice actually carries on social networks.
///
/// earshot reads interactions (replies, mentions, reshares, quotes, likes, follows) into one SQLite file
/// and computes explainable influence measures from them.
#[derive(Parser, Debug)]
#[command(name = "earshot", version, propagate_version = true, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub ctx: ctx::Ctx,

    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  earshot demo                                   generate, import and summarise a synthetic dataset
  earshot gen --scale 14 --out synth.jsonl       write a synthetic interaction stream
  earshot import synth.jsonl                     load it into ./earshot.db
  earshot import --format higgs higgs-activity_time.txt.gz
  earshot import --format csv --map author=name,text=text,time=tweet_created tweets.csv
  earshot stats                                  what the database holds
  earshot triage ingest --map author=name,text=text,time=tweet_created messages.csv
                                                 a due-by for every customer message (triage queue)
  earshot forget @alice                          erase an account everywhere and score again without it
  earshot backup earshot-copy.db                 an online copy, safe while `earshot serve` runs

Exit codes: 0 success; 1 error, or an input that could not be read to its end (whole batches
written before it stay; see the message); 2 bad command line (nothing is written); 3 import
finished but some records were rejected (see the rejects file); 4 --strict import rolled back
because a record was bad.";

#[derive(Subcommand, Debug)]
pub enum Command {
    Demo(cmd_demo::DemoArgs),
    Import(cmd_import::ImportArgs),
    Stats(cmd_stats::StatsArgs),
    Score(cmd_score::ScoreArgs),
    Top(cmd_score::TopArgs),
    Explain(cmd_explain::ExplainArgs),
    History(cmd_history::HistoryArgs),
    Backtest(cmd_backtest::BacktestArgs),
    Authority(cmd_authority::AuthorityArgs),
    Audit(cmd_audit::AuditArgs),
    Communities(cmd_communities::CommunitiesArgs),
    Trust(cmd_trust::TrustArgs),
    Forecast(cmd_forecast::ForecastArgs),
    Plan(cmd_plan::PlanArgs),
    Price(cmd_price::PriceArgs),
    Redteam(cmd_redteam::RedteamArgs),
    Sentiment(cmd_sentiment::SentimentArgs),
    Topics(cmd_topics::TopicsArgs),
    Advocates(cmd_advocates::AdvocatesArgs),
    Triage(cmd_triage::TriageArgs),
    Gen(cmd_gen::GenArgs),
    Bench(cmd_bench::BenchArgs),
    Serve(cmd_serve::ServeArgs),
    Identity(cmd_identity::IdentityArgs),
    Keys(cmd_keys::KeysArgs),
    Offline(cmd_offline::OfflineArgs),
    Forget(cmd_forget::ForgetArgs),
    Retention(cmd_upkeep::RetentionArgs),
    Backup(cmd_upkeep::BackupArgs),
    Vacuum(cmd_upkeep::VacuumArgs),
    Compact(cmd_upkeep::CompactArgs),
    Export(cmd_export::ExportArgs),
    Watch(cmd_watch::WatchArgs),
}

fn main() -> ExitCode {
    // `earshot top | head` should stop quietly when `head` has read enough, as Unix tools do, rather
    // than panic on a broken pipe: restore the default SIGPIPE action that Rust's runtime ignores.
    #[cfg(unix)]
    // SAFETY: called first thing, before any thread exists; SIG_DFL is a valid action for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Demo(a) => cmd_demo::run(&cli.ctx, a),
        Command::Import(a) => cmd_import::run(&cli.ctx, a),
        Command::Stats(a) => cmd_stats::run(&cli.ctx, a),
        Command::Score(a) => cmd_score::run_score(&cli.ctx, a),
        Command::Top(a) => cmd_score::run_top(&cli.ctx, a),
        Command::Explain(a) => cmd_explain::run_explain(&cli.ctx, a),
        Command::History(a) => cmd_history::run(&cli.ctx, a),
        Command::Backtest(a) => cmd_backtest::run(&cli.ctx, a),
        Command::Authority(a) => cmd_authority::run(&cli.ctx, a),
        Command::Audit(a) => cmd_audit::run(&cli.ctx, a),
        Command::Communities(a) => cmd_communities::run(&cli.ctx, a),
        Command::Trust(a) => cmd_trust::run(&cli.ctx, a),
        Command::Forecast(a) => cmd_forecast::run(&cli.ctx, a),
        Command::Plan(a) => cmd_plan::run(&cli.ctx, a),
        Command::Price(a) => cmd_price::run(&cli.ctx, a),
        Command::Redteam(a) => cmd_redteam::run(&cli.ctx, a),
        Command::Sentiment(a) => cmd_sentiment::run(&cli.ctx, a),
        Command::Topics(a) => cmd_topics::run(&cli.ctx, a),
        Command::Advocates(a) => cmd_advocates::run(&cli.ctx, a),
        Command::Triage(a) => cmd_triage::run(&cli.ctx, a),
        Command::Gen(a) => cmd_gen::run(&cli.ctx, a),
        Command::Bench(a) => cmd_bench::run(&cli.ctx, a),
        Command::Serve(a) => cmd_serve::run_serve(&cli.ctx, a),
        Command::Identity(a) => cmd_identity::run(&cli.ctx, a),
        Command::Keys(a) => cmd_keys::run(&cli.ctx, a),
        Command::Offline(a) => cmd_offline::run(&cli.ctx, a),
        Command::Forget(a) => cmd_forget::run(&cli.ctx, a),
        Command::Retention(a) => cmd_upkeep::run_retention(&cli.ctx, a),
        Command::Backup(a) => cmd_upkeep::run_backup(&cli.ctx, a),
        Command::Vacuum(a) => cmd_upkeep::run_vacuum(&cli.ctx, a),
        Command::Compact(a) => cmd_upkeep::run_compact(&cli.ctx, a),
        Command::Export(a) => cmd_export::run(&cli.ctx, a),
        Command::Watch(a) => cmd_watch::run(&cli.ctx, a),
    };
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<earshot_app::error::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                exit::Exit::Error.into()
            }
        }
    }
}
