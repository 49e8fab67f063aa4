//! Copies of earlier posts: a post whose content is contained in an earlier post of its own thread, or
//! in an earlier post of its own author's anywhere.
//!
//! Why: [`crate::reply_copy_kind`] catches a reply that pastes back the post it answers. Engagement
//! farms also paste *another commenter's* text under the same post ("Nice post, " + a sibling's
//! comment), and accounts repeat their own earlier posts under other people's threads. Both look
//! like conversation and are not.
//!
//! **The measure** is [`crate::reply_overlap`]'s, with "the parent" generalised to "an earlier
//! candidate": a word of the post is *copied* when it lies in a run of [`SHINGLE_WORDS`] consecutive
//! words that also occurs in the candidate; only content words count (stopwords, thanks, reactions and
//! compliment or link padding never count as added), so a compliment or a link before or after the
//! copy does not hide it, and a dropped or swapped word leaves the words around it copied. A post
//! copies a candidate when at least [`CONTAINED_MIN_COPIED_WORDS`] of its content words are copied
//! (or, for text of small words, [`CONTAINED_MIN_COPIED_RUN_WORDS`] of its words) and fewer than
//! [`COPY_MAX_NEW_SHARE`] of its content words are its own. An answer that quotes a line and adds an
//! answer of its own keeps a larger share of new words and stays a quote.
//!
//! **Candidates** ([`CopyIndex`]): posts earlier than the post (by time, ties by id) that
//!
//! * share its **thread**: the root reached by following `reply_to` (else `quote_of`) from post to
//!   post while the parent is known; posts answering one unknown post share that post as their root.
//!   Siblings, the root and any earlier reply of the thread are candidates;
//! * or have the same **author**, anywhere.
//!
//! The post it replies to is judged apart, exactly as [`crate::reply_copy_kind`] judges it (no
//! minimum length, no time order), so [`CopyRelation::Parent`] means what `CopiesParent` always
//! meant. Old-style retweets (`RT @x: …`, [`crate::is_bare_retweet`]) are neither copies nor sources
//! of thread and author copies: they repeat by definition, and are reshares, not posts of their own.
//!
//! **Efficiency**: an inverted index from (thread or author, 3-word shingle) to the posts of that group
//! holding the shingle, in time order. A post is compared only with candidates sharing at least two of
//! its shingles (fewer cannot copy [`CONTAINED_MIN_COPIED_WORDS`] content words), and with the
//! [`CANDIDATES_PER_POST`] sharing the most. Two caps bound the work on hot shingles and long posts:
//! each shingle contributes only the [`POSTINGS_PER_SHINGLE`] most recent earlier posts of the group
//! (a copy of a post that has been repeated more often than that is also a copy of one of the recent
//! repeats, so it is still found, with a later source), and a post is looked up by at most
//! [`QUERY_SHINGLES`] of its shingles and indexed by at most [`INDEX_SHINGLES`] (the smallest hashes:
//! a sample that is the same for a text wherever it appears, so a copy and its source agree on it).
//! Building sorts one entry per post, shingle and group and keeps the keys held by more than one
//! post, each found by one hash look-up; a post's look-up is two of those per shingle, a binary search
//! within each (for the posts before it) and at most [`CANDIDATES_PER_POST`] overlaps. [`CopyIndex::find`] takes `&self` and depends only on the
//! index, so callers may run it over posts in parallel and get the same answer.

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::authored::is_bare_retweet;
use crate::copy::{
    count_copied, overlap_of_words, ReplyOverlap, COPY_MAX_NEW_SHARE, QUOTE_MIN_COPIED_WORDS,
};
use crate::dup::{normal_words, shingle_hash, Word, SHINGLE_WORDS};
use crate::CopyKind;

/// A post copies an earlier post of its thread or of its author only with at least this many copied
/// content words. Four is a sentence: shorter shared phrases ("happy birthday, have a great day",
/// "congrats on the new job") are written independently by many people under one post, and repeated
/// by one person from day to day, without copying anyone.
pub const CONTAINED_MIN_COPIED_WORDS: usize = 4;

/// Earlier posts per (group, shingle) looked at: the most recent ones (see the module docs).
pub const POSTINGS_PER_SHINGLE: usize = 64;

/// Candidates compared per post: those sharing the most shingles with it.
pub const CANDIDATES_PER_POST: usize = 8;

