//! `earshot history`: one account's score across runs, overall or within one topic, with week and
//! month changes (the use case is `earshot_app::history`).

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::{delta_cell, delta_notes};
use anyhow::Result;
use clap::Args;
use earshot_app::accounts::{display_name, resolve};
use earshot_app::history::{score_history, topic_history, HistoryItem, HistoryReport};
use earshot_model::format_utc;

/// One account's score across runs, with week and month changes.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  earshot history @united\n  earshot history @united --topic late"
)]
pub struct HistoryArgs {
    pub account: String,
    #[arg(long)]
    pub platform: Option<String>,
    /// The account's score within one topic (key or label, any case) in every run that has it.
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
}

pub fn run(cli: &Ctx, args: &HistoryArgs) -> Result<Exit> {
    let store = cli.open_store()?;
    let account = resolve(&store, &args.account, args.platform.as_deref())?;
    let Some(topic) = &args.topic else {
        let h = score_history(&store, account, &args.account)?;
        let table = Table {
            empty: format!(
                "{} has no stored scores yet: run `earshot score`",
                args.account
            ),
            title: format!(
                "{} across {} runs:",
                display_name(&store, account)?,
                h.history.len()
            ),
            header: format!(
                "  {:>5}  {:<20} {:<16} {:>6} {:>8} {:>8}",
                "run", "as of (UTC)", "model", "score", "Δ week", "Δ month"
            ),
        };
        return print(cli, &h, table, |item| {
            format!(
                "  {:>5}  {:<20} {:<16} {:>6.1} {:>8} {:>8}",
                item.run.id,
                format_utc(item.as_of),
                item.run.model_version,
                item.score.overall,
                delta_cell(item.week_delta),
                delta_cell(item.month_delta)
            )
        });
    };
    let h = topic_history(&store, account, &args.account, topic, "--topic")?;
    let table = Table {
        empty: format!(
            "{} has no score on topic {topic:?} in any run: it neither posted on it nor took part in a reaction through one of its posts",
            args.account
        ),
        title: format!(
            "{} on topic {topic:?} across {} runs:",
            display_name(&store, account)?,
            h.history.len()
        ),
        header: format!(
            "  {:>5}  {:<20} {:<22} {:>6} {:>6} {:>9} {:>8} {:>8}",
            "run", "as of (UTC)", "topic", "score", "posts", "listened", "Δ week", "Δ month"
        ),
    };
    print(cli, &h, table, |item| {
        format!(
            "  {:>5}  {:<20} {:<22} {:>6.1} {:>6} {:>9.2} {:>8} {:>8}",
            item.run.id,
            format_utc(item.as_of),
            item.topic.as_ref().map_or("", |t| t.key.as_str()),
            item.score.score,
            item.score.posts_about,
            item.score.listened,
            delta_cell(item.week_delta),
            delta_cell(item.month_delta)
        )
    })
}

/// The text around a history's rows: what to say when it is empty, its title and column header.
struct Table {
    empty: String,
    title: String,
    header: String,
}

/// A history as JSON, or as a table with one row per run and the notes on missing changes.
fn print<S: serde::Serialize>(
    cli: &Ctx,
    h: &HistoryReport<S>,
    table: Table,
    row: impl Fn(&HistoryItem<S>) -> String,
) -> Result<Exit> {
    if cli.json {
        crate::output::print_json(h)?;
        return Ok(Exit::Ok);
    }
    if h.history.is_empty() {
        println!("{}", table.empty);
        return Ok(Exit::Ok);
    }
    println!("{}\n{}", table.title, table.header);
    for item in &h.history {
        println!("{}", row(item));
    }
    if let Some(notes) = delta_notes(h) {
        println!("{notes}");
    }
    Ok(Exit::Ok)
}
