//! Near-duplicate posts: MinHash signatures over word shingles and an LSH banding index.
//!
//! Why: copy-paste comment farms and spam accounts post the same text many times, each copy dressed
//! with a different @mention, tracking link or stock compliment ("Great post! …"). Exact matching
//! misses them; comparing every pair of 100K posts is 5·10⁹ comparisons. MinHash (Broder 1997) turns
//! each post into a [`Signature`] of [`SIGNATURE_LEN`] numbers whose agreement rate estimates the
//! Jaccard similarity of the posts' shingle sets, and LSH banding ([`NearDupIndex`]) finds the pairs
//! likely to be similar without comparing all of them.
//!
//! **Normalisation** ([`shingles`]): words only, lower-cased (`’` folded to `'`); @mentions, URLs,
//! hashtags, `RT @x` markers, emoji, emoticons and punctuation dropped. Runs of stock words at the
//! start and end of a post (thanks, reactions such as "great"/"love", glue such as "this"/"so", and
//! compliment padding such as "post"/"check"/"here") are trimmed, so "Great post, love this: X" and
//! "X 👍 check it here" shingle like X. Words in the middle stay.
//!
//! **Shingles**: every run of [`SHINGLE_WORDS`] consecutive words, hashed with xxh3. Three words is
//! the usual choice for short texts: two-word shingles make unrelated tweets share "of the", "in
//! the"; four or more leave a 10-word tweet with too few shingles to tolerate one edited word. A post
//! with fewer words than that is one shingle of all its words.
//!
//! Why our own code: the crates on crates.io for this are young (`lshdedup-core` 0.1) or partial and
//! on old dependencies (`datasketch-minhash-lsh` 0.0.1, `gaoya`); the kernel is ~150 lines over
//! `xxhash-rust`, which the workspace already uses.

use std::fmt;

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::lexicon::{
    is_glue, is_laughter, is_padding, is_reaction, is_stopword, is_thanks, lookup, normalize_into,
};
use crate::tokens::{tokenize, TokenKind};

/// Words per shingle (see the module docs for why three).
pub const SHINGLE_WORDS: usize = 3;

/// Number of MinHash values in a [`Signature`]. 64 gives a Jaccard estimate with standard error
/// `sqrt(J(1-J)/64)` ≤ 0.0625, enough to tell a copy (J ≳ 0.7) from a post on the same topic
/// (J ≲ 0.2), and splits evenly into LSH bands of 1, 2, 4, 8, … rows.
pub const SIGNATURE_LEN: usize = 64;

/// Buckets with more members than this report each member paired with the bucket's first member
/// only, not every pair: 10 000 copies of one spam text would otherwise yield 5·10⁷ pairs. The star
/// still connects the whole group, so clustering the pairs (union–find) finds it complete.
pub const STAR_BUCKET_MIN: usize = 64;

/// Errors of the near-duplicate index.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DupError {
    /// The number of LSH bands must be at least 1 and divide [`SIGNATURE_LEN`].
    #[error("LSH bands must divide {SIGNATURE_LEN} and be at least 1, got {0}")]
    Bands(usize),
    /// A similarity threshold outside `[0, 1]` (or NaN).
    #[error("Jaccard threshold must be within [0, 1], got {0}")]
    Threshold(f32),
    /// Post indices are `u32`: an index holds at most `u32::MAX` posts.
    #[error("a near-duplicate index holds at most {} posts", u32::MAX)]
    TooManyPosts,
}

/// One normalised word of a post: its hash and whether it is stock padding or a content word.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Word {
    pub hash: u64,
    /// Thanks, reaction, laughter or compliment/link padding.
    pub stock: bool,
    /// Neither stock nor a stopword nor a single character: a word that says something.
    pub content: bool,
    /// Glue or stopword (used only for trimming).
    pub glue: bool,
}

/// The normalised words of `text` (see the module docs), hashed.
pub(crate) fn normal_words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut it = tokenize(text).peekable();
    while let Some(t) = it.next() {
        if t.kind != TokenKind::Word {
            continue;
        }
        let rt_marker = (t.text.eq_ignore_ascii_case("rt") || t.text.eq_ignore_ascii_case("mt"))
            && it.peek().is_some_and(|n| n.kind == TokenKind::Mention);
        if rt_marker {
            continue;
        }
        normalize_into(t.text, &mut buf);
        let w = buf.as_str();
        let stock =
            lookup(w, |w| is_thanks(w) || is_reaction(w) || is_padding(w)) || is_laughter(w);
        let glue = is_glue(w) || is_stopword(w);
        let content = !stock && !glue && w.chars().nth(1).is_some();
        out.push(Word {
            hash: xxh3_64(w.as_bytes()),
            stock,
            content,
            glue,
        });
    }
    out
}