/// Shingles a post is looked up by (its smallest hashes).
pub const QUERY_SHINGLES: usize = 128;

/// Shingles a post is indexed by (its smallest hashes); more than [`QUERY_SHINGLES`], so a short copy
/// of a long post still finds it.
pub const INDEX_SHINGLES: usize = 512;

/// How a copy relates to the post it copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CopyRelation {
    /// The post it replies to.
    Parent,
    /// Another answer to the same post.
    Sibling,
    /// Another earlier post of its thread: the root, an earlier reply further up or down.
    Thread,
    /// The same author's earlier post outside the thread.
    OwnPost,
}

impl CopyRelation {
    /// A lower-case name for reports (`parent`, `sibling`, `thread`, `own_post`).
    pub fn as_str(self) -> &'static str {
        match self {
            CopyRelation::Parent => "parent",
            CopyRelation::Sibling => "sibling",
            CopyRelation::Thread => "thread",
            CopyRelation::OwnPost => "own_post",
        }
    }
}

/// A post's text, normalised for the copy measure once: its words and the hashes of its 3-word runs.
/// Making these is the per-post work; callers may make them in parallel.
#[derive(Clone, Debug, Default)]
pub struct CopyText {
    words: Vec<Word>,
    /// The hash of every run of [`SHINGLE_WORDS`] words, in order (empty under that many words).
    runs: Vec<u64>,
    /// The same, sorted and distinct.
    distinct: Vec<u64>,
    retweet: bool,
}

impl CopyText {
    /// Normalises `text` (see [`crate::shingles`] for what is dropped).
    pub fn new(text: &str) -> Self {
        let words = normal_words(text);
        let runs: Vec<u64> = if words.len() >= SHINGLE_WORDS {
            words.windows(SHINGLE_WORDS).map(shingle_hash).collect()
        } else {
            Vec::new()
        };
        let mut distinct = runs.clone();
        distinct.sort_unstable();
        distinct.dedup();
        CopyText {
            words,
            runs,
            distinct,
            retweet: is_bare_retweet(text),
        }
    }

    /// Copied and new content words of this text against `source`, by runs of
    /// `min(SHINGLE_WORDS, source's words)` words: [`crate::reply_overlap`]'s counts.
    pub fn overlap(&self, source: &CopyText) -> ReplyOverlap {
        if source.words.len() < SHINGLE_WORDS || self.runs.is_empty() {
            return overlap_of_words(&self.words, &source.words);
        }
        let k = SHINGLE_WORDS;
        let last_run = self.runs.len() - 1;
        let hit: Vec<bool> = self
            .runs
            .iter()
            .map(|h| source.distinct.binary_search(h).is_ok())
            .collect();
        count_copied(&self.words, |i| {
            (i.saturating_sub(k - 1)..=i.min(last_run)).any(|s| hit[s])
        })
    }
}

/// One post as the copy check reads it.
#[derive(Clone, Debug)]
pub struct CopyPost {
    pub id: i64,
    pub author: i64,
    /// Any monotone clock (seconds since the epoch in earshot).
    pub time: i64,
    pub reply_to: Option<i64>,
    pub quote_of: Option<i64>,
    pub text: CopyText,
}

/// What a post copies: the earlier post, how they relate, and the counts behind the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopyMatch {
    /// The copied post's id.
    pub source: i64,
    pub relation: CopyRelation,
    pub overlap: ReplyOverlap,
}

/// A post of small words ("thank you! what about Paris? could we arrange something from there?") copies
/// an earlier one with fewer than [`CONTAINED_MIN_COPIED_WORDS`] content words when at least this many
/// of its words in a row, of any kind but stock padding, are copied (and two content words): a
/// sentence repeated word for word is a copy whatever its words; short stock phrases are shorter.
pub const CONTAINED_MIN_COPIED_RUN_WORDS: usize = 8;

/// Whether `o` makes a post a copy of an earlier thread or author post (see the module docs).
fn contained(o: &ReplyOverlap) -> bool {
    let long_enough = o.copied >= CONTAINED_MIN_COPIED_WORDS
        || (o.copied_words >= CONTAINED_MIN_COPIED_RUN_WORDS && o.copied >= QUOTE_MIN_COPIED_WORDS);
    long_enough && o.new_share() < COPY_MAX_NEW_SHARE
}

