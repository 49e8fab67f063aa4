//! Which posts of a scoring input are about which topics.
//!
//! Every post with text is split into its terms once (`earshot_topics::extract`, in parallel, in post
//! id order) and matched against the taxonomy's compiled [`Matcher`]: linear in the posts' text, whatever
//! the taxonomy's size. `auto` first discovers topics from those same terms and turns them into a
//! taxonomy, so both ways end in the same matcher, and `explain --topic` can assign the posts again from
//! the TOML stored with the run.

use crate::error::UsageError;
use anyhow::Result;
use earshot_score::ScoreInput;
use earshot_store::Store;
use earshot_topics::{discover, extract, DiscoverOptions, Matcher, PostTerms, Taxonomy};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// Distinct taxonomy terms a post must match to be about a topic of a user's file: one, since the
/// user chose every term.
pub const FILE_MIN_TERMS: u32 = 1;
/// The same for discovered topics: two, as discovery itself assigns posts, so that one common word
/// among a topic's fifteen terms does not make a post "about" it.
pub const AUTO_MIN_TERMS: u32 = 2;

/// What `--topics` asked for, checked before the database is touched.
#[derive(Debug)]
pub enum TopicSource {
    /// A taxonomy file that parsed and compiled.
    File { path: String, taxonomy: Taxonomy },
    /// Discover topics from the window's posts.
    Auto,
}

impl TopicSource {
    pub fn parse(arg: &str) -> Result<TopicSource> {
        if arg.eq_ignore_ascii_case("auto") {
            return Ok(TopicSource::Auto);
        }
        let text = std::fs::read_to_string(arg).map_err(|e| {
            UsageError(format!(
                "--topics {arg}: {e} (give a taxonomy file or `auto`)"
            ))
        })?;
        let taxonomy =
            Taxonomy::from_toml(&text, arg).map_err(|e| UsageError(format!("--topics {e}")))?;
        taxonomy
            .compile(arg)
            .map_err(|e| UsageError(format!("--topics {e}")))?;
        Ok(TopicSource::File {
            path: arg.to_string(),
            taxonomy,
        })
    }

    pub fn name(&self) -> &str {
        match self {
            TopicSource::File { path, .. } => path,
            TopicSource::Auto => "auto",
        }
    }
}

/// The posts of each topic.
#[derive(Debug, Default)]
pub struct Assignment {
    /// By topic id: its posts.
    pub posts: Vec<FxHashSet<i64>>,
    /// By topic id: each author's number of posts on it.
    pub posts_about: Vec<FxHashMap<i64, u32>>,
    /// Posts with text in the input.
    pub posts_with_text: u64,
    /// Posts about at least one topic.
    pub posts_assigned: u64,
}

/// A taxonomy in use: the TOML stored with the run, its matcher and the term threshold.
pub struct Topics {
    pub source: String,
    pub toml: String,
    pub matcher: Matcher,
    pub min_terms: u32,
}

/// What assigning topics to a scoring input came to.
pub enum Assigned {
    /// No post in the window has text: there is nothing to read topics from.
    NoText,
    /// Discovery found no topic in this many posts with text.
    NothingFound(u64),
    Topics(Box<(Topics, Assignment)>),
}

/// The posts of `input` with text, in id order: `(id, author, text)`.
pub(super) fn text_posts(input: &ScoreInput) -> Vec<(i64, i64, &str)> {
    let mut v: Vec<(i64, i64, &str)> = input
        .posts
        .iter()
        .filter_map(|(&id, p)| Some((id, p.author, p.text.as_deref()?)))
        .collect();
    v.sort_unstable_by_key(|&(id, _, _)| id);
    v
}

/// Handles of `authors`, lower-cased, for taxonomy `accounts` entries: the stored handle, or the
/// `@handle` ext_id of an account known only by handle.
fn handles(store: &Store, authors: impl Iterator<Item = i64>) -> Result<FxHashMap<i64, String>> {
    let mut out = FxHashMap::default();
    for a in authors {
        if out.contains_key(&a) {
            continue;
        }
        if let Some((ext, handle)) = store.account_names(a)? {
            let h = handle.or_else(|| ext.strip_prefix('@').map(str::to_owned));
            if let Some(h) = h {
                out.insert(a, h.to_lowercase());
            }
        }
    }
    Ok(out)
}

/// The topics of one post: those with at least `min_terms` distinct matching terms, by id.
pub fn post_topics(
    matcher: &Matcher,
    terms: &PostTerms,
    author: Option<&str>,
    min_terms: u32,
) -> Vec<u32> {
    let mut hits: Vec<(u32, &str)> = matcher
        .hits(terms, author)
        .into_iter()
        .map(|h| (h.topic, h.term))
        .collect();
    hits.sort_unstable();
    hits.dedup();
    hits.chunk_by(|a, b| a.0 == b.0)
        .filter(|c| c.len() >= min_terms as usize)
        .map(|c| c[0].0)
        .collect()
}

/// The distinct taxonomy terms by which a post is on `topic`, as the taxonomy writes them: the evidence
/// `explain --topic` shows.
pub fn topic_terms<'m>(
    matcher: &'m Matcher,
    text: &str,
    author: Option<&str>,
    topic: u32,
) -> Vec<&'m str> {
    let mut terms: Vec<&str> = matcher
        .hits(&extract(text), author)
        .into_iter()
        .filter(|h| h.topic == topic)
        .map(|h| h.term)
        .collect();
    terms.sort_unstable();
    terms.dedup();
    terms
}

