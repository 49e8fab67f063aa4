//! The copy check over synthetic threads (`earshot bench copies`): each post against the earlier posts
//! of its thread and of its author, as scoring runs it, and all of scoring's post flags (spam, copies,
//! campaigns), per thread count, timed apart from making the posts.
//!
//! The posts: `posts` short texts of 8–30 words (a skewed 5,000-word vocabulary with stopwords,
//! mentions, links and emoji), one in ten a thread's root and the rest replies to a root or to an
//! earlier reply: a fifth of them in the first twenty threads (hot threads of thousands of replies),
//! the others in a skewed choice of threads, by a skewed choice of 20,000 authors (a few post
//! thousands of times). Planted: 4% copies of an earlier reply of
//! the same thread ("Nice post, " in front, a link after, or one word changed), 1% replies copying
//! their parent with a link, and 1% authors repeating their own earlier post in another thread. The
//! report says how many of the planted copies the check found.

use super::median_run_on;
use crate::error::{FieldStyle, UsageError};
use crate::sources::{find_copies, flag_posts};
use anyhow::Result;
use earshot_score::PostInfo;
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// How many posts, from which seed, timed how.
#[derive(Debug, Clone)]
pub struct CopiesBenchRequest {
    pub posts: usize,
    pub seed: u64,
    /// Timed runs per stage and thread count; the median is reported.
    pub runs: usize,
    pub threads: Vec<usize>,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

/// One stage's speed on one thread count.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CopiesStageResult {
    pub threads: usize,
    /// `copies` (the copy check alone) or `all flags` (spam, copies and campaigns).
    pub stage: String,
    pub median_seconds: f64,
    pub posts_per_second: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CopiesBenchReport {
    pub posts: usize,
    /// Conversation threads (roots).
    pub conversations: usize,
    pub authors: usize,
    /// Replies in the largest thread.
    pub largest_thread: usize,
    /// Posts by the most prolific author.
    pub most_posts_by_one_author: usize,
    pub seed: u64,
    /// Copies planted, and how many of them the check found as copies.
    pub planted: usize,
    pub planted_found: usize,
    /// Posts the check found to copy something (planted or by chance of the vocabulary).
    pub found: usize,
    /// Seconds to make the posts (not part of the timings).
    pub generate_seconds: f64,
    /// The process's peak resident memory after the runs, where the system reports it.
    pub peak_rss_kib: Option<u64>,
    pub results: Vec<CopiesStageResult>,
}

/// Authors of the synthetic posts.
const AUTHORS: usize = 20_000;
const VOCABULARY: usize = 5_000;
/// Threads that draw a fifth of all replies.
const HOT_THREADS: usize = 20;
const STOPWORDS: &[&str] = &[
    "the", "and", "to", "a", "of", "in", "is", "for", "it", "on", "with", "that",
];

/// A uniform draw in `[0, 1)`.
fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn below(rng: &mut Xoshiro256PlusPlus, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n.max(1) as u128) >> 64) as usize
}

/// A skewed draw in `[0, n)`: cubing a uniform favours small indices.
fn skewed(rng: &mut Xoshiro256PlusPlus, n: usize) -> usize {
    let u = unit(rng);
    ((u * u * u) * n as f64) as usize
}

/// A fresh text of 8–30 words.
fn text(rng: &mut Xoshiro256PlusPlus) -> String {
    let len = 8 + below(rng, 23);
    let mut t = String::new();
    if below(rng, 3) == 0 {
        t.push_str("@someone ");
    }
    for j in 0..len {
        if j > 0 {
            t.push(' ');
        }
        if below(rng, 10) < 3 {
            t.push_str(STOPWORDS[below(rng, STOPWORDS.len())]);
        } else {
            t.push_str(&format!("w{:x}q", skewed(rng, VOCABULARY)));
        }
    }
    if below(rng, 4) == 0 {
        t.push_str(" https://t.co/abc");
    }
    if below(rng, 5) == 0 {
        t.push_str(" 🔥");
    }
    t
}

/// One word of `text` (not the first) changed.
fn edited(rng: &mut Xoshiro256PlusPlus, text: &str) -> String {
    let mut w: Vec<&str> = text.split(' ').collect();
    let k = 1 + below(rng, w.len().saturating_sub(1));
    if k < w.len() {
        w[k] = "edited";
    }
    w.join(" ")
}

/// The synthetic posts (see the module docs), keyed by id = position, and the ids of the planted
/// copies.
pub(crate) struct Synthetic {
    pub posts: FxHashMap<i64, PostInfo>,
    pub planted: Vec<i64>,
    pub conversations: usize,
    pub largest_thread: usize,
    pub most_by_one: usize,
}

