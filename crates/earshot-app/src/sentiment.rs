//! The sentiment classifier's use cases (`earshot sentiment`): load a model, classify a batch of texts
//! with the evidence, fit a model on TweetEval's validation split, and measure it beside plain VADER on
//! the labelled sets. The labelled files are read here, through earshot-ingest's readers, because the
//! labels' meaning (which number or word is which polarity) belongs to these use cases.

use crate::error::{FieldStyle, UsageError};
use anyhow::{bail, Context, Result};
use earshot_sentiment::{extract, macro_f1, vader_baseline, Polarity, SentimentModel};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The model in `path` (a file from `train`), or the built-in one.
pub fn load_model(path: Option<&Path>) -> Result<SentimentModel> {
    let Some(p) = path else {
        return Ok(SentimentModel::builtin());
    };
    let text = std::fs::read_to_string(p)
        .with_context(|| format!("reading sentiment model {}", p.display()))?;
    SentimentModel::from_json(&text)
        .with_context(|| format!("loading sentiment model {}", p.display()))
}

/// One text's class, the three probabilities and, when asked, each feature's evidence.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Classification {
    pub text: String,
    /// `negative`, `neutral` or `positive`.
    #[schema(value_type = String)]
    pub polarity: Polarity,
    /// The probability of positive minus that of negative.
    pub score: f64,
    pub probabilities: Probabilities,
    /// Each feature's value and push towards each class (with `explain` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<FeaturePush>>,
}

#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct Probabilities {
    pub negative: f64,
    pub neutral: f64,
    pub positive: f64,
}

/// A feature's value in one text and its push, in log-odds, towards negative, neutral and positive.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FeaturePush {
    pub feature: String,
    pub value: f64,
    pub log_odds: [f64; 3],
}

/// Every text's classification, in the texts' order; with `explain`, each feature's evidence too.
pub fn classify(model: &SentimentModel, texts: &[String], explain: bool) -> Vec<Classification> {
    texts
        .par_iter()
        .map(|text| {
            let s = model.classify(text);
            let [negative, neutral, positive] = s.probabilities;
            Classification {
                text: text.clone(),
                polarity: s.polarity,
                score: s.score,
                probabilities: Probabilities {
                    negative,
                    neutral,
                    positive,
                },
                features: explain.then(|| {
                    model
                        .contributions(text)
                        .into_iter()
                        .map(|(feature, value, log_odds)| FeaturePush {
                            feature: feature.to_string(),
                            value,
                            log_odds,
                        })
                        .collect()
                }),
            }
        })
        .collect()
}

/// Labelled texts read from one file.
pub struct Labelled {
    pub texts: Vec<String>,
    pub labels: Vec<Polarity>,
}

/// TweetEval's sentiment `split` (`val` or `test`), from the archive or an extracted folder. Labels
/// are 0 negative, 1 neutral, 2 positive (its `mapping.txt`).
pub fn read_tweeteval(path: &Path, split: &str) -> Result<Labelled> {
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
pub fn read_airline(path: &Path) -> Result<Labelled> {
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

/// What to fit a model on, and what to call it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainRequest {
    /// TweetEval: the `tweeteval_datasets.tar.gz` archive or a folder holding `sentiment/`.
    pub tweeteval: PathBuf,
    /// The version stored in the model.
    pub model_version: String,
    /// L2 penalty on the weights (finite, ≥ 0).
    pub l2: f64,
    pub fields: FieldStyle,
}

impl TrainRequest {
    /// A [`UsageError`] unless the L2 penalty is a finite number ≥ 0.
    pub fn check(&self) -> Result<()> {
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            let l2 = self.fields.name("l2");
            return Err(UsageError(format!("{l2} must be a finite number ≥ 0")).into());
        }
        Ok(())
    }
}

/// A fitted model and how well it fits the tweets it was fitted on.
pub struct TrainReport {
    pub model: SentimentModel,
    /// Tweets it was fitted on.
    pub tweets: usize,
    /// Its macro-F1 on those tweets.
    pub macro_f1: f64,
}

