//! `earshot advocates`: a brand's advocates and detractors from the stored posts that mention it, and
//! `earshot advocates eval-reasons`: how well a complaint-reason taxonomy agrees with labelled reasons.
//! The use cases are `earshot_app::advocates`; this file holds the arguments; the text is
//! `earshot_print::advocates`'s.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::{note_unless, print_report};
use crate::window::WindowArgs;
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::advocates::eval_reasons::{eval_reasons, EvalReasonsRequest};
use earshot_app::advocates::{find_advocates, AdvocatesRequest, BrandQuery};
use std::path::PathBuf;

/// A brand's advocates and detractors: who mentions it positively (or negatively), repeatedly, and
/// earns authentic reactions for it, each with evidence posts.
///
/// A post mentions the brand when it @-mentions one of its handles or contains one of its keywords
/// (posts by the brand's own accounts are left out). Each post's sentiment comes from the built-in
/// model (`earshot sentiment`). An account with more positive than negative mentions is an advocate,
/// one with more negative than positive a detractor, ranked by
///
///   score = Wilson lower bound of the share × ln(1 + mentions of that sign) × (1 + ln(1 + R))
///
/// where R is the reaction weight those posts earned: distinct accounts that reshared, quoted,
/// replied to or liked them, each counted once at its authenticity weight (as `earshot score` weighs
/// reactors; spam and copied replies earn nothing). So a consistent account beats a mixed one, a
/// repeat advocate beats a one-off, and bought reactions add nothing. With `--reasons`, each
/// detractor's negative posts are sorted into complaint reasons by a taxonomy file.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:
  earshot import --format csv --date-order dmy \\
      --map author=name,text=text,time=tweet_created,id=tweet_id airline_tweets.csv
  earshot advocates --brand United --handle united
  earshot advocates --brand United --handle united \\
      --reasons taxonomies/airline-complaints.toml --limit 5
  earshot advocates --brand \"Virgin America\" --handle virginamerica \\
      --keyword \"virgin america\" --json
  earshot advocates eval-reasons --airline airline_tweets.csv \\
      --reasons taxonomies/airline-complaints.toml

Keywords use the taxonomy syntax (crates/earshot-topics/src/taxonomy.rs): `word*` matches any
ending, several words are a phrase; `#tag` and `$TICKER` are matched as hashtags and cashtags.
Without --handle or --keyword, the brand name without spaces is used as its handle."
)]
pub struct AdvocatesArgs {
    #[command(subcommand)]
    pub command: Option<AdvocatesCommand>,
    /// The brand's name (a label for the output).
    #[arg(long, required = true)]
    pub brand: Option<String>,
    /// A handle of the brand (`@` optional); posts mentioning it count. Repeat for several.
    #[arg(long = "handle", value_name = "HANDLE")]
    pub handles: Vec<String>,
    /// A keyword, phrase, `#hashtag` or `$cashtag` naming the brand. Repeat for several.
    #[arg(long = "keyword", value_name = "KEYWORD")]
    pub keywords: Vec<String>,
    /// A complaint-reason taxonomy (TOML, e.g. taxonomies/airline-complaints.toml) for detractors.
    #[arg(long, value_name = "FILE")]
    pub reasons: Option<PathBuf>,
    /// Advocates and detractors to list.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Evidence posts shown per account.
    #[arg(long, default_value_t = 2)]
    pub evidence: usize,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Count every reactor at weight 1, ignoring authenticity.
    #[arg(long)]
    pub no_authenticity: bool,
}

#[derive(Subcommand, Debug)]
pub enum AdvocatesCommand {
    EvalReasons(EvalReasonsArgs),
}

/// Agreement of a complaint-reason taxonomy with labelled reasons (the airline tweets'
/// `negativereason`), per tweet and per detractor, beside chance and the majority class.
///
/// Reads the CSV directly (no database): columns `text`, `airline_sentiment` and `negativereason`;
/// `name` (the author) for the detractor level, `airline` for per-airline rows. Chance agreement is
/// Σ_k p_predicted(k) × p_label(k) from the two marginals; the majority rate is what always
/// answering the most common label would score.
#[derive(Args, Debug)]
#[command(after_help = "Example:
  earshot advocates eval-reasons --reasons taxonomies/airline-complaints.toml \\
      --airline airline_sentiment_tweets_15col_excel_mangled_ids.csv")]
pub struct EvalReasonsArgs {
    /// The labelled CSV (Twitter US Airline Sentiment layout).
    #[arg(long, value_name = "CSV")]
    pub airline: PathBuf,
    /// The complaint-reason taxonomy; topic labels must be the label column's values.
    #[arg(long, value_name = "FILE")]
    pub reasons: PathBuf,
}

impl AdvocatesArgs {
    /// The request these arguments make, with the window parsed.
    pub fn request(&self) -> Result<AdvocatesRequest> {
        Ok(AdvocatesRequest {
            brand: self.brand.clone().unwrap_or_default(),
            handles: self.handles.clone(),
            keywords: self.keywords.clone(),
            reasons: self.reasons.clone(),
            limit: self.limit,
            evidence: self.evidence,
            window: self.window.window()?,
            platform: self.window.platform.clone(),
            authenticity: !self.no_authenticity,
        })
    }
}

impl EvalReasonsArgs {
    pub fn request(&self) -> EvalReasonsRequest {
        EvalReasonsRequest {
            airline: self.airline.clone(),
            reasons: self.reasons.clone(),
        }
    }
}

pub fn run(cli: &Ctx, args: &AdvocatesArgs) -> Result<Exit> {
    match &args.command {
        Some(AdvocatesCommand::EvalReasons(a)) => {
            let report = eval_reasons(&a.request(), &note_unless(cli.quiet))?;
            print_report(cli.json, &report, earshot_print::advocates::eval_reasons)?;
        }
        None => {
            // The request is checked before the database is opened.
            let query = BrandQuery::new(args.request()?, &note_unless(cli.quiet))?;
            let report = find_advocates(&cli.open_store()?, &query)?;
            print_report(cli.json, &report, earshot_print::advocates::advocates)?;
        }
    }
    Ok(Exit::Ok)
}