/// The assignment of `input`'s posts under `topics`.
fn assign_terms<'a>(
    topics: &Topics,
    posts: impl IndexedParallelIterator<Item = (i64, i64, &'a PostTerms)>,
    handles: &FxHashMap<i64, String>,
    posts_with_text: u64,
) -> Assignment {
    let per_post: Vec<(i64, i64, Vec<u32>)> = posts
        .map(|(id, author, terms)| {
            let handle = handles.get(&author).map(String::as_str);
            (
                id,
                author,
                post_topics(&topics.matcher, terms, handle, topics.min_terms),
            )
        })
        .collect();
    let k = topics.matcher.keys().len();
    let mut a = Assignment {
        posts: vec![FxHashSet::default(); k],
        posts_about: vec![FxHashMap::default(); k],
        posts_with_text,
        posts_assigned: 0,
    };
    for (id, author, ts) in per_post {
        if !ts.is_empty() {
            a.posts_assigned += 1;
        }
        for t in ts {
            a.posts[t as usize].insert(id);
            *a.posts_about[t as usize].entry(author).or_default() += 1;
        }
    }
    a
}

/// Compiles stored or discovered TOML. The text is parsed back first, so a run assigns exactly what
/// `explain --topic` will assign from the stored copy.
pub fn compile(source: &str, toml: String, min_terms: u32) -> Result<Topics> {
    let matcher = Taxonomy::from_toml(&toml, source)?.compile(source)?;
    Ok(Topics {
        source: source.to_string(),
        toml,
        matcher,
        min_terms,
    })
}

/// Assigns `input`'s posts to the topics `source` names (discovering them for `auto`).
pub fn assign(store: &Store, input: &ScoreInput, source: &TopicSource) -> Result<Assigned> {
    let posts = text_posts(input);
    if posts.is_empty() {
        return Ok(Assigned::NoText);
    }
    let n = posts.len() as u64;
    let handles = handles(store, posts.iter().map(|&(_, a, _)| a))?;
    let terms: Vec<PostTerms> = posts.par_iter().map(|&(_, _, t)| extract(t)).collect();
    let topics = match source {
        TopicSource::File { path, taxonomy } => compile(path, taxonomy.to_toml(), FILE_MIN_TERMS)?,
        TopicSource::Auto => {
            let found = discover(&terms, &DiscoverOptions::default());
            if found.topics.is_empty() {
                return Ok(Assigned::NothingFound(n));
            }
            let toml = found
                .to_taxonomy(earshot_topics::TAXONOMY_TERMS_PER_TOPIC)
                .to_toml();
            compile("auto", toml, AUTO_MIN_TERMS)?
        }
    };
    let items = posts
        .par_iter()
        .zip(terms.par_iter())
        .map(|(&(id, author, _), terms)| (id, author, terms));
    let assignment = assign_terms(&topics, items, &handles, n);
    Ok(Assigned::Topics(Box::new((topics, assignment))))
}

/// Assigns `input`'s posts to the topics of a stored run, as `earshot score` did.
pub fn reassign(store: &Store, input: &ScoreInput, topics: &Topics) -> Result<Assignment> {
    let posts = text_posts(input);
    let handles = handles(store, posts.iter().map(|&(_, a, _)| a))?;
    Ok(assign_posts(topics, &posts, &handles))
}

/// Assigns `(id, author, text)` posts, with authors' handles from `handles`.
pub(super) fn assign_posts(
    topics: &Topics,
    posts: &[(i64, i64, &str)],
    handles: &FxHashMap<i64, String>,
) -> Assignment {
    let terms: Vec<PostTerms> = posts.par_iter().map(|&(_, _, t)| extract(t)).collect();
    let items = posts
        .par_iter()
        .zip(terms.par_iter())
        .map(|(&(id, author, _), terms)| (id, author, terms));
    assign_terms(topics, items, handles, posts.len() as u64)
}

/// The author handle `topic_terms` needs, for evidence.
pub fn handle_of(store: &Store, account: i64) -> Result<Option<String>> {
    Ok(handles(store, std::iter::once(account))?.remove(&account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_needs_min_terms_distinct_terms_of_a_topic() {
        let m = Taxonomy::from_toml(
            "[topics.bake]\nkeywords = [\"bread\", \"oven\"]\nhashtags = [\"baking\"]\n\
             [topics.ball]\nkeywords = [\"goal\"]\naccounts = [\"club\"]\n",
            "t",
        )
        .unwrap()
        .compile("t")
        .unwrap();
        let (bake, ball) = (m.id_of("bake").unwrap(), m.id_of("ball").unwrap());
        let t = extract("bread bread bread and a goal");
        let mut both = vec![bake, ball];
        both.sort_unstable();
        assert_eq!(post_topics(&m, &t, None, 1), both);
        // The same word three times is one term.
        assert_eq!(post_topics(&m, &t, None, 2), Vec::<u32>::new());
        let t = extract("fresh bread from the oven #baking");
        assert_eq!(post_topics(&m, &t, None, 2), vec![bake]);
        // The author's handle is a term of its own.
        let t = extract("what a goal");
        assert_eq!(post_topics(&m, &t, Some("club"), 2), vec![ball]);
        assert_eq!(
            topic_terms(&m, "what a goal", Some("club"), ball),
            vec!["@club", "goal"]
        );
    }
}
