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
    after_help = "Examples:\n  earshot history @united\n  earshot history @united --topic late\n  earshot history @united --chart united.svg   the score and its components as a chart\n\nThe text ends with a one-line chart of the score, oldest run to newest."
)]
pub struct HistoryArgs {
    pub account: String,
    #[arg(long)]
    pub platform: Option<String>,
    /// The account's score within one topic (key or label, any case) in every run that has it.
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Also draw the history as an SVG line chart in FILE (the overall score and each component's
    /// percentile; with --topic, the topic score), for any browser or document.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<std::path::PathBuf>,
}

pub fn run(cli: &Ctx, args: &HistoryArgs) -> Result<Exit> {
    let store = cli.open_store()?;
    let account = resolve(&store, &args.account, args.platform.as_deref())?;
    let out = &mut std::io::stdout().lock();
    match &args.topic {
        None => {
            let h = score_history(&store, account, &args.account)?;
            if let Some(path) = &args.chart {
                chart(path, h.history.len(), || {
                    earshot_print::history::score_history_chart(path, &h)
                })?;
            }
            if cli.json {
                print_json(&h)?;
            } else {
                earshot_print::history::score_history(out, &h)?;
            }
        }
        Some(topic) => {
            let h = topic_history(&store, account, &args.account, topic, "--topic")?;
            if let Some(path) = &args.chart {
                chart(path, h.history.len(), || {
                    earshot_print::history::topic_history_chart(path, &h)
                })?;
            }
            if cli.json {
                print_json(&h)?;
            } else {
                earshot_print::history::topic_history(out, &h)?;
            }
        }
    }
    Ok(Exit::Ok)
}

/// Draw a chart of `runs` runs with `draw`, saying where it went (on stderr, so that `--json` stays
/// clean); a history with no run has nothing to draw and says so.
fn chart(
    path: &std::path::Path,
    runs: usize,
    draw: impl FnOnce() -> anyhow::Result<()>,
) -> Result<()> {
    if runs == 0 {
        anyhow::bail!(
            "no stored scores to chart in {}: run `earshot score`",
            path.display()
        );
    }
    draw()?;
    eprintln!("chart of {runs} runs written to {}", path.display());
    Ok(())
}
