//! `earshot explain`: why an account scored what it did, overall or within one topic (the use cases are
//! `earshot_app::explain` and `earshot_app::topics::explain`; the text is `earshot_print::explain`).

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::Args;
use earshot_app::accounts::{display_name, resolve};
use earshot_app::explain::explain_account;
use earshot_app::topics::explain::{explain_topic, TopicQuery};
use earshot_app::topics::TopicProfile;

/// Explain one account's score: each component's value, percentile and points, the reactors that earned
/// them, and what would raise it. The score is recomputed from the stored events with the run's own
/// model and window, and checked against the stored number.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  earshot explain @united\n  earshot explain 88 --platform higgs --run 2\n  earshot explain @united --topic late\n  earshot explain person:ann          a person's combined score, account by account (earshot identity)"
)]
pub struct ExplainArgs {
    /// The account: @handle, handle or platform id; or `person:NAME` for a person (`earshot identity`):
    /// their score in the latest run, each account's part, and the offline sub-score beside it.
    pub account: String,
    /// Run id (default: the latest).
    #[arg(long)]
    pub run: Option<i64>,
    /// Platform, when the same name exists on several.
    #[arg(long)]
    pub platform: Option<String>,
    /// Reactors to list as evidence.
    #[arg(long, default_value_t = 10)]
    pub evidence: usize,
    /// Explain the account's score within one topic of the run (key or label, any case): its topic
    /// components, the posts on the topic that earned reactions and the terms that put them there.
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
}

pub fn run_explain(cli: &Ctx, args: &ExplainArgs) -> Result<Exit> {
    if let Some(topic) = &args.topic {
        return run_topic(cli, args, topic);
    }
    let store = cli.open_store()?;
    if let Some(name) = args.account.strip_prefix("person:") {
        let report = earshot_app::identity::person_report(&store, name)?;
        if cli.json {
            crate::output::print_json(&report)?;
        } else {
            earshot_print::identity::person(&mut std::io::stdout().lock(), &report)?;
        }
        return Ok(Exit::Ok);
    }
    let account = resolve(&store, &args.account, args.platform.as_deref())?;
    let x = explain_account(
        &store,
        account,
        &args.account,
        args.run,
        args.evidence,
        &crate::output::note_unless(cli.quiet),
    )?;
    if cli.json {
        crate::output::print_json(&x.report(&store)?)?;
        return Ok(Exit::Ok);
    }
    let profile = TopicProfile::load(&store, x.run.id, account)?;
    earshot_print::explain::explanation(
        &mut std::io::stdout().lock(),
        &x,
        profile.as_ref(),
        &|id| display_name(&store, id),
    )?;
    Ok(Exit::Ok)
}

/// `earshot explain ACCOUNT --topic T`: the topic score recomputed from the stored events with the run's
/// model and taxonomy, and checked against the stored number.
fn run_topic(cli: &Ctx, args: &ExplainArgs, topic: &str) -> Result<Exit> {
    let store = cli.open_store()?;
    let q = TopicQuery {
        account: &args.account,
        platform: args.platform.as_deref(),
        run: args.run,
        topic,
        topic_field: "--topic",
        evidence: args.evidence,
    };
    let x = explain_topic(&store, &q, &crate::output::note_unless(cli.quiet))?;
    if cli.json {
        crate::output::print_json(&x.report(&store)?)?;
        return Ok(Exit::Ok);
    }
    earshot_print::explain::topic_explanation(&mut std::io::stdout().lock(), &x, &|id| {
        display_name(&store, id)
    })?;
    Ok(Exit::Ok)
}
