//! `earshot sentiment`: classify text, print the model, fit it, and measure it against plain VADER.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use earshot_app::error::UsageError;
use earshot_sentiment::{extract, macro_f1, vader_baseline, Polarity, SentimentModel, FEATURES};
use rayon::prelude::*;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Sentiment of social text: negative, neutral or positive, as probabilities with the evidence.
///
/// The scorer reads VADER's lexicon and rules (emoticons, emoji, negation, intensifiers, capitals),
/// squeezes stretched words, splits hashtags, knows the words of customer-service complaints, and
/// weighs twelve named features with a small logistic regression fitted on TweetEval's sentiment
/// validation split (`models/sentiment-v1.json`).
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot sentiment classify \"@united flight delayed 3 hours, nobody at the desk\"
  earshot sentiment classify --explain < tweets.txt
  earshot sentiment eval --data ../shared/data/tweet-text
  earshot sentiment train --tweeteval ../shared/data/tweet-text/tweeteval_datasets.tar.gz \\
      --out my-sentiment.json --model-version my-sentiment-1")]
pub struct SentimentArgs {
    #[command(subcommand)]
    pub command: SentimentCommand,
}

#[derive(Subcommand, Debug)]
pub enum SentimentCommand {
    Classify(ClassifyArgs),
    Show(ModelArg),
    Train(TrainArgs),
    Eval(EvalArgs),
}

#[derive(Args, Debug)]
pub struct ModelArg {
    /// A model file from `earshot sentiment train` (default: the built-in model).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

/// Classify texts given as arguments, or one per line on standard input.
#[derive(Args, Debug)]
pub struct ClassifyArgs {
    pub texts: Vec<String>,
    /// Show each feature's value and its push towards each class.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub model: ModelArg,
}

/// Fit the classifier on TweetEval's sentiment validation split (the test split is kept for `eval`).
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// TweetEval: the `tweeteval_datasets.tar.gz` archive or a folder holding `sentiment/`.
    #[arg(long, value_name = "PATH")]
    pub tweeteval: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[arg(long, default_value = "earshot-sentiment-custom")]
    pub model_version: String,
    /// L2 penalty on the weights.
    #[arg(long, default_value_t = 0.01)]
    pub l2: f64,
}

/// Macro-F1 of earshot's classifier and of plain VADER (±0.05), side by side, on TweetEval's
/// sentiment test split and the airline tweets.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The `tweet-text` folder (tweeteval_datasets.tar.gz and airline_sentiment_tweets_6col.csv).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub model: ModelArg,
}

pub fn run(cli: &Ctx, args: &SentimentArgs) -> Result<Exit> {
    match &args.command {
        SentimentCommand::Classify(a) => classify(cli, a),
        SentimentCommand::Show(a) => show(cli, a),
        SentimentCommand::Train(a) => train(cli, a),
        SentimentCommand::Eval(a) => eval(cli, a),
    }
}

fn load_model(arg: &ModelArg) -> Result<SentimentModel> {
    match &arg.model {
        None => Ok(SentimentModel::builtin()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading sentiment model {}", p.display()))?;
            SentimentModel::from_json(&text)
                .with_context(|| format!("loading sentiment model {}", p.display()))
        }
    }
}

