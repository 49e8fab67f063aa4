//! Topic assignment and sentiment per post, the per-post text work of issue 5, timed apart from
//! reading the posts: each alone and both together, per thread count.

use super::median_run_on;
use crate::error::FieldStyle;
use anyhow::{bail, Result};
use earshot_sentiment::SentimentModel;
use earshot_topics::{discover, extract, DiscoverOptions, Matcher};
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// The posts to time, and the taxonomy to match them against.
pub struct TopicsBenchRequest {
    texts: Vec<String>,
    from: String,
    /// The compiled taxonomy and what to call it; `None`: topics discovered from the posts, untimed.
    pub taxonomy: Option<(Matcher, String)>,
    /// Timed runs per stage and thread count; the median is reported.
    pub runs: usize,
    pub threads: Vec<usize>,
    /// How notes name the request's fields.
    pub fields: FieldStyle,
}

impl TopicsBenchRequest {
    /// The posts read from `from` (named in reports), discovered topics and one run on one thread; an
    /// error when there are no posts, before the front reads anything else.
    pub fn new(texts: Vec<String>, from: String) -> Result<Self> {
        if texts.is_empty() {
            bail!("{from}: no posts");
        }
        Ok(TopicsBenchRequest {
            texts,
            from,
            taxonomy: None,
            runs: 1,
            threads: vec![1],
            fields: FieldStyle::Fields,
        })
    }
}

/// One stage's speed on one thread count.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StageResult {
    pub threads: usize,
    /// `topics`, `sentiment` or `topics+sentiment`.
    pub stage: String,
    pub median_seconds: f64,
    pub posts_per_second: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TopicsBenchReport {
    pub posts: usize,
    /// Where the posts came from.
    pub source: String,
    /// The taxonomy's file, or that it was discovered from the input.
    pub taxonomy: String,
    pub topics: usize,
    /// The process's peak resident memory after the runs, where the system reports it.
    pub peak_rss_kib: Option<u64>,
    pub results: Vec<StageResult>,
}

/// What one pass does to each post.
#[derive(Clone, Copy)]
enum Stage {
    Topics,
    Sentiment,
    Both,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Topics => "topics",
            Stage::Sentiment => "sentiment",
            Stage::Both => "topics+sentiment",
        }
    }
}

/// One pass over all posts; returns a checksum so the work cannot be optimised away.
fn pass(texts: &[String], stage: Stage, matcher: &Matcher, model: &SentimentModel) -> usize {
    texts
        .par_iter()
        .map(|t| {
            let mut n = 0;
            if matches!(stage, Stage::Topics | Stage::Both) {
                n += matcher.topics(&extract(t), None).len();
            }
            if matches!(stage, Stage::Sentiment | Stage::Both) {
                n += model.classify(t).polarity.index();
            }
            n
        })
        .sum()
}

/// Times each stage on each thread count (discovering topics first when the request has no
/// taxonomy; `note` hears how many and how long that took).
pub fn bench_topics(req: TopicsBenchRequest, note: &dyn Fn(&str)) -> Result<TopicsBenchReport> {
    let texts = &req.texts;
    let (matcher, taxonomy) = match req.taxonomy {
        Some(t) => t,
        None => {
            let t = Instant::now();
            let terms: Vec<_> = texts.par_iter().map(|t| extract(t)).collect();
            let found = discover(&terms, &DiscoverOptions::default());
            let tax = found.to_taxonomy(earshot_topics::TAXONOMY_TERMS_PER_TOPIC);
            note(&format!(
                "no {}: discovered {} topics from the same posts in {:.2} s (not part of the timings)",
                req.fields.name("taxonomy"),
                tax.topics.len(),
                t.elapsed().as_secs_f64()
            ));
            (
                tax.compile("discovered")?,
                "discovered from the input".to_owned(),
            )
        }
    };
    let model = SentimentModel::builtin();
    let mut results = Vec::new();
    for &k in &req.threads {
        for stage in [Stage::Topics, Stage::Sentiment, Stage::Both] {
            let (median, check) =
                median_run_on(k, req.runs, || Ok(pass(texts, stage, &matcher, &model)))?;
            std::hint::black_box(check);
            results.push(StageResult {
                threads: k,
                stage: stage.name().to_string(),
                median_seconds: median,
                posts_per_second: texts.len() as f64 / median,
            });
        }
    }
    Ok(TopicsBenchReport {
        posts: texts.len(),
        source: req.from,
        taxonomy,
        topics: matcher.keys().len(),
        peak_rss_kib: crate::peak_rss_kib(),
        results,
    })
}