pub(crate) fn synthetic_posts(n: usize, seed: u64) -> Synthetic {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut posts: FxHashMap<i64, PostInfo> = FxHashMap::default();
    let mut planted = Vec::new();
    // Each thread's posts, and each author's posts (ids).
    let mut threads: Vec<Vec<i64>> = Vec::new();
    let mut thread_of: Vec<usize> = Vec::with_capacity(n);
    let mut by_author: Vec<Vec<i64>> = vec![Vec::new(); AUTHORS];
    for i in 0..n {
        let id = i as i64;
        let time = 1_700_000_000 + i as i64;
        let author = skewed(&mut rng, AUTHORS);
        let roll = below(&mut rng, 100);
        let (text, reply_to, thread) = if threads.is_empty() || roll < 10 {
            threads.push(Vec::new());
            (text(&mut rng), None, threads.len() - 1)
        } else {
            // A fifth of the replies go to the first twenty threads (a few hot threads with thousands
            // of replies), the rest to a skewed choice, the newest most often.
            let th = if below(&mut rng, 5) == 0 {
                skewed(&mut rng, threads.len().min(HOT_THREADS))
            } else {
                threads.len() - 1 - skewed(&mut rng, threads.len())
            };
            let members = &threads[th];
            let root = members[0];
            let parent = if members.len() > 1 && below(&mut rng, 3) == 0 {
                members[members.len() - 1 - below(&mut rng, members.len().min(5))]
            } else {
                root
            };
            let siblings: Vec<i64> = members.iter().copied().filter(|&m| m != root).collect();
            if roll < 14 && !siblings.is_empty() {
                let s = siblings[siblings.len() - 1 - skewed(&mut rng, siblings.len())];
                let src = posts[&s].text.clone().unwrap_or_default();
                let copy = match below(&mut rng, 3) {
                    0 => format!("Nice post, {src}"),
                    1 => format!("{src} https://t.co/{:x}", rng.next_u64() >> 40),
                    _ => edited(&mut rng, &src),
                };
                planted.push(id);
                (copy, posts[&s].reply_to, th)
            } else if roll < 15 {
                let src = posts[&parent].text.clone().unwrap_or_default();
                planted.push(id);
                (format!("{src} https://t.co/x"), Some(parent), th)
            } else if roll < 16 && !by_author[author].is_empty() {
                let mine = &by_author[author];
                let own = mine[below(&mut rng, mine.len())];
                if thread_of[own as usize] == th {
                    (text(&mut rng), Some(parent), th)
                } else {
                    planted.push(id);
                    (
                        posts[&own].text.clone().unwrap_or_default(),
                        Some(parent),
                        th,
                    )
                }
            } else {
                (text(&mut rng), Some(parent), th)
            }
        };
        threads[thread].push(id);
        thread_of.push(thread);
        by_author[author].push(id);
        posts.insert(
            id,
            PostInfo {
                author: author as i64,
                time,
                text: Some(text),
                reply_to,
                quote_of: None,
            },
        );
    }
    Synthetic {
        posts,
        planted,
        conversations: threads.len(),
        largest_thread: threads
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(0)
            .saturating_sub(1),
        most_by_one: by_author.iter().map(Vec::len).max().unwrap_or(0),
    }
}

/// Makes the posts, then times the copy check and all flags on each thread count.
pub fn bench_copies(req: &CopiesBenchRequest, note: &dyn Fn(&str)) -> Result<CopiesBenchReport> {
    super::check_threads(&req.threads, req.fields)?;
    if req.posts == 0 {
        return Err(UsageError(format!("{} must be at least 1", req.fields.name("posts"))).into());
    }
    let started = std::time::Instant::now();
    let s = synthetic_posts(req.posts, req.seed);
    let generate_seconds = started.elapsed().as_secs_f64();
    note(&format!(
        "{} posts in {} threads (largest {} replies), {} planted copies, made in {:.2} s",
        s.posts.len(),
        s.conversations,
        s.largest_thread,
        s.planted.len(),
        generate_seconds
    ));
    let mut results = Vec::new();
    let mut copies = Vec::new();
    for &k in &req.threads {
        let (median, found) = median_run_on(k, req.runs, || Ok(find_copies(&s.posts)))?;
        copies = found;
        results.push(CopiesStageResult {
            threads: k,
            stage: "copies".into(),
            median_seconds: median,
            posts_per_second: s.posts.len() as f64 / median,
        });
        let (median, flags) = median_run_on(k, req.runs, || Ok(flag_posts(&s.posts)))?;
        std::hint::black_box(flags.len());
        results.push(CopiesStageResult {
            threads: k,
            stage: "all flags".into(),
            median_seconds: median,
            posts_per_second: s.posts.len() as f64 / median,
        });
    }
    let found: FxHashSet<i64> = copies
        .iter()
        .filter(|(_, m)| m.is_some())
        .map(|(id, _)| *id)
        .collect();
    Ok(CopiesBenchReport {
        posts: s.posts.len(),
        conversations: s.conversations,
        authors: s
            .posts
            .values()
            .map(|p| p.author)
            .collect::<FxHashSet<_>>()
            .len(),
        largest_thread: s.largest_thread,
        most_posts_by_one_author: s.most_by_one,
        seed: req.seed,
        planted: s.planted.len(),
        planted_found: s.planted.iter().filter(|id| found.contains(id)).count(),
        found: found.len(),
        generate_seconds,
        peak_rss_kib: crate::peak_rss_kib(),
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planted_copies_are_found_and_the_posts_are_the_same_for_a_seed() {
        let a = synthetic_posts(3_000, 7);
        let b = synthetic_posts(3_000, 7);
        assert_eq!(a.posts, b.posts);
        assert!(a.planted.len() > 60, "{}", a.planted.len());
        let req = CopiesBenchRequest {
            posts: 3_000,
            seed: 7,
            runs: 1,
            threads: vec![1, 2],
            fields: FieldStyle::Flags,
        };
        let r = bench_copies(&req, &|_| {}).unwrap();
        assert_eq!(r.planted, a.planted.len());
        assert!(r.planted_found as f64 >= 0.9 * r.planted as f64, "{r:?}");
        assert_eq!(r.results.len(), 4);
        let bad = CopiesBenchRequest {
            threads: vec![0],
            ..req
        };
        assert!(bench_copies(&bad, &|_| {}).is_err());
    }
}
