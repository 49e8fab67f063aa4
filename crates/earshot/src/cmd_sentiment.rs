//! `earshot sentiment`: classify text, print the model, fit it, and measure it against plain VADER.
//! Only the arguments and the text: the use cases are `earshot_app::sentiment`'s.

use crate::ctx::{texts_or_stdin, Ctx};
use crate::exit::Exit;
use crate::output::print_json;
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::error::FieldStyle;
use earshot_app::sentiment::{self, evaluate, load_model, save_model, TrainRequest};
use earshot_sentiment::FEATURES;
use std::path::PathBuf;

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

impl TrainArgs {
    fn request(&self) -> TrainRequest {
        TrainRequest {
            tweeteval: self.tweeteval.clone(),
            model_version: self.model_version.clone(),
            l2: self.l2,
            fields: FieldStyle::Flags,
        }
    }
}

fn classify(cli: &Ctx, args: &ClassifyArgs) -> Result<Exit> {
    let model = load_model(args.model.model.as_deref())?;
    let texts = texts_or_stdin(&args.texts, "reading texts from standard input")?;
    for c in sentiment::classify(&model, &texts, args.explain) {
        if cli.json {
            print_json(&c)?;
            continue;
        }
        let [neg, neu, pos] = [
            c.probabilities.negative,
            c.probabilities.neutral,
            c.probabilities.positive,
        ];
        println!(
            "{:<8} neg {neg:.2} neu {neu:.2} pos {pos:.2}  {}",
            c.polarity.name(),
            c.text
        );
        let Some(features) = &c.features else {
            continue;
        };
        println!(
            "    {:<16} {:>8}  {:>8} {:>8} {:>8}",
            "feature", "value", "→neg", "→neu", "→pos"
        );
        for f in features {
            let [n, u, p] = f.log_odds;
            println!(
                "    {:<16} {:>8.3}  {n:>+8.3} {u:>+8.3} {p:>+8.3}",
                f.feature, f.value
            );
        }
    }
    Ok(Exit::Ok)
}

fn show(cli: &Ctx, args: &ModelArg) -> Result<Exit> {
    let model = load_model(args.model.as_deref())?;
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
    let rows = FEATURES.iter().copied();
    for (j, (name, meaning)) in rows.chain([("(bias)", "")]).enumerate() {
        let w = |c: usize| model.weights[c][j];
        let line = format!("  {name:<16} {:>+8.3} {:>+8.3} {:>+8.3}", w(0), w(1), w(2));
        if meaning.is_empty() {
            println!("{line}");
        } else {
            println!("{line}  {meaning}");
        }
    }
    Ok(Exit::Ok)
}

fn train(cli: &Ctx, args: &TrainArgs) -> Result<Exit> {
    let report = sentiment::train(&args.request())?;
    save_model(&report.model, &args.out)?;
    if !cli.quiet {
        eprintln!(
            "fitted {} on {} tweets (macro-F1 on them {:.4}); wrote {}",
            report.model.version,
            report.tweets,
            report.macro_f1,
            args.out.display()
        );
    }
    Ok(Exit::Ok)
}

fn eval(cli: &Ctx, args: &EvalArgs) -> Result<Exit> {
    let model = load_model(args.model.model.as_deref())?;
    let report = evaluate(&model, &args.data)?;
    if cli.json {
        print_json(&report)?;
        return Ok(Exit::Ok);
    }
    println!(
        "sentiment, 3-class macro-F1: earshot ({}) vs plain VADER (vader_sentiment crate, ±0.05)\n",
        report.model
    );
    println!(
        "  {:<26} {:>6} {:>8} {:>8} {:>7}   per class (neg/neu/pos) earshot | VADER",
        "set", "texts", "earshot", "VADER", "lead"
    );
    let per = |f1: &[f64; 3]| f1.map(|x| format!("{x:.3}")).join("/");
    for r in &report.sets {
        // The count is not padded: the table always printed it so (it was a JSON number, which
        // ignores the width).
        println!(
            "  {:<26} {} {:>8.4} {:>8.4} {:>+7.4}   {} | {}",
            r.set,
            r.texts,
            r.earshot_macro_f1,
            r.vader_macro_f1,
            r.lead,
            per(&r.earshot_f1_per_class),
            per(&r.vader_f1_per_class)
        );
    }
    Ok(Exit::Ok)
}
