//! `earshot identity`: one person across networks (the use cases are `earshot_app::identity`);
//! arguments and text here.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::identity::suggest::Weights;
use earshot_app::identity::{self, LinkRequest, SuggestRequest, DEFAULT_MARGIN, DEFAULT_MIN_SCORE};
use std::path::PathBuf;

/// Link one person's accounts across platforms, with evidence, and see their combined score.
///
/// A person owns accounts on several platforms. Accounts are linked only by evidence: a mapping file
/// you supply, profiles that link each other (verified), or your own decision. `suggest` lists likely
/// links (the same handle, a similar name and bio, a one-way profile link) with their evidence for
/// you to check; it never links anything itself.
#[derive(Args, Debug)]
#[command(
    after_help = "Accounts are named as `platform:@handle`, `platform:ID` or, when only one
platform has it, `@handle` or `ID` (mastodon:ann@social.example, bluesky:did:plc:abc, twitter:@ann).

Examples:
  earshot identity suggest                         likely links with their evidence, best first
  earshot identity link --person ann mastodon:ann@social.example twitter:@ann_w
  earshot identity map people.csv                  a mapping file: person,platform,account
  earshot identity verify                          link every pair whose profiles link each other
  earshot identity show ann                        a person's accounts, evidence and combined score
  earshot identity unlink twitter:@ann_w
  earshot identity eval --truth truth.csv          suggestions against known truth (earshot gen --platforms)

A person's score adds up the authentic engagement each account is expected to receive next week (a
unit every platform shares) and puts the sum on the same 1-100 scale: linking never lowers it below
any of the accounts' scores, and the accounts keep their own scores."
)]
pub struct IdentityArgs {
    #[command(subcommand)]
    pub action: IdentityAction,
}

#[derive(Subcommand, Debug)]
pub enum IdentityAction {
    /// List likely links with their evidence (writes nothing).
    Suggest {
        /// Show suggestions scoring at least this (0-1). The default holds precision at 95% on
        /// generated data with known truth (BENCHMARKS.md, "Identity suggestions").
        #[arg(long, default_value_t = DEFAULT_MIN_SCORE)]
        min_score: f64,
        /// At most this many, best first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Also list pairs already linked to one person.
        #[arg(long)]
        include_linked: bool,
        /// List every candidate pair, not only each account's best match on each other platform.
        #[arg(long)]
        every_pair: bool,
        /// The model's intercept and coefficients (handle, handle_vs_name, name, bio, posts, claimed,
        /// missing, neighbours), comma-separated; default the fitted ones (scripts/fit_identity.py).
        #[arg(long, value_parser = parse_weights)]
        weights: Option<Weights>,
        /// Show a pair only when it scores at least this many times its best rival (the next best
        /// account of either side on the other's platform); 1 shows every best match.
        #[arg(long, default_value_t = DEFAULT_MARGIN)]
        margin: f64,
    },
    /// Link accounts to a person (made if new), by hand.
    Link {
        /// The person. Default: the person one of the accounts already belongs to, else a new one
        /// named after the first account's handle.
        #[arg(long)]
        person: Option<String>,
        /// Why you link them (stored with the link).
        #[arg(long)]
        evidence: Option<String>,
        /// The accounts.
        #[arg(required = true)]
        accounts: Vec<String>,
    },
    /// Take an account from its person.
    Unlink { account: String },
    /// Link the accounts of a CSV file `person,platform,account`, all or nothing.
    Map { file: PathBuf },
    /// Link every pair whose profiles link each other (verified); one-way links are only suggested.
    Verify,
    /// A person's accounts, the evidence for each, and their combined score in the latest run.
    Show { person: String },
    /// Every person and their number of accounts.
    List,
    /// Precision and recall of the suggestions against a truth file `person,platform,ext_id`.
    Eval {
        #[arg(long)]
        truth: PathBuf,
        /// Thresholds to report, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])]
        min_score: Vec<f64>,
        /// As for `suggest`.
        #[arg(long, value_parser = parse_weights)]
        weights: Option<Weights>,
        /// As for `suggest`.
        #[arg(long, default_value_t = DEFAULT_MARGIN)]
        margin: f64,
    },
}

pub fn run(cli: &Ctx, args: &IdentityArgs) -> Result<Exit> {
    let now = earshot_app::time::now();
    let out = &mut std::io::stdout().lock();
    match &args.action {
        IdentityAction::Suggest {
            min_score,
            limit,
            include_linked,
            every_pair,
            weights,
            margin,
        } => {
            let store = cli.open_store()?;
            let req = SuggestRequest {
                min_score: *min_score,
                limit: *limit,
                include_linked: *include_linked,
                every_pair: *every_pair,
                weights: weights.unwrap_or(Weights::DEFAULT),
                margin: *margin,
            };
            let report = identity::suggestions(&store, &req)?;
            emit(
                cli,
                &report,
                |o| earshot_print::identity::suggestions(o, &report),
                out,
            )?;
        }
        IdentityAction::Link {
            person,
            evidence,
            accounts,
        } => {
            let mut store = cli.open_store()?;
            let req = LinkRequest {
                person: person.clone(),
                accounts: accounts.clone(),
                evidence: evidence.clone(),
            };
            let report = identity::link(&mut store, &req, now)?;
            emit(
                cli,
                &report,
                |o| earshot_print::identity::linked(o, &report),
                out,
            )?;
        }
        IdentityAction::Unlink { account } => {
            let mut store = cli.open_store()?;
            let report = identity::unlink(&mut store, account)?;
            emit(
                cli,
                &report,
                |o| earshot_print::identity::unlinked(o, &report),
                out,
            )?;
        }
        IdentityAction::Map { file } => {
            let mut store = cli.open_store()?;
            let report = identity::link_mapping(&mut store, file, now)?;
            emit(
                cli,
                &report,
                |o| earshot_print::identity::mapped(o, &report),
                out,
            )?;
        }
        IdentityAction::Verify => {
            let mut store = cli.open_store()?;
            let report = identity::link_verified(&mut store, now)?;
            emit(
                cli,
                &report,
                |o| earshot_print::identity::verified(o, &report),
                out,
            )?;
        }
        IdentityAction::Show { person } => {
            let store = cli.open_store()?;
            let report = identity::person_report(&store, person)?;
            emit(
                cli,
                &report,
                |o| earshot_print::identity::person(o, &report),
                out,
            )?;
        }
        IdentityAction::List => {
            let store = cli.open_store()?;
            let persons = store.persons()?;
            emit(
                cli,
                &persons,
                |o| earshot_print::identity::list(o, &persons),
                out,
            )?;
        }
        IdentityAction::Eval {
            truth,
            min_score,
            weights,
            margin,
        } => {
            let store = cli.open_store()?;
            let weights = weights.unwrap_or(Weights::DEFAULT);
            let report = identity::evaluate(&store, truth, min_score, &weights, *margin)?;
            emit(
                cli,
                &report,
                |o| earshot_print::identity::eval(o, &report),
                out,
            )?;
        }
    }
    Ok(Exit::Ok)
}

/// `--json`: the report as JSON; else its text.
fn emit<T: serde::Serialize>(
    cli: &Ctx,
    report: &T,
    text: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    if cli.json {
        writeln!(out, "{}", serde_json::to_string(report)?)?;
        Ok(())
    } else {
        text(out)
    }
}

fn parse_weights(text: &str) -> Result<Weights, String> {
    Weights::parse(text)
}
