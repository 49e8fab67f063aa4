//! `earshot sentiment`: classify text, print the model, fit it, and measure it against plain VADER.
//! Only the arguments: the use cases are `earshot_app::sentiment`'s, the text
//! `earshot_print::sentiment`'s.

use crate::ctx::{texts_or_stdin, Ctx};
use crate::exit::Exit;
use crate::output::print_report;
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::error::FieldStyle;
use earshot_app::sentiment::{self, evaluate, load_model, save_model, TrainRequest};
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
        print_report(cli.json, &c, earshot_print::sentiment::classification)?;
    }
    Ok(Exit::Ok)
}

fn show(cli: &Ctx, args: &ModelArg) -> Result<Exit> {
    let model = load_model(args.model.as_deref())?;
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&model)?);
        return Ok(Exit::Ok);
    }
    earshot_print::sentiment::model(&mut std::io::stdout().lock(), &model)?;
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
    print_report(cli.json, &report, earshot_print::sentiment::eval)?;
    Ok(Exit::Ok)
}
