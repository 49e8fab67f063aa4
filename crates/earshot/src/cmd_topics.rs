//! `earshot topics`: find topics in posts, and say which topics a post belongs to.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use earshot_app::error::UsageError;
use earshot_store::TimeWindow;
use earshot_topics::{discover, extract, DiscoverOptions, Matcher, PostTerms, Taxonomy};
use rayon::prelude::*;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

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

/// Reads a taxonomy file and compiles it; errors name the file.
pub fn load_taxonomy(path: &Path) -> Result<(Taxonomy, Matcher)> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading taxonomy {name}"))?;
    let taxonomy = Taxonomy::from_toml(&text, &name)?;
    let matcher = taxonomy.compile(&name)?;
    Ok((taxonomy, matcher))
}

/// Reads posts from the source: files, TweetEval, or (when neither is given) the database.
pub fn read_posts(cli: &Ctx, source: &PostSource) -> Result<(Vec<String>, String)> {
    let mut texts = Vec::new();
    let mut from = Vec::new();
    for path in &source.lines {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let mut reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        texts.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned),
        );
        from.push(path.display().to_string());
    }
    if let Some(path) = &source.tweeteval {
        let names: Vec<String> = source
            .split
            .iter()
            .map(|s| format!("{s}_text.txt"))
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        for text in earshot_ingest::tweeteval::read_members(path, &source.task, &refs)? {
            texts.extend(text.lines().map(str::to_owned));
        }
        from.push(format!("TweetEval {}/{}", source.task, names.join("+")));
    }
    if from.is_empty() {
        let store = cli.open_store()?;
        store.scan_posts(TimeWindow::all(), None, |p| {
            if let Some(t) = p.text.filter(|t| !t.trim().is_empty()) {
                texts.push(t);
            }
        })?;
        from.push(format!("posts in {}", cli.db.display()));
    }
    Ok((texts, from.join(", ")))
}

#[derive(serde::Serialize)]
struct TopicJson<'a> {
    key: &'a str,
    label: &'a str,
    posts: u32,
    terms: Vec<&'a str>,
    examples: Vec<&'a str>,
}

fn run_discover(cli: &Ctx, args: &DiscoverArgs) -> Result<Exit> {
    if args.max_topics == 0 {
        return Err(UsageError("--max-topics must be at least 1".into()).into());
    }
    if args.resolution.is_nan() || args.resolution <= 0.0 {
        return Err(UsageError("--resolution must be above 0".into()).into());
    }
    let (texts, from) = read_posts(cli, &args.source)?;
    if texts.is_empty() {
        bail!("no posts with text in {from}: nothing to discover topics from");
    }
    let terms: Vec<PostTerms> = texts.par_iter().map(|t| extract(t)).collect();
    let opts = DiscoverOptions {
        max_topics: args.max_topics,
        min_posts: args.min_posts,
        resolution: args.resolution,
        ..DiscoverOptions::default()
    };
    let found = discover(&terms, &opts);
    let assigned = found.assignment.iter().filter(|a| a.is_some()).count();
    if let Some(out) = &args.out {
        let toml = found
            .to_taxonomy(earshot_topics::TAXONOMY_TERMS_PER_TOPIC)
            .to_toml();
        let header = format!(
            "# Topics discovered by `earshot topics discover` from {from}.\n# Edit freely: see `earshot topics --help` for the format.\n\n"
        );
        std::fs::write(out, header + &toml)
            .with_context(|| format!("writing {}", out.display()))?;
    }
    if cli.json {
        let topics: Vec<TopicJson> = found
            .topics
            .iter()
            .map(|t| TopicJson {
                key: &t.key,
                label: &t.label,
                posts: t.posts,
                terms: t
                    .terms
                    .iter()
                    .take(args.terms)
                    .map(|(s, _)| s.as_str())
                    .collect(),
                examples: t.examples.iter().map(|&i| texts[i].as_str()).collect(),
            })
            .collect();
        let out = serde_json::json!({
            "source": from,
            "posts": texts.len(),
            "assigned": assigned,
            "vocabulary": found.vocabulary,
            "links": found.links,
            "topics": topics,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(Exit::Ok);
    }
    println!(
        "{} topics in {} posts from {from}; {} posts ({:.1}%) assigned; vocabulary {} terms, {} links",
        found.topics.len(),
        texts.len(),
        assigned,
        100.0 * assigned as f64 / texts.len() as f64,
        found.vocabulary,
        found.links
    );
    for t in &found.topics {
        println!("\n{}  \"{}\"  {} posts", t.key, t.label, t.posts);
        let terms: Vec<&str> = t
            .terms
            .iter()
            .take(args.terms)
            .map(|(s, _)| s.as_str())
            .collect();
        println!("  terms: {}", terms.join(", "));
        for &i in &t.examples {
            println!("  e.g. {}", crate::output::one_line(&texts[i], 140));
        }
    }
    if let Some(out) = &args.out {
        eprintln!("wrote the taxonomy to {}", out.display());
    }
    Ok(Exit::Ok)
}

#[derive(serde::Serialize)]
struct MatchJson<'a> {
    text: &'a str,
    language: &'static str,
    topics: Vec<MatchTopic<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentiment: Option<&'static str>,
}

#[derive(serde::Serialize)]
struct MatchTopic<'a> {
    key: &'a str,
    label: &'a str,
    terms: Vec<&'a str>,
}

fn run_match(cli: &Ctx, args: &MatchArgs) -> Result<Exit> {
    let (_, matcher) = load_taxonomy(&args.taxonomy)?;
    let texts: Vec<String> = if args.texts.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .collect::<std::io::Result<_>>()
            .context("reading stdin")?
    } else {
        args.texts.clone()
    };
    let model = args
        .sentiment
        .then(earshot_sentiment::SentimentModel::builtin);
    let results: Vec<(PostTerms, Vec<earshot_topics::Hit>, Option<&'static str>)> = texts
        .par_iter()
        .map(|t| {
            let terms = extract(t);
            let hits = matcher.hits(&terms, None);
            let s = model.as_ref().map(|m| m.classify(t).polarity.name());
            (terms, hits, s)
        })
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    use std::io::Write;
    for (text, (terms, hits, sentiment)) in texts.iter().zip(&results) {
        let mut topics: Vec<MatchTopic> = Vec::new();
        for h in hits {
            let key = matcher.keys()[h.topic as usize].as_str();
            match topics.iter_mut().find(|t| t.key == key) {
                Some(t) if !t.terms.contains(&h.term) => t.terms.push(h.term),
                Some(_) => {}
                None => topics.push(MatchTopic {
                    key,
                    label: matcher.labels()[h.topic as usize].as_str(),
                    terms: vec![h.term],
                }),
            }
        }
        let language = terms.language.map_or("und", |l| l.code());
        if cli.json {
            let j = MatchJson {
                text,
                language,
                topics,
                sentiment: *sentiment,
            };
            writeln!(out, "{}", serde_json::to_string(&j)?)?;
        } else {
            let t: Vec<String> = topics
                .iter()
                .map(|t| format!("{} ({})", t.key, t.terms.join(", ")))
                .collect();
            let topics = if t.is_empty() {
                "-".to_owned()
            } else {
                t.join("; ")
            };
            let s = sentiment.map(|s| format!("\t{s}")).unwrap_or_default();
            writeln!(
                out,
                "{language}\t{topics}{s}\t{}",
                crate::output::one_line(text, 100)
            )?;
        }
    }
    Ok(Exit::Ok)
}
