//! `earshot history`: one account's score across runs, overall or within one topic, with week and
//! month changes (the use case is `earshot_app::history`, the text
//! `earshot_print::history`).

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::print_json;
use anyhow::Result;
use clap::Args;
use earshot_app::accounts::resolve;
use earshot_app::history::{score_history, topic_history};

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
    let out = &mut std::io::stdout().lock();
    match &args.topic {
        None => {
            let h = score_history(&store, account, &args.account)?;
            if cli.json {
                print_json(&h)?;
            } else {
                earshot_print::history::score_history(out, &h)?;
            }
        }
        Some(topic) => {
            let h = topic_history(&store, account, &args.account, topic, "--topic")?;
            if cli.json {
                print_json(&h)?;
            } else {
                earshot_print::history::topic_history(out, &h)?;
            }
        }
    }
    Ok(Exit::Ok)
}
