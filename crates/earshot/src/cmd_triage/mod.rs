//! `earshot triage`: customer-service triage with a service floor: ingest messages, list what to answer
//! next, show a decision's reasons, mark messages answered, and report how each score tier is treated.

mod ingest;

use crate::cmd_import::{DateOrderArg, EncodingArg};
use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::triage::{fairness, mark_answered, message, queue, QueueRequest};
use earshot_print::triage as print;
use std::io::stdout;
use std::path::PathBuf;

/// Customer-service triage: what to answer first, with a service floor nobody falls below.
///
/// Every message gets a priority (1 most urgent .. 4) and a due-by time. Everyone is answered within the
/// floor (24 h by default) of writing, whoever they are: nothing is filtered out. Three things in the text
/// bring a message earlier, by the same amount for anyone: a negative tone (up to 8 h, from
/// earshot-sentiment), a named service failure such as a refund, a cancelled or delayed flight or a lost bag
/// (4 h), and a question or a request (2 h). An author whose influence score (the latest `earshot score`
/// run) is above 60 gets up to 4 h more, less if the account looks inauthentic; a score of 60 or below, or
/// no score, changes nothing. Nothing is due sooner than 1 h after it arrives.
///
/// Each decision is stored with its reasons and the exact policy in an audit log (`triage show`), and
/// `triage report` shows how long each score tier waits, so anyone can check that influence never cost
/// an ordinary customer their service.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot import --format csv --date-order dmy --map author=name,text=text,time=tweet_created,id=tweet_id tweets.csv
  earshot score                                   scores the authors (optional: unscored authors get the floor)
  earshot triage ingest --date-order dmy --map author=name,text=text,time=tweet_created,id=tweet_id tweets.csv
  earshot triage queue --limit 20                 what to answer next
  earshot triage show 42                          one message, its decision and every reason
  earshot triage answered 42
  earshot --json triage report                    due-by distribution per score tier")]
pub struct TriageArgs {
    #[command(subcommand)]
    pub command: TriageCommand,
}

#[derive(Subcommand, Debug)]
pub enum TriageCommand {
    Ingest(IngestArgs),
    Queue(QueueArgs),
    Show(ShowArgs),
    Answered(AnsweredArgs),
    Report(ReportArgs),
}

/// Read customer messages from a CSV, give each a priority and a due-by, and store both.
///
/// The CSV is read as `earshot import --format csv` reads it (same --map fields: author, text, time, id
/// …), and rejected lines are reported the same way (`file:line: field: reason`). Authors are looked up by
/// handle in the database, with their overall score from the latest `earshot score` run. Running the same
/// file again stores nothing twice: a message is known by its channel and id (for rows without a usable
/// id, by file name and line).
#[derive(Args, Debug)]
pub struct IngestArgs {
    /// The CSV file (plain or gzip).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Column mapping `field=column`, comma-separated or repeated, as for `import --format csv`.
    #[arg(long, value_delimiter = ',', value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,

    /// How to read an ambiguous date like 5/11/2016 (both parts ≤ 12).
    #[arg(long, value_enum, default_value = "mdy")]
    pub date_order: DateOrderArg,

    /// Text encoding of the file.
    #[arg(long, value_enum, default_value = "utf8")]
    pub encoding: EncodingArg,

    /// Where the messages arrived: a queue name kept with each message (`triage queue --channel`).
    /// Default: the platform.
    #[arg(long, value_name = "NAME")]
    pub channel: Option<String>,

    /// Platform of the authors, for looking up their scores (default `twitter`).
    #[arg(long)]
    pub platform: Option<String>,

    /// Name of the source in derived message ids (`source:line`); default the file name without `.gz`.
    /// Keep it the same when re-reading a renamed file.
    #[arg(long)]
    pub source: Option<String>,

    /// The service floor: every message is due at most this long after it arrives (e.g. 24h, 8h, 2d).
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    pub floor: String,

    /// Nothing is due sooner than this after it arrives, however urgent.
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub min_window: String,

    /// Where to write every rejected line. Default: `<file name>.rejects.txt` here, only if any.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// How many rejected lines to show on screen.
    #[arg(long, default_value_t = 10)]
    pub show_rejects: usize,
}

/// Unanswered messages, soonest due first: what to answer next.
#[derive(Args, Debug)]
pub struct QueueArgs {
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Skip this many first (for paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only this channel.
    #[arg(long)]
    pub channel: Option<String>,
}

/// One message with every decision made about it and each decision's reasons.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The message id (from `triage queue`).
    pub id: i64,
}

/// Mark a message answered: it leaves the queue. Marking it again keeps the first answer time.
#[derive(Args, Debug)]
pub struct AnsweredArgs {
    /// The message id (from `triage queue`).
    pub id: i64,
}

/// Fairness: how long after arrival each score tier's messages are due, and whether the floor held.
///
/// Per tier of the author's score (unscored, 1–20, … 81–100): messages, the smallest, median, 90th
/// percentile and largest hours from arrival to due-by, the share due within the floor (1.00 when the
/// floor held for everyone), the mean hours brought forward, and the count at each priority.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Only this channel.
    #[arg(long)]
    pub channel: Option<String>,
}

pub fn run(cli: &Ctx, args: &TriageArgs) -> Result<Exit> {
    match &args.command {
        TriageCommand::Ingest(a) => ingest::run(cli, a),
        TriageCommand::Queue(a) => show_queue(cli, a),
        TriageCommand::Show(a) => show(cli, a),
        TriageCommand::Answered(a) => answered(cli, a),
        TriageCommand::Report(a) => report(cli, a),
    }
}

fn show_queue(cli: &Ctx, args: &QueueArgs) -> Result<Exit> {
    let req = QueueRequest {
        channel: args.channel.clone(),
        limit: args.limit,
        offset: args.offset,
    };
    let q = queue(&cli.open_store()?, &req)?;
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&q)?);
        return Ok(Exit::Ok);
    }
    let now = earshot_app::time::now();
    print::queue(&mut stdout().lock(), &q, args.channel.as_deref(), now)?;
    Ok(Exit::Ok)
}

fn show(cli: &Ctx, args: &ShowArgs) -> Result<Exit> {
    let Some(rec) = message(&cli.open_store()?, args.id)? else {
        return Err(no_message(args.id));
    };
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&rec)?);
        return Ok(Exit::Ok);
    }
    print::record(&mut stdout().lock(), &rec)?;
    Ok(Exit::Ok)
}

fn no_message(id: i64) -> anyhow::Error {
    anyhow::anyhow!("no triage message {id} in the database (`earshot triage queue` lists the ids)")
}

fn answered(cli: &Ctx, args: &AnsweredArgs) -> Result<Exit> {
    let Some(r) = mark_answered(&mut cli.open_store()?, args.id)? else {
        return Err(no_message(args.id));
    };
    if cli.json {
        println!("{}", serde_json::to_value(&r)?);
    } else {
        print::answered(&mut stdout().lock(), &r)?;
    }
    Ok(Exit::Ok)
}

fn report(cli: &Ctx, args: &ReportArgs) -> Result<Exit> {
    let r = fairness(&cli.open_store()?, args.channel.as_deref())?;
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        print::fairness(&mut stdout().lock(), &r)?;
    }
    Ok(Exit::Ok)
}
