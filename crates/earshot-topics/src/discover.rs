//! Topics without a taxonomy: clusters of the hashtag and keyword co-occurrence graph.
//!
//! Why this method: it needs no model, no training and no language beyond the tags and keywords
//! [`crate::extract`] already reads, it runs in seconds on a laptop, and every topic it reports is a
//! list of terms a reader can check. The steps:
//!
//! 1. The vocabulary is the `max_terms` most frequent terms that occur in at least `min_posts` posts
//!    (hashtags written `#tag`, keywords bare).
//! 2. Two terms are linked by their normalised pointwise mutual information (NPMI) over posts, when
//!    they share at least `min_pair_posts` posts and the NPMI is positive. NPMI, unlike raw counts,
//!    does not link everything to the most common words.
//! 3. Louvain modularity optimisation (Blondel et al. 2008; `earshot_graph::louvain`) splits that graph
//!    into communities.
//! 4. A community with at least `min_terms` terms is a topic, labelled by its three terms with the most
//!    link weight inside it. A post belongs to the topic holding most of its vocabulary terms
//!    (at least two of them, so a single shared word does not make a post "about" a topic).
//!
//! Everything is deterministic: ties break by term frequency, then alphabetically.

use crate::taxonomy::{Taxonomy, TopicDef};
use crate::terms::PostTerms;
use earshot_graph::{louvain, LouvainOptions, UndirectedGraph};
use rustc_hash::FxHashMap;

/// Terms per discovered topic kept when it becomes a taxonomy ([`Discovered::to_taxonomy`]) for
/// `topics discover --out`, `score --topics auto` and `bench topics`.
pub const TAXONOMY_TERMS_PER_TOPIC: usize = 15;

/// Knobs of [`discover`]; the defaults suit a few thousand to a few million tweets.
#[derive(Clone, Debug)]
pub struct DiscoverOptions {
    /// A term must occur in this many posts to be in the vocabulary.
    pub min_posts: u32,
    /// Vocabulary size cap (most frequent first).
    pub max_terms: usize,
    /// Two terms are linked only when they share this many posts.
    pub min_pair_posts: u32,
    /// A community needs this many terms to be a topic.
    pub min_terms: usize,
    /// At most this many topics are reported (largest by posts first).
    pub max_topics: usize,
    /// Louvain resolution: above 1 gives more, smaller topics.
    pub resolution: f64,
    /// Example posts kept per topic.
    pub examples: usize,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            min_posts: 5,
            max_terms: 3000,
            min_pair_posts: 3,
            min_terms: 4,
            max_topics: 30,
            resolution: 1.5,
            examples: 3,
        }
    }
}

/// One discovered topic.
#[derive(Clone, Debug, PartialEq)]
pub struct DiscoveredTopic {
    /// A short key usable on the command line (`t03-christmas`).
    pub key: String,
    /// Human-readable label: the three most central terms.
    pub label: String,
    /// Its terms with their link weight inside the topic, most central first.
    pub terms: Vec<(String, f64)>,
    /// Posts assigned to it.
    pub posts: u32,
    /// Indices (into the input) of its most typical posts: those with the most of its terms.
    pub examples: Vec<usize>,
}

/// What [`discover`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Discovered {
    /// Topics, most posts first.
    pub topics: Vec<DiscoveredTopic>,
    /// For each input post, the index of its topic in `topics`, if any.
    pub assignment: Vec<Option<u32>>,
    /// Vocabulary size and number of links, for reporting.
    pub vocabulary: usize,
    /// Links in the co-occurrence graph.
    pub links: usize,
}

impl Discovered {
    /// The topics as an editable [`Taxonomy`]: each topic's `terms_per_topic` most central terms, hashtags
    /// as hashtags and the rest as keywords.
    pub fn to_taxonomy(&self, terms_per_topic: usize) -> Taxonomy {
        let mut t = Taxonomy::default();
        for topic in &self.topics {
            let mut def = TopicDef {
                label: Some(topic.label.clone()),
                ..TopicDef::default()
            };
            for (term, _) in topic.terms.iter().take(terms_per_topic) {
                match term.strip_prefix('#') {
                    Some(tag) => def.hashtags.push(tag.to_owned()),
                    None => def.keywords.push(term.clone()),
                }
            }
            t.topics.insert(topic.key.clone(), def);
        }
        t
    }
}