fn classify(cli: &Ctx, args: &ClassifyArgs) -> Result<Exit> {
    let model = load_model(&args.model)?;
    let texts: Vec<String> = if args.texts.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .collect::<std::io::Result<_>>()
            .context("reading texts from standard input")?
    } else {
        args.texts.clone()
    };
    for text in &texts {
        let s = model.classify(text);
        if cli.json {
            let mut v = serde_json::json!({"text": text, "polarity": s.polarity, "score": s.score,
                "probabilities": {"negative": s.probabilities[0], "neutral": s.probabilities[1], "positive": s.probabilities[2]}});
            if args.explain {
                v["features"] = model
                    .contributions(text)
                    .iter()
                    .map(|(n, x, c)| serde_json::json!({"feature": n, "value": x, "log_odds": c}))
                    .collect();
            }
            println!("{v}");
            continue;
        }
        println!(
            "{:<8} neg {:.2} neu {:.2} pos {:.2}  {}",
            s.polarity.name(),
            s.probabilities[0],
            s.probabilities[1],
            s.probabilities[2],
            text
        );
        if args.explain {
            println!(
                "    {:<16} {:>8}  {:>8} {:>8} {:>8}",
                "feature", "value", "→neg", "→neu", "→pos"
            );
            for (n, x, c) in model.contributions(text) {
                println!(
                    "    {n:<16} {x:>8.3}  {:>+8.3} {:>+8.3} {:>+8.3}",
                    c[0], c[1], c[2]
                );
            }
        }
    }
    Ok(Exit::Ok)
}

fn show(cli: &Ctx, args: &ModelArg) -> Result<Exit> {
    let model = load_model(args)?;
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&model)?);
        return Ok(Exit::Ok);
    }
    println!(
        "sentiment model {} (trained on {}; L2 {}): log-odds per standard deviation of each feature",
        model.version, model.trained_on, model.l2
    );
    println!(
        "  {:<16} {:>8} {:>8} {:>8}  meaning",
        "feature", "neg", "neu", "pos"
    );
    for (j, (name, meaning)) in FEATURES.iter().enumerate() {
        let w = |c: usize| model.weights[c][j];
        println!(
            "  {name:<16} {:>+8.3} {:>+8.3} {:>+8.3}  {meaning}",
            w(0),
            w(1),
            w(2)
        );
    }
    let b = |c: usize| model.weights[c][FEATURES.len()];
    println!(
        "  {:<16} {:>+8.3} {:>+8.3} {:>+8.3}",
        "(bias)",
        b(0),
        b(1),
        b(2)
    );
    Ok(Exit::Ok)
}

/// Labelled texts read from one file.
struct Labelled {
    texts: Vec<String>,
    labels: Vec<Polarity>,
}

/// TweetEval's sentiment `split` (`val` or `test`), from the archive or an extracted folder. Labels
/// are 0 negative, 1 neutral, 2 positive (its `mapping.txt`).
fn read_tweeteval(path: &Path, split: &str) -> Result<Labelled> {
    let (text_name, label_name) = (format!("{split}_text.txt"), format!("{split}_labels.txt"));
    let [text, labels]: [String; 2] =
        earshot_ingest::tweeteval::read_members(path, "sentiment", &[&text_name, &label_name])?
            .try_into()
            .map_err(|_| anyhow::anyhow!("{}: TweetEval read failed", path.display()))?;
    let texts: Vec<String> = text.lines().map(str::to_string).collect();
    let mut out = Vec::new();
    for (i, l) in labels.lines().enumerate() {
        out.push(match l.trim() {
            "0" => Polarity::Negative,
            "1" => Polarity::Neutral,
            "2" => Polarity::Positive,
            other => bail!(
                "{}: sentiment/{label_name} line {}: label {other:?} is not 0, 1 or 2",
                path.display(),
                i + 1
            ),
        });
    }
    if out.len() != texts.len() {
        bail!(
            "{}: sentiment/{text_name} has {} lines but {label_name} has {}",
            path.display(),
            texts.len(),
            out.len()
        );
    }
    Ok(Labelled { texts, labels: out })
}

/// The airline tweets: `airline_sentiment` and `text` columns.
fn read_airline(path: &Path) -> Result<Labelled> {
    let mut out = Labelled {
        texts: Vec::new(),
        labels: Vec::new(),
    };
    for row in earshot_ingest::airline_labels::read_labelled_tweets(path, false)? {
        let label = match row.sentiment.as_str() {
            "negative" => Polarity::Negative,
            "neutral" => Polarity::Neutral,
            "positive" => Polarity::Positive,
            other => bail!(
                "{}: line {}: airline_sentiment {other:?} is not negative, neutral or positive",
                path.display(),
                row.line
            ),
        };
        out.texts.push(row.text);
        out.labels.push(label);
    }
    Ok(out)
}