/// The kind of group an index key belongs to.
const THREAD: u64 = 1;
const AUTHOR: u64 = 2;

/// The index key of a shingle within a group (a thread root or an author).
fn posting_key(kind: u64, group: i64, shingle: u64) -> u64 {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&group.to_le_bytes());
    bytes[8..].copy_from_slice(&shingle.to_le_bytes());
    xxh3_64_with_seed(&bytes, kind)
}

/// The copy check over a batch of posts: thread roots, time order and the inverted index (see the
/// module docs). Posts are addressed by their position in the batch given to [`CopyIndex::new`].
#[derive(Debug)]
pub struct CopyIndex {
    posts: Vec<CopyPost>,
    /// Each post's position in (time, id) order.
    rank: Vec<u32>,
    /// Each post's thread root id.
    roots: Vec<i64>,
    /// (rank, post) of the keys held by more than one post, each key's posts in time order.
    postings: Vec<(u32, u32)>,
    /// Each such key's run in `postings`: (start, length).
    runs: FxHashMap<u64, (u32, u32)>,
    by_id: FxHashMap<i64, u32>,
}

impl CopyIndex {
    /// Indexes `posts`. Ids should be distinct; of repeated ids the last one is the one parents
    /// resolve to. Batches are limited to `u32::MAX - 1` posts; posts beyond are never copies or
    /// sources.
    pub fn new(mut posts: Vec<CopyPost>) -> Self {
        posts.truncate(u32::MAX as usize - 1);
        let n = posts.len();
        let by_id: FxHashMap<i64, u32> = posts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i as u32))
            .collect();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by_key(|&i| (posts[i as usize].time, posts[i as usize].id, i));
        let mut rank = vec![0u32; n];
        for (r, &i) in order.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        let roots = thread_roots(&posts, &by_id);
        let mut postings = Vec::new();
        for (i, p) in posts.iter().enumerate() {
            if p.text.retweet {
                continue;
            }
            for &h in p.text.distinct.iter().take(INDEX_SHINGLES) {
                postings.push((posting_key(THREAD, roots[i], h), rank[i], i as u32));
                postings.push((posting_key(AUTHOR, p.author, h), rank[i], i as u32));
            }
        }
        postings.sort_unstable();
        // A key held by one post gives nobody a candidate: keep only keys held by several, and find
        // each key's run by one hash look-up rather than binary searches over every posting.
        let mut kept = Vec::new();
        let mut runs = FxHashMap::default();
        for run in postings.chunk_by(|a, b| a.0 == b.0) {
            if run.len() > 1 {
                runs.insert(run[0].0, (kept.len() as u32, run.len() as u32));
                kept.extend(run.iter().map(|e| (e.1, e.2)));
            }
        }
        CopyIndex {
            posts,
            rank,
            roots,
            postings: kept,
            runs,
            by_id,
        }
    }

    /// Number of posts.
    pub fn len(&self) -> usize {
        self.posts.len()
    }

    /// Whether there are no posts.
    pub fn is_empty(&self) -> bool {
        self.posts.is_empty()
    }

    /// The post at position `i`.
    pub fn post(&self, i: usize) -> Option<&CopyPost> {
        self.posts.get(i)
    }

    /// The id of the root of post `i`'s thread (its own id when it answers nothing).
    pub fn root(&self, i: usize) -> Option<i64> {
        self.roots.get(i).copied()
    }

    /// What post `i` copies, if anything: its parent (judged as [`crate::reply_copy_kind`] does),
    /// else the earlier post of its thread or author it copies with the smallest share of new words
    /// (ties: thread before author, then the earliest). `None` for a post out of range.
    pub fn find(&self, i: usize) -> Option<CopyMatch> {
        let p = self.posts.get(i)?;
        if let Some(&parent) = p.reply_to.as_ref().and_then(|r| self.by_id.get(r)) {
            let o = p.text.overlap(&self.posts[parent as usize].text);
            if o.kind() == CopyKind::CopiesParent {
                return Some(CopyMatch {
                    source: self.posts[parent as usize].id,
                    relation: CopyRelation::Parent,
                    overlap: o,
                });
            }
        }
        if p.text.retweet || p.text.distinct.len() < 2 {
            return None;
        }
        let mut best: Option<(f32, CopyRelation, u32, CopyMatch)> = None;
        for (c, relation) in self.candidates(i) {
            let source = &self.posts[c as usize];
            let o = p.text.overlap(&source.text);
            if !contained(&o) {
                continue;
            }
            let key = (o.new_share(), relation, self.rank[c as usize]);
            let better = best.as_ref().is_none_or(|b| {
                key.0
                    .total_cmp(&b.0)
                    .then(key.1.cmp(&b.1))
                    .then(key.2.cmp(&b.2))
                    .is_lt()
            });
            if better {
                let m = CopyMatch {
                    source: source.id,
                    relation,
                    overlap: o,
                };
                best = Some((key.0, key.1, key.2, m));
            }
        }
        best.map(|b| b.3)
    }

    /// Post `i`'s candidates with their relation: earlier posts of its thread or author sharing at
    /// least two of its shingles, the [`CANDIDATES_PER_POST`] sharing the most (ties: the earliest).
    /// Its parent is not one: it is judged apart.
    fn candidates(&self, i: usize) -> Vec<(u32, CopyRelation)> {
        let p = &self.posts[i];
        let me = self.rank[i];
        let mut hits: Vec<(u32, u64)> = Vec::new();
        for &h in p.text.distinct.iter().take(QUERY_SHINGLES) {
            for (kind, group) in [(THREAD, self.roots[i]), (AUTHOR, p.author)] {
                let list = self.postings_of(posting_key(kind, group, h));
                let end = list.partition_point(|e| e.0 < me);
                for e in &list[end.saturating_sub(POSTINGS_PER_SHINGLE)..end] {
                    hits.push((e.1, h));
                }
            }
        }
        // Distinct shingles shared per candidate.
        hits.sort_unstable();
        hits.dedup();
        let parent = p.reply_to.and_then(|r| self.by_id.get(&r).copied());
        let mut scored: Vec<(usize, u32, u32, CopyRelation)> = Vec::new();
        for run in hits.chunk_by(|a, b| a.0 == b.0) {
            let c = run[0].0;
            if run.len() < 2 || Some(c) == parent || c as usize == i {
                continue;
            }
            let Some(relation) = self.relation(i, c as usize) else {
                continue; // a hash collision put it in a group it is not in
            };
            scored.push((run.len(), self.rank[c as usize], c, relation));
        }
        scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(CANDIDATES_PER_POST);
        scored.into_iter().map(|s| (s.2, s.3)).collect()
    }

    /// How candidate `c` relates to post `i`: same thread (a sibling when both answer one post), else
    /// same author; `None` when neither.
    fn relation(&self, i: usize, c: usize) -> Option<CopyRelation> {
        let (p, q) = (&self.posts[i], &self.posts[c]);
        if self.roots[i] == self.roots[c] {
            let parent = |x: &CopyPost| x.reply_to.or(x.quote_of);
            return Some(match (parent(p), parent(q)) {
                (Some(a), Some(b)) if a == b => CopyRelation::Sibling,
                _ => CopyRelation::Thread,
            });
        }
        (p.author == q.author).then_some(CopyRelation::OwnPost)
    }

    /// The (rank, post) postings of one key, in time order (none for a key held by one post).
    fn postings_of(&self, key: u64) -> &[(u32, u32)] {
        match self.runs.get(&key) {
            Some(&(start, len)) => &self.postings[start as usize..(start + len) as usize],
            None => &[],
        }
    }
}