/// Hash of the shingle made of `words`.
pub(crate) fn shingle_hash(words: &[Word]) -> u64 {
    let mut bytes = [0u8; 8 * SHINGLE_WORDS];
    let n = words.len().min(SHINGLE_WORDS);
    for (chunk, w) in bytes.chunks_exact_mut(8).zip(&words[..n]) {
        chunk.copy_from_slice(&w.hash.to_le_bytes());
    }
    xxh3_64_with_seed(&bytes[..8 * n], n as u64)
}

/// The sorted, distinct shingle hashes of `text` (see the module docs): empty when the text has no
/// words (empty, emoji only, links only).
///
/// ```
/// use earshot_text::shingles;
/// assert_eq!(shingles("Great post! The bridge opens Monday"), shingles("@x the bridge OPENS monday https://t.co/a"));
/// assert!(shingles("😀🔥 https://t.co/x").is_empty());
/// ```
pub fn shingles(text: &str) -> Vec<u64> {
    let words = normal_words(text);
    let trim = |w: &Word| w.stock || w.glue;
    let start = words.iter().position(|w| !trim(w));
    let end = words.iter().rposition(|w| !trim(w));
    let core = match (start, end) {
        (Some(s), Some(e)) => &words[s..=e],
        _ => &words[..],
    };
    let mut out: Vec<u64> = if core.is_empty() {
        Vec::new()
    } else if core.len() < SHINGLE_WORDS {
        vec![shingle_hash(core)]
    } else {
        core.windows(SHINGLE_WORDS).map(shingle_hash).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// Seeds of the [`SIGNATURE_LEN`] hash functions, fixed so signatures are stable across runs and
/// machines (they may be stored). SplitMix64 of 0, 1, 2, …
const SEEDS: [u64; SIGNATURE_LEN] = {
    let mut s = [0u64; SIGNATURE_LEN];
    let mut i = 0;
    while i < SIGNATURE_LEN {
        let mut z = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        s[i] = z ^ (z >> 31);
        i += 1;
    }
    s
};

/// The `i`-th hash function applied to a shingle hash: the seed xor-ed in, then a MurmurHash3
/// finaliser round (two multiplies), top 32 bits. Cheaper than 64 xxh3 calls per shingle and well
/// mixed, so each function behaves as an independent random permutation for MinHash.
#[inline]
fn permute(h: u64, seed: u64) -> u32 {
    let mut x = h ^ seed;
    x = (x ^ (x >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x = (x ^ (x >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    (x >> 32) as u32
}

/// A MinHash signature: for each of [`SIGNATURE_LEN`] hash functions, the smallest hash over a post's
/// shingles. Two signatures agree at a position with probability equal to the Jaccard similarity of
/// the shingle sets.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Signature([u32; SIGNATURE_LEN]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({:08x}…)", self.0[0])
    }
}

impl Signature {
    /// The signature of a set of shingle hashes; `None` for an empty set (a post with no words has
    /// nothing to be a copy of).
    pub fn from_shingles(shingles: &[u64]) -> Option<Self> {
        if shingles.is_empty() {
            return None;
        }
        let mut sig = [u32::MAX; SIGNATURE_LEN];
        for &h in shingles {
            for (m, &seed) in sig.iter_mut().zip(&SEEDS) {
                *m = (*m).min(permute(h, seed));
            }
        }
        Some(Signature(sig))
    }

    /// The signature of `text`'s [`shingles`]; `None` when it has no words.
    ///
    /// ```
    /// use earshot_text::Signature;
    /// let a = Signature::of("The new bridge opens Monday, two lanes each way, tolls from May").unwrap();
    /// let b = Signature::of("Great post! the new bridge opens Monday, two lanes each way, tolls from May https://t.co/z").unwrap();
    /// assert!(a.jaccard(&b) > 0.8);
    /// assert!(Signature::of("🔥🔥").is_none());
    /// ```
    pub fn of(text: &str) -> Option<Self> {
        Self::from_shingles(&shingles(text))
    }

    /// The estimated Jaccard similarity: the share of positions where the signatures agree.
    pub fn jaccard(&self, other: &Signature) -> f32 {
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f32 / SIGNATURE_LEN as f32
    }

    /// The raw MinHash values.
    pub fn values(&self) -> &[u32; SIGNATURE_LEN] {
        &self.0
    }
}

/// How the index cuts signatures into bands: `bands × rows = SIGNATURE_LEN`. Two posts become
/// candidates when all rows of at least one band agree, which happens with probability
/// `1 − (1 − Jʳ)ᵇ` for Jaccard similarity `J`: an S-curve rising around [`LshParams::threshold`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LshParams {
    bands: usize,
}

impl Default for LshParams {
    /// 16 bands of 4 rows: the curve's midpoint is J ≈ 0.5. A pair at J = 0.8 is a candidate with
    /// probability 0.9998, at J = 0.6 with 0.88, at J = 0.3 with 0.12 and at J = 0.2 with 0.025, so
    /// copies with a compliment or a changed word are found and most same-topic pairs never reach
    /// the (cheap) Jaccard check.
    fn default() -> Self {
        LshParams { bands: 16 }
    }
}

impl LshParams {
    /// `bands` bands of `SIGNATURE_LEN / bands` rows. More bands find less similar pairs and cost
    /// more candidates.
    pub fn new(bands: usize) -> Result<Self, DupError> {
        if bands == 0 || !SIGNATURE_LEN.is_multiple_of(bands) {
            return Err(DupError::Bands(bands));
        }
        Ok(LshParams { bands })
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// Rows (signature positions) per band.
    pub fn rows(&self) -> usize {
        SIGNATURE_LEN / self.bands
    }

    /// The similarity at which the candidate curve is steepest, `(1/b)^(1/r)`.
    pub fn threshold(&self) -> f32 {
        (1.0 / self.bands as f32).powf(1.0 / self.rows() as f32)
    }
}

/// A pair of near-duplicate posts, by their indices in the [`NearDupIndex`] (`a < b`), with the
/// estimated Jaccard similarity of their shingle sets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DupPair {
    /// The earlier-inserted post.
    pub a: u32,
    /// The later-inserted post.
    pub b: u32,
    /// Estimated Jaccard similarity, a multiple of `1 / SIGNATURE_LEN`.
    pub jaccard: f32,
}

/// A batch index of post signatures that finds near-duplicate pairs with LSH banding.
///
/// Posts are numbered `0, 1, 2, …` in insertion order. Finding pairs sorts one `(band key, post)`
/// entry per band and post, so it runs in `O(n·b·log n)` time and `O(n·b)` memory with no hash
/// tables, and gives the same pairs in the same order on every run.
///
/// ```
/// use earshot_text::NearDupIndex;
/// let mut idx = NearDupIndex::default();
/// idx.insert("Win a free cruise to the Bahamas, just follow and retweet to enter").unwrap();
/// idx.insert("Rain all day tomorrow in Leeds, take an umbrella").unwrap();
/// idx.insert("Nice! Win a free cruise to the Bahamas just follow and retweet to enter https://t.co/q").unwrap();
/// let pairs = idx.near_duplicates(0.6).unwrap();
/// assert_eq!(pairs.len(), 1);
/// assert_eq!((pairs[0].a, pairs[0].b), (0, 2));
/// ```
#[derive(Clone, Debug, Default)]
pub struct NearDupIndex {
    params: LshParams,
    sigs: Vec<Option<Signature>>,
}

impl NearDupIndex {
    /// An empty index with the given banding.
    pub fn new(params: LshParams) -> Self {
        NearDupIndex {
            params,
            sigs: Vec::new(),
        }
    }

    /// Adds a post and returns its index. A post with no words is numbered but never paired.
    pub fn insert(&mut self, text: &str) -> Result<u32, DupError> {
        self.insert_signature(Signature::of(text))
    }

    /// Adds a precomputed signature (`None`: a post with no words) and returns its index.
    pub fn insert_signature(&mut self, sig: Option<Signature>) -> Result<u32, DupError> {
        let id = u32::try_from(self.sigs.len()).map_err(|_| DupError::TooManyPosts)?;
        if id == u32::MAX {
            return Err(DupError::TooManyPosts);
        }
        self.sigs.push(sig);
        Ok(id)
    }

    /// Number of posts inserted.
    pub fn len(&self) -> usize {
        self.sigs.len()
    }

    /// Whether no post was inserted.
    pub fn is_empty(&self) -> bool {
        self.sigs.is_empty()
    }

    /// The signature of post `id`, if it had words.
    pub fn signature(&self, id: u32) -> Option<&Signature> {
        self.sigs.get(id as usize)?.as_ref()
    }

    /// All pairs `(a, b)`, `a < b`, that share at least one band, sorted and distinct. Buckets
    /// larger than [`STAR_BUCKET_MIN`] contribute star pairs only (see there).
    pub fn candidate_pairs(&self) -> Vec<(u32, u32)> {
        let rows = self.params.rows();
        let mut keys: Vec<(u64, u32)> = Vec::with_capacity(self.sigs.len() * self.params.bands);
        let mut bytes = Vec::with_capacity(rows * 4);
        for (id, sig) in self.sigs.iter().enumerate() {
            let Some(sig) = sig else { continue };
            for (band, chunk) in sig.0.chunks_exact(rows).enumerate() {
                bytes.clear();
                for v in chunk {
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
                // `id` fits: `insert_signature` keeps the count below `u32::MAX`.
                keys.push((xxh3_64_with_seed(&bytes, band as u64), id as u32));
            }
        }
        keys.sort_unstable();
        let mut pairs: Vec<u64> = Vec::new();
        for run in keys.chunk_by(|x, y| x.0 == y.0) {
            if run.len() < 2 {
                continue;
            }
            if run.len() > STAR_BUCKET_MIN {
                let hub = u64::from(run[0].1);
                pairs.extend(run[1..].iter().map(|&(_, b)| hub << 32 | u64::from(b)));
                continue;
            }
            for (i, &(_, a)) in run.iter().enumerate() {
                for &(_, b) in &run[i + 1..] {
                    pairs.push(u64::from(a) << 32 | u64::from(b));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
            .into_iter()
            .map(|p| ((p >> 32) as u32, p as u32))
            .collect()
    }

    /// Candidate pairs whose estimated Jaccard similarity is at least `min_jaccard`.
    ///
    /// Pairs well below [`LshParams::threshold`] are rarely candidates, so a `min_jaccard` far
    /// below it finds only some of them: lower the threshold by using more bands.
    pub fn near_duplicates(&self, min_jaccard: f32) -> Result<Vec<DupPair>, DupError> {
        if !(0.0..=1.0).contains(&min_jaccard) {
            return Err(DupError::Threshold(min_jaccard));
        }
        Ok(self
            .candidate_pairs()
            .into_iter()
            .filter_map(|(a, b)| {
                let j = self.signature(a)?.jaccard(self.signature(b)?);
                (j >= min_jaccard).then_some(DupPair { a, b, jaccard: j })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str = "The council approved the new cycle lane on Mill Road, work starts in \
                            March and the road stays open to buses";

    fn jaccard(a: &str, b: &str) -> f32 {
        Signature::of(a)
            .unwrap()
            .jaccard(&Signature::of(b).unwrap())
    }

    #[test]
    fn normalisation_ignores_entities_case_and_punctuation() {
        assert_eq!(
            shingles(ORIGINAL),
            shingles(&format!(
                "@bob {} #news https://t.co/x 👍",
                ORIGINAL.to_uppercase()
            ))
        );
        assert_eq!(
            shingles("RT @x: it's late, again!!"),
            shingles("It’s late again")
        );
    }

    #[test]
    fn compliment_padded_copies_are_near_duplicates() {
        for copy in [
            format!("Great post! {ORIGINAL}"),
            format!("Love this!! {ORIGINAL} https://t.co/spam"),
            format!("{ORIGINAL} — so true, well said 👏"),
            format!("nice thread, check it out here: {ORIGINAL}"),
        ] {
            let j = jaccard(ORIGINAL, &copy);
            assert!(j >= 0.7, "{j} for {copy:?}");
        }
        // One edited word in 20 changes 3 of 18 shingles: exact Jaccard 15/21 ≈ 0.71, estimated
        // within noise, and well above the index's 0.5 midpoint.
        let j = jaccard(ORIGINAL, &ORIGINAL.replace("March", "April"));
        assert!(j >= 0.5, "{j}");
    }

    #[test]
    fn unrelated_posts_are_not_similar() {
        let j = jaccard(
            ORIGINAL,
            "Rain all day tomorrow in Leeds, take an umbrella and a coat",
        );
        assert!(j < 0.1, "{j}");
        // Same topic, different words.
        let j = jaccard(
            ORIGINAL,
            "Mill Road cycle lane: terrible idea, the council never listens to residents",
        );
        assert!(j < 0.3, "{j}");
    }

    #[test]
    fn index_finds_copies_and_not_unrelated_posts() {
        let mut idx = NearDupIndex::default();
        let texts = [
            ORIGINAL.to_string(),
            "Rain all day tomorrow in Leeds, take an umbrella and a coat".into(),
            format!("Great post! {ORIGINAL}"),
            "Anyone know a good plumber in Hackney? Boiler died this morning".into(),
            format!("@mayor {ORIGINAL} https://t.co/abc"),
            "The council meets on Tuesday to discuss the budget for next year".into(),
            String::new(),
            "🔥🔥🔥".into(),
        ];
        for t in &texts {
            idx.insert(t).unwrap();
        }
        let pairs = idx.near_duplicates(0.7).unwrap();
        let got: Vec<_> = pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(got, [(0, 2), (0, 4), (2, 4)]);
        // Unrelated posts are not even candidates.
        for (a, b) in idx.candidate_pairs() {
            assert!([0, 2, 4].contains(&a) && [0, 2, 4].contains(&b), "{a} {b}");
        }
        assert!(idx.signature(6).is_none() && idx.signature(7).is_none());
    }

    #[test]
    fn big_buckets_become_stars() {
        let mut idx = NearDupIndex::default();
        let n = STAR_BUCKET_MIN as u32 * 3;
        for _ in 0..n {
            idx.insert("follow me and win a prize today").unwrap();
        }
        let pairs = idx.candidate_pairs();
        assert_eq!(pairs.len(), n as usize - 1);
        assert!(pairs.iter().all(|&(a, _)| a == 0));
    }

    #[test]
    fn empty_and_odd_input_do_not_panic() {
        let long = "word ".repeat(10_000);
        for s in [
            "",
            " ",
            "🔥",
            "😀😀 :) <3",
            "@a #b https://t.co/x",
            "a",
            "\u{FFFD}\u{0000}\u{202E}abc",
            "\u{0301}",
            long.as_str(),
        ] {
            let _ = shingles(s);
            let _ = Signature::of(s);
        }
        assert!(Signature::of("").is_none());
        assert!(Signature::of("😀😀 :) <3").is_none());
        assert!(Signature::of("a").is_some());
        let mut idx = NearDupIndex::default();
        idx.insert("").unwrap();
        idx.insert("🔥").unwrap();
        assert!(idx.near_duplicates(0.5).unwrap().is_empty());
    }

    #[test]
    fn parameters_are_checked() {
        assert_eq!(LshParams::new(0), Err(DupError::Bands(0)));
        assert_eq!(LshParams::new(3), Err(DupError::Bands(3)));
        let p = LshParams::new(32).unwrap();
        assert_eq!(p.rows(), 2);
        assert!((LshParams::default().threshold() - 0.5).abs() < 0.01);
        let idx = NearDupIndex::default();
        assert!(idx.near_duplicates(f32::NAN).is_err());
        assert!(idx.near_duplicates(1.5).is_err());
    }

    #[test]
    fn jaccard_estimate_is_close() {
        // 40 words, the copy changes 4 of them evenly spread: 38 - 4*3 + ... shingles differ.
        let words: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let a = words.join(" ");
        let mut b_words = words.clone();
        for i in [5, 15, 25, 35] {
            b_words[i] = format!("x{i}");
        }
        let b = b_words.join(" ");
        let (sa, sb) = (shingles(&a), shingles(&b));
        let inter = sa.iter().filter(|h| sb.binary_search(h).is_ok()).count();
        let exact = inter as f32 / (sa.len() + sb.len() - inter) as f32;
        let est = jaccard(&a, &b);
        assert!((est - exact).abs() < 0.2, "est {est} exact {exact}");
    }
}
