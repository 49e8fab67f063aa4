//! `earshot topics`: find topics in posts, and say which topics a post belongs to. Only the arguments:
//! the use cases are `earshot_app::topics`'s (`posts`, `discover`, `matching`), the text
//! `earshot_print::topics`'s.

use crate::ctx::{texts_or_stdin, Ctx};
use crate::exit::Exit;
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::error::FieldStyle;
use earshot_app::topics::discover::{discover_topics, DiscoverRequest};
use earshot_app::topics::matching::match_texts;
use earshot_app::topics::posts::{self, load_taxonomy, read_posts, Posts};
use std::io::Write;
use std::path::PathBuf;

/// Topics of posts: discover them from hashtag and keyword co-occurrence, or name them in a TOML
/// taxonomy, and see which topics a post belongs to and why.
///
/// A taxonomy names each topic by keywords (`delay*` matches any ending; several words make a phrase),
/// hashtags, cashtags and accounts (posts by or mentioning them). Language is detected per post: posts
/// in English (or too short to tell, in Latin script) are matched by keywords and tags; posts in other
/// languages by their tags only.
#[derive(Args, Debug)]
#[command(after_help = "Taxonomy file (TOML):
  [topics.late_flight]
  label = \"Late flight\"
  keywords = [\"delay*\", \"late\", \"on time\"]
  hashtags = [\"delayed\"]
  accounts = [\"united\"]

Examples:
  earshot topics discover                           topics of the posts in ./earshot.db
  earshot topics discover --tweeteval ../shared/data/tweet-text/tweeteval_datasets.tar.gz \\
      --task emoji --split train --out topics.toml
  earshot topics match --taxonomy topics.toml \"snow day with the kids #winter\"
  earshot topics match --taxonomy topics.toml --sentiment < posts.txt")]
pub struct TopicsArgs {
    #[command(subcommand)]
    pub command: TopicsCommand,
}

#[derive(Subcommand, Debug)]
pub enum TopicsCommand {
    Discover(DiscoverArgs),
    Match(MatchArgs),
}

/// Where posts come from: the database (default), a TweetEval archive, or text files.
#[derive(Args, Debug)]
pub struct PostSource {
    /// Read one post per line from this file (`.gz` is decompressed); repeatable.
    #[arg(long, value_name = "FILE")]
    pub lines: Vec<PathBuf>,
    /// Read a TweetEval task's texts from `tweeteval_datasets.tar.gz` or its extracted folder.
    #[arg(long, value_name = "PATH")]
    pub tweeteval: Option<PathBuf>,
    /// TweetEval task (emoji, emotion, hate, irony, offensive, sentiment, stance).
    #[arg(long, default_value = "emoji", requires = "tweeteval")]
    pub task: String,
    /// TweetEval splits (train, val, test; several separated by commas are read in that order).
    #[arg(
        long,
        default_value = "train",
        value_delimiter = ',',
        requires = "tweeteval"
    )]
    pub split: Vec<String>,
}

/// Find topics by clustering the hashtag and keyword co-occurrence graph; print each with its label,
/// terms and example posts, and optionally write them as an editable taxonomy.
#[derive(Args, Debug)]
pub struct DiscoverArgs {
    #[command(flatten)]
    pub source: PostSource,
    /// Write the topics as a TOML taxonomy (edit it, then use it with `topics match` or `score --topics`).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// At most this many topics (largest first).
    #[arg(long, default_value_t = 30)]
    pub max_topics: usize,
    /// A term must occur in this many posts.
    #[arg(long, default_value_t = 5)]
    pub min_posts: u32,
    /// Louvain resolution: higher gives more, smaller topics.
    #[arg(long, default_value_t = 1.5)]
    pub resolution: f64,
    /// Terms printed per topic.
    #[arg(long, default_value_t = 10)]
    pub terms: usize,
}

/// Assign texts (arguments, or one per line on standard input) to a taxonomy's topics, with the terms
/// that matched.
#[derive(Args, Debug)]
pub struct MatchArgs {
    /// The taxonomy (TOML).
    #[arg(long, value_name = "FILE")]
    pub taxonomy: PathBuf,
    pub texts: Vec<String>,
    /// Also classify each text's sentiment with the built-in model.
    #[arg(long)]
    pub sentiment: bool,
}

pub fn run(cli: &Ctx, args: &TopicsArgs) -> Result<Exit> {
    match &args.command {
        TopicsCommand::Discover(a) => run_discover(cli, a),
        TopicsCommand::Match(a) => run_match(cli, a),
    }
}

impl PostSource {
    /// The posts this source names; the database (`--db`) only when it names no file.
    pub fn read(&self, cli: &Ctx) -> Result<Posts> {
        let source = posts::PostSource {
            lines: self.lines.clone(),
            tweeteval: self.tweeteval.clone(),
            task: self.task.clone(),
            split: self.split.clone(),
        };
        read_posts(&source, || {
            Ok((cli.open_store()?, cli.db.display().to_string()))
        })
    }
}

impl DiscoverArgs {
    fn request(&self) -> DiscoverRequest {
        DiscoverRequest {
            max_topics: self.max_topics,
            min_posts: self.min_posts,
            resolution: self.resolution,
            terms: self.terms,
            out: self.out.clone(),
            fields: FieldStyle::Flags,
        }
    }
}

fn run_discover(cli: &Ctx, args: &DiscoverArgs) -> Result<Exit> {
    let req = args.request();
    req.check()?;
    let report = discover_topics(&req, args.source.read(cli)?)?;
    if cli.json {
        let value = serde_json::to_value(&report)?;
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(Exit::Ok);
    }
    earshot_print::topics::discovery(&mut std::io::stdout().lock(), &report)?;
    if let Some(out) = &args.out {
        eprintln!("wrote the taxonomy to {}", out.display());
    }
    Ok(Exit::Ok)
}

fn run_match(cli: &Ctx, args: &MatchArgs) -> Result<Exit> {
    let matcher = load_taxonomy(&args.taxonomy)?;
    let texts = texts_or_stdin(&args.texts, "reading stdin")?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for m in match_texts(&matcher, &texts, args.sentiment) {
        if cli.json {
            // In the report's field order, as `--json` always printed it (not sorted).
            writeln!(out, "{}", serde_json::to_string(&m)?)?;
            continue;
        }
        earshot_print::topics::matched(&mut out, &m)?;
    }
    Ok(Exit::Ok)
}