/// Each post's thread root: follow `reply_to` (else `quote_of`) while the parent is in the batch; the
/// last id reached (known or not) is the root. A cycle's posts take the id where the walk met itself.
fn thread_roots(posts: &[CopyPost], by_id: &FxHashMap<i64, u32>) -> Vec<i64> {
    const UNKNOWN: i64 = i64::MIN;
    let n = posts.len();
    let mut root = vec![UNKNOWN; n];
    let mut done = vec![false; n];
    let mut on_path = vec![false; n];
    let mut path: Vec<usize> = Vec::new();
    for start in 0..n {
        if done[start] {
            continue;
        }
        let mut at = start;
        let found = loop {
            if done[at] {
                break root[at];
            }
            if on_path[at] {
                break posts[at].id;
            }
            on_path[at] = true;
            path.push(at);
            let parent = posts[at].reply_to.or(posts[at].quote_of);
            match parent {
                None => break posts[at].id,
                Some(pid) => match by_id.get(&pid) {
                    Some(&j) => at = j as usize,
                    None => break pid,
                },
            }
        };
        for &k in &path {
            root[k] = found;
            done[k] = true;
            on_path[k] = false;
        }
        path.clear();
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "The council approved the new cycle lane on Mill Road, work starts in March";
    const SIBLING: &str = "Finally some good news, the buses will get their own lane and the \
                           junction by the station is being redesigned too";
    const OTHER: &str = "I drove down there yesterday and the potholes near the bakery are worse \
                         than ever, nobody is fixing them";

    fn post(id: i64, author: i64, time: i64, reply_to: Option<i64>, text: &str) -> CopyPost {
        CopyPost {
            id,
            author,
            time,
            reply_to,
            quote_of: None,
            text: CopyText::new(text),
        }
    }

    fn find_all(posts: Vec<CopyPost>) -> Vec<Option<CopyMatch>> {
        let idx = CopyIndex::new(posts);
        (0..idx.len()).map(|i| idx.find(i)).collect()
    }

    #[test]
    fn a_padded_copy_of_a_sibling_is_found_with_its_source() {
        let got = find_all(vec![
            post(1, 10, 0, None, ROOT),
            post(2, 11, 10, Some(1), SIBLING),
            post(3, 12, 20, Some(1), OTHER),
            post(4, 13, 30, Some(1), &format!("Nice post, {SIBLING}")),
            post(5, 14, 40, Some(1), &format!("{OTHER} https://t.co/x 🔥")),
        ]);
        assert_eq!(got[..3], [None, None, None]);
        let m = got[3].unwrap();
        assert_eq!((m.source, m.relation), (2, CopyRelation::Sibling));
        assert_eq!(m.overlap.new, 0);
        assert_eq!(got[4].unwrap().source, 3);
    }

    #[test]
    fn light_rewording_does_not_hide_a_copy() {
        let dropped = SIBLING.replace(" good", "");
        let swapped = SIBLING.replace("redesigned", "rebuilt");
        for copy in [dropped, swapped] {
            let got = find_all(vec![
                post(1, 10, 0, None, ROOT),
                post(2, 11, 10, Some(1), SIBLING),
                post(3, 13, 30, Some(1), &copy),
            ]);
            let m = got[2].unwrap_or_else(|| panic!("{copy:?} not found"));
            assert_eq!(m.source, 2);
        }
    }

    #[test]
    fn quote_answers_and_later_posts_are_not_copies() {
        let answer = format!(
            "> {} Not true: buses lose their lane at the junction and the council never asked \
             the residents who live on the road what they wanted or needed",
            &SIBLING[..60]
        );
        let got = find_all(vec![
            post(1, 10, 0, None, ROOT),
            post(2, 11, 10, Some(1), SIBLING),
            post(3, 12, 20, Some(2), &answer),
            post(
                4,
                13,
                30,
                Some(1),
                &format!(
                    "{} I disagree, the station junction plan was dropped last year after the \
                     consultation and there is no money left for it",
                    &SIBLING[..60]
                ),
            ),
        ]);
        assert_eq!(got[2], None, "a quote-answer to its parent");
        assert_eq!(got[3], None, "a quote-answer of an earlier sibling");
        // The earlier of two equal posts is the original; ties in time go by id.
        let got = find_all(vec![
            post(7, 11, 10, Some(1), SIBLING),
            post(6, 12, 10, Some(1), SIBLING),
            post(1, 10, 0, None, ROOT),
        ]);
        assert_eq!(got[0].unwrap().source, 6);
        assert_eq!(got[1], None);
    }

    #[test]
    fn parents_are_judged_as_reply_copy_kind_judges_them() {
        let got = find_all(vec![
            post(1, 10, 0, None, "sunset brighton"),
            post(2, 11, 10, Some(1), "Great post! Sunset Brighton"),
            post(3, 10, 20, None, ROOT),
            post(4, 12, 5, Some(3), &format!("{ROOT} https://t.co/x")),
        ]);
        assert_eq!(got[1].unwrap().relation, CopyRelation::Parent);
        // A parent copy is found whatever the clocks say.
        assert_eq!(got[3].unwrap().source, 3);
        assert_eq!(
            CopyText::new("Great post! Sunset Brighton").overlap(&CopyText::new("sunset brighton")),
            crate::reply_overlap("Great post! Sunset Brighton", "sunset brighton")
        );
    }

    #[test]
    fn sentences_of_small_words_repeated_are_copies() {
        let small = "What about Paris? Could we arrange something from there?";
        let got = find_all(vec![
            post(1, 10, 0, None, ROOT),
            post(2, 11, 10, Some(1), &format!("@x Thank you! {small}")),
            post(3, 12, 20, Some(1), &format!("Nice post, {small}")),
        ]);
        let m = got[2].unwrap();
        assert!(m.overlap.copied < CONTAINED_MIN_COPIED_WORDS, "{m:?}");
        assert_eq!(m.source, 2);
    }

    #[test]
    fn own_earlier_posts_elsewhere_and_other_threads() {
        let got = find_all(vec![
            post(1, 10, 0, None, ROOT),
            post(2, 11, 10, Some(1), SIBLING),
            post(
                3,
                20,
                15,
                None,
                "Something else entirely about the weather in Leeds today",
            ),
            // Author 11 repeats itself under another thread: a copy of its own post.
            post(4, 11, 20, Some(3), &format!("{SIBLING}!!")),
            // Author 12 posts the same text in another thread: neither its thread nor its own.
            post(5, 12, 30, Some(3), &format!("wow {OTHER}")),
            post(6, 13, 40, None, &format!("wow {OTHER}")),
        ]);
        let m = got[3].unwrap();
        assert_eq!((m.source, m.relation), (2, CopyRelation::OwnPost));
        assert_eq!(got[4], None);
        assert_eq!(got[5], None);
    }

    #[test]
    fn short_shared_phrases_and_retweets_are_not_copies() {
        let got = find_all(vec![
            post(1, 10, 0, None, ROOT),
            post(2, 11, 10, Some(1), "happy birthday, have a great day"),
            post(3, 12, 20, Some(1), "Happy birthday!! have a great day 🎉"),
            post(6, 15, 50, Some(1), "thank you, what a day"),
            post(7, 16, 60, Some(1), "Thank you!! What a day"),
            post(4, 13, 30, Some(1), &format!("RT @x: {SIBLING}")),
            post(5, 14, 40, Some(1), &format!("RT @y: {SIBLING}")),
        ]);
        assert!(got.iter().all(Option::is_none), "{got:?}");
    }

    #[test]
    fn roots_follow_replies_and_quotes_and_survive_cycles() {
        let mut posts = vec![
            post(1, 1, 0, None, "a"),
            post(2, 1, 1, Some(1), "b"),
            post(3, 1, 2, Some(2), "c"),
            post(4, 1, 3, Some(99), "d"),
            post(5, 1, 4, Some(99), "e"),
            post(6, 1, 5, Some(7), "f"),
            post(7, 1, 6, Some(6), "g"),
            post(8, 1, 7, None, "h"),
        ];
        posts[7].quote_of = Some(3);
        let idx = CopyIndex::new(posts);
        let roots: Vec<i64> = (0..idx.len()).map(|i| idx.root(i).unwrap()).collect();
        assert_eq!(roots[..5], [1, 1, 1, 99, 99]);
        assert_eq!(roots[5], roots[6]);
        assert_eq!(roots[7], 1);
        assert_eq!(idx.find(100), None);
    }

    #[test]
    fn hot_shingles_and_odd_input_stay_bounded() {
        // 500 identical posts in one thread: each is a copy of a recent one, found within the caps.
        let mut posts = vec![post(0, 0, 0, None, ROOT)];
        for k in 1..500 {
            posts.push(post(k, k, k, Some(0), SIBLING));
        }
        let long = "word ".repeat(10_000);
        posts.push(post(1000, 1, 1000, Some(0), &long));
        posts.push(post(1001, 1, 1001, Some(0), &long));
        for (k, odd) in ["", "🔥", "\u{FFFD}\u{0000}", "@a https://t.co/x"]
            .iter()
            .enumerate()
        {
            posts.push(post(2000 + k as i64, 5, 2000, Some(0), odd));
        }
        let got = find_all(posts);
        assert_eq!(got[1], None);
        for m in &got[2..500] {
            assert_eq!(m.unwrap().relation, CopyRelation::Sibling);
        }
        assert!(got[502..].iter().all(Option::is_none));
    }
}