/// Fits the classifier on TweetEval's sentiment validation split (the test split is kept for
/// [`evaluate`]).
pub fn train(req: &TrainRequest) -> Result<TrainReport> {
    req.check()?;
    let val = read_tweeteval(&req.tweeteval, "val")?;
    let samples: Vec<_> = val
        .texts
        .par_iter()
        .map(|t| extract(t))
        .zip(val.labels.par_iter().copied())
        .collect();
    let trained_on = format!(
        "TweetEval sentiment validation split ({} tweets)",
        samples.len()
    );
    let model = SentimentModel::fit(&samples, req.l2, &req.model_version, &trained_on)?;
    let predicted: Vec<Polarity> = val
        .texts
        .iter()
        .map(|t| model.classify(t).polarity)
        .collect();
    let (macro_f1, _) = macro_f1(&val.labels, &predicted);
    Ok(TrainReport {
        model,
        tweets: samples.len(),
        macro_f1,
    })
}

/// Writes `model` to `out` as pretty JSON, through a `.json.partial` file renamed into place, so an
/// interrupted write never leaves half a model under the real name.
pub fn save_model(model: &SentimentModel, out: &Path) -> Result<()> {
    let tmp = out.with_extension("json.partial");
    std::fs::write(&tmp, serde_json::to_string_pretty(model)? + "\n")
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))
}

/// `earshot --json sentiment eval`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EvalReport {
    /// The evaluated model's version.
    pub model: String,
    pub sets: Vec<SetEval>,
}

/// One labelled set: earshot's and plain VADER's macro-F1 and per-class F1 (negative, neutral,
/// positive).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SetEval {
    /// The set's name.
    pub set: String,
    /// Labelled texts in it.
    pub texts: usize,
    pub earshot_macro_f1: f64,
    /// Plain VADER's: compound score above 0.05 positive, below −0.05 negative.
    pub vader_macro_f1: f64,
    /// earshot's macro-F1 minus VADER's.
    pub lead: f64,
    /// F1 of negative, neutral, positive.
    pub earshot_f1_per_class: [f64; 3],
    pub vader_f1_per_class: [f64; 3],
    /// Classifying the set with earshot, wall clock.
    pub earshot_seconds: f64,
}

/// Macro-F1 of `model` and of plain VADER (±0.05) on TweetEval's sentiment test split and the airline
/// tweets, both read from the `tweet-text` folder `data`.
pub fn evaluate(model: &SentimentModel, data: &Path) -> Result<EvalReport> {
    let sets = [
        (
            "TweetEval sentiment test",
            read_tweeteval(&data.join("tweeteval_datasets.tar.gz"), "test")?,
        ),
        (
            "airline tweets",
            read_airline(&data.join("airline_sentiment_tweets_6col.csv"))?,
        ),
    ];
    let sets = sets
        .iter()
        .map(|(name, set)| {
            let started = std::time::Instant::now();
            let ours: Vec<Polarity> = set
                .texts
                .par_iter()
                .map(|t| model.classify(t).polarity)
                .collect();
            let earshot_seconds = started.elapsed().as_secs_f64();
            let vader: Vec<Polarity> = set.texts.par_iter().map(|t| vader_baseline(t)).collect();
            let (earshot_macro_f1, earshot_f1_per_class) = macro_f1(&set.labels, &ours);
            let (vader_macro_f1, vader_f1_per_class) = macro_f1(&set.labels, &vader);
            SetEval {
                set: name.to_string(),
                texts: set.texts.len(),
                earshot_macro_f1,
                vader_macro_f1,
                lead: earshot_macro_f1 - vader_macro_f1,
                earshot_f1_per_class,
                vader_f1_per_class,
                earshot_seconds,
            }
        })
        .collect();
    Ok(EvalReport {
        model: model.version.clone(),
        sets,
    })
}