/// The distinct vocabulary-candidate terms of a post: `#hashtags` and keywords.
fn post_terms(p: &PostTerms) -> Vec<String> {
    let mut v: Vec<String> = p
        .hashtags
        .iter()
        .filter(|h| h.chars().count() >= 2)
        .map(|h| format!("#{h}"))
        .chain(p.keywords().map(str::to_owned))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Finds topics in `posts`. `O(P·t²)` for `P` posts of `t` vocabulary terms each, plus Louvain on the
/// term graph (small: at most `max_terms` nodes).
pub fn discover(posts: &[PostTerms], opts: &DiscoverOptions) -> Discovered {
    let per_post: Vec<Vec<String>> = posts.iter().map(post_terms).collect();
    let mut df: FxHashMap<&str, u32> = FxHashMap::default();
    for terms in &per_post {
        for t in terms {
            *df.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut vocab: Vec<(&str, u32)> = df
        .into_iter()
        .filter(|&(_, n)| n >= opts.min_posts)
        .collect();
    vocab.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    vocab.truncate(opts.max_terms);
    let index: FxHashMap<&str, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, (t, _))| (*t, i as u32))
        .collect();
    let post_ids: Vec<Vec<u32>> = per_post
        .iter()
        .map(|terms| {
            let mut ids: Vec<u32> = terms
                .iter()
                .filter_map(|t| index.get(t.as_str()).copied())
                .collect();
            ids.sort_unstable();
            ids
        })
        .collect();

    let mut pairs: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    for ids in &post_ids {
        for (k, &a) in ids.iter().enumerate() {
            for &b in &ids[k + 1..] {
                *pairs.entry((a, b)).or_default() += 1;
            }
        }
    }
    let n = posts.len().max(1) as f64;
    let mut edges: Vec<(u32, u32, f64)> = pairs
        .into_iter()
        .filter(|&(_, c)| c >= opts.min_pair_posts)
        .filter_map(|((a, b), c)| {
            let (pa, pb, pab) = (
                vocab[a as usize].1 as f64 / n,
                vocab[b as usize].1 as f64 / n,
                c as f64 / n,
            );
            let npmi = if pab >= 1.0 {
                1.0
            } else {
                (pab / (pa * pb)).ln() / -pab.ln()
            };
            (npmi > 0.0).then_some((a, b, npmi))
        })
        .collect();
    edges.sort_by_key(|x| (x.0, x.1));
    let community = communities(vocab.len(), &edges, opts.resolution);

    // Strength of each term inside its own community.
    let mut strength = vec![0.0f64; vocab.len()];
    for &(a, b, w) in &edges {
        if community[a as usize] == community[b as usize] {
            strength[a as usize] += w;
            strength[b as usize] += w;
        }
    }
    let mut members: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (t, &c) in community.iter().enumerate() {
        members.entry(c).or_default().push(t as u32);
    }
    let mut groups: Vec<Vec<u32>> = members
        .into_values()
        .filter(|m| m.len() >= opts.min_terms)
        .collect();
    for g in &mut groups {
        g.sort_by(|&a, &b| {
            strength[b as usize]
                .total_cmp(&strength[a as usize])
                .then(vocab[b as usize].1.cmp(&vocab[a as usize].1))
                .then(vocab[a as usize].0.cmp(vocab[b as usize].0))
        });
    }
    let mut group_of = vec![u32::MAX; vocab.len()];
    for (g, terms) in groups.iter().enumerate() {
        for &t in terms {
            group_of[t as usize] = g as u32;
        }
    }

    // Assign posts: the group holding most of the post's terms, at least two.
    let mut assignment_g: Vec<Option<(u32, u32)>> = Vec::with_capacity(posts.len());
    let mut counts = vec![0u32; groups.len()];
    for ids in &post_ids {
        let mut best: Option<(u32, u32)> = None;
        let mut tally: Vec<(u32, u32)> = Vec::new();
        for &t in ids {
            let g = group_of[t as usize];
            if g == u32::MAX {
                continue;
            }
            match tally.iter_mut().find(|(x, _)| *x == g) {
                Some((_, k)) => *k += 1,
                None => tally.push((g, 1)),
            }
        }
        for &(g, k) in &tally {
            if k >= 2 && best.is_none_or(|(bg, bk)| k > bk || (k == bk && g < bg)) {
                best = Some((g, k));
            }
        }
        if let Some((g, _)) = best {
            counts[g as usize] += 1;
        }
        assignment_g.push(best);
    }
    let mut order: Vec<u32> = (0..groups.len() as u32)
        .filter(|&g| counts[g as usize] > 0)
        .collect();
    order.sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
    order.truncate(opts.max_topics);
    let mut rank = vec![u32::MAX; groups.len()];
    for (r, &g) in order.iter().enumerate() {
        rank[g as usize] = r as u32;
    }

    let phrases = adjacent_pairs(posts, &assignment_g, &groups, &vocab);
    let mut topics: Vec<DiscoveredTopic> = order
        .iter()
        .enumerate()
        .map(|(r, &g)| {
            let terms: Vec<(String, f64)> = groups[g as usize]
                .iter()
                .map(|&t| (vocab[t as usize].0.to_owned(), strength[t as usize]))
                .collect();
            let units = label_units(&terms, &phrases[g as usize]);
            let slug: String = units[0]
                .chars()
                .filter(|c| c.is_alphanumeric())
                .take(20)
                .collect();
            DiscoveredTopic {
                key: format!("t{:02}-{}", r + 1, slug.to_lowercase()),
                label: units.join(" / "),
                terms,
                posts: counts[g as usize],
                examples: Vec::new(),
            }
        })
        .collect();
    let assignment: Vec<Option<u32>> = assignment_g
        .iter()
        .map(|a| a.and_then(|(g, _)| (rank[g as usize] != u32::MAX).then_some(rank[g as usize])))
        .collect();

    // Examples: most topic terms, then the highest share of the post's terms in the topic, then the
    // earliest post; distinct texts only.
    let mut candidates: Vec<Vec<(u32, f64, usize)>> = vec![Vec::new(); topics.len()];
    for (i, a) in assignment.iter().enumerate() {
        if let (Some(r), Some((_, k))) = (a, assignment_g[i]) {
            let share = k as f64 / post_ids[i].len().max(1) as f64;
            candidates[*r as usize].push((k, share, i));
        }
    }
    for (topic, mut c) in topics.iter_mut().zip(candidates) {
        c.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut seen: Vec<&Vec<String>> = Vec::new();
        for (_, _, i) in c {
            if topic.examples.len() >= opts.examples {
                break;
            }
            if seen.contains(&&per_post[i]) {
                continue;
            }
            seen.push(&per_post[i]);
            topic.examples.push(i);
        }
    }
    Discovered {
        topics,
        assignment,
        vocabulary: vocab.len(),
        links: edges.len(),
    }
}

/// Louvain communities of the term graph (`earshot_graph::louvain`); a term without links is a community
/// of its own. Every term alone if the resolution is not a positive number. Terms are visited in id order
/// (most frequent first), as before Louvain moved to earshot-graph, so discovered topics stay as they were.
fn communities(n: usize, edges: &[(u32, u32, f64)], resolution: f64) -> Vec<u32> {
    let alone = || (0..n as u32).collect();
    // Cannot fail on ids below `n` (< max_terms) and positive finite NPMI weights.
    let Ok(graph) = UndirectedGraph::from_edges(n as u32, edges.iter().copied()) else {
        return alone();
    };
    let opts = LouvainOptions {
        resolution,
        seed: None,
        ..LouvainOptions::default()
    };
    louvain(&graph, &opts).map_or_else(|_| alone(), |p| p.community)
}

/// Terms looked at when making a label.
const LABEL_TERMS: usize = 6;

/// For each group, how often two of its first [`LABEL_TERMS`] keywords stand side by side, in order, in
/// its posts, and how often each occurs there: `(pairs, occurrences)`, keyed by the terms' positions
/// among those first terms.
type PhraseCounts = (FxHashMap<(u32, u32), u32>, FxHashMap<u32, u32>);

fn adjacent_pairs(
    posts: &[PostTerms],
    assignment: &[Option<(u32, u32)>],
    groups: &[Vec<u32>],
    vocab: &[(&str, u32)],
) -> Vec<PhraseCounts> {
    let tops: Vec<FxHashMap<&str, u32>> = groups
        .iter()
        .map(|g| {
            g.iter()
                .take(LABEL_TERMS)
                .enumerate()
                .map(|(pos, &t)| (vocab[t as usize].0, pos as u32))
                .collect()
        })
        .collect();
    let mut out: Vec<PhraseCounts> = vec![Default::default(); groups.len()];
    for (p, a) in posts.iter().zip(assignment) {
        let Some((g, _)) = a else { continue };
        let (top, (pairs, occ)) = (&tops[*g as usize], &mut out[*g as usize]);
        let ids: Vec<Option<u32>> = p
            .words
            .iter()
            .map(|w| top.get(w.as_str()).copied())
            .collect();
        for id in ids.iter().flatten() {
            *occ.entry(*id).or_default() += 1;
        }
        for w in ids.windows(2) {
            if let [Some(a), Some(b)] = w {
                if a != b {
                    *pairs.entry((*a, *b)).or_default() += 1;
                }
            }
        }
    }
    out
}

/// Up to three label units from a topic's most central terms, joining two terms into one phrase when they
/// stand side by side in that order in at least half the topic's posts that hold the rarer of them
/// ("san" and "francisco" become "san francisco").
fn label_units(terms: &[(String, f64)], (pairs, occ): &PhraseCounts) -> Vec<String> {
    let top: Vec<&str> = terms
        .iter()
        .take(LABEL_TERMS)
        .map(|(t, _)| t.as_str())
        .collect();
    let mut units = Vec::new();
    let mut used = vec![false; top.len()];
    for i in 0..top.len() {
        if used[i] || units.len() == 3 {
            continue;
        }
        used[i] = true;
        let mut unit = top[i].to_owned();
        let mut best: Option<(usize, bool, u32)> = None;
        for (j, _) in used.iter().enumerate().filter(|(_, u)| !**u) {
            for (forward, (a, b)) in [(true, (i, j)), (false, (j, i))] {
                let n = pairs.get(&(a as u32, b as u32)).copied().unwrap_or(0);
                let occurs = |k: usize| occ.get(&(k as u32)).copied().unwrap_or(0);
                if n >= 3 && 2 * n >= occurs(a).min(occurs(b)) && best.is_none_or(|(_, _, m)| n > m)
                {
                    best = Some((j, forward, n));
                }
            }
        }
        if let Some((j, forward, _)) = best {
            used[j] = true;
            unit = if forward {
                format!("{} {}", top[i], top[j])
            } else {
                format!("{} {}", top[j], top[i])
            };
        }
        units.push(unit);
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::extract;

    #[test]
    fn labels_join_words_that_stand_together() {
        let mut texts = Vec::new();
        for i in 0..40 {
            texts.push(match i % 4 {
                0 => "sunset at san francisco bay".to_owned(),
                1 => "san francisco fog and the bay".to_owned(),
                2 => "bay views, san francisco".to_owned(),
                _ => format!("pizza pasta lasagna night{i}"),
            });
        }
        texts.extend((0..15).map(|i| format!("pasta and pizza with friend{i}")));
        let posts: Vec<PostTerms> = texts.iter().map(|t| extract(t)).collect();
        let d = discover(
            &posts,
            &DiscoverOptions {
                min_terms: 3,
                ..DiscoverOptions::default()
            },
        );
        let sf = d
            .topics
            .iter()
            .find(|t| t.label.contains("francisco"))
            .expect("a San Francisco topic");
        assert!(
            sf.label.starts_with("san francisco") || sf.label.contains("/ san francisco"),
            "{}",
            sf.label
        );
        assert!(
            sf.key.ends_with("sanfrancisco") || sf.key.ends_with("bay"),
            "{}",
            sf.key
        );
        let food = d
            .topics
            .iter()
            .find(|t| t.label.contains("pizza"))
            .expect("a food topic");
        assert!(
            !food.label.contains("pizza pasta") && !food.label.contains("pasta pizza"),
            "{}",
            food.label
        );
    }

    #[test]
    fn discovers_planted_topics_and_ignores_noise() {
        // Two planted topics of four words each, each post using three of its topic's words plus noise.
        let a = ["snow", "santa", "reindeer", "#xmas"];
        let b = ["goal", "striker", "penalty", "#football"];
        let mut texts = Vec::new();
        for i in 0..60usize {
            let t = if i % 2 == 0 { &a } else { &b };
            let pick: Vec<&str> = (0..3).map(|k| t[(i / 2 + k) % 4]).collect();
            texts.push(format!(
                "{} everywhere filler{i} {}",
                pick.join(" "),
                pick[0]
            ));
        }
        let posts: Vec<PostTerms> = texts.iter().map(|t| extract(t)).collect();
        let d = discover(
            &posts,
            &DiscoverOptions {
                min_terms: 3,
                ..DiscoverOptions::default()
            },
        );
        assert_eq!(d.topics.len(), 2, "{:#?}", d.topics);
        for topic in &d.topics {
            let terms: Vec<&str> = topic.terms.iter().map(|(t, _)| t.as_str()).collect();
            let planted = if terms.contains(&"snow") { &a } else { &b };
            assert_eq!(terms.len(), 4, "{terms:?}");
            assert!(planted.iter().all(|w| terms.contains(w)), "{terms:?}");
            assert_eq!(topic.posts, 30);
            assert_eq!(topic.examples.len(), 3);
        }
        assert!(d.assignment.iter().all(Option::is_some));
        let tax = d.to_taxonomy(10);
        assert!(tax.topics.values().any(|t| t.hashtags == ["xmas"]));
        tax.compile("discovered").unwrap();
    }
}