fn train(cli: &Ctx, args: &TrainArgs) -> Result<Exit> {
    if !(args.l2.is_finite() && args.l2 >= 0.0) {
        return Err(UsageError("--l2 must be a finite number ≥ 0".into()).into());
    }
    let val = read_tweeteval(&args.tweeteval, "val")?;
    let samples: Vec<_> = val
        .texts
        .par_iter()
        .map(|t| extract(t))
        .zip(val.labels.par_iter().copied())
        .collect();
    let model = SentimentModel::fit(
        &samples,
        args.l2,
        &args.model_version,
        &format!(
            "TweetEval sentiment validation split ({} tweets)",
            samples.len()
        ),
    )?;
    let predicted: Vec<Polarity> = val
        .texts
        .iter()
        .map(|t| model.classify(t).polarity)
        .collect();
    let (f1, _) = macro_f1(&val.labels, &predicted);
    let tmp = args.out.with_extension("json.partial");
    std::fs::write(&tmp, serde_json::to_string_pretty(&model)? + "\n")
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out).with_context(|| format!("writing {}", args.out.display()))?;
    if !cli.quiet {
        eprintln!(
            "fitted {} on {} tweets (macro-F1 on them {f1:.4}); wrote {}",
            model.version,
            samples.len(),
            args.out.display()
        );
    }
    Ok(Exit::Ok)
}

fn eval(cli: &Ctx, args: &EvalArgs) -> Result<Exit> {
    let model = load_model(&args.model)?;
    let sets = [
        (
            "TweetEval sentiment test",
            read_tweeteval(&args.data.join("tweeteval_datasets.tar.gz"), "test")?,
        ),
        (
            "airline tweets",
            read_airline(&args.data.join("airline_sentiment_tweets_6col.csv"))?,
        ),
    ];
    let mut rows = Vec::new();
    for (name, set) in &sets {
        let started = std::time::Instant::now();
        let ours: Vec<Polarity> = set
            .texts
            .par_iter()
            .map(|t| model.classify(t).polarity)
            .collect();
        let seconds = started.elapsed().as_secs_f64();
        let vader: Vec<Polarity> = set.texts.par_iter().map(|t| vader_baseline(t)).collect();
        let (f_ours, per_ours) = macro_f1(&set.labels, &ours);
        let (f_vader, per_vader) = macro_f1(&set.labels, &vader);
        rows.push(serde_json::json!({"set": name, "texts": set.texts.len(),
            "earshot_macro_f1": f_ours, "vader_macro_f1": f_vader, "lead": f_ours - f_vader,
            "earshot_f1_per_class": per_ours, "vader_f1_per_class": per_vader,
            "earshot_seconds": seconds}));
    }
    if cli.json {
        println!(
            "{}",
            serde_json::json!({"model": model.version, "sets": rows})
        );
        return Ok(Exit::Ok);
    }
    println!(
        "sentiment, 3-class macro-F1: earshot ({}) vs plain VADER (vader_sentiment crate, ±0.05)\n",
        model.version
    );
    println!(
        "  {:<26} {:>6} {:>8} {:>8} {:>7}   per class (neg/neu/pos) earshot | VADER",
        "set", "texts", "earshot", "VADER", "lead"
    );
    for r in &rows {
        let per = |k: &str| {
            r[k].as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| format!("{:.3}", x.as_f64().unwrap_or(0.0)))
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .unwrap_or_default()
        };
        println!(
            "  {:<26} {:>6} {:>8.4} {:>8.4} {:>+7.4}   {} | {}",
            r["set"].as_str().unwrap_or(""),
            r["texts"],
            r["earshot_macro_f1"].as_f64().unwrap_or(0.0),
            r["vader_macro_f1"].as_f64().unwrap_or(0.0),
            r["lead"].as_f64().unwrap_or(0.0),
            per("earshot_f1_per_class"),
            per("vader_f1_per_class")
        );
    }
    Ok(Exit::Ok)
}
