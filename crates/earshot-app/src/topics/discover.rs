//! Finding topics in posts (`earshot topics discover`): cluster the hashtag and keyword co-occurrence
//! graph, and optionally write the topics as an editable taxonomy.

use super::posts::Posts;
use crate::error::{FieldStyle, UsageError};
use anyhow::{bail, Context, Result};
use earshot_topics::{discover, extract, DiscoverOptions, PostTerms, TAXONOMY_TERMS_PER_TOPIC};
use rayon::prelude::*;
use std::path::PathBuf;

/// How to find topics, and where to write them.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoverRequest {
    /// At most this many topics, largest first (at least 1).
    pub max_topics: usize,
    /// A term must occur in this many posts.
    pub min_posts: u32,
    /// Louvain resolution (above 0): higher gives more, smaller topics.
    pub resolution: f64,
    /// Terms the report gives per topic.
    pub terms: usize,
    /// Write the topics as a TOML taxonomy here.
    pub out: Option<PathBuf>,
    pub fields: FieldStyle,
}

impl DiscoverRequest {
    /// A [`UsageError`] for a request that cannot find topics; checked before posts are read.
    pub fn check(&self) -> Result<()> {
        let f = |name| self.fields.name(name);
        if self.max_topics == 0 {
            return Err(UsageError(format!("{} must be at least 1", f("max_topics"))).into());
        }
        if self.resolution.is_nan() || self.resolution <= 0.0 {
            return Err(UsageError(format!("{} must be above 0", f("resolution"))).into());
        }
        Ok(())
    }
}

/// `earshot --json topics discover`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DiscoverReport {
    /// Where the posts came from.
    pub source: String,
    /// Posts read.
    pub posts: usize,
    /// Posts assigned to a topic.
    pub assigned: usize,
    /// Terms in the co-occurrence graph.
    pub vocabulary: usize,
    /// Links between them.
    pub links: usize,
    /// Topics, most posts first.
    pub topics: Vec<FoundTopic>,
}

/// One discovered topic, its most central terms first, with its most typical posts.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FoundTopic {
    /// A short key usable on the command line and in a taxonomy (`t03-christmas`).
    pub key: String,
    /// Its three most central terms.
    pub label: String,
    /// Posts assigned to it.
    pub posts: u32,
    /// Its most central terms, at most the request's `terms`.
    pub terms: Vec<String>,
    /// Its most typical posts: those with the most of its terms.
    pub examples: Vec<String>,
}

/// Finds the topics of `posts`, writing them as a taxonomy to the request's `out` if it names a file.
pub fn discover_topics(req: &DiscoverRequest, posts: Posts) -> Result<DiscoverReport> {
    req.check()?;
    let Posts { texts, from } = posts;
    if texts.is_empty() {
        bail!("no posts with text in {from}: nothing to discover topics from");
    }
    let terms: Vec<PostTerms> = texts.par_iter().map(|t| extract(t)).collect();
    let opts = DiscoverOptions {
        max_topics: req.max_topics,
        min_posts: req.min_posts,
        resolution: req.resolution,
        ..DiscoverOptions::default()
    };
    let found = discover(&terms, &opts);
    if let Some(out) = &req.out {
        let toml = found.to_taxonomy(TAXONOMY_TERMS_PER_TOPIC).to_toml();
        let header = format!(
            "# Topics discovered by `earshot topics discover` from {from}.\n# Edit freely: see `earshot topics --help` for the format.\n\n"
        );
        std::fs::write(out, header + &toml)
            .with_context(|| format!("writing {}", out.display()))?;
    }
    let topics = found
        .topics
        .iter()
        .map(|t| FoundTopic {
            key: t.key.clone(),
            label: t.label.clone(),
            posts: t.posts,
            terms: t
                .terms
                .iter()
                .take(req.terms)
                .map(|(s, _)| s.clone())
                .collect(),
            examples: t.examples.iter().map(|&i| texts[i].clone()).collect(),
        })
        .collect();
    Ok(DiscoverReport {
        source: from,
        posts: texts.len(),
        assigned: found.assignment.iter().filter(|a| a.is_some()).count(),
        vocabulary: found.vocabulary,
        links: found.links,
        topics,
    })
}
