//! `earshot bench topics`: topic assignment and sentiment per post, the per-post text work of issue 5,
//! timed in this process apart from reading the file.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{bail, Result};
use earshot_app::topics::posts::{load_taxonomy, Posts};
use earshot_sentiment::SentimentModel;
use earshot_topics::{discover, extract, DiscoverOptions, Matcher};
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

#[derive(serde::Serialize)]
struct StageResult {
    threads: usize,
    stage: &'static str,
    median_seconds: f64,
    posts_per_second: f64,
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

pub fn run(
    cli: &Ctx,
    posts: &crate::cmd_topics::PostSource,
    taxonomy: Option<&Path>,
    runs: usize,
    threads: &[usize],
) -> Result<Exit> {
    let Posts { texts, from } = posts.read(cli)?;
    if texts.is_empty() {
        bail!("{from}: no posts");
    }
    let (matcher, source) = match taxonomy {
        Some(path) => (load_taxonomy(path)?, path.display().to_string()),
        None => {
            let t = Instant::now();
            let terms: Vec<_> = texts.par_iter().map(|t| extract(t)).collect();
            let found = discover(&terms, &DiscoverOptions::default());
            let tax = found.to_taxonomy(earshot_topics::TAXONOMY_TERMS_PER_TOPIC);
            if !cli.quiet && !cli.json {
                eprintln!(
                    "no --taxonomy: discovered {} topics from the same posts in {:.2} s (not part of the timings)",
                    tax.topics.len(),
                    t.elapsed().as_secs_f64()
                );
            }
            (
                tax.compile("discovered")?,
                "discovered from the input".to_owned(),
            )
        }
    };
    let model = SentimentModel::builtin();
    let mut results = Vec::new();
    for &k in threads {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(k).build()?;
        for stage in [Stage::Topics, Stage::Sentiment, Stage::Both] {
            let mut secs = Vec::new();
            for _ in 0..runs.max(1) {
                let t = Instant::now();
                let check = pool.install(|| pass(&texts, stage, &matcher, &model));
                secs.push(t.elapsed().as_secs_f64());
                std::hint::black_box(check);
            }
            secs.sort_by(f64::total_cmp);
            let median = secs[secs.len() / 2];
            let r = StageResult {
                threads: k,
                stage: stage.name(),
                median_seconds: median,
                posts_per_second: texts.len() as f64 / median,
            };
            if !cli.json {
                println!(
                    "{k} thread(s) {:<17} {:.3} s for {} posts, {:.0}K posts/s (median of {} runs)",
                    r.stage,
                    r.median_seconds,
                    texts.len(),
                    r.posts_per_second / 1e3,
                    runs.max(1)
                );
            }
            results.push(r);
        }
    }
    let peak = earshot_app::peak_rss_kib();
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "posts": texts.len(), "source": from, "taxonomy": source, "topics": matcher.keys().len(),
                "peak_rss_kib": peak, "results": results,
            })
        );
    } else if let Some(kib) = peak {
        println!(
            "posts: {from}; taxonomy: {source} ({} topics); peak RSS {} MiB",
            matcher.keys().len(),
            kib / 1024
        );
    }
    Ok(Exit::Ok)
}
