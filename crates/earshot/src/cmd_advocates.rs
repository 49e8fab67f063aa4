//! `earshot advocates`: a brand's advocates and detractors from the stored posts that mention it, and
//! `earshot advocates eval-reasons`: how well a complaint-reason taxonomy agrees with labelled reasons.
//! The use cases are `earshot_app::advocates`; this file holds the arguments and the text output.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::{note_unless, one_line, print_report};
use crate::window::WindowArgs;
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::advocates::eval_reasons::{eval_reasons, EvalReasonsReport, EvalReasonsRequest};
use earshot_app::advocates::{
    find_advocates, AdvocatesReport, AdvocatesRequest, BrandQuery, ReasonPosts, Standing,
};
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
            print_report(cli.json, &report, print_eval)?;
        }
        None => {
            // The request is checked before the database is opened.
            let query = BrandQuery::new(args.request()?, &note_unless(cli.quiet))?;
            let report = find_advocates(&cli.open_store()?, &query)?;
            print_report(cli.json, &report, print_advocates)?;
        }
    }
    Ok(Exit::Ok)
}

fn print_advocates(report: &AdvocatesReport) {
    if let Some(note) = &report.note {
        println!("{note}");
        return;
    }
    let s = &report.by_sentiment;
    println!(
        "{}: {} by {} (positive {}, neutral {}, negative {}; sentiment model {})",
        report.brand,
        plural(report.mentions, "mention"),
        accounts(report.accounts),
        s.positive,
        s.neutral,
        s.negative,
        report.sentiment_model
    );
    println!(
        "{} to those mentions{}",
        plural(report.reactions_on_mentions, "reaction"),
        match &report.authenticity_model {
            Some(version) => format!(", each reactor weighted by authenticity ({version})"),
            None => ", every reactor weighing 1 (--no-authenticity)".into(),
        }
    );
    if report.repeats_dropped > 0 {
        println!(
            "{} dropped: texts their authors had already posted",
            plural(report.repeats_dropped, "repeated mention")
        );
    }
    println!("score = Wilson lower bound of the share × ln(1 + count) × (1 + ln(1 + reactions))\n");
    let advocates: Vec<Row<'_>> = report
        .advocates
        .iter()
        .map(|a| (a.positive, &a.standing, None))
        .collect();
    print_list(
        &format!(
            "Advocates ({} with more positive than negative mentions)",
            accounts(report.advocates_total)
        ),
        "positive",
        &advocates,
        false,
    );
    println!();
    let detractors: Vec<Row<'_>> = report
        .detractors
        .iter()
        .map(|d| (d.negative, &d.standing, Some(d.reasons.as_slice())))
        .collect();
    print_list(
        &format!(
            "Detractors ({} with more negative than positive mentions)",
            accounts(report.detractors_total)
        ),
        "negative",
        &detractors,
        report.reasons_file.is_some(),
    );
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn accounts(n: usize) -> String {
    plural(n, "account")
}

/// One account of a list: its count of the ranked sign, its standing, and its reasons if it has any.
type Row<'a> = (u32, &'a Standing, Option<&'a [ReasonPosts]>);

fn print_list(title: &str, count_name: &str, rows: &[Row<'_>], reasons: bool) {
    println!("{title}");
    if rows.is_empty() {
        println!("  (none)");
        return;
    }
    println!(
        "  {:>3}  {:<24} {:>8} {:>8} {:>6} {:>9} {:>6}{}",
        "#",
        "account",
        count_name,
        "mentions",
        "share",
        "reactions",
        "score",
        if reasons { "  top reasons" } else { "" }
    );
    for (i, (count, r, account_reasons)) in rows.iter().enumerate() {
        let reasons_text = if reasons {
            let list: Vec<String> = account_reasons
                .unwrap_or_default()
                .iter()
                .take(3)
                .map(|c| format!("{} {}", c.reason, c.posts))
                .collect();
            format!(
                "  {}",
                if list.is_empty() {
                    "(none found)".into()
                } else {
                    list.join(", ")
                }
            )
        } else {
            String::new()
        };
        println!(
            "  {:>3}  {:<24} {:>8} {:>8} {:>5.0}% {:>9.1} {:>6.2}{}",
            i + 1,
            r.account,
            count,
            r.mentions,
            r.share * 100.0,
            r.reactions,
            r.score,
            reasons_text
        );
        for e in &r.evidence {
            println!("         “{}”", one_line(&e.text, 140));
        }
    }
}

fn print_eval(report: &EvalReasonsReport) {
    println!(
        "Complaint reasons ({}) against the labels of {}",
        report.reasons_file.display(),
        report.file.display()
    );
    println!(
        "tweet: labelled-negative tweets with a reason hit; tweet_all: every labelled-negative tweet, no hit = Can't Tell;\n\
         detractor_labelled: (airline, author) pairs by their labelled-negative tweets; detractor_classified: detractors\n\
         as `earshot advocates` finds them (sentiment model {}). A detractor's label is its most common labelled reason.\n",
        report.sentiment_model
    );
    println!(
        "{:<16} {:<21} {:>6} {:>8} {:>9} {:>9} {:>7} {:>9} {:>6}",
        "scope",
        "level",
        "units",
        "compared",
        "coverage",
        "agreement",
        "chance",
        "majority",
        "kappa"
    );
    for r in &report.rows {
        let a = &r.agreement;
        println!(
            "{:<16} {:<21} {:>6} {:>8} {:>8.1}% {:>8.1}% {:>6.1}% {:>8.1}% {:>6.3}",
            r.scope,
            r.level,
            a.units,
            a.compared,
            a.coverage * 100.0,
            a.agreement * 100.0,
            a.chance * 100.0,
            a.majority * 100.0,
            a.kappa
        );
    }
    println!("\nPer reason (every labelled-negative tweet, all airlines):");
    println!(
        "  {:<28} {:>9} {:>8} {:>7} {:>10} {:>7}",
        "reason", "predicted", "labelled", "agree", "precision", "recall"
    );
    for r in &report.per_reason {
        println!(
            "  {:<28} {:>9} {:>8} {:>7} {:>9.1}% {:>6.1}%",
            r.reason,
            r.predicted,
            r.labelled,
            r.agree,
            r.precision * 100.0,
            r.recall * 100.0
        );
    }
    if !report.stance_checks.is_empty() {
        println!(
            "\nAdvocates and detractors as `earshot advocates` finds them, against the dataset's sentiment labels:\n\
             of the tweets counted for them (positive for advocates, negative for detractors), the share the\n\
             dataset labels the same way and the opposite way, beside that label's share of all the scope's tweets."
        );
        println!(
            "{:<16} {:<16} {:>8} {:>6} {:>9} {:>9} {:>9}",
            "scope", "group", "accounts", "posts", "same", "opposite", "base"
        );
        for c in &report.stance_checks {
            println!(
                "{:<16} {:<16} {:>8} {:>6} {:>8.1}% {:>8.1}% {:>8.1}%",
                c.scope,
                c.group,
                c.accounts,
                c.posts,
                c.same * 100.0,
                c.opposite * 100.0,
                c.base * 100.0
            );
        }
    }
}
